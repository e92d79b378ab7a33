import json
import operator as py_operator
import re
from collections import Counter, defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.modules.db import FunctionStatus
from odoo.osv import expression
from odoo.tools import SQL, create_index, html2plaintext, make_index_name
from odoo.tools.sql import column_exists, create_column

from ..tools import vn_address
from ..tools.cron_batch import run_batch
from ..tools.groups import CRM_MANAGER, CRM_USER, INVOICING_READ, PARTNER_MANAGER
from ..tools.guard import is_system_write, system_env
from ..tools.personal_data import export_values
from ..tools.reader_lang import for_reader

# Customer profile and tier. Our assessment of a customer is internal: CRM users only (never portal users).
TIERS = [("a", "A"), ("b", "B"), ("c", "C")]
PROSPECT_QUALITIES = [("good", "Good"), ("normal", "Normal"), ("poor", "Poor")]
TIER_BATCH_SIZE = 5000  # 2 to 20 s a call on a busy 2-core machine: well inside limit_time_real_cron
RECENT_INTERACTION_DAYS = 90
RETIER_REQUEST_PARAM = "stp_crm.retier_requested"  # set when thresholds change, cleared by the cron

# Receivables are accounting figures: invoicing or accounting read rights (INVOICING_READ).
DUNNING_BATCH_SIZE = 500
DUNNING_DEADLINE_DAYS = 7  # the salesperson's time to collect before the plan is overdue
# field name -> SQL of its amount per open receivable line ("days" = days past due)
RECEIVABLE_BUCKETS = {
    "stp_receivable_due": SQL("aml.amount_residual"),
    "stp_receivable_overdue": SQL("CASE WHEN days > 0 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_current": SQL("CASE WHEN days <= 0 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_1_30": SQL("CASE WHEN days BETWEEN 1 AND 30 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_31_60": SQL("CASE WHEN days BETWEEN 31 AND 60 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_61_90": SQL("CASE WHEN days BETWEEN 61 AND 90 THEN aml.amount_residual ELSE 0 END"),
    "stp_aging_over_90": SQL("CASE WHEN days > 90 THEN aml.amount_residual ELSE 0 END"),
}
SEARCH_OPERATORS = {
    "=": py_operator.eq,
    "!=": py_operator.ne,
    "<": py_operator.lt,
    "<=": py_operator.le,
    ">": py_operator.gt,
    ">=": py_operator.ge,
}

# Lifetime figures come from invoices: invoicing readers only (INVOICING_READ), as the 12-month revenue.
LTV_BATCH_SIZE = 1000
LTV_HORIZON_YEARS = 3
DAYS_PER_YEAR = 365.25
# The figures of each company, from its own invoices in its own currency (company_dependent):
# (field name, SQL type of its value).
LTV_FIELDS = (
    ("stp_first_purchase_date", "date"),
    ("stp_last_purchase_date", "date"),
    ("stp_order_count", "integer"),
    ("stp_lifetime_revenue", "float"),
    ("stp_lifetime_margin", "float"),
    ("stp_average_order_value", "float"),
    ("stp_purchase_frequency", "float"),
    ("stp_ltv", "float"),
)

# Vietnam's 2025 map
ADDRESS_2025_BATCH_SIZE = 2000
ADDRESS_TEXT_FIELDS = ("street", "street2", "city")
# Values proper to each partner, written apart from the ones many partners share.
OWN_FIELDS = ("street", "street2", "stp_address_before_2025")
# Who edits contacts, and the CRM's users, see how an address was moved (not the portal).
ADDRESS_MOVERS = f"{PARTNER_MANAGER},{CRM_USER}"
# Today's province: for them, and for the receivables list's readers.
CURRENT_STATE_READERS = f"{ADDRESS_MOVERS},{INVOICING_READ}"


def _receivable_field(name, string, help_text):
    return fields.Monetary(
        string=string,
        compute="_compute_stp_receivables",
        search=lambda partners, operator, value: partners._stp_receivable_domain(name, operator, value),
        currency_field="stp_company_currency_id",
        groups=INVOICING_READ,
        help=help_text,
    )


# The fields a partner is found by, in a many2one (``_rec_names_search``) and in the
# partner list's search (its "name" field): a trigram index each, so that a search on
# part of them (``ilike '%...%'``) reads the index instead of the whole table.
TRIGRAM_FIELDS = ("complete_name", "email", "ref", "vat", "company_registry")
# The most a trigram index's pending list (new rows not yet merged, read whole by every
# search) may hold, in kB: PostgreSQL's 4 MB default made a many2one search 3 to 7 times
# slower after 5,000 new partners at 500,000 (docs/scaling.md); 256 kB costs about 5% on inserts.
TRIGRAM_PENDING_LIST_KB = 256
# What a phone number typed in a search may look like: digits and separators, with
# at least PHONE_MIN_DIGITS digits (fewer is a part of a name, a reference, a tax code).
PHONE_LIKE = re.compile(r"^[+\d\s().\-/]+$")
PHONE_MIN_DIGITS = 8


class ResPartner(models.Model):
    """STP CRM on the contacts. One section per feature, each with its fields first, then
    its computes, actions and jobs; one ``create`` and one ``write`` (first below) call the
    hooks of the features that react to them. A new feature adds its section at the end."""

    _name = "res.partner"
    _inherit = ["res.partner", "stp.crm.input.mixin", "stp.crm.interaction.source", "stp.crm.guarded.mixin"]

    # ------------------------------------------------------------------
    # CRUD: each feature's hooks
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._stp_tier_check_create(vals_list)
        partners = super().create(vals_list)
        partners._stp_tier_after_create()
        return partners

    def write(self, vals):
        self._stp_tier_check_write(vals)
        result = super().write(vals)
        self._stp_tier_after_write(vals)
        self._stp_address_2025_after_write(vals)
        return result

    # ------------------------------------------------------------------
    # Customer profile
    # ------------------------------------------------------------------
    stp_classification = fields.Selection(
        [
            ("prospect", "Prospect"),
            ("customer", "Customer"),
            ("supplier", "Supplier"),
            ("partner", "Partner"),
            ("competitor", "Competitor"),
            ("distributor", "Distributor"),
        ],
        string="Classification",
        index=True,
        tracking=True,
        help="The primary relationship with this contact.",
        groups=CRM_USER,
    )
    stp_potential = fields.Selection(
        [("high", "High"), ("medium", "Medium"), ("low", "Low")],
        string="Potential",
        index=True,
        tracking=True,
        groups=CRM_USER,
    )
    stp_prospect_quality = fields.Selection(
        PROSPECT_QUALITIES,
        string="Prospect Quality",
        tracking=True,
        groups=CRM_USER,
    )
    stp_source_id = fields.Many2one(
        "utm.source", string="Prospect Source", index="btree_not_null", ondelete="set null", groups=CRM_USER
    )
    # Occasions for care campaigns and the age bands of the analysis: a person's birthday,
    # a company's founding day.
    stp_birthday = fields.Date(string="Birthday", tracking=True, groups=CRM_USER)
    stp_founding_date = fields.Date(string="Founding Date", tracking=True, groups=CRM_USER)
    stp_business_status = fields.Text(
        string="Business Status", help="How the customer's business is doing.", groups=CRM_USER
    )
    stp_development_trend = fields.Selection(
        [("growing", "Growing"), ("stable", "Stable"), ("declining", "Declining")],
        string="Development Trend",
        groups=CRM_USER,
    )
    stp_market_position = fields.Text(string="Market Position", groups=CRM_USER)

    # ------------------------------------------------------------------
    # Tier: A/B/C from the last 12 months' invoices; contacts follow their company
    # ------------------------------------------------------------------
    stp_tier = fields.Selection(
        TIERS,
        string="Tier",
        company_dependent=True,
        tracking=True,
        help="A/B/C tier from the posted customer invoices minus refunds of the last 12 months "
        "(untaxed, company currency), against the company's thresholds. Contacts take the tier "
        "of their company. Recomputed when invoices are posted and every night.",
        groups=CRM_USER,
    )
    stp_tier_locked = fields.Boolean(
        string="Tier Locked",
        tracking=True,
        help="Keep the tier set by hand: automatic recomputation leaves it alone.",
        groups=CRM_USER,
    )
    stp_tier_date = fields.Date(
        string="Tier Computed On", readonly=True, copy=False, index="btree_not_null", groups=CRM_USER
    )
    stp_tier_revenue = fields.Monetary(
        string="Revenue (12 Months)",
        compute="_compute_stp_tier_revenue",
        currency_field="stp_company_currency_id",
        help="Posted customer invoices minus refunds of the last 12 months, untaxed, in company currency.",
        groups=INVOICING_READ,
    )
    # The currency of the tier revenue and of the receivable figures.
    stp_company_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_stp_company_currency_id",
        string="Company Currency",
        groups=f"{CRM_USER},{INVOICING_READ}",
    )

    @api.depends_context("company")
    def _compute_stp_company_currency_id(self):
        self.stp_company_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    def _compute_stp_tier_revenue(self):
        commercial = self.commercial_partner_id
        revenue = commercial._stp_revenue_by_partner(self.env.company)
        for partner in self:
            partner.stp_tier_revenue = revenue.get(partner.commercial_partner_id.id, 0.0)

    def _stp_revenue_by_partner(self, company):
        """Untaxed invoiced revenue minus refunds over the last 12 months, per
        commercial partner id of ``self``, in ``company``'s currency: one query."""
        if not self.ids:
            return {}
        today = fields.Date.context_today(self)
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">", today - relativedelta(months=12)),
                    ("invoice_date", "<=", today),
                    ("commercial_partner_id", "in", self.ids),
                ],
                ["commercial_partner_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        return {partner.id: amount for partner, amount in groups}

    @api.model
    def _stp_tier_rule(self, company):
        """The tier of a revenue in ``company``: ``currency.compare_amounts(revenue,
        threshold) >= 0`` per threshold, rounding only near a threshold (a re-tier
        applies it to thousands of revenues at a time)."""
        currency = company.currency_id
        thresholds = (("a", company.stp_tier_a_threshold), ("b", company.stp_tier_b_threshold))

        def tier_for(revenue):
            for tier, threshold in thresholds:
                delta = revenue - threshold
                if delta >= 0 or (delta > -currency.rounding and currency.is_zero(delta)):
                    return tier
            return "c"

        return tier_for

    def _stp_update_tiers(self, companies=None, assessed_on=None):
        """Recompute the tier of the commercial partners of ``self`` and of all
        their contacts, in every company (or in ``companies``). The number of
        queries does not depend on the number of partners, only on what changes.

        ``assessed_on`` (the re-tier cron): the tier date to set on the partners of
        ``self``, written in the same UPDATE as their new tier (their contacts whose tier
        changes get it too). Otherwise only the commercial partners never assessed before
        get today's date.

        A customer's first tier (it was never assessed: no ``stp_tier_date``) is its
        initial value, set without a chatter note, as Odoo does not track the initial
        values of a new record; every later change is tracked."""
        partners = self.sudo().with_context(active_test=False)
        partners.fetch(["commercial_partner_id"])
        commercial = partners.commercial_partner_id
        if not commercial:
            return
        # Only the fields read below: a plain read would fetch every column of res.partner.
        family = partners.search_fetch(
            [("commercial_partner_id", "in", commercial.ids)],
            ["commercial_partner_id", "stp_tier_locked", "stp_tier_date"],
        )
        first_head_ids = {head.id for head in commercial if not head.stp_tier_date}
        dated = partners if assessed_on else commercial.browse(first_head_ids)
        date = assessed_on or fields.Date.context_today(self)
        dated_ids, written_ids = set(dated.ids), set()
        for company in companies or self.env["res.company"]._stp_all_companies():
            revenue = commercial._stp_revenue_by_partner(company)
            tier_for = self._stp_tier_rule(company)
            family_in_company = family.with_company(company)
            family_in_company.fetch(["stp_tier"])
            changes = defaultdict(list)
            for partner in family_in_company:
                if partner.stp_tier_locked:
                    continue
                head = partner.commercial_partner_id
                tier = head.stp_tier if head.stp_tier_locked else tier_for(revenue.get(head.id, 0.0))
                if partner.stp_tier != tier:
                    # A company and its contacts in one write: base's write syncs them together.
                    changes[tier, head.id in first_head_ids, head.id in dated_ids].append(partner.id)
            for (tier, first, dates), partner_ids in changes.items():
                changed = family_in_company.browse(partner_ids)
                (changed.with_context(mail_notrack=True) if first else changed)._stp_write_tier(
                    tier, date if dates else None
                )
                if dates:
                    written_ids.update(partner_ids)
        (dated - dated.browse(written_ids))._stp_set_tier_date(date)

    def _stp_write_tier(self, tier, date=None):
        """Set the computed ``tier`` (one company, one write; with the tier ``date`` in
        the same UPDATE if given) and log the change in the chatter as field tracking
        would, but in one batch: tracking record by record costs about ten queries a
        partner, too slow when 100,000 customers change."""
        tracked = not (self.env.context.get("tracking_disable") or self.env.context.get("mail_notrack"))
        old_tiers = {partner.id: partner.stp_tier for partner in self} if tracked else {}
        vals = {"stp_tier": tier, "stp_tier_date": date} if date else {"stp_tier": tier}
        # the recompute's private path: an RPC call cannot pass itself off as it to set a tier by hand
        system_env(self.with_context(mail_notrack=True)).write(vals)
        if tracked:
            self._stp_log_tier_changes(old_tiers, tier)

    def _stp_log_tier_changes(self, old_tiers, new_tier):
        """One tracking note per partner, created in two batched creates: mail.message
        would otherwise look up each note's reply-to and create its tracking value one
        message at a time (the bulk of a first re-tier of many customers)."""
        field_info = self.fields_get(["stp_tier"], attributes=("string", "type", "selection"))["stp_tier"]
        trackings = self.env["mail.tracking.value"].sudo()
        author = self.env.user.partner_id
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        reply_to = self.sudo()._notify_get_reply_to(default=author.email_formatted)
        messages = (
            self.env["mail.message"]
            .sudo()
            .create(
                [
                    {
                        "model": self._name,
                        "res_id": partner.id,
                        "message_type": "notification",
                        "subtype_id": note,
                        "is_internal": True,
                        "author_id": author.id,
                        "email_from": author.email_formatted,
                        "reply_to": reply_to[partner.id],
                        "body": "",
                    }
                    for partner in self
                ]
            )
        )
        trackings.create(
            [
                {
                    **trackings._create_tracking_values(
                        old_tiers[partner.id], new_tier, "stp_tier", field_info, partner
                    ),
                    "mail_message_id": message.id,
                }
                for partner, message in zip(self, messages, strict=True)
            ]
        )

    @api.model
    def _cron_stp_retier(self, batch_size=TIER_BATCH_SIZE):
        """Daily, and soon after thresholds change: re-tier one batch of the commercial
        partners not yet done today; ir.cron calls again while some remain."""
        today = fields.Date.context_today(self)
        self._stp_mark_requested_retier()
        steps = [(self._stp_tier_pending_domain(today), lambda partners: partners._stp_retier_batch(today))]
        return run_batch(self, steps, batch_size, "_cron_stp_retier")

    def _stp_retier_batch(self, today):
        self._stp_update_tiers(assessed_on=today)

    def _stp_set_tier_date(self, date):
        """The cron's bookkeeping column, written in SQL: res.partner.write loops over
        the records (users, contacts) and would make each batch cost per partner."""
        if not self:
            return
        self.flush_recordset(["stp_tier_date"])
        self.env.cr.execute(SQL("UPDATE res_partner SET stp_tier_date = %s WHERE id IN %s", date, tuple(self.ids)))
        self.invalidate_recordset(["stp_tier_date"])

    @api.model
    def _stp_request_retier(self):
        """After a threshold change: ask the re-tier cron to run now and to take every
        customer again. Only a flag and a trigger here, so that saving the thresholds
        returns at once; marking 100,000 customers takes seconds, in the cron."""
        self.env["ir.config_parameter"].sudo().set_param(RETIER_REQUEST_PARAM, fields.Datetime.now())
        self.env.ref("stp_crm.ir_cron_stp_retier_partners")._trigger()

    @api.model
    def _stp_mark_requested_retier(self):
        """If a re-tier was requested, make every commercial partner whose tier follows
        the thresholds (not locked) due again, in one UPDATE: those computed today are
        dated yesterday (not emptied: an empty date means never assessed)."""
        params = self.env["ir.config_parameter"].sudo()
        if not params.get_param(RETIER_REQUEST_PARAM):
            return
        params.set_param(RETIER_REQUEST_PARAM, False)
        self.flush_model(["stp_tier_date", "stp_tier_locked", "is_company", "parent_id"])
        today = fields.Date.context_today(self)
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner SET stp_tier_date = %s
                    WHERE stp_tier_date >= %s AND stp_tier_locked IS NOT TRUE
                      AND (is_company OR parent_id IS NULL)""",
                today - timedelta(days=1),
                today,
            )
        )
        self.invalidate_model(["stp_tier_date"])

    @api.model
    def _stp_commercial_domain(self):
        """Partners that are their own commercial partner (companies and loose persons);
        callers search with active_test=False so archived ones are re-tiered too."""
        return ["|", ("is_company", "=", True), ("parent_id", "=", False)]

    @api.model
    def _stp_tier_pending_domain(self, today):
        return self._stp_commercial_domain() + ["|", ("stp_tier_date", "=", False), ("stp_tier_date", "<", today)]

    # create/write hooks: a tier set or locked by hand is a manager's; contacts follow their company.
    def _stp_tier_check_create(self, vals_list):
        if any(vals.get("stp_tier_locked") for vals in vals_list):
            self._stp_check_can_set_tier()

    def _stp_tier_after_create(self):
        contacts = self.filtered("parent_id")
        if contacts:
            contacts._stp_update_tiers()

    def _stp_tier_check_write(self, vals):
        if {"stp_tier", "stp_tier_locked"} & vals.keys() and not is_system_write(self.env):
            self._stp_check_can_set_tier()

    def _stp_tier_after_write(self, vals):
        if "parent_id" in vals or ("stp_tier_locked" in vals and not vals["stp_tier_locked"]):
            self._stp_update_tiers()
        elif "stp_tier" in vals and not is_system_write(self.env):
            # A tier locked by hand on a company reaches its contacts.
            locked_heads = self.filtered(lambda p: p.stp_tier_locked and p.child_ids)
            locked_heads._stp_update_tiers(companies=self.env.company)

    @api.model
    def _stp_check_can_set_tier(self):
        """A tier set or locked by hand overrides the computed one: managers only,
        whatever the client (the form hides it, RPC must be refused too)."""
        if not self.env.su and not self.env.user.has_group(CRM_MANAGER):
            raise AccessError(self.env._("Only STP CRM managers can set or lock a customer's tier by hand."))

    # ------------------------------------------------------------------
    # Installed products
    # ------------------------------------------------------------------
    stp_installed_product_ids = fields.One2many(
        "stp.crm.installed.product",
        "partner_id",
        string="Installed Products",
        groups=CRM_USER,
    )
    stp_installed_product_count = fields.Integer(
        compute="_compute_stp_installed_product_count",
        string="Installed Product Count",
        groups=CRM_USER,
    )

    def _compute_stp_installed_product_count(self):
        # What the button opens: the installed base of the whole company (commercial partner).
        counts = Counter()
        for owner, count in self.env["stp.crm.installed.product"]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        ):
            counts[owner.commercial_partner_id] += count
        for partner in self:
            partner.stp_installed_product_count = counts[partner.commercial_partner_id]

    @api.readonly  # only reads: the web client's call runs on a read replica when there is one
    def action_stp_open_installed_products(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_installed_product_action")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------------
    # Contracts
    # ------------------------------------------------------------------
    stp_contract_count = fields.Integer(compute="_compute_stp_contract_count", string="Contract Count", groups=CRM_USER)

    def _compute_stp_contract_count(self):
        """Contracts of the commercial partner and all its contacts, in one grouped query."""
        counts = dict(
            self.env["stp.crm.contract"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.stp_contract_count = counts.get(partner.commercial_partner_id, 0)

    @api.readonly
    def action_stp_open_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_contract_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Service tickets
    # ------------------------------------------------------------------
    stp_ticket_count = fields.Integer(compute="_compute_stp_ticket_counts", string="Tickets", groups=CRM_USER)
    stp_open_ticket_count = fields.Integer(compute="_compute_stp_ticket_counts", string="Open Tickets", groups=CRM_USER)

    def _compute_stp_ticket_counts(self):
        """Tickets of the partner's company (all its contacts), open and total: one query."""
        groups = self.env["stp.crm.ticket"]._read_group(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
            ["commercial_partner_id", "is_closed"],
            ["__count"],
        )
        totals, open_counts = {}, {}
        for commercial, is_closed, count in groups:
            totals[commercial.id] = totals.get(commercial.id, 0) + count
            if not is_closed:
                open_counts[commercial.id] = count
        for partner in self:
            partner.stp_ticket_count = totals.get(partner.commercial_partner_id.id, 0)
            partner.stp_open_ticket_count = open_counts.get(partner.commercial_partner_id.id, 0)

    @api.readonly
    def action_stp_open_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_ticket_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id, "search_default_filter_open": 1}
        return action

    # ------------------------------------------------------------------
    # Interactions and timeline
    # ------------------------------------------------------------------
    stp_last_interaction_date = fields.Datetime(
        string="Last Interaction",
        compute="_compute_stp_interaction_stats",
        groups=CRM_USER,
    )
    stp_interaction_count_90d = fields.Integer(
        string="Interactions (90 Days)",
        compute="_compute_stp_interaction_stats",
        groups=CRM_USER,
    )

    def _compute_stp_interaction_stats(self):
        commercial_ids = [partner.commercial_partner_id.id for partner in self]
        stats = self.browse(commercial_ids)._stp_interaction_stats()
        rows = [stats.get(commercial_id, (False, 0)) for commercial_id in commercial_ids]
        # Straight into the cache, as Field.write does for the records being computed: the
        # partner list computes both for each of its rows, and assigning them one record
        # at a time was half of what the two columns cost the page (docs/scaling.md).
        cache = self.env.cache
        cache.update(self, self._fields["stp_last_interaction_date"], [row[0] for row in rows])
        cache.update(self, self._fields["stp_interaction_count_90d"], [row[1] for row in rows])

    def _stp_interaction_stats(self):
        """{partner id: (last interaction date, interactions of the last 90 days)} for
        the commercial partners ``self``, in one grouped query (record rules apply)."""
        if not self.ids:
            return {}
        interactions = self.env["stp.crm.interaction"]
        interactions.flush_model(["partner_id", "date"])
        query = interactions._search([("partner_id", "in", self.ids)])
        since = fields.Datetime.now() - timedelta(days=RECENT_INTERACTION_DAYS)
        table = query.table
        query.groupby = SQL.identifier(table, "partner_id")
        self.env.cr.execute(
            query.select(
                SQL.identifier(table, "partner_id"),
                SQL("MAX(%s)", SQL.identifier(table, "date")),
                SQL("COUNT(*) FILTER (WHERE %s >= %s)", SQL.identifier(table, "date"), since),
            )
        )
        return {partner_id: (last_date, count) for partner_id, last_date, count in self.env.cr.fetchall()}

    def _stp_interaction_values(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        if customer.user_ids.filtered(lambda user: not user.share):
            return {}  # a colleague, not a customer
        return {
            "partner_id": customer.id,
            "contact_id": self.id if self != customer else False,
            "user_id": (self.user_id or customer.user_id).id,
            "company_id": (self.company_id or self.env.company).id,
        }

    @api.readonly
    def action_stp_open_timeline(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_timeline_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["display_name"] = self.env._("Timeline of %(partner)s", partner=self.commercial_partner_id.display_name)
        action["context"] = {"stp_timeline_of_partner": True}  # one customer: no customer column
        return action

    # ------------------------------------------------------------------
    # Receivables and aging
    # ------------------------------------------------------------------
    stp_receivable_due = _receivable_field(
        "stp_receivable_due", "Receivable", "Open customer receivables (posted, not yet paid), in company currency."
    )
    stp_receivable_overdue = _receivable_field(
        "stp_receivable_overdue", "Overdue", "Open receivables past their due date, in company currency."
    )
    stp_aging_current = _receivable_field(
        "stp_aging_current", "Not Yet Due", "Open receivables whose due date is today or later."
    )
    stp_aging_1_30 = _receivable_field("stp_aging_1_30", "1-30 Days", "Open receivables 1 to 30 days past due.")
    stp_aging_31_60 = _receivable_field("stp_aging_31_60", "31-60 Days", "Open receivables 31 to 60 days past due.")
    stp_aging_61_90 = _receivable_field("stp_aging_61_90", "61-90 Days", "Open receivables 61 to 90 days past due.")
    stp_aging_over_90 = _receivable_field(
        "stp_aging_over_90", "Over 90 Days", "Open receivables more than 90 days past due."
    )

    @api.model
    def _stp_receivable_query(self, company, today, partner_ids=None):
        """One row per commercial partner with open receivables in ``company`` (among
        ``partner_ids`` if given): ``partner_id`` and one column per name of
        RECEIVABLE_BUCKETS (company currency)."""
        self.env["account.move.line"].flush_model(
            ["account_id", "amount_residual", "company_id", "parent_state", "partner_id", "reconciled", "date_maturity"]
        )
        self.env["account.account"].flush_model(["account_type"])
        self.flush_model(["commercial_partner_id"])
        columns = SQL(", ").join(
            SQL("SUM(%s) AS %s", amount, SQL.identifier(name)) for name, amount in RECEIVABLE_BUCKETS.items()
        )
        return SQL(
            """SELECT p.commercial_partner_id AS partner_id, %(columns)s
                 FROM (SELECT aml.*, %(today)s::date - COALESCE(aml.date_maturity, aml.date) AS days
                         FROM account_move_line aml
                        WHERE aml.company_id = %(company)s AND aml.parent_state = 'posted'
                          AND aml.reconciled IS NOT TRUE AND aml.amount_residual != 0) aml
                 JOIN account_account a ON a.id = aml.account_id AND a.account_type = 'asset_receivable'
                 JOIN res_partner p ON p.id = aml.partner_id
                WHERE %(partners)s
             GROUP BY p.commercial_partner_id""",
            columns=columns,
            today=today,
            company=company.id,
            partners=SQL("p.commercial_partner_id IN %s", tuple(partner_ids) or (0,))
            if partner_ids is not None
            else SQL("TRUE"),
        )

    @api.depends_context("company")
    def _compute_stp_receivables(self):
        """All figures of all of ``self`` (a page of partners) in one grouped query."""
        today = fields.Date.context_today(self)
        self.env.cr.execute(self._stp_receivable_query(self.env.company, today, self.commercial_partner_id.ids))
        rows = {row["partner_id"]: row for row in self.env.cr.dictfetchall()}
        for partner in self:
            row = rows.get(partner.commercial_partner_id.id, {})
            for name in RECEIVABLE_BUCKETS:
                partner[name] = row.get(name) or 0.0

    @api.model
    def _stp_receivable_domain(self, name, operator, value):
        """Partners (and their contacts) whose figure ``name`` compares to ``value``."""
        if not self.env.su and not self.env.user.has_groups(INVOICING_READ):
            # A search is a read: who owes what stays with accounting readers.
            raise AccessError(self.env._("Only users with invoicing or accounting read rights may search receivables."))
        compare = SEARCH_OPERATORS.get(operator)
        if compare is None or not isinstance(value, int | float) or isinstance(value, bool):
            raise UserError(self.env._("Receivable amounts can only be compared with a number (=, !=, <, <=, >, >=)."))
        query = self._stp_receivable_query(self.env.company, fields.Date.context_today(self))
        matching = SQL(
            "(SELECT r.partner_id FROM (%s) r WHERE %s)",
            query,
            SQL("ROUND(r.%s, 6) %s %s", SQL.identifier(name), SQL(operator), value),
        )
        if not compare(0, value):
            return [("commercial_partner_id", "in", matching)]
        # Partners without open receivables have 0 too.
        with_lines = SQL("(SELECT r.partner_id FROM (%s) r)", query)
        return ["|", ("commercial_partner_id", "not in", with_lines), ("commercial_partner_id", "in", matching)]

    @api.readonly
    def action_stp_open_receivables(self):
        """The customer's open receivable journal items (current company)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_account_moves_all_a")
        action["domain"] = [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {"create": 0}
        return action

    # ------------------------------------------------------------------
    # Dunning: a work plan for the salesperson, once per overdue episode
    # ------------------------------------------------------------------
    @api.model
    def _stp_overdue_partners_query(self, company):
        """SQL of the commercial partners with something overdue in ``company`` today."""
        return SQL(
            "(SELECT r.partner_id FROM (%s) r WHERE ROUND(r.stp_receivable_overdue, 6) > 0)",
            self._stp_receivable_query(company, fields.Date.context_today(self)),
        )

    @api.model
    def _stp_dunning_pending_domain(self, company):
        """Commercial partners with something overdue in ``company`` and no open
        dunning episode there (no dunning plan of a running episode)."""
        overdue = self._stp_overdue_partners_query(company)
        self.env["stp.crm.work.plan"].flush_model(["partner_id", "company_id", "stp_dunning_open"])
        episodes = SQL(
            "(SELECT partner_id FROM stp_crm_work_plan WHERE stp_dunning_open AND company_id = %s)", company.id
        )
        return [("id", "in", overdue), ("id", "not in", episodes)]

    def _stp_start_dunning(self, company):
        """Open an overdue episode for each partner of ``self`` in ``company``: a work plan
        'collect the overdue receivables' for its salesperson (else the company's CRM
        manager for collections), due in a few days. Its text names no amount: who owes
        what stays in the receivable fields, for invoicing readers."""
        deadline = fields.Datetime.now() + timedelta(days=DUNNING_DEADLINE_DAYS)
        collector = company._stp_collections_user()
        self.env["stp.crm.work.plan"].sudo().with_company(company).create(
            [
                {
                    **partner._stp_dunning_texts(company),
                    "partner_id": partner.id,
                    "user_id": (partner.user_id if company in partner.user_id.company_ids else collector).id,
                    "company_id": company.id,
                    "is_urgent": True,
                    "is_important": True,
                    "date_deadline": deadline,
                    "stp_dunning_open": True,
                }
                for partner in self.with_company(company)
            ]
        )

    def _stp_dunning_texts(self, company):
        """Name and description of the partner's dunning plan, in the partner's language
        (else the company's): the cron has no reader to take it from."""
        self.ensure_one()
        env = for_reader(self, self, company).env
        return {
            "name": env._("Collect overdue receivables: %(customer)s", customer=self.name),
            "description": env._(
                "Some invoices of this customer are past due: see the Receivables tab of the customer "
                "and agree on a payment date."
            ),
        }

    @api.model
    def _stp_close_dunning_episodes(self):
        """An episode ends when nothing of the customer is overdue any more in its company:
        one UPDATE of the open episodes' plans per company."""
        plans = self.env["stp.crm.work.plan"]
        plans.flush_model(["stp_dunning_open"])
        for company in self.env["res.company"]._stp_all_companies():
            overdue = self._stp_overdue_partners_query(company)
            self.env.cr.execute(
                SQL(
                    """UPDATE stp_crm_work_plan SET stp_dunning_open = FALSE
                        WHERE stp_dunning_open AND company_id = %s AND partner_id NOT IN %s""",
                    company.id,
                    overdue,
                )
            )
        plans.invalidate_model(["stp_dunning_open"])

    @api.model
    def _cron_stp_dunning(self, batch_size=DUNNING_BATCH_SIZE):
        """Daily: close the episodes of customers who paid, then give the salesperson of
        each newly overdue customer one work plan; one batch per call."""
        partners = self.sudo()
        partners._stp_close_dunning_episodes()
        steps = [
            (
                partners._stp_dunning_pending_domain(company),
                lambda batch, company=company: batch._stp_start_dunning(company),
            )
            for company in self.env["res.company"]._stp_all_companies()
        ]
        return run_batch(partners, steps, batch_size, "_cron_stp_dunning")

    # ------------------------------------------------------------------
    # Lifetime value
    # ------------------------------------------------------------------
    # Stored per company (company_dependent), computed by the cron ``ir_cron_stp_ltv`` for
    # commercial partners (companies and loose persons) from posted customer invoices minus
    # credit notes, in the company's currency. Posting, resetting or cancelling an invoice
    # marks its customer and triggers the cron.
    stp_first_purchase_date = fields.Date(
        string="First Purchase", company_dependent=True, readonly=True, groups=INVOICING_READ
    )
    stp_last_purchase_date = fields.Date(
        string="Last Purchase", company_dependent=True, readonly=True, groups=INVOICING_READ
    )
    stp_order_count = fields.Integer(
        string="Orders",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Posted customer invoices of this company (credit notes not counted).",
    )
    stp_lifetime_revenue = fields.Float(
        string="Lifetime Revenue",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Untaxed invoiced revenue minus credit notes since the first purchase, in company currency.",
    )
    stp_lifetime_margin = fields.Float(
        string="Lifetime Margin",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Lifetime revenue minus the cost of the products sold (products with a cost only).",
    )
    stp_average_order_value = fields.Float(
        string="Average Order Value", company_dependent=True, readonly=True, groups=INVOICING_READ
    )
    stp_purchase_frequency = fields.Float(
        string="Purchase Frequency",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Orders per year since the first purchase (a customer of less than a year counts as one year).",
    )
    stp_ltv = fields.Float(
        string="Lifetime Value",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Predicted margin of the next 3 years: average margin per order × orders per year × "
        "(r + r² + r³), r being the company's yearly retention rate.",
    )
    stp_ltv_date = fields.Date(
        string="Lifetime Value Computed On", readonly=True, copy=False, index="btree_not_null", groups=INVOICING_READ
    )

    @api.model
    def _cron_stp_ltv(self, batch_size=LTV_BATCH_SIZE):
        """Daily (figures depend on today), and soon after invoices post: one batch of
        the commercial partners not computed today; ir.cron calls again while some remain."""
        today = fields.Date.context_today(self)
        pending = self._stp_commercial_domain() + ["|", ("stp_ltv_date", "=", False), ("stp_ltv_date", "<", today)]
        return run_batch(
            self, [(pending, lambda partners: partners._stp_compute_ltv(today))], batch_size, "_cron_stp_ltv"
        )

    def _stp_compute_ltv(self, today):
        """Store the lifetime figures of the commercial partners ``self`` in every
        company: two grouped queries and one UPDATE per company, whatever their number."""
        for company in self.env["res.company"]._stp_all_companies():
            values = self._stp_ltv_values(company, today)
            self._stp_store_ltv(company, values)
        self.flush_recordset(["stp_ltv_date"])
        self.env.cr.execute(SQL("UPDATE res_partner SET stp_ltv_date = %s WHERE id IN %s", today, tuple(self.ids)))
        self.invalidate_recordset(["stp_ltv_date", *(name for name, _type in LTV_FIELDS)])

    def _stp_ltv_values(self, company, today):
        """{partner id: tuple of the values of LTV_FIELDS} for ``company``."""
        invoices = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "=", "out_invoice"),
                    ("commercial_partner_id", "in", self.ids),
                ],
                ["commercial_partner_id"],
                ["invoice_date:min", "invoice_date:max", "__count"],
            )
        )
        # A sum over lines of unknown cost only (no product, no cost) is empty: margin 0.
        amounts = dict(
            ((partner.id, (revenue or 0.0, margin or 0.0)))
            for partner, revenue, margin in self.env["stp.crm.customer.analysis"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("commercial_partner_id", "in", self.ids)],
                ["commercial_partner_id"],
                ["revenue:sum", "margin:sum"],
            )
        )
        retention = company.stp_ltv_retention_rate
        future_years = sum(retention**year for year in range(1, LTV_HORIZON_YEARS + 1))
        values = {}
        for partner, first_date, last_date, count in invoices:
            revenue, margin = amounts.get(partner.id, (0.0, 0.0))
            years = max((today - first_date).days / DAYS_PER_YEAR, 1.0)
            frequency = count / years
            values[partner.id] = (
                first_date,
                last_date,
                count,
                revenue,
                margin,
                revenue / count,
                frequency,
                margin / count * frequency * future_years,
            )
        return values

    def _stp_store_ltv(self, company, values):
        """Write ``values`` (partners without purchase: empty figures) as ``company``'s
        values of the company-dependent columns, in one UPDATE."""
        self.flush_recordset([name for name, _type in LTV_FIELDS])
        empty = (None, None, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
        rows = SQL(", ").join(
            SQL("(%s)", SQL(", ").join([partner_id, *values.get(partner_id, empty)])) for partner_id in self.ids
        )
        key = str(company.id)
        assignments = SQL(", ").join(
            SQL(
                "%(column)s = COALESCE(p.%(column)s, '{}'::jsonb) || jsonb_build_object(%(key)s, v.%(column)s::%(type)s)",
                column=SQL.identifier(name),
                key=key,
                type=SQL(sql_type),
            )
            for name, sql_type in LTV_FIELDS
        )
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner p SET %s FROM (VALUES %s) AS v(id, %s) WHERE p.id = v.id",
                assignments,
                rows,
                SQL(", ").join(SQL.identifier(name) for name, _type in LTV_FIELDS),
            )
        )

    @api.model
    def _stp_mark_ltv_outdated(self, partner_ids):
        """Invoices of these commercial partners changed: their figures are due again,
        and the cron runs soon. Only a mark and a trigger in the user's request."""
        if not partner_ids:
            return
        self.flush_model(["stp_ltv_date"])
        self.env.cr.execute(SQL("UPDATE res_partner SET stp_ltv_date = NULL WHERE id IN %s", tuple(partner_ids)))
        self.invalidate_model(["stp_ltv_date"])
        self.env.ref("stp_crm.ir_cron_stp_ltv")._trigger()

    # ------------------------------------------------------------------
    # Care campaigns that reached a customer: the partner's smart button
    # ------------------------------------------------------------------
    stp_campaign_line_ids = fields.One2many(
        "stp.crm.campaign.line", "partner_id", string="Care Campaigns", groups=CRM_USER
    )
    stp_campaign_count = fields.Integer(
        string="Care Campaign Count", compute="_compute_stp_campaign_count", groups=CRM_USER
    )

    def _compute_stp_campaign_count(self):
        counts = defaultdict(int)
        for recipient, count in self.env["stp.crm.campaign.line"]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        ):
            counts[recipient.commercial_partner_id] += count
        for partner in self:
            partner.stp_campaign_count = counts[partner.commercial_partner_id]

    @api.readonly
    def action_stp_open_campaigns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_campaign_line_action")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Vietnam's 2025 map
    # ------------------------------------------------------------------
    # A partner's province moves to its absorber and its ward is read from the address text
    # (``tools/vn_address.py``); what cannot be read is flagged for a person. Only partners
    # move: contracts, tickets, deliveries and invoices keep the addresses printed on them.
    stp_address_before_2025 = fields.Text(
        string="Address Before 2025",
        readonly=True,
        copy=False,
        groups=ADDRESS_MOVERS,
        help="The full address as it was before it was moved to Vietnam's map of 1 July 2025 (kept once).",
    )
    stp_state_before_2025_id = fields.Many2one(
        "res.country.state",
        string="Province Before 2025",
        readonly=True,
        copy=False,
        groups=ADDRESS_MOVERS,
        help="The merged province the address was on before it was moved to the 2025 map.",
    )
    stp_address_to_check = fields.Boolean(
        string="Address to Check",
        index="btree_not_null",
        copy=False,
        groups=ADDRESS_MOVERS,
        help="The ward of this Vietnamese address could not be recognised when it was moved to the 2025 map: "
        "pick it in the list. Cleared when a ward is set.",
    )

    stp_current_state_id = fields.Many2one(
        "res.country.state",
        string="Province Today",
        compute="_compute_stp_current_state_id",
        store=True,
        index="btree_not_null",
        groups=CURRENT_STATE_READERS,
        help="The partner's province on Vietnam's map of 1 July 2025: a merged province counts as the province "
        "that absorbed it, until the address is moved. Receivables, campaign segments and the customer profile "
        "read it.",
    )

    def _auto_init(self):
        """On an existing database, the province today in one UPDATE (not computed partner
        by partner)."""
        cr = self.env.cr
        if not column_exists(cr, self._table, "stp_current_state_id"):
            create_column(cr, self._table, "stp_current_state_id", "int4")
            merged = (
                SQL("COALESCE(state.stp_merged_into_id, state.id)")
                if column_exists(cr, "res_country_state", "stp_merged_into_id")
                else SQL("state.id")
            )
            cr.execute(
                SQL(
                    "UPDATE %s partner SET stp_current_state_id = %s "
                    "FROM res_country_state state WHERE state.id = partner.state_id",
                    SQL.identifier(self._table),
                    merged,
                )
            )
        return super()._auto_init()

    @api.depends("state_id", "state_id.stp_merged_into_id")
    def _compute_stp_current_state_id(self):
        for partner in self:
            partner.stp_current_state_id = partner.state_id.stp_merged_into_id or partner.state_id

    def _stp_address_2025_after_write(self, vals):
        if vals.get("city_id") and "stp_address_to_check" not in vals:
            # Bookkeeping of the move: whoever picks the ward clears the flag, CRM user or not.
            self.sudo().filtered("stp_address_to_check").write({"stp_address_to_check": False})

    def action_stp_update_address_2025(self):
        """Move the selected contacts' addresses to the 2025 map (button and action on a
        selection); a notification tells how many moved and how many are left to check."""
        moved = self._stp_update_address_2025()
        to_check = len(self.filtered("stp_address_to_check"))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if to_check else "success",
                "message": self.env._(
                    "%(moved)s address(es) moved to the 2025 map, %(to_check)s to check.",
                    moved=moved,
                    to_check=to_check,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_stp_update_address_2025(self, batch_size=ADDRESS_2025_BATCH_SIZE):
        """Move every Vietnamese partner still on the old map, one bounded batch per call.
        Without a chatter note per partner (100,000 notes would double the time): the address
        as it was is kept in ``stp_address_before_2025``."""
        steps = [
            (
                self._stp_address_2025_domain(),
                lambda partners: partners.with_context(tracking_disable=True)._stp_update_address_2025(),
            )
        ]
        return run_batch(self, steps, batch_size, "_cron_stp_update_address_2025")

    @api.model
    def _stp_address_2025_domain(self):
        """Vietnamese partners still to move: on a merged province, or with an address
        text but no ward and not flagged. Moving a partner takes it out of the domain."""
        vietnam = self.env.ref("base.vn", raise_if_not_found=False)
        if not vietnam:
            return [("id", "=", 0)]
        return [
            ("country_id", "=", vietnam.id),
            "|",
            ("state_id.stp_merged_into_id", "!=", False),
            "&",
            "&",
            ("city_id", "=", False),
            ("stp_address_to_check", "=", False),
            "|",
            "|",
            ("city", "!=", False),
            ("street", "!=", False),
            ("street2", "!=", False),
        ]

    def _stp_update_address_2025(self):
        """Move these partners' addresses; partners getting the same values (most of them:
        only their province) are written together. Returns the number of partners moved.
        Idempotent: a partner already on the new map gets no write."""
        vietnam = self.env.ref("base.vn", raise_if_not_found=False)
        if not vietnam:
            return 0
        cities = self.env["res.city"].search_fetch(
            [("country_id", "=", vietnam.id), ("stp_code", "!=", False)], ["stp_code", "name"]
        )
        context = {
            "vietnam": vietnam,
            "cities": {city.stp_code: city for city in cities},
            "states": {
                state.code: state for state in self.env["res.country.state"].search([("country_id", "=", vietnam.id)])
            },
        }
        groups = defaultdict(list)
        own_values = {}
        moved = 0
        for partner in self:
            values = partner._stp_address_2025_values(context)
            moved += bool({"state_id", "city_id"} & values.keys())
            own = {field: values.pop(field) for field in OWN_FIELDS if field in values}
            if own:
                own_values[partner] = own
            if values:
                groups[tuple(sorted(values.items()))].append(partner.id)
        for values, ids in groups.items():
            self.browse(ids)._stp_system_write(dict(values))  # the province before 2025 is a system field
        self._stp_write_own_address_values(own_values)
        return moved

    def _stp_write_own_address_values(self, own_values):
        """The values proper to each partner: its street without the ward, by the ORM (rare),
        and the address before 2025, a column of this module's own that nothing depends on,
        in one UPDATE (a write per partner would make a batch cost per partner)."""
        before = {partner.id: own.pop("stp_address_before_2025") for partner, own in own_values.items()
                  if "stp_address_before_2025" in own}  # fmt: skip
        for partner, own in own_values.items():
            if own:
                partner.write(own)
        if before:
            self.flush_model(["stp_address_before_2025"])
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET stp_address_before_2025 = data.text FROM (VALUES %s) AS data(id, text) "
                    "WHERE res_partner.id = data.id",
                    SQL(", ").join(SQL("(%s, %s)", partner_id, text) for partner_id, text in before.items()),
                )
            )
            self.browse(before).invalidate_recordset(["stp_address_before_2025"])

    def _stp_address_2025_values(self, context):
        """The values that move this partner to the 2025 map ({} if nothing to do)."""
        self.ensure_one()
        if (self.country_id or self.state_id.country_id) != context["vietnam"]:
            return {}
        parts = vn_address.split_address(*(self[field] for field in ADDRESS_TEXT_FIELDS))
        old_state = self.state_id or self._stp_state_in_text(parts, context["states"])
        state = old_state.stp_merged_into_id or old_state
        values = {"state_id": state.id} if state != self.state_id else {}
        if state and not (self.city_id and self.city_id.state_id == state):
            values.update(self._stp_ward_values(state, parts, context["cities"]))
        if values and not self.stp_address_before_2025:
            values["stp_address_before_2025"] = self._stp_full_address()
            if old_state != state:
                values["stp_state_before_2025_id"] = old_state.id
        return values

    @api.model
    def _stp_state_in_text(self, parts, states):
        for part in parts:
            code = vn_address.province_code_in(part)
            if code and code in states:
                return states[code]
        return self.env["res.country.state"]

    def _stp_ward_values(self, state, parts, cities):
        """The ward read from the address text (and the text without its ward, district
        and province), or the "to check" flag when it cannot be read."""
        code, used = vn_address.find_ward(state.stp_code, parts)
        city = cities.get(code)
        if not city:
            return {} if self.stp_address_to_check or not parts else {"stp_address_to_check": True}
        values = {"city_id": city.id, "city": city.name, "stp_address_to_check": False}
        for field in ("street", "street2"):
            kept = [
                part
                for part in vn_address.split_address(self[field])
                if part not in used and not vn_address.province_code_in(part)
            ]
            if ", ".join(kept) != (self[field] or ""):
                values[field] = ", ".join(kept) or False
        return values

    def _stp_full_address(self):
        lines = self._display_address(without_company=True).splitlines()
        return ", ".join(line.strip(" ,") for line in lines if line.strip(" ,"))

    # ------------------------------------------------------------------
    # Found at scale: by part of the name, email, reference or tax code with or without
    # diacritics (PostgreSQL's ``unaccent``, Odoo's ``--unaccent``), and by phone in any
    # format (``0912 345 678``, ``+84912345678``, ``84-912-345-678``)
    # ------------------------------------------------------------------
    complete_name = fields.Char(index="trigram")
    email = fields.Char(index="trigram")
    ref = fields.Char(index="trigram")
    vat = fields.Char(index="trigram")
    company_registry = fields.Char(index="trigram")
    # phone_validation's E.164 form of the partner's number (mobile, else phone).
    phone_sanitized = fields.Char(index="btree_not_null")

    def init(self):
        """The trigram indexes of TRIGRAM_FIELDS. Odoo creates an index under the
        field's own name only when there is none: where base already made a btree
        under it (``complete_name``, ``ref``, ``vat``: the partner list's order and
        equality), the trigram index is added beside it; the others are made here as
        Odoo's ``check_indexes`` would make them (same name and definition), so that
        all get TRIGRAM_PENDING_LIST_KB; an index made before ``unaccent`` was enabled
        (or after it was dropped) is made again."""
        super().init()
        registry = self.env.registry
        if not registry.has_trigram:
            return
        indexable_unaccent = registry.has_unaccent == FunctionStatus.INDEXABLE
        cr = self.env.cr
        for fname in TRIGRAM_FIELDS:
            own_name = make_index_name(self._table, fname)
            extra_name = self._stp_trigram_index_name(fname)
            cr.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname IN %s",
                [self._table, (own_name, extra_name)],
            )
            existing = dict(cr.fetchall())
            for name, definition in list(existing.items()):
                if "gin_trgm_ops" in definition and ("unaccent" in definition) != indexable_unaccent:
                    cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
                    del existing[name]
            if own_name in existing and "gin_trgm_ops" not in existing[own_name]:
                name = extra_name
            else:
                name = own_name
            if name not in existing:
                column = f'"{fname}"'
                create_index(
                    cr,
                    name,
                    self._table,
                    [f"{registry.unaccent(column) if indexable_unaccent else column} gin_trgm_ops"],
                    method="gin",
                )
                existing[name] = ""
            if f"gin_pending_list_limit='{TRIGRAM_PENDING_LIST_KB}'" not in existing[name]:
                cr.execute(
                    SQL(
                        "ALTER INDEX %s SET (gin_pending_list_limit = %s)",
                        SQL.identifier(name),
                        SQL(str(TRIGRAM_PENDING_LIST_KB)),
                    )
                )

    @api.model
    def _stp_trigram_index_name(self, fname):
        return f"{self._table}__{fname}_stp_trgm_index"

    # ------------------------------------------------------------------
    # Phone numbers in any format
    # ------------------------------------------------------------------
    @api.model
    def _stp_phone_e164(self, value):
        """``value`` as an E.164 number when it reads as a phone number, in the
        company's country (Vietnam without one), else False."""
        if not isinstance(value, str) or not PHONE_LIKE.match(value.strip()):
            return False
        if sum(char.isdigit() for char in value) < PHONE_MIN_DIGITS:
            return False
        country = self.env.company.country_id or self.env.ref("base.vn", raise_if_not_found=False)
        if not country:
            return False
        return self._phone_format_number(value.strip(), country, force_format="E164") or False

    @api.model
    def _stp_phone_domain(self, value):
        """The partners whose number is ``value`` in any format, as a domain ([] if
        ``value`` is no phone number): the search of the "Phone/Mobile" field below."""
        e164 = self._stp_phone_e164(value)
        return [("phone_mobile_search", "=", e164)] if e164 else []

    def _search_display_name(self, operator, value):
        """A many2one (``name_search``) and the partner list's search also find a
        partner by phone number, typed in any format."""
        domain = super()._search_display_name(operator, value)
        if operator in ("ilike", "like", "=ilike", "=like", "="):
            phone_domain = self._stp_phone_domain(value)
            if phone_domain:
                domain = expression.OR([domain, phone_domain])
        return domain

    def _search_phone_mobile_search(self, operator, value):
        """The "Phone/Mobile" search of the partner list (``sms``) finds a number in
        any format too: the typed number in E.164 against the sanitized one."""
        domain = super()._search_phone_mobile_search(operator, value)
        if operator not in expression.NEGATIVE_TERM_OPERATORS:
            e164 = self._stp_phone_e164(value)
            if e164:
                domain = expression.OR([domain, [("phone_sanitized", "=", e164)]])
        return domain

    # ------------------------------------------------------------------
    # Data-subject rights (Law 91/2025/QH15): export and anonymisation.
    # Self-contained section: its helpers are the ones below.
    # ------------------------------------------------------------------
    def action_stp_export_personal_data(self):
        """A JSON file of everything STP CRM and Odoo hold about this person, read with the
        caller's rights (what they may not read is named in ``not_readable``), attached to the
        person's ``access`` request (the open one, else a new one), which is then done. Attached
        to the request, not to the contact: a contact's attachments are readable by every
        employee, the export holds what only CRM users read."""
        self.ensure_one()
        if not self.env.user.has_group(CRM_USER):
            raise AccessError(self.env._("Only CRM users export a person's personal data."))
        data = self._stp_personal_data()
        request = self.env["stp.crm.privacy.request"]._stp_request_of(self, "access")
        filename = f"personal-data-{self.id}-{fields.Date.context_today(self)}.json"
        message = request.message_post(
            body=self.env._("Personal data of %(person)s exported.", person=self.display_name),
            attachments=[(filename, json.dumps(data, ensure_ascii=False, indent=2, default=str).encode())],
            subtype_xmlid="mail.mt_note",
        )
        request._stp_close_done(attachment_id=message.attachment_ids[:1].id)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{message.attachment_ids[:1].id}?download=true",
            "target": "self",
        }

    # What is exported of each model: (key, model, domain on the person, fields, order).
    def _stp_personal_data_sources(self):
        person = [("partner_id", "=", self.id)]
        return [
            (
                "consents",
                "stp.crm.consent",
                person,
                ["channel", "purpose", "state", "date", "source", "evidence", "company_id"],
                "date",
            ),
            (
                "interactions",
                "stp.crm.interaction",
                ["|", ("partner_id", "=", self.id), ("contact_id", "=", self.id)],
                ["date", "channel", "direction", "summary", "outcome", "user_id", "company_id"],
                "date",
            ),
            (
                "work_plans",
                "stp.crm.work.plan",
                person,
                ["name", "date_start", "date_deadline", "state", "description", "note", "user_id"],
                "id",
            ),
            (
                "tickets",
                "stp.crm.ticket",
                person,
                [
                    "number",
                    "name",
                    "ticket_type",
                    "stage_id",
                    "create_date",
                    "partner_email",
                    "partner_phone",
                    "description",
                    "resolution",
                ],
                "id",
            ),
            (
                "contracts",
                "stp.crm.contract",
                person,
                ["number", "name", "date_signed", "date_start", "date_end", "state"],
                "id",
            ),
            ("installed_products", "stp.crm.installed.product", person, ["display_name", "state"], "id"),
            ("campaigns", "stp.crm.campaign.line", person, ["campaign_id", "date", "state", "date_sent"], "id"),
            (
                "orders",
                "sale.order",
                person,
                ["name", "date_order", "state", "amount_untaxed", "amount_total", "currency_id"],
                "date_order",
            ),
            (
                "invoices",
                "account.move",
                person + [("move_type", "in", ("out_invoice", "out_refund", "in_invoice", "in_refund"))],
                [
                    "name",
                    "move_type",
                    "invoice_date",
                    "state",
                    "payment_state",
                    "amount_untaxed",
                    "amount_total",
                    "currency_id",
                ],
                "invoice_date",
            ),
            (
                "privacy_requests",
                "stp.crm.privacy.request",
                person,
                ["request_type", "state", "date_received", "date_done", "note"],
                "date_received",
            ),
        ]

    def _stp_personal_data(self):
        self.ensure_one()
        identity = [
            "name",
            "title",
            "function",
            "email",
            "phone",
            "mobile",
            "street",
            "street2",
            "zip",
            "city",
            "state_id",
            "country_id",
            "vat",
            "website",
            "lang",
            "comment",
            "parent_id",
            "is_company",
            "create_date",
            "stp_birthday",
        ]
        assessment = [
            "stp_classification",
            "stp_tier",
            "stp_potential",
            "stp_prospect_quality",
            "stp_source_id",
            "stp_business_status",
            "stp_development_trend",
            "stp_market_position",
        ]
        not_readable = []
        data = {
            "exported_on": fields.Datetime.now(),
            "exported_by": self.env.user.name,
            "company": self.env.company.name,
            "identity": export_values(self, identity, not_readable),
            "assessment": export_values(self, assessment, not_readable),
        }
        for key, model, domain, names, order in self._stp_personal_data_sources():
            Model = self.env[model]
            if not Model.has_access("read"):
                not_readable.append(Model._description)
                data[key] = []
                continue
            records = Model.search(domain, order=order)
            data[key] = [export_values(record, names, not_readable) for record in records]
            # Records the caller's rules hide (another salesperson's orders...), counted only.
            in_companies = [("company_id", "in", [*self.env.companies.ids, False])] if "company_id" in Model else []
            hidden = Model.sudo().search_count(domain + in_companies) - len(records)
            if hidden > 0:
                not_readable.append(
                    self.env._("%(model)s: %(count)s record(s)", model=Model._description, count=hidden)
                )
            if model == "stp.crm.ticket":
                for values, ticket in zip(data[key], records, strict=True):
                    values["messages"] = [
                        {
                            "date": message.date,
                            "author": message.author_id.name or message.email_from,
                            "subject": message.subject,
                            "body": html2plaintext(message.body or ""),
                        }
                        for message in ticket.message_ids.filtered(
                            lambda message: message.message_type in ("comment", "email") and message.body
                        ).sorted("date")
                    ]
        data["not_readable"] = sorted(set(not_readable))
        return data

    def action_stp_anonymize(self):
        """Erase these persons (right to erasure, Law 91/2025/QH15): neutral values on the
        contact, their consents' evidence, their interactions' free text and their messages on
        our documents erased; posted accounting documents and their partner link kept (the law on
        accounting keeps them); an ``erasure`` request done, with the ``privacy.log`` entry Odoo's
        Privacy add-on writes. CRM managers only; companies are refused (anonymise their contacts)."""
        if not self.env.user.has_group(CRM_MANAGER):
            raise AccessError(self.env._("Only CRM managers anonymise a person."))
        companies = self.filtered("is_company")
        if companies:
            raise UserError(
                self.env._(
                    "%(companies)s: a company is not a data subject. Anonymise its contacts instead.",
                    companies=", ".join(companies.mapped("display_name")),
                )
            )
        for person in self:
            person._stp_anonymize_person()
        return True

    def _stp_anonymized_values(self):
        """The neutral values of a person's identity and contact fields."""
        values = dict.fromkeys(
            ["email", "phone", "mobile", "street", "street2", "city", "zip", "vat", "website", "comment", "function"],
            False,
        )
        values.update(
            name=self.env._("Anonymized person #%(id)s", id=self.id),
            image_1920=False,
            stp_birthday=False,
            stp_zalo_user_id=False,
        )
        return values

    def _stp_anonymize_person(self):
        self.ensure_one()
        name, email = self.name, self.email
        details, found = [], defaultdict(list)
        untracked = {"tracking_disable": True, "mail_notrack": True}

        def done(records, what):
            if records:
                details.append(f"{what} {records._description} {', '.join(f'#{rid}' for rid in records.ids)}")
                found[records._description].extend(records.ids)

        consents = self.env["stp.crm.consent"].search([("partner_id", "=", self.id)])
        evidence_files = consents.evidence_attachment_id
        consents.write({"evidence": False, "evidence_attachment_id": False})
        # sudo: the files belong to the consents the manager edits, whoever uploaded them
        evidence_files.sudo().unlink()
        consents.filtered(lambda consent: consent.state == "given").action_withdraw()
        done(consents, self.env._("Evidence erased and consents withdrawn:"))

        interactions = self.env["stp.crm.interaction"].search(
            ["|", ("partner_id", "=", self.id), ("contact_id", "=", self.id)]
        )
        interactions.with_context(**untracked).write({"summary": self.env._("Anonymized"), "outcome": False})
        done(interactions, self.env._("Free text erased:"))

        tickets = self.env["stp.crm.ticket"].search([("partner_id", "=", self.id)])
        tickets.with_context(**untracked).write({"partner_email": False, "partner_phone": False})
        done(tickets, self.env._("Contact details erased:"))

        # Their messages on our documents and on their contact: no body, no address left.
        models = [name for name in self.env if name.startswith("stp.crm.")] + ["res.partner"]
        messages = self.env["mail.message"].search(
            [("author_id", "=", self.id), ("model", "in", models), ("message_type", "in", ("comment", "email"))]
        )
        messages.write({"body": False, "email_from": False, "subject": False})
        done(messages, self.env._("Body erased:"))

        values = self._stp_anonymized_values()
        self.with_context(**untracked).write(values)
        self._stp_erase_tracking(
            [self, interactions, tickets], set(values) | {"summary", "partner_email", "partner_phone"}
        )
        done(self, self.env._("Anonymized:"))

        log = self.env["privacy.log"].create(
            {
                "anonymized_name": name,
                # Odoo's log masks an address (it needs one): a person known without one gets "-@-".
                "anonymized_email": email if email and "@" in email else "-@-",
                "execution_details": "\n".join(details),
                "records_description": "\n".join(
                    f"{model} ({len(ids)}): {', '.join(f'#{rid}' for rid in ids)}" for model, ids in found.items()
                ),
            }
        )
        request = self.env["stp.crm.privacy.request"]._stp_request_of(self, "erasure")
        request._stp_close_done(privacy_log_id=log.id)
        return log

    def _stp_erase_tracking(self, recordsets, field_names):
        """The old values of ``field_names`` kept by the chatter's tracking of ``recordsets``."""
        # sudo: tracking values are for administrators; erasing the person's old values is the anonymisation itself
        Tracking = self.env["mail.tracking.value"].sudo()
        for records in recordsets:
            if records:
                Tracking.search(
                    [
                        ("field_id.name", "in", sorted(field_names)),
                        ("field_id.model", "=", records._name),
                        ("mail_message_id.model", "=", records._name),
                        ("mail_message_id.res_id", "in", records.ids),
                    ]
                ).unlink()

    # Zalo (self-contained: fields, counts and actions of the Zalo channel)
    # ------------------------------------------------------------------
    stp_zalo_user_id = fields.Char(
        string="Zalo User ID",
        index="btree_not_null",
        copy=False,
        groups=CRM_USER,
        help="The customer's id for our Zalo Official Account (Zalo gives it in the events it sends us).",
    )
    stp_zalo_follower = fields.Boolean(
        string="Follows Our Zalo OA", readonly=True, copy=False, groups=CRM_USER, help="Set by Zalo's events."
    )
    stp_zalo_message_count = fields.Integer(
        string="Zalo Messages", compute="_compute_stp_zalo_message_count", groups=CRM_USER
    )

    def _compute_stp_zalo_message_count(self):
        counts = dict(
            self.env["stp.crm.zalo.message"]._read_group(
                [("partner_id", "child_of", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
            )
        )
        totals = Counter()
        for partner, count in counts.items():
            totals[partner.commercial_partner_id.id] += count
        for partner in self:
            partner.stp_zalo_message_count = totals.get(partner.commercial_partner_id.id, 0)

    def action_stp_open_zalo_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_zalo_message_action")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    def action_stp_send_zalo(self):
        """The "Send Zalo message" wizard: a template, its rendered preview, Send."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Zalo Message"),
            "res_model": "stp.crm.zalo.composer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }
