import hashlib
from ast import literal_eval
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.cron_batch import run_batch
from ..tools.groups import CRM_MANAGER, STOCK_USER
from ..tools.occasion_dates import PER_RECIPIENT_OCCASIONS, next_occasion_date, occasion_date, recipient_date
from .mailing_mailing import VIETNAM_TZ, next_sms_window

OCCASIONS = [
    ("company_anniversary", "Company Anniversary"),
    ("valentine", "Valentine's Day (14/2)"),
    ("womens_day", "International Women's Day (8/3)"),
    ("teachers_day", "Vietnamese Teachers' Day (20/11)"),
    ("vietnam_women_day", "Vietnamese Women's Day (20/10)"),
    ("tet", "Lunar New Year (Tết)"),
    ("birthday", "Birthday"),
    ("custom", "Other Occasion"),
]
STATES = [
    ("draft", "Draft"),
    ("scheduled", "Scheduled"),
    ("running", "Running"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
# The transitions the actions make (from -> to); a raw write of the state is refused.
TRANSITIONS = {
    "scheduled": ("draft",),
    "running": ("draft", "scheduled"),
    "done": ("running",),
    "cancelled": ("draft", "scheduled", "running"),
    "draft": ("cancelled",),
}
# What decides who gets what: fixed once the campaign is launched.
FROZEN_WHEN_LAUNCHED = (
    "occasion",
    "purpose",
    "date",
    "segment_domain",
    "gift_product_id",
    "gift_quantity",
    "warehouse_id",
    "control_ratio",
    "company_id",
)
GENERATE_BATCH_SIZE = 5000  # partners a call; 50,000 recipients in ten calls
SEND_BATCH_SIZE = 200  # recipients a call: a delivery and a queued mail each
INLINE_GENERATE = 1000  # the button does the first partners at once, the cron the rest
INLINE_SEND = 50
TEMPLATE_MODEL = "stp.crm.campaign.line"  # what the campaign's mail and SMS templates render
GENERATE_CRON = "stp_crm.ir_cron_stp_campaign_generate"
MAILING_CRON = "mass_mailing.ir_cron_mass_mailing_queue"
# Greetings leave at 07:00 Vietnam time on the recipient's day (the advertising SMS window opens then).
GREETING_HOUR = 7
AD_LABEL = "[QC] "  # Decree 91/2020/NĐ-CP: every advertising message starts with it
PURPOSES = [
    ("care", "Customer Care"),
    ("advertising", "Advertising"),
]
SEND_CRON = "stp_crm.ir_cron_stp_campaign_send"


class StpCrmCampaign(models.Model):
    _name = "stp.crm.campaign"
    _description = "Care Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin", "stp.crm.guarded.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    # date_launched, generation_pending, date_generated: stored read-only, set by the code
    _stp_state_field = "state"
    _stp_state_transitions = TRANSITIONS
    _stp_frozen_fields = dict.fromkeys(("running", "done"), FROZEN_WHEN_LAUNCHED)

    name = fields.Char(string="Campaign", required=True, tracking=True)
    occasion = fields.Selection(OCCASIONS, required=True, default="custom", tracking=True)
    purpose = fields.Selection(
        PURPOSES,
        required=True,
        default="care",
        tracking=True,
        help="Customer care: greetings, gifts, service information. Advertising promotes products or "
        "services (Decree 91/2020/NĐ-CP): it reaches only the recipients who consented to advertising on "
        "each channel, its messages start with [QC] and end with the opt-out, at most three a day.",
    )
    utm_campaign_id = fields.Many2one(
        "utm.campaign",
        string="UTM Campaign",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The campaign's UTM campaign (made at launch): its mailings, their links and the orders that "
        "come from them carry it.",
    )
    mailing_ids = fields.One2many("mailing.mailing", "stp_campaign_id", string="Campaign Mailings", readonly=True)
    date = fields.Date(
        compute="_compute_date",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index=True,
        tracking=True,
        help="The next day of the occasion (Tết from the Vietnamese lunar calendar). For birthdays and "
        "company anniversaries, the first day of the year the campaign covers: each recipient is "
        "contacted on their own day within it.",
    )
    recurring = fields.Boolean(string="Yearly", help="At launch, next year's campaign is scheduled as a copy.")
    segment_domain = fields.Char(
        string="Segment",
        default="[]",
        required=True,
        help="Which customers the campaign reaches: tier, classification, tags, province, last purchases...",
    )
    segment_count = fields.Integer(string="Customers in Segment", compute="_compute_segment_count")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    state = fields.Selection(
        STATES, string="Status", required=True, default="draft", index=True, tracking=True, copy=False
    )
    gift_product_id = fields.Many2one(
        "product.product",
        string="Gift",
        domain="[('is_storable', '=', True)]",
        check_company=True,
        tracking=True,
        help="A product tracked in stock: each recipient gets a delivery of it from the warehouse.",
    )
    gift_quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    gift_lead_days = fields.Integer(
        string="Gift Lead Time (Days)",
        default=3,
        help="Gifts leave so that they arrive before the occasion: each delivery is scheduled this many "
        "days before the recipient's day (a scheduled campaign with a gift starts then). Greetings "
        "(e-mail, SMS) go out on the day itself.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        compute="_compute_warehouse_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'stp.crm.campaign.line')]",
        default=lambda self: self.env.ref("stp_crm.stp_crm_campaign_mail_template", raise_if_not_found=False),
    )
    sms_template_id = fields.Many2one(
        "sms.template", string="SMS Template", domain="[('model', '=', 'stp.crm.campaign.line')]"
    )
    zalo_template_id = fields.Many2one(
        "stp.crm.zalo.template",
        domain="[('model', '=', 'stp.crm.campaign.line'), ('state', '=', 'enabled')]",
        help="A Zalo ZNS sent to each recipient with a Vietnamese mobile when their gift or greeting "
        "is due; never to a number on the phone blacklist, advertising only with a Zalo consent.",
    )
    budget = fields.Monetary(groups=CRM_MANAGER, tracking=True)
    other_cost = fields.Monetary(string="Other Costs", groups=CRM_MANAGER, help="Cards, shipping, printing...")
    attribution_days = fields.Integer(
        string="Attribution Window (Days)",
        default=90,
        help="Confirmed sales of a recipient within this many days after their gift or message count "
        "as the campaign's revenue.",
    )
    control_ratio = fields.Float(
        string="Comparison Group",
        default=0.0,
        help="Share of the segment left out at random: what they buy shows the campaign's uplift.",
    )
    line_ids = fields.One2many("stp.crm.campaign.line", "campaign_id", string="Recipient List")
    date_launched = fields.Datetime(string="Launched On", readonly=True, copy=False)
    launched_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        tracking=True,
        help="The user who scheduled or launched the campaign: its deliveries and messages are made with "
        "their rights, also by the background jobs.",
    )
    generation_pending = fields.Boolean(string="Generating Recipients", readonly=True, copy=False)
    date_generated = fields.Datetime(string="Recipients Generated On", readonly=True, copy=False)
    # Results, computed for many campaigns at once
    recipient_count = fields.Integer(string="Recipients", compute="_compute_counts")
    control_count = fields.Integer(string="Comparison Group Size", compute="_compute_counts")
    delivered_count = fields.Integer(string="Delivered", compute="_compute_counts")
    responded_count = fields.Integer(string="Responded", compute="_compute_counts")
    picking_count = fields.Integer(string="Deliveries", compute="_compute_counts")
    excluded_no_consent_count = fields.Integer(
        string="Without Consent",
        compute="_compute_counts",
        help="Recipients of an advertising campaign not reached on one of its channels for lack of consent.",
    )
    # The mailings' statistics, from their traces
    mailing_count = fields.Integer(string="Mailings", compute="_compute_mailing_statistics")
    mailing_sent_count = fields.Integer(string="Messages Sent", compute="_compute_mailing_statistics")
    mailing_opened_count = fields.Integer(string="Opened", compute="_compute_mailing_statistics")
    mailing_clicked_count = fields.Integer(string="Clicked", compute="_compute_mailing_statistics")
    mailing_replied_count = fields.Integer(string="Replied", compute="_compute_mailing_statistics")
    mailing_bounced_count = fields.Integer(string="Bounced", compute="_compute_mailing_statistics")
    mailing_cancelled_count = fields.Integer(string="Not Sent", compute="_compute_mailing_statistics")
    # The Zalo messages' outcomes
    zalo_sent_count = fields.Integer(string="Zalo Sent", compute="_compute_zalo_statistics")
    zalo_failed_count = fields.Integer(string="Zalo Failed", compute="_compute_zalo_statistics")
    zalo_cancelled_count = fields.Integer(string="Zalo Not Sent", compute="_compute_zalo_statistics")
    cost = fields.Monetary(compute="_compute_results", groups=CRM_MANAGER)
    revenue_after = fields.Monetary(compute="_compute_results", groups=CRM_MANAGER)
    roi = fields.Float(string="ROI (%)", compute="_compute_results", groups=CRM_MANAGER)
    control_revenue_after = fields.Monetary(
        string="Comparison Group Revenue", compute="_compute_results", groups=CRM_MANAGER
    )
    uplift_revenue = fields.Monetary(
        string="Uplift",
        compute="_compute_results",
        groups=CRM_MANAGER,
        help="Revenue per recipient minus revenue per member of the comparison group, times the recipients.",
    )

    _sql_constraints = [
        ("attribution_days_positive", "CHECK(attribution_days >= 0)", "The attribution window cannot be negative."),
        ("gift_quantity_positive", "CHECK(gift_quantity > 0)", "The gift quantity must be positive."),
        ("gift_lead_days_positive", "CHECK(gift_lead_days >= 0)", "The gift lead time cannot be negative."),
        (
            "control_ratio_range",
            "CHECK(control_ratio >= 0 AND control_ratio < 1)",
            "The comparison group is a share of the segment, from 0% to less than 100%.",
        ),
    ]

    # ------------------------------------------------------------------
    # Dates and segment
    # ------------------------------------------------------------------
    @api.depends("occasion")
    def _compute_date(self):
        today = fields.Date.context_today(self)
        for campaign in self:
            if campaign.occasion != "custom" or not campaign.date:
                campaign.date = next_occasion_date(campaign.occasion, today)

    @api.depends("company_id")
    def _compute_warehouse_id(self):
        for campaign in self:
            if campaign.warehouse_id.company_id != campaign.company_id:
                campaign.warehouse_id = self.env["stock.warehouse"].search(
                    [("company_id", "=", campaign.company_id.id)], limit=1
                )

    @api.constrains("budget", "other_cost", "gift_quantity")
    def _check_amounts(self):
        for campaign in self.sudo():  # the money fields are for managers; any writer is held to them
            negative = [
                campaign._fields[name]._description_string(self.env)
                for name in ("budget", "other_cost", "gift_quantity")
                if campaign[name] < 0
            ]
            if negative:
                raise ValidationError(
                    self.env._(
                        "%(fields)s of campaign %(campaign)s cannot be negative.",
                        fields=", ".join(negative),
                        campaign=campaign.name,
                    )
                )

    @api.constrains("mail_template_id", "sms_template_id", "zalo_template_id")
    def _check_template_models(self):
        for campaign in self:
            for template in (campaign.mail_template_id, campaign.sms_template_id, campaign.zalo_template_id):
                if template and template.sudo().model != TEMPLATE_MODEL:
                    raise ValidationError(
                        self.env._(
                            "The template %(template)s of campaign %(campaign)s is not a campaign recipient's "
                            "template: a campaign only sends templates made for its recipients.",
                            template=template.sudo().display_name,
                            campaign=campaign.name,
                        )
                    )

    @api.constrains("purpose", "zalo_template_id")
    def _check_zalo_template_purpose(self):
        for campaign in self:
            if campaign.purpose == "advertising" and campaign.zalo_template_id.purpose not in (False, "advertising"):
                raise ValidationError(
                    self.env._(
                        "Campaign %(campaign)s advertises: its Zalo template must be one Zalo approved for "
                        "advertising, not %(template)s.",
                        campaign=campaign.name,
                        template=campaign.zalo_template_id.name,
                    )
                )

    @api.constrains("segment_domain")
    def _check_segment_domain(self):
        for campaign in self:
            campaign._stp_segment_domain()

    def _stp_segment_domain(self):
        """The segment as a domain on partners (a literal list, as the domain widget writes it)."""
        try:
            domain = literal_eval(self.segment_domain or "[]")
            self.env["res.partner"]._search(domain)
        except (ValueError, SyntaxError, TypeError) as error:
            raise ValidationError(
                self.env._("The segment of %(campaign)s is not a valid filter.", campaign=self.name)
            ) from error
        return domain

    def _stp_partner_domain(self):
        """The partners the campaign may reach: its segment, among its company's (or shared)
        partners, with the day of the occasion known for birthdays and anniversaries."""
        domain = [("active", "=", True), ("company_id", "in", [False, self.company_id.id])]
        if self.occasion in PER_RECIPIENT_OCCASIONS:
            domain.append((PER_RECIPIENT_OCCASIONS[self.occasion], "!=", False))
        return expression.AND([self._stp_segment_domain(), domain])

    def _stp_partners(self):
        return self.env["res.partner"].sudo().with_company(self.company_id)

    def _compute_segment_count(self):
        for campaign in self:
            campaign.segment_count = campaign._stp_partners().search_count(campaign._stp_partner_domain())

    # ------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------
    def _compute_counts(self):
        lines = self.env["stp.crm.campaign.line"].sudo()
        counts = {
            (campaign.id, state, reason): count
            for campaign, state, reason, count in lines._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id", "state", "exclusion_reason"], ["__count"]
            )
        }
        pickings = dict(
            lines._read_group(
                [("campaign_id", "in", self.ids), ("picking_id", "!=", False)], ["campaign_id"], ["__count"]
            )
        )
        advertising = self.filtered(lambda campaign: campaign.purpose == "advertising")
        without_consent = (
            dict(
                lines._read_group(
                    [("campaign_id", "in", advertising.ids), ("missing_consent", "=", True)],
                    ["campaign_id"],
                    ["__count"],
                )
            )
            if advertising
            else {}
        )
        for campaign in self:
            campaign.excluded_no_consent_count = without_consent.get(campaign, 0)
            mine = {key[1:]: count for key, count in counts.items() if key[0] == campaign.id}
            delivered = mine.get(("delivered", False), 0)
            responded = mine.get(("responded", False), 0)
            campaign.recipient_count = sum(count for (state, _r), count in mine.items() if state != "excluded")
            campaign.control_count = mine.get(("excluded", "control"), 0)
            campaign.delivered_count = delivered + responded
            campaign.responded_count = responded
            campaign.picking_count = pickings.get(campaign, 0)

    def _compute_mailing_statistics(self):
        """Sent, opened, clicked, replied, bounced, not sent: the campaign's mailings' traces, in two
        queries for any number of campaigns (the traces are the engine's, read for the figures)."""
        traces = self.env["mailing.trace"].sudo()
        domain = [("mass_mailing_id.stp_campaign_id", "in", self.ids)]
        statuses, clicked = {}, {}
        for mailing, status, count in traces._read_group(domain, ["mass_mailing_id", "trace_status"], ["__count"]):
            mine = statuses.setdefault(mailing.stp_campaign_id.id, {})
            mine[status] = mine.get(status, 0) + count
        for mailing, count in traces._read_group(
            domain + [("links_click_datetime", "!=", False)], ["mass_mailing_id"], ["__count"]
        ):
            clicked[mailing.stp_campaign_id.id] = clicked.get(mailing.stp_campaign_id.id, 0) + count
        mailings = dict(
            self.env["mailing.mailing"]
            .sudo()
            ._read_group([("stp_campaign_id", "in", self.ids)], ["stp_campaign_id"], ["__count"])
        )
        for campaign in self:
            mine = statuses.get(campaign.id, {})
            campaign.mailing_count = mailings.get(campaign, 0)
            campaign.mailing_sent_count = sum(mine.get(s, 0) for s in ("pending", "sent", "open", "reply"))
            campaign.mailing_opened_count = mine.get("open", 0) + mine.get("reply", 0)
            campaign.mailing_clicked_count = clicked.get(campaign.id, 0)
            campaign.mailing_replied_count = mine.get("reply", 0)
            campaign.mailing_bounced_count = mine.get("bounce", 0)
            campaign.mailing_cancelled_count = mine.get("cancel", 0) + mine.get("error", 0)

    # The revenue counts the orders the reader may read: the figures differ from user to user.
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_results(self):
        costs = self._stp_gift_costs()
        revenues = self._stp_revenues()
        counts = {campaign.id: (campaign.recipient_count, campaign.control_count) for campaign in self}
        for campaign in self:
            cost = costs.get(campaign.id, 0.0) + campaign.other_cost
            revenue = revenues.get((campaign.id, False), 0.0)
            control_revenue = revenues.get((campaign.id, True), 0.0)
            recipients, control = counts[campaign.id]
            campaign.cost = cost
            campaign.revenue_after = revenue
            campaign.roi = (revenue - cost) / cost * 100 if cost else 0.0
            campaign.control_revenue_after = control_revenue
            campaign.uplift_revenue = (
                (revenue / recipients - control_revenue / control) * recipients if recipients and control else 0.0
            )

    def _stp_gift_costs(self):
        """{campaign id: value of its delivered gifts}, read back from the stock valuation layers
        of the delivery moves (FIFO or average cost, real-time or periodic valuation)."""
        if not self.ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.campaign_id, -SUM(svl.value)
                  FROM stp_crm_campaign_line l
                  JOIN stock_move m ON m.picking_id = l.picking_id
                  JOIN stock_valuation_layer svl ON svl.stock_move_id = m.id
                 WHERE l.campaign_id IN %s AND m.state = 'done'
                 GROUP BY l.campaign_id
                """,
                tuple(self.ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def _stp_revenues(self):
        """{(campaign id, comparison group?): confirmed sales after contact}, in one query."""
        if not self.ids:
            return {}
        rows = self.env["stp.crm.campaign.line"]._stp_attributed_sales(
            SQL("l.campaign_id IN %s", tuple(self.ids)),
            SQL("l.campaign_id, l.exclusion_reason IS NOT DISTINCT FROM 'control'"),
        )
        return {(campaign_id, is_control): amount for campaign_id, is_control, amount in rows}

    # ------------------------------------------------------------------
    # CRUD and the state machine
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("state", "draft") not in ("draft", "scheduled") for vals in vals_list):
            raise UserError(self.env._("A campaign is created as a draft or scheduled; the Launch action starts it."))
        return super().create(vals_list)

    @api.model
    def _stp_state_refused_message(self):
        return self.env._("The status of a campaign changes only through its actions: Schedule, Launch, Cancel, Reset.")

    def _stp_frozen_refused_message(self, labels):
        return self.env._(
            "%(fields)s of campaign %(campaign)s cannot change once it is launched.",
            fields=labels,
            campaign=self.display_name,
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_launched(self):
        if any(campaign.state in ("running", "done") for campaign in self):
            raise UserError(self.env._("A launched campaign cannot be deleted: cancel it instead."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_schedule(self):
        """Schedule the campaign for its day; the user who schedules it launches it then."""
        self._stp_check_gift_right()
        self._stp_set_state("scheduled", launched_by_id=self.env.uid)
        return True

    def action_cancel(self):
        """Cancel the campaign and the deliveries of its gifts not yet done (with the user's rights)."""
        pickings = self._stp_pickings_to_cancel()
        self._stp_set_state("cancelled")
        pickings.action_cancel()
        self.mailing_ids.filtered(lambda mailing: mailing.state == "in_queue").action_cancel()
        return True

    def _stp_has_stock_right(self):
        return self.env.su or self.env.user.has_group(STOCK_USER)

    def _stp_stock_right_name(self):
        return self.env.ref(STOCK_USER).full_name

    def _stp_check_gift_right(self):
        """Gifts become deliveries made with the launching user's rights: they need Inventory rights."""
        with_gift = self.filtered("gift_product_id")
        if with_gift and not self._stp_has_stock_right():
            raise UserError(
                self.env._(
                    "Campaign %(campaign)s sends a gift: its deliveries are made with your rights, and you do not "
                    "have the %(right)s right. Ask an administrator for it, or remove the gift.",
                    campaign=with_gift[0].name,
                    right=self._stp_stock_right_name(),
                )
            )

    def _stp_pickings_to_cancel(self):
        """The deliveries the campaigns' recipients got, not done nor cancelled, that the user may
        cancel; a translated error if the user may not cancel them."""
        if not self._stp_has_stock_right():
            # The lines' deliveries are for Inventory users: only whether there are some to cancel
            # is read as superuser, to tell the user why they may not cancel the campaign.
            if (
                self.env["stp.crm.campaign.line"]
                .sudo()
                .search_count(
                    [("campaign_id", "in", self.ids), ("picking_id.state", "not in", ("done", "cancel"))], limit=1
                )
            ):
                raise UserError(
                    self.env._(
                        "The campaign has deliveries to cancel, and cancelling them needs the %(right)s right.",
                        right=self._stp_stock_right_name(),
                    )
                )
            return self.env["stock.picking"]
        pickings = self.line_ids.picking_id
        try:
            pickings.check_access("write")
        except AccessError as error:
            raise UserError(
                self.env._("You may not cancel some of the deliveries of the campaign: ask an Inventory manager.")
            ) from error
        return pickings.filtered(lambda picking: picking.state not in ("done", "cancel"))

    def action_draft(self):
        self._stp_set_state("draft")

    def action_generate_recipients(self):
        """Add the segment's customers not yet in the campaign (newcomers only, never twice):
        the first ones at once, the rest in the background by the generation cron."""
        if any(campaign.state not in ("draft", "scheduled") for campaign in self):
            raise UserError(self.env._("Recipients can only be generated before the campaign is launched."))
        self._stp_system_write({"generation_pending": True})
        for campaign in self:
            campaign._stp_generate_batch(INLINE_GENERATE)
        if self.filtered("generation_pending"):
            self.env.ref(GENERATE_CRON)._trigger()
        return True

    def action_launch(self):
        """Start the campaign: gifts become deliveries from the warehouse, messages go to the
        mail queue; the first recipients at once, the rest by the sending cron (daily, and
        now). A yearly campaign schedules next year's copy."""
        for campaign in self:
            campaign._stp_check_launchable()
        self._stp_check_gift_right()
        self._stp_set_state("running", launched_by_id=self.env.uid, date_launched=fields.Datetime.now())
        for campaign in self.filtered("recurring"):
            campaign._stp_schedule_next_year()
        for campaign in self:
            campaign._stp_create_mailings()
        lines = self.env["stp.crm.campaign.line"]
        due = lines._stp_due_domain(fields.Date.context_today(self))
        for campaign in self:
            lines.search(expression.AND([due, [("campaign_id", "=", campaign.id)]]), limit=INLINE_SEND)._stp_send()
        self.env.ref(SEND_CRON)._trigger()
        return True

    # ------------------------------------------------------------------
    # Zalo: a ZNS per recipient, queued when their gift or greeting is due (line._stp_send)
    # ------------------------------------------------------------------
    def _compute_zalo_statistics(self):
        """Outcomes of the Zalo messages of the campaigns' recipients that the reader may see:
        one grouped query on the messages, one on the recipients they belong to."""
        lines = self.env["stp.crm.campaign.line"]
        groups = self.env["stp.crm.zalo.message"]._read_group(
            [("res_model", "=", TEMPLATE_MODEL), ("res_id", "in", lines._search([("campaign_id", "in", self.ids)]))],
            ["res_id", "state"],
            ["__count"],
        )
        line_ids = list({res_id for res_id, _state, _count in groups})
        campaign_of = dict(
            self.env.execute_query(
                SQL("SELECT id, campaign_id FROM stp_crm_campaign_line WHERE id = ANY(%s)", line_ids)
            )
        )
        counts = defaultdict(int)
        for res_id, state, count in groups:
            counts[campaign_of[res_id], state] += count
        for campaign in self:
            campaign.zalo_sent_count = counts[campaign.id, "sent"]
            campaign.zalo_failed_count = counts[campaign.id, "error"]
            campaign.zalo_cancelled_count = counts[campaign.id, "cancel"]

    def action_view_zalo_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_zalo_message_action")
        action["domain"] = [("res_model", "=", TEMPLATE_MODEL), ("res_id", "in", self.line_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Mailings: the campaign's messages through Odoo's mailing engine
    # ------------------------------------------------------------------
    def _stp_create_mailings(self):
        """At launch, the campaign's mailings, with the launching user's rights: one per channel
        (e-mail, SMS), recipients' day and language, each scheduled for that day at 07:00
        (Vietnam time), queued for Odoo's mailing cron; its recipients are the campaign's lines
        of that day and language still to contact when it leaves."""
        self.ensure_one()
        if not (self.mail_template_id or self.sms_template_id):
            return self.env["mailing.mailing"]
        self.mailing_ids.filtered(lambda mailing: mailing.state == "draft").unlink()  # a relaunch
        if not self.utm_campaign_id:
            self._stp_system_write({"utm_campaign_id": self.env["utm.campaign"].create({"title": self.name}).id})
        default_lang = self.company_id.partner_id.lang or self.env.lang or "en_US"
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT l.date, COALESCE(p.lang, %s)
                     FROM stp_crm_campaign_line l JOIN res_partner p ON p.id = l.partner_id
                    WHERE l.campaign_id = %s AND l.state != 'excluded'
                    GROUP BY 1, 2 ORDER BY 1, 2""",
                default_lang,
                self.id,
            )
        )
        groups = self.env.cr.fetchall()
        vals_list = []
        for day, lang in groups:
            lang_domain = (
                ["|", ("partner_id.lang", "=", lang), ("partner_id.lang", "=", False)]
                if lang == default_lang
                else [("partner_id.lang", "=", lang)]
            )
            domain = [
                ("campaign_id", "=", self.id),
                ("date", "=", fields.Date.to_string(day)),
                ("state", "!=", "excluded"),
                *lang_domain,
            ]
            common = {
                "stp_campaign_id": self.id,
                "stp_lang": lang,
                "campaign_id": self.utm_campaign_id.id,
                "mailing_model_id": self.env["ir.model"]._get_id("stp.crm.campaign.line"),
                "mailing_domain": repr(domain),
                "user_id": self.env.uid,
                "keep_archives": False,
                "reply_to_mode": "update",
            }
            if self.mail_template_id:
                vals_list.append({**common, **self._stp_mail_mailing_values(day, lang)})
            if self.sms_template_id:
                vals_list.append({**common, **self._stp_sms_mailing_values(day, lang)})
        mailings = self.env["mailing.mailing"].create(vals_list)
        mailings.action_put_in_queue()
        return mailings

    def _stp_mailing_moment(self, day, sms=False):
        """When the mailing of ``day`` leaves: 07:00 Vietnam time that day, now if that is past
        (``False``: Odoo's queue sends it at once); advertising SMS only from 07:00 to 22:00."""
        moment = (
            VIETNAM_TZ.localize(datetime.combine(day, time(GREETING_HOUR))).astimezone(pytz.utc).replace(tzinfo=None)
        )
        now = fields.Datetime.now()
        if moment <= now:
            moment = now
        if sms and self.purpose == "advertising":
            moment = next_sms_window(moment)
        return False if moment == now else moment

    def _stp_schedule_values(self, day, sms=False):
        moment = self._stp_mailing_moment(day, sms=sms)
        return {"schedule_type": "scheduled", "schedule_date": moment} if moment else {"schedule_type": "now"}

    def _stp_mailing_name(self, channel, day, lang):
        return f"{self.name} · {channel} · {fields.Date.to_string(day)} · {lang}"

    def _stp_mail_mailing_values(self, day, lang):
        template = self.mail_template_id.sudo().with_context(lang=lang)
        env = self.with_context(lang=lang).env
        subject, body = template.subject or "", template.body_html or ""
        if self.purpose == "advertising":
            subject = AD_LABEL + subject
            body = Markup(body) + Markup('<p style="font-size: 12px; color: #888888;">%s</p>') % Markup(
                env._(
                    "You receive this advertising from %(company)s because you agreed to it. "
                    '<a href="/unsubscribe_from_list">Unsubscribe</a> to receive no more.',
                    company=escape(self.company_id.name),
                )
            )
        return {
            "name": self._stp_mailing_name(env._("Email"), day, lang),
            "mailing_type": "mail",
            "subject": subject,
            "body_arch": body,
            "body_html": body,
            "email_from": self.user_id.email_formatted
            or self.company_id.email_formatted
            or self.env.user.email_formatted,
            **self._stp_schedule_values(day),
        }

    def _stp_sms_mailing_values(self, day, lang):
        template = self.sms_template_id.sudo().with_context(lang=lang)
        env = self.with_context(lang=lang).env
        body = template.body or ""
        advertising = self.purpose == "advertising"
        return {
            "name": self._stp_mailing_name(env._("SMS"), day, lang),
            "mailing_type": "sms",
            "sms_subject": self._stp_mailing_name(env._("SMS"), day, lang),
            "body_plaintext": AD_LABEL + body if advertising else body,
            # mass_mailing_sms ends the SMS with its opt-out link ("STOP SMS: ...")
            "sms_allow_unsubscribe": advertising,
            **self._stp_schedule_values(day, sms=True),
        }

    def action_view_mailings(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("mass_mailing.mailing_mailing_action_mail")
        return dict(
            action,
            name=self.env._("Mailings"),
            domain=[("stp_campaign_id", "in", self.ids)],
            context={"create": False},
        )

    def action_view_no_consent(self):
        return self._stp_lines_action(
            self.env._("Without Consent"), [("campaign_id", "in", self.ids), ("missing_consent", "=", True)]
        )

    def _stp_check_launchable(self):
        if self.generation_pending or not self.date_generated:
            raise UserError(
                self.env._("Generate the recipients of %(campaign)s before launching it.", campaign=self.name)
            )
        if self.gift_product_id and not self.warehouse_id:
            raise UserError(
                self.env._("Choose the warehouse the gifts of %(campaign)s leave from.", campaign=self.name)
            )
        if not (self.gift_product_id or self.mail_template_id or self.sms_template_id or self.zalo_template_id):
            raise UserError(self.env._("Campaign %(campaign)s has neither a gift nor a message.", campaign=self.name))

    def _stp_launcher(self):
        """The user the background jobs act for: who launched (or scheduled) the campaign; for
        campaigns from before it was recorded, who created it."""
        return self.launched_by_id or self.create_uid

    def _stp_launch_as_launcher(self):
        """Launch a scheduled campaign whose day has come, with the rights of who scheduled it. If
        they may not (rights withdrawn since), the campaign stays scheduled and says why."""
        try:
            with self.env.cr.savepoint():
                self.with_user(self._stp_launcher()).action_launch()
        except (UserError, AccessError) as error:
            # The job's own note on the campaign: whoever the launcher is, they may read it.
            self.sudo().message_post(
                body=self.env._("The campaign could not be launched on its day: %(error)s", error=str(error)),
                message_type="notification",
            )

    def _stp_launch_date(self):
        """The day a scheduled campaign starts: its date, or its gift lead time before it."""
        return self.date - timedelta(days=self.gift_lead_days if self.gift_product_id else 0)

    def _stp_schedule_next_year(self):
        if self.occasion in PER_RECIPIENT_OCCASIONS or self.occasion == "custom":
            next_date = self.date + relativedelta(years=1)
        else:
            next_date = occasion_date(self.occasion, self.date.year + 1)
        next_year = self.copy({"name": self.name, "date": next_date})
        next_year.action_schedule()
        return next_year

    def action_view_recipients(self):
        return self._stp_lines_action(self.env._("Recipients"), [("campaign_id", "in", self.ids)])

    def action_view_delivered(self):
        return self._stp_lines_action(
            self.env._("Delivered"), [("campaign_id", "in", self.ids), ("state", "in", ("delivered", "responded"))]
        )

    def action_view_responded(self):
        return self._stp_lines_action(
            self.env._("Responded"), [("campaign_id", "in", self.ids), ("state", "=", "responded")]
        )

    def _stp_lines_action(self, name, domain):
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_campaign_line_action")
        return dict(action, name=name, domain=domain, context={"default_campaign_id": self[:1].id})

    def action_view_pickings(self):
        pickings = self.sudo().line_ids.picking_id
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        return dict(action, domain=[("id", "in", pickings.ids)], context={"create": False})

    # ------------------------------------------------------------------
    # Generating recipients (a cron job in bounded batches)
    # ------------------------------------------------------------------
    def _stp_generate_batch(self, batch_size):
        """Insert up to ``batch_size`` partners of the segment not yet recipients; returns
        ``(done, remaining)``. Restartable: the domain leaves out who is already in, and so does
        ``_stp_create_lines``. The button's first partners and the cron's batches take this one
        path."""
        self.ensure_one()
        partners = self._stp_partners()
        domain = expression.AND(
            [self._stp_partner_domain(), [("stp_campaign_line_ids", "not any", [("campaign_id", "=", self.id)])]]
        )
        done, remaining = run_batch(
            partners,
            [(domain, self._stp_create_lines)],
            batch_size,
            f"_cron_stp_campaign_generate:{self.id}",
        )
        if not remaining:
            self._stp_system_write({"generation_pending": False, "date_generated": fields.Datetime.now()})
        return done, remaining

    def _stp_create_lines(self, partners):
        """Make ``partners`` recipients of the campaign, by the recipients' own ``create`` (its
        checks: pending, the partner's company, once per campaign), with the caller's rights,
        in one batch. Partners already in are left out (a restarted batch adds nothing twice);
        the members of the comparison group come in excluded, through the private path that
        alone may add them so."""
        lines = self.env["stp.crm.campaign.line"]
        partners -= lines.search_fetch(
            [("campaign_id", "=", self.id), ("partner_id", "in", partners.ids)], ["partner_id"]
        ).partner_id
        own_day = PER_RECIPIENT_OCCASIONS.get(self.occasion)
        if own_day:
            partners.fetch([own_day])
        vals_list = []
        for partner in partners:
            vals = {
                "campaign_id": self.id,
                "company_id": self.company_id.id,  # its campaign's (related), in the INSERT: no UPDATE after
                "partner_id": partner.id,
                "date": recipient_date(self.occasion, partner[own_day] if own_day else None, self.date),
            }
            if self._stp_in_control_group(partner.id):
                vals.update(state="excluded", exclusion_reason="control")
            vals_list.append(vals)
        created = lines._stp_system().create(vals_list)
        self.invalidate_recordset(["line_ids"])
        partners.invalidate_recordset(["stp_campaign_line_ids"])
        return created

    def _stp_in_control_group(self, partner_id):
        """Chosen at random but the same on every run (a hash of campaign and partner), so a
        restarted generation draws the same comparison group."""
        if not self.control_ratio:
            return False
        digest = hashlib.sha256(f"{self.id}:{partner_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.control_ratio

    @api.model
    def _cron_stp_campaign_generate(self, batch_size=GENERATE_BATCH_SIZE):
        """One batch of the oldest campaign waiting for its recipients; ir.cron calls again
        while some remain (and the job triggers itself again for the next campaign)."""
        waiting = self.sudo().search([("generation_pending", "=", True)], order="id")
        if not waiting:
            return 0, 0
        campaign = waiting[0]
        done, remaining = campaign._stp_generate_batch(batch_size)
        if not remaining:
            if len(waiting) > 1:
                self.env.ref(GENERATE_CRON)._trigger()
            if campaign.state == "scheduled" and campaign._stp_launch_date() <= fields.Date.context_today(campaign):
                campaign._stp_launch_as_launcher()
        return done, remaining

    # ------------------------------------------------------------------
    # Daily: launch the day's campaigns, send to the recipients whose day it is
    # ------------------------------------------------------------------
    @api.model
    def _cron_stp_campaign_send(self, batch_size=SEND_BATCH_SIZE):
        """Daily, and after a launch: start the scheduled campaigns whose day has come
        (their gift lead time before the occasion), then send one batch of due gifts (the
        greetings are the campaigns' mailings, Odoo's mailing cron sends them); ir.cron calls
        again while some remain."""
        campaigns = self.sudo()
        today = fields.Date.context_today(self)
        due = campaigns.search([("state", "=", "scheduled")]).filtered(lambda c: c._stp_launch_date() <= today)
        due.filtered(lambda c: not c.date_generated and not c.generation_pending).action_generate_recipients()
        for campaign in due.filtered(lambda c: c.date_generated and not c.generation_pending):
            campaign._stp_launch_as_launcher()
        lines = self.env["stp.crm.campaign.line"].sudo()
        steps = [(lines._stp_due_domain(today), lambda due: due._stp_as_launchers(lambda mine: mine._stp_send()))]
        result = run_batch(lines, steps, batch_size, "_cron_stp_campaign_send")
        running = campaigns.search([("state", "=", "running")])
        pending = {
            campaign
            for [campaign] in lines._read_group(
                expression.AND([[("campaign_id", "in", running.ids)], lines._stp_unfinished_domain()]),
                ["campaign_id"],
            )
        }
        sending = {
            campaign
            for [campaign] in self.env["mailing.mailing"]
            .sudo()
            ._read_group([("stp_campaign_id", "in", running.ids), ("state", "!=", "done")], ["stp_campaign_id"])
        }
        running.filtered(lambda c: c not in pending and c not in sending)._stp_set_state("done")
        return result

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    def _stp_demo_past_results(self, days):
        """Demo data: the campaign ran ``days`` days ago, and since then three of its recipients
        bought two filters each and one customer of its comparison group one, so that its
        results (revenue, ROI, uplift) read real figures on the first screen. Once only."""
        campaign = self.with_user(self.env.ref("base.user_admin"))
        if campaign.state != "draft":
            return
        campaign.action_generate_recipients()
        campaign.action_launch()
        contacted = fields.Datetime.now() - timedelta(days=days)
        campaign._stp_system_write({"date_launched": contacted})
        lines = campaign.line_ids
        lines.filtered("date_sent")._stp_system_write({"date_sent": contacted})
        recipients = lines.filtered(lambda line: line.state != "excluded")[:3]
        control = lines.filtered(lambda line: line.exclusion_reason == "control")[:1]
        purchases = [(line, "stp_crm.product_demo_filter", 2) for line in recipients]
        purchases += [(line, "stp_crm.product_demo_filter", 1) for line in control]
        for line, product_xmlid, quantity in purchases:
            product = self.env.ref(product_xmlid)
            order = campaign.env["sale.order"].create(
                {
                    "partner_id": line.partner_id.id,
                    "order_line": [
                        fields.Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "price_unit": product.list_price,
                                "tax_id": [fields.Command.clear()],
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
            order.date_order = contacted + timedelta(days=10)
