import json
from collections import Counter, defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, html2plaintext

from ..tools.cron_batch import run_batch
from ..tools.groups import CRM_MANAGER, CRM_USER, INVOICING_READ
from ..tools.guard import is_system_write, system_env
from ..tools.personal_data import export_values

TIERS = [("a", "A"), ("b", "B"), ("c", "C")]
PROSPECT_QUALITIES = [("good", "Good"), ("normal", "Normal"), ("poor", "Poor")]
TIER_BATCH_SIZE = 5000  # 2 to 20 s a call on a busy 2-core machine: well inside limit_time_real_cron
RECENT_INTERACTION_DAYS = 90
# Our assessment of a customer is internal: CRM users only (never portal users).
RETIER_REQUEST_PARAM = "stp_crm.retier_requested"  # set when thresholds change, cleared by the cron


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "stp.crm.input.mixin", "stp.crm.interaction.source", "stp.crm.guarded.mixin"]

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
    stp_company_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_stp_company_currency_id",
        string="Company Currency",
        groups=f"{CRM_USER},{INVOICING_READ}",
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

    @api.depends_context("company")
    def _compute_stp_company_currency_id(self):
        self.stp_company_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    def _compute_stp_tier_revenue(self):
        commercial = self.commercial_partner_id
        revenue = commercial._stp_revenue_by_partner(self.env.company)
        for partner in self:
            partner.stp_tier_revenue = revenue.get(partner.commercial_partner_id.id, 0.0)

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
    # Tier computation
    # ------------------------------------------------------------------
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

    # ------------------------------------------------------------------
    # Contacts follow their company
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("stp_tier_locked") for vals in vals_list):
            self._stp_check_can_set_tier()
        partners = super().create(vals_list)
        contacts = partners.filtered("parent_id")
        if contacts:
            contacts._stp_update_tiers()
        return partners

    def write(self, vals):
        recompute = is_system_write(self.env)
        if {"stp_tier", "stp_tier_locked"} & vals.keys() and not recompute:
            self._stp_check_can_set_tier()
        result = super().write(vals)
        if "parent_id" in vals or ("stp_tier_locked" in vals and not vals["stp_tier_locked"]):
            self._stp_update_tiers()
        elif "stp_tier" in vals and not recompute:
            # A tier locked by hand on a company reaches its contacts.
            locked_heads = self.filtered(lambda p: p.stp_tier_locked and p.child_ids)
            locked_heads._stp_update_tiers(companies=self.env.company)
        return result

    @api.model
    def _stp_check_can_set_tier(self):
        """A tier set or locked by hand overrides the computed one: managers only,
        whatever the client (the form hides it, RPC must be refused too)."""
        if not self.env.su and not self.env.user.has_group(CRM_MANAGER):
            raise AccessError(self.env._("Only STP CRM managers can set or lock a customer's tier by hand."))

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
        stats = self.commercial_partner_id._stp_interaction_stats()
        for partner in self:
            partner.stp_last_interaction_date, partner.stp_interaction_count_90d = stats.get(
                partner.commercial_partner_id.id, (False, 0)
            )

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
            # The Zalo id, where an add-on keeps one on the contact.
            **{name: False for name in self._fields if "zalo" in name and self._fields[name].store},
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
