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
from ..tools.reader_lang import for_reader

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


class StpCrmCampaignLine(models.Model):
    _name = "stp.crm.campaign.line"
    _description = "Care Campaign Recipient"
    _order = "campaign_id desc, date, id"
    _inherit = ["stp.crm.guarded.mixin"]
    _rec_name = "partner_id"
    _check_company_auto = True
    # date_sent, picking_id, mail_message_id, company_id: stored read-only, set by the code
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
        readonly=True,
        copy=False,
        help="When the greetings (e-mail, SMS) were queued: on the recipient's day.",
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
    mail_message_id = fields.Many2one("mail.message", string="Message", readonly=True, copy=False, ondelete="set null")
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
    def _stp_greeting_due_domain(self, today):
        """Recipients already contacted (their gift left) whose day has come, not yet greeted."""
        return expression.AND(
            [
                [("state", "in", CONTACTED_STATES), ("date", "<=", today), ("campaign_id.state", "=", "running")],
                self._stp_awaiting_greeting_domain(),
            ]
        )

    @api.model
    def _stp_awaiting_greeting_domain(self):
        return [
            ("date_greeted", "=", False),
            "|",
            ("campaign_id.mail_template_id", "!=", False),
            ("campaign_id.sms_template_id", "!=", False),
        ]

    @api.model
    def _stp_unfinished_domain(self):
        """Recipients a running campaign still has to contact or to greet."""
        return expression.OR(
            [
                [("state", "=", "pending")],
                expression.AND([[("state", "in", CONTACTED_STATES)], self._stp_awaiting_greeting_domain()]),
            ]
        )

    def _stp_as_launchers(self, process):
        """A step of the sending cron: ``process(lines)`` (send, greet) on each campaign's
        recipients, with the rights of who launched it."""
        for campaign, lines in self.grouped("campaign_id").items():
            process(lines.with_user(campaign._stp_launcher()))

    def _stp_send(self):
        """Gifts as one delivery per recipient, messages through the mail (and SMS) queue, with the
        rights of the current user (who launches, or whom the cron acts for)."""
        now = fields.Datetime.now()
        for campaign, lines in self.grouped("campaign_id").items():
            if campaign.gift_product_id:
                lines._stp_create_pickings()
            lines._stp_set_state("sent", date_sent=now)
            lines._stp_greet()

    def _stp_greet(self):
        """Greetings (e-mail, SMS) to the recipients whose day has come, in their language,
        else their campaign company's; the others wait for their day."""
        today = fields.Date.context_today(self)
        due = self.filtered(lambda line: line.date <= today)
        for campaign, lines in due.grouped("campaign_id").items():
            greeted = for_reader(lines, lines.env["res.partner"], campaign.company_id)
            if campaign.mail_template_id:
                greeted._stp_queue_mails()
            if campaign.sms_template_id:
                greeted._stp_queue_sms()
        due._stp_system_write({"date_greeted": fields.Datetime.now()})

    def _stp_create_pickings(self):
        campaign = self.campaign_id
        product = campaign.gift_product_id
        picking_type = campaign.warehouse_id.out_type_id
        source = picking_type.default_location_src_id
        destination = picking_type.default_location_dest_id or self.env.ref("stock.stock_location_customers")
        pickings = self.env["stock.picking"].create(
            [
                one_product_picking_values(
                    picking_type,
                    line.partner_id.browse(line.partner_id.address_get(["delivery"])["delivery"]),
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

    def _stp_gift_scheduled_date(self):
        """When the gift leaves: its lead time before the recipient's day (now if that is past)."""
        leaves = fields.Datetime.to_datetime(self.date - timedelta(days=self.campaign_id.gift_lead_days))
        return max(fields.Datetime.now(), leaves)

    def _stp_queue_mails(self):
        """The campaign's template rendered for each recipient in their language, queued."""
        template = self.campaign_id.mail_template_id
        mails = template.send_mail_batch(self.ids, force_send=False)
        message_by_line = {mail.res_id: mail.mail_message_id for mail in mails}
        for line in self:
            line._stp_system_write({"mail_message_id": message_by_line.get(line.id, self.env["mail.message"]).id})

    def _stp_queue_sms(self):
        template = self.campaign_id.sms_template_id
        bodies = template._render_field("body", self.ids, compute_lang=True)
        # The SMS queue is the server's bookkeeping, for administrators only: Odoo's own
        # senders (mail.thread._message_sms) queue their SMS as superuser too.
        self.env["sms.sms"].sudo().create(
            [
                {
                    "number": line.partner_id.mobile or line.partner_id.phone,
                    "body": bodies[line.id],
                    "partner_id": line.partner_id.id,
                }
                for line in self
                if line.partner_id.mobile or line.partner_id.phone
            ]
        )

    @api.model
    def _stp_mark_delivered(self, pickings):
        """Deliveries done: their recipients got the gift."""
        lines = self.sudo().search([("picking_id", "in", pickings.ids), ("state", "=", "sent")])
        lines._stp_set_state("delivered")
