from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.groups import CRM_MANAGER, STOCK_USER
from ..tools.guard import is_system_write
from ..tools.occasion_dates import PER_RECIPIENT_OCCASIONS
from ..tools.pickings import one_product_picking_values
from ..tools.readable_records import readable_condition

LINE_STATES = [
    ("pending", "Pending"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("responded", "Responded"),
    ("excluded", "Excluded"),
]
LINE_TRANSITIONS = {
    "sent": ("pending",),
    "delivered": ("sent",),
    "responded": ("sent", "delivered"),
    "excluded": ("pending",),
    "pending": ("excluded",),
}
CONTACTED_STATES = ("sent", "delivered", "responded")
# A recipient's outcome on a channel: Odoo's mailing.trace status, or why there is none yet.
CHANNEL_STATUSES = [
    ("waiting", "Waiting"),
    ("no_consent", "No consent"),
    ("outgoing", "Queued"),
    ("process", "Processing"),
    ("pending", "Sent"),
    ("sent", "Delivered"),
    ("open", "Opened"),
    ("reply", "Replied"),
    ("bounce", "Bounced"),
    ("error", "Failed"),
    ("cancel", "Cancelled"),
]
CHANNELS = {"mail": ("email", "mail_template_id"), "sms": ("sms", "sms_template_id")}


def _failure_types(self):
    return self.env["mailing.trace"]._fields["failure_type"]._description_selection(self.env)


class StpCrmCampaignLine(models.Model):
    _name = "stp.crm.campaign.line"
    _description = "Care Campaign Recipient"
    _order = "campaign_id desc, date, id"
    # Odoo's mailing engine sends the campaign's mailings to its recipients (mail.thread for the
    # traces, the replies and the blacklist of the recipient's address).
    _inherit = ["mail.thread", "stp.crm.guarded.mixin"]
    _mailing_enabled = True
    _rec_name = "partner_id"
    _check_company_auto = True
    # date_sent, picking_id, company_id: stored read-only, set by the code
    _stp_system_fields = ("exclusion_reason",)
    _stp_state_field = "state"
    _stp_state_transitions = LINE_TRANSITIONS
    _stp_frozen_fields = dict.fromkeys(dict(LINE_STATES), ("campaign_id", "partner_id", "date"))

    campaign_id = fields.Many2one("stp.crm.campaign", required=True, ondelete="cascade", index=True)
    # The company checks of both are made in create, for a whole batch at once (_check_company
    # would loop over 50,000 recipients): the recipient's company is its campaign's, and the
    # partner is one of that company's or a shared one. Both are frozen afterwards.
    partner_id = fields.Many2one("res.partner", string="Recipient", required=True, index=True, ondelete="cascade")
    # Not precomputed (that builds a new record per recipient: half the cost of generating 50,000
    # of them): the generation gives it in the INSERT, other creates get it computed at flush.
    company_id = fields.Many2one(related="campaign_id.company_id", string="Company", store=True, index=True)
    occasion = fields.Selection(related="campaign_id.occasion", string="Occasion")
    occasion_name = fields.Char(compute="_compute_occasion_name")
    user_id = fields.Many2one(related="campaign_id.user_id", string="Responsible")
    state = fields.Selection(LINE_STATES, string="Status", required=True, default="pending", index=True)
    date = fields.Date(string="Occasion Date", index=True, help="The day this recipient is contacted.")
    date_sent = fields.Datetime(string="Contacted On", readonly=True, copy=False)
    date_greeted = fields.Datetime(
        string="Greeted On",
        compute="_compute_channel_outcomes",
        help="When the greetings (e-mail, SMS) were queued: on the recipient's day.",
    )
    mail_status = fields.Selection(CHANNEL_STATUSES, string="Email", compute="_compute_channel_outcomes")
    mail_failure_type = fields.Selection(
        _failure_types, string="Email Not Sent Because", compute="_compute_channel_outcomes"
    )
    sms_status = fields.Selection(CHANNEL_STATUSES, string="SMS", compute="_compute_channel_outcomes")
    sms_failure_type = fields.Selection(
        _failure_types, string="SMS Not Sent Because", compute="_compute_channel_outcomes"
    )
    missing_consent = fields.Boolean(
        string="Without Consent",
        compute="_compute_channel_outcomes",
        search="_search_missing_consent",
        help="Recipient of an advertising campaign who did not consent to advertising on one of its "
        "channels (Decree 91/2020/NĐ-CP): nothing is sent to them on that channel.",
    )
    exclusion_reason = fields.Selection([("control", "Comparison group"), ("manual", "Excluded by hand")])
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=STOCK_USER,
    )
    picking_state = fields.Selection(related="picking_id.state", string="Delivery Status")
    currency_id = fields.Many2one(related="campaign_id.currency_id", string="Currency")
    revenue_after = fields.Monetary(compute="_compute_revenue_after", groups=CRM_MANAGER)

    _sql_constraints = [
        ("campaign_partner_uniq", "UNIQUE(campaign_id, partner_id)", "A customer is in a campaign only once."),
    ]

    @api.depends_context("lang")
    @api.depends("campaign_id.occasion")
    def _compute_occasion_name(self):
        labels = dict(self._fields["occasion"]._description_selection(self.env))
        for line in self:
            line.occasion_name = labels.get(line.occasion, "")

    # The revenue counts the orders the reader may read: the figures differ from user to user.
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_revenue_after(self):
        revenues = dict(self._stp_attributed_sales(SQL("l.id IN %s", tuple(self.ids) or (0,)), SQL("l.id")))
        for line in self:
            line.revenue_after = revenues.get(line.id, 0.0)

    @api.model
    def _stp_attributed_sales(self, where, group_by):
        """Confirmed sales (untaxed, company currency) of the recipients' companies, from their
        contact (for the comparison group: the launch) until ``attribution_days`` later, summed
        by ``group_by`` over the lines matching ``where``: one query for any number of lines.
        Only the orders the user may read count (``readable_condition``, as the CRM ROI report):
        without Sales rights, nothing."""
        self.env.flush_all()
        readable = readable_condition(self.env, "sale.order", SQL("so.id"))
        self.env.cr.execute(
            SQL(
                """
                SELECT %(group_by)s, SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                  FROM stp_crm_campaign_line l
                  JOIN stp_crm_campaign c ON c.id = l.campaign_id
                  JOIN res_partner lp ON lp.id = l.partner_id
                  JOIN res_partner op ON op.commercial_partner_id = lp.commercial_partner_id
                  JOIN sale_order so ON so.partner_id = op.id
                 WHERE %(where)s
                   AND (l.state != 'excluded' OR l.exclusion_reason = 'control')
                   AND %(attributed)s
                   AND %(readable)s
                 GROUP BY %(group_by)s
                """,
                where=where,
                readable=readable,
                attributed=self._stp_attributed_order(SQL("COALESCE(l.date_sent, c.date_launched)")),
                group_by=group_by,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _stp_attributed_order(self, contact):
        """SQL condition: the sales order ``so`` counts for campaign ``c`` (the recipient's
        company being its buyer): confirmed, in the campaign's company, from ``contact`` until
        ``attribution_days`` later. The campaigns' results and the CRM ROI share it."""
        return SQL(
            """so.state = 'sale' AND so.company_id = c.company_id
               AND so.date_order >= %(contact)s
               AND so.date_order <= %(contact)s + make_interval(days => c.attribution_days)""",
            contact=contact,
        )

    # ------------------------------------------------------------------
    # Channel outcomes, from Odoo's mailing traces
    # ------------------------------------------------------------------
    @api.depends_context("uid")
    def _compute_channel_outcomes(self):
        """Each channel's outcome from the line's mailing.trace (one _read_group for all the lines);
        without a trace yet, whether it waits or lacks consent (one query per campaign and channel)."""
        traces = {}
        if self.ids:
            # The traces are the mailing engine's bookkeeping (Email Marketing users'): their
            # outcome is shown to whoever reads the recipient.
            for res_id, trace_type, status, failure, first in (
                self.env["mailing.trace"]
                .sudo()
                ._read_group(
                    [("model", "=", self._name), ("res_id", "in", self.ids)],
                    ["res_id", "trace_type", "trace_status", "failure_type"],
                    ["create_date:min"],
                )
            ):
                traces[res_id, trace_type] = (status, failure, first)
        without = self._stp_without_consent()
        for line in self:
            campaign = line.campaign_id
            firsts = []
            for channel, (consent_channel, template_field) in CHANNELS.items():
                status, failure, first = traces.get((line.id, channel), (False, False, False))
                if not status and campaign[template_field] and line.state != "excluded":
                    status = "no_consent" if line.id in without[consent_channel] else "waiting"
                    failure = "stp_no_consent" if status == "no_consent" else False
                if first and status != "cancel":
                    firsts.append(first)
                line[f"{channel}_status"] = status
                line[f"{channel}_failure_type"] = failure
            line.date_greeted = min(firsts) if firsts else False
            line.missing_consent = line.id in without["email"] or line.id in without["sms"]

    def _stp_without_consent(self):
        """{consent channel: ids of the lines of advertising campaigns using it whose recipient did
        not give consent}: one query per campaign and channel."""
        without = {"email": set(), "sms": set()}
        advertising = self.filtered(lambda line: line.campaign_id.purpose == "advertising")
        for campaign, lines in advertising.grouped("campaign_id").items():
            consents = self.env["stp.crm.consent"].sudo().with_company(campaign.company_id)
            for consent_channel, template_field in CHANNELS.values():
                if campaign[template_field]:
                    given = consents._stp_consenting_partners(lines.partner_id, consent_channel, "advertising")
                    without[consent_channel].update(line.id for line in lines if line.partner_id not in given)
        return without

    def _search_missing_consent(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        query = SQL(
            """(
            SELECT l.id
              FROM stp_crm_campaign_line l
              JOIN stp_crm_campaign c ON c.id = l.campaign_id
             WHERE c.purpose = 'advertising' AND l.state != 'excluded'
               AND (
                   (c.mail_template_id IS NOT NULL AND NOT EXISTS (%(given)s AND s.channel = 'email'))
                OR (c.sms_template_id IS NOT NULL AND NOT EXISTS (%(given)s AND s.channel = 'sms'))
               )
            )""",
            given=SQL(
                """SELECT 1 FROM stp_crm_consent s
                    WHERE s.partner_id = l.partner_id AND s.company_id = c.company_id
                      AND s.purpose = 'advertising' AND s.state = 'given'"""
            ),
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", query)]

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """The one way a recipient is created, by hand or by the campaign's generation: pending;
        only the generation (the private path) adds comparison group members, excluded. The
        partner belongs to the campaign's company or is shared, and is in the campaign once (the
        unique key)."""
        system = is_system_write(self.env)
        for vals in vals_list:
            state = vals.get("state", "pending")
            if state != "pending" and not (
                system and state == "excluded" and vals.get("exclusion_reason") == "control"
            ):
                raise UserError(self.env._("A recipient is added as pending."))
        lines = super().create(vals_list)
        lines._stp_check_partner_company()
        return lines

    def _stp_check_partner_company(self):
        """Each recipient is a partner of its campaign's company (or of a parent company), or a
        shared one: the rule of ``check_company``, one query for each campaign's lines."""
        for campaign, lines in self.grouped("campaign_id").items():
            company = campaign.sudo().company_id
            partners = lines.partner_id.sudo().with_context(active_test=False)
            domain = partners._check_company_domain(company)
            if partners.search_count(expression.AND([[("id", "in", partners.ids)], domain])) != len(partners):
                wrong = partners - partners.filtered_domain(domain)
                raise UserError(
                    self.env._(
                        "%(partner)s belongs to another company than its campaign (%(company)s).",
                        partner=wrong[:1].display_name,
                        company=company.display_name,
                    )
                )

    @api.model
    def _stp_state_refused_message(self):
        return self.env._("The status of a recipient changes only through the campaign's actions.")

    def action_exclude(self):
        self._stp_set_state("excluded", exclusion_reason="manual")

    def action_include(self):
        if self.filtered(lambda line: line.exclusion_reason == "control" or line.campaign_id.state == "done"):
            raise UserError(
                self.env._("Comparison group members and recipients of finished campaigns stay as they are.")
            )
        self._stp_set_state("pending", exclusion_reason=False)

    def action_mark_responded(self):
        """The customer answered (called, wrote back, came by)."""
        self._stp_set_state("responded")

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    @api.model
    def _stp_due_domain(self, today):
        """Pending recipients of running campaigns to contact by ``today``: on their day, or
        earlier for a gift: a holiday's gifts all at launch (each delivery scheduled its lead
        time before the day), a birthday's or an anniversary's its lead time before it."""
        return expression.AND(
            [
                [("state", "=", "pending"), ("campaign_id.state", "=", "running")],
                expression.OR([[("date", "<=", today)], self._stp_gift_due_domain(today)]),
            ]
        )

    @api.model
    def _stp_gift_due_domain(self, today):
        """Recipients whose gift must leave by ``today``: one condition per lead time of the
        running campaigns with a gift."""
        leads = self.env["stp.crm.campaign"]._read_group(
            [("state", "=", "running"), ("gift_product_id", "!=", False)], ["gift_lead_days"]
        )
        windows = [
            [("campaign_id.gift_lead_days", "=", lead), ("date", "<=", today + timedelta(days=lead))]
            for [lead] in leads
        ]
        return expression.AND(
            [
                [("campaign_id.gift_product_id", "!=", False)],
                expression.OR([[("campaign_id.occasion", "not in", list(PER_RECIPIENT_OCCASIONS))], *windows]),
            ]
        )

    @api.model
    def _stp_unfinished_domain(self):
        """Recipients a running campaign still has to contact (its messages are its mailings')."""
        return [("state", "=", "pending")]

    def _stp_as_launchers(self, process):
        """A step of the sending cron: ``process(lines)`` on each campaign's recipients,
        with the rights of who launched it."""
        for campaign, lines in self.grouped("campaign_id").items():
            process(lines.with_user(campaign._stp_launcher()))

    def _stp_send(self):
        """Gifts as one delivery per recipient, with the rights of the current user (who launches,
        or whom the cron acts for). The greetings (e-mail, SMS) are the campaign's mailings, sent by
        Odoo's mailing engine on each recipient's day."""
        now = fields.Datetime.now()
        for campaign, lines in self.grouped("campaign_id").items():
            if campaign.gift_product_id:
                lines._stp_create_pickings()
            if campaign.zalo_template_id:
                campaign.zalo_template_id._stp_queue_for(lines, "partner_id")
            lines._stp_set_state("sent", date_sent=now)

    def _stp_create_pickings(self):
        campaign = self.campaign_id
        product = campaign.gift_product_id
        picking_type = campaign.warehouse_id.out_type_id
        source = picking_type.default_location_src_id
        destination = picking_type.default_location_dest_id or self.env.ref("stock.stock_location_customers")
        addresses = self._stp_delivery_addresses()
        pickings = self.env["stock.picking"].create(
            [
                one_product_picking_values(
                    picking_type,
                    addresses[line.partner_id.id],
                    product,
                    campaign.gift_quantity,
                    source,
                    destination,
                    campaign.company_id,
                    origin=campaign.name,
                    scheduled_date=line._stp_gift_scheduled_date(),
                )
                for line in self
            ]
        )
        pickings.action_confirm()
        pickings.action_assign()
        for line, picking in zip(self, pickings, strict=True):
            line._stp_system_write({"picking_id": picking.id})

    def _stp_delivery_addresses(self):
        """{partner id: where their gift goes}: their first delivery address (a direct contact of type
        delivery, as ``address_get`` finds it), else themselves; one query for the whole batch."""
        partners = self.partner_id
        deliveries = self.env["res.partner"].search(
            [("parent_id", "in", partners.ids), ("type", "=", "delivery"), ("is_company", "=", False)], order="id"
        )
        addresses = {partner.id: partner for partner in partners}
        for delivery in deliveries:
            parent = delivery.parent_id
            if addresses[parent.id] == parent and parent.type != "delivery":
                addresses[parent.id] = delivery
        return addresses

    def _stp_gift_scheduled_date(self):
        """When the gift leaves: its lead time before the recipient's day (now if that is past)."""
        leaves = fields.Datetime.to_datetime(self.date - timedelta(days=self.campaign_id.gift_lead_days))
        return max(fields.Datetime.now(), leaves)

    @api.model
    def _stp_mark_delivered(self, pickings):
        """Deliveries done: their recipients got the gift."""
        lines = self.sudo().search([("picking_id", "in", pickings.ids), ("state", "=", "sent")])
        lines._stp_set_state("delivered")
