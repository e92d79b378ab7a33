from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime

from odoo.addons.rating.models import rating_data

from ..tools.cron_batch import run_batch
from ..tools.groups import STAFF
from ..tools.pickings import one_product_picking_values
from ..tools.reader_lang import for_reader
from ..tools.serials import check_serial_of_product

PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]
SLA_STATES = [("on_time", "On Time"), ("at_risk", "At Risk"), ("breached", "Breached")]
SLA_RISK_SHARE = 0.8  # at risk once 80% of the working hours are used
CLOSED_ONLY_FIGURES = ("resolution_hours", "sla_success_rate")  # averaged over closed tickets only
AUTO_CLOSE_BATCH_SIZE = 200
# Our own follow-up of a ticket (SLA, warranty reasoning, stock and sales links) is
# internal: portal customers read the ticket, not these fields.


# Named so that a test finds them after install and upgrade.
TICKET_ORDER_INDEXES = {
    "stp_crm_ticket_stage_order_index": ["stage_id", "priority DESC", "id DESC"],
    "stp_crm_ticket_order_index": ["priority DESC", "id DESC"],
}


class StpCrmTicket(models.Model):
    _name = "stp.crm.ticket"
    _description = "Service Ticket"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "stp.crm.interaction.source",
        "mail.activity.mixin",
        "rating.mixin",
        "stp.crm.input.mixin",
        "stp.crm.guarded.mixin",
    ]
    _order = "priority desc, id desc"
    _rec_names_search = ["number", "name", "partner_id"]
    _check_company_auto = True
    _primary_email = "partner_email"
    _mail_post_access = "read"  # portal customers reply on tickets they can read
    # number (from the sequence), date_closed and date_last_stage_update (from the stage), the
    # close figures (sla_*, resolution_hours, closed_count), repair_order_id: stored read-only,
    # set by the ticket itself, never by its users

    number = fields.Char(required=True, readonly=True, copy=False, index=True, default="/")
    name = fields.Char(string="Subject", required=True, tracking=True)
    ticket_type = fields.Selection(
        [("warranty", "Warranty"), ("support", "Support"), ("complaint", "Complaint")],
        string="Type",
        required=True,
        default="support",
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, tracking=True, check_company=True)
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer Company", store=True, index=True
    )
    partner_email = fields.Char(
        string="Email", compute="_compute_partner_contact", store=True, readonly=False, precompute=True
    )
    partner_phone = fields.Char(
        string="Phone", compute="_compute_partner_contact", store=True, readonly=False, precompute=True
    )
    description = fields.Html()
    resolution = fields.Html()
    priority = fields.Selection(PRIORITIES, required=True, default="1", index=True, tracking=True)
    team_id = fields.Many2one(
        "stp.crm.ticket.team",
        index=True,
        tracking=True,
        check_company=True,
        default=lambda self: self._default_team(),
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        index=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        copy=False,
        groups=STAFF,
    )
    stage_id = fields.Many2one(
        "stp.crm.ticket.stage",
        required=True,
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage(),
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True, string="Closed")
    color = fields.Integer(string="Color Index")
    date_last_stage_update = fields.Datetime(
        string="Last Stage Update", default=fields.Datetime.now, readonly=True, copy=False, index=True
    )
    # SLA
    date_deadline = fields.Datetime(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
        help="Creation time plus the team's hours for this priority, in the team's working hours.",
        groups=STAFF,
    )
    date_sla_risk = fields.Datetime(
        string="At Risk From",
        compute="_compute_date_deadline",
        store=True,
        help="When 80% of the SLA working hours are used.",
        groups=STAFF,
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False, index=True)
    sla_state = fields.Selection(
        SLA_STATES,
        string="SLA",
        compute="_compute_sla_state",
        search="_search_sla_state",
        help="At risk in the last 20% of the working hours before the deadline, breached after it. "
        "Closed tickets keep the state they had when closed.",
        groups=STAFF,
    )
    sla_final_state = fields.Selection(
        SLA_STATES,
        string="Final SLA",
        compute="_compute_close_figures",
        store=True,
        copy=False,
        groups=STAFF,
    )
    sla_success = fields.Boolean(
        string="SLA Met",
        compute="_compute_close_figures",
        store=True,
        copy=False,
        help="Closed before the deadline.",
        groups=STAFF,
    )
    sla_success_rate = fields.Float(
        string="SLA Success Rate (%)",
        compute="_compute_close_figures",
        store=True,
        copy=False,
        aggregator="avg",
        help="100 for a closed ticket that met its deadline, 0 otherwise: its average is the success rate. "
        "Open tickets do not count in the average.",
        groups=STAFF,
    )
    resolution_hours = fields.Float(
        string="Resolution Time (Hours)",
        compute="_compute_close_figures",
        store=True,
        copy=False,
        aggregator="avg",
        help="Hours from creation to closing (calendar time). Open tickets do not count in the average.",
        groups=STAFF,
    )
    closed_count = fields.Integer(
        string="Closed Tickets",
        compute="_compute_close_figures",
        store=True,
        copy=False,
        help="1 for a closed ticket: summed, the number of tickets the averages are taken over.",
        groups=STAFF,
    )
    # Warranty
    product_id = fields.Many2one("product.product", index="btree_not_null", check_company=True)
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain="[('product_id', '=?', product_id)]",
    )
    installed_product_id = fields.Many2one(
        "stp.crm.installed.product",
        compute="_compute_installed_product_id",
        store=True,
        readonly=False,
        check_company=True,
        index="btree_not_null",
        groups=STAFF,
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        compute="_compute_sale_order_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        groups=STAFF,
    )
    warranty_end_date = fields.Date(
        related="installed_product_id.warranty_end_date", string="Warranty End Date", store=True
    )
    warranty_state = fields.Selection(
        [("in_warranty", "In Warranty"), ("expired", "Warranty Expired"), ("no_warranty", "No Warranty")],
        string="Warranty",
        compute="_compute_warranty",
        store=True,
        index=True,
        help="Judged on the day the ticket was opened.",
    )
    warranty_reason = fields.Char(
        compute="_compute_warranty_reason",
        compute_sudo=True,
        groups=STAFF,
        help="Why the warranty is in that state, in the reader's language.",
    )
    # Inventory and sales
    picking_ids = fields.One2many("stock.picking", "stp_ticket_id", string="Transfers", groups=STAFF)
    return_count = fields.Integer(compute="_compute_picking_counts", string="Returns", groups=STAFF)
    replacement_count = fields.Integer(compute="_compute_picking_counts", string="Replacements", groups=STAFF)
    repair_order_id = fields.Many2one(
        "sale.order",
        string="Repair Quotation",
        readonly=True,
        copy=False,
        check_company=True,
        groups=STAFF,
    )
    # Merge and split (wizards stp.crm.ticket.merge / stp.crm.ticket.split)
    merged_into_id = fields.Many2one(
        "stp.crm.ticket",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="The ticket this duplicate was merged into: its messages, attachments and transfers are there.",
    )
    split_from_id = fields.Many2one(
        "stp.crm.ticket",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The ticket this one was split from.",
    )

    _sql_constraints = [
        ("number_company_uniq", "UNIQUE(number, company_id)", "The ticket number must be unique per company."),
    ]

    def init(self):  # pylint: disable=missing-return
        """Indexes in the tickets' order (``_order``): a kanban column's first cards (a stage,
        then the order) and the list's first page are read walking one of them and stop at the
        page's size, whatever the number of tickets (a ticket user's record rule is a filter
        of the rows read: it needs no other index)."""
        super().init()
        for name, columns in TICKET_ORDER_INDEXES.items():
            tools.create_index(self.env.cr, name, self._table, columns)

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------
    @api.model
    def _default_stage(self):
        return self.env["stp.crm.ticket.stage"].search([], limit=1)

    @api.model
    def _default_team(self):
        if "default_team_id" in self.env.context:
            return self.env["stp.crm.ticket.team"]
        return self.env["stp.crm.ticket.team"].search(
            [("member_ids", "in", self.env.uid), ("company_id", "in", self.env.companies.ids)], limit=1
        )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # Every stage is a column of the board, empty or not.
        return stages.search([], order=stages._order)  # pylint: disable=no-search-all

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("partner_id")
    def _compute_partner_contact(self):
        for ticket in self:
            if ticket.partner_id:
                ticket.partner_email = ticket.partner_id.email
                ticket.partner_phone = ticket.partner_id.phone or ticket.partner_id.mobile

    @api.depends("priority", "team_id")
    def _compute_date_deadline(self):
        for ticket in self:
            team = ticket.team_id
            hours = team._stp_sla_hours(ticket.priority) if team else 0.0
            if not hours:
                ticket.date_deadline = ticket.date_sla_risk = False
                continue
            start = ticket.create_date or fields.Datetime.now()
            ticket.date_deadline = ticket._stp_plan_hours(hours, start)
            ticket.date_sla_risk = ticket._stp_plan_hours(hours * SLA_RISK_SHARE, start)

    def _stp_plan_hours(self, hours, start):
        """``start`` + ``hours`` working hours of the team's calendar, naive UTC."""
        calendar = self.team_id.resource_calendar_id or self.company_id.resource_calendar_id
        if not calendar:
            return start + timedelta(hours=hours)
        return calendar.plan_hours(hours, start, compute_leaves=True)

    @api.depends("date_deadline", "date_sla_risk", "date_closed", "sla_final_state")
    def _compute_sla_state(self):
        now = fields.Datetime.now()
        for ticket in self:
            if ticket.date_closed and ticket.sla_final_state:
                ticket.sla_state = ticket.sla_final_state
            else:
                ticket.sla_state = ticket._stp_sla_state_at(now)

    def _stp_sla_state_at(self, moment):
        if not self.date_deadline:
            return "on_time"
        if moment > self.date_deadline:
            return "breached"
        if self.date_sla_risk and moment >= self.date_sla_risk:
            return "at_risk"
        return "on_time"

    def _search_sla_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the SLA state."))
        values = {value} if isinstance(value, str) else set(value or [])
        wanted = values if operator in ("=", "in") else {key for key, _label in SLA_STATES} - values
        now = fields.Datetime.now()
        open_domains = {
            "breached": [("date_deadline", "<", now)],
            "at_risk": [("date_deadline", ">=", now), ("date_sla_risk", "<=", now)],
            "on_time": [
                "|",
                ("date_deadline", "=", False),
                "&",
                ("date_deadline", ">=", now),
                "|",
                ("date_sla_risk", "=", False),
                ("date_sla_risk", ">", now),
            ],
        }
        domains = []
        for state in wanted:
            domains.append(["&", ("date_closed", "!=", False), ("sla_final_state", "=", state)])
            domains.append(["&", ("date_closed", "=", False), *open_domains[state]])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    @api.depends("date_closed", "merged_into_id")
    def _compute_close_figures(self):
        """Frozen when the ticket is closed: depends on the closing date only. A
        duplicate closed by a merge keeps its final SLA state but was not resolved:
        no resolution figures, out of the averages and the count."""
        for ticket in self:
            if not ticket.date_closed:
                ticket.sla_final_state = False
                ticket.sla_success = False
                ticket.sla_success_rate = 0.0
                ticket.resolution_hours = 0.0
                ticket.closed_count = 0
                continue
            ticket.sla_final_state = ticket._stp_sla_state_at(ticket.date_closed)
            resolved = not ticket.merged_into_id
            ticket.closed_count = 1 if resolved else 0
            ticket.sla_success = resolved and ticket.sla_final_state != "breached"
            ticket.sla_success_rate = 100.0 if ticket.sla_success else 0.0
            opened = ticket.create_date or ticket.date_closed
            ticket.resolution_hours = (ticket.date_closed - opened).total_seconds() / 3600 if resolved else 0.0

    @api.depends(
        "lot_id",
        "partner_id",
        "company_id",
        "lot_id.stp_installed_product_ids.partner_id",
        "lot_id.stp_installed_product_ids.company_id",
        "lot_id.stp_installed_product_ids.install_date",
        "lot_id.stp_installed_product_ids.active",
    )
    def _compute_installed_product_id(self):
        """The serial at the customer's company, as the installed base recorded it
        (in the ticket's company only): the latest installation by the day the ticket
        was opened, else (a ticket opened before the delivery) the first one after. A
        delivery validated later re-evaluates the ticket."""
        tickets = self.filtered(lambda t: t.lot_id and t.partner_id)
        installed = self.env["stp.crm.installed.product"].search(
            [
                ("lot_id", "in", tickets.lot_id.ids),
                ("partner_id", "in", tickets.commercial_partner_id.ids),
                ("company_id", "in", tickets.company_id.ids),
            ],
            order="install_date desc, id desc",
        )
        for ticket in self:
            opened = ticket._stp_opened_on()
            matching = installed.filtered(
                lambda i, t=ticket: (i.lot_id, i.partner_id, i.company_id)
                == (t.lot_id, t.partner_id.commercial_partner_id, t.company_id)
            )
            ticket.installed_product_id = (
                matching.filtered(lambda i, d=opened: not i.install_date or i.install_date <= d)[:1] or matching[-1:]
            )

    def _stp_opened_on(self):
        """The day the ticket was opened, in the user's time zone (today while it is created)."""
        return fields.Date.context_today(self, self.create_date) if self.create_date else fields.Date.today()

    @api.depends(
        "lot_id",
        "partner_id",
        "installed_product_id.install_date",
        "installed_product_id.warranty_end_date",
        "installed_product_id.picking_id",
    )
    def _compute_warranty(self):
        """Judged from the installed product, which holds the warranty end; on the
        day the ticket was opened."""
        for ticket, (state, _reason) in self._stp_warranties():
            ticket.warranty_state = state

    @api.depends_context("lang")
    @api.depends(
        "lot_id",
        "partner_id",
        "installed_product_id.install_date",
        "installed_product_id.warranty_end_date",
        "installed_product_id.picking_id",
        "lot_id.stp_installed_product_ids.partner_id",
    )
    def _compute_warranty_reason(self):
        """Built when read, in the reader's language and date format."""
        for ticket, (_state, reason) in self._stp_warranties():
            ticket.warranty_reason = reason

    def _stp_warranties(self):
        """[(ticket, (state, reason))] for the tickets of ``self``: one query."""
        installed_at = self._stp_lot_customers()
        return [
            (
                ticket,
                ticket._stp_warranty(
                    bool(
                        installed_at.get((ticket.lot_id.id, ticket.company_id.id), set())
                        - {ticket.commercial_partner_id.id}
                    )
                ),
            )
            for ticket in self
        ]

    @api.depends("installed_product_id.picking_id")
    def _compute_sale_order_id(self):
        for ticket in self.filtered("installed_product_id.picking_id.sale_id"):
            ticket.sale_order_id = ticket.installed_product_id.picking_id.sale_id

    def _stp_lot_customers(self):
        """{(lot id, company id): customer ids} where the ticket's company installed the
        serials of tickets without an installed product: one query."""
        unmatched = self.filtered(lambda t: t.lot_id and not t.installed_product_id)
        if not unmatched:
            return {}
        groups = (
            self.env["stp.crm.installed.product"]
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [("lot_id", "in", unmatched.lot_id.ids), ("company_id", "in", unmatched.company_id.ids)],
                ["lot_id", "company_id", "partner_id"],
            )
        )
        customers = {}
        for lot, company, partner in groups:
            customers.setdefault((lot.id, company.id), set()).add(partner.id)
        return customers

    def _stp_warranty(self, installed_elsewhere):
        """(state, reason) of the warranty of this ticket's serial. Never names
        another customer: the reason is shown to whoever reads the ticket."""
        _ = self.env._
        installed = self.installed_product_id
        if not self.lot_id:
            return "no_warranty", self.env._("No serial number on the ticket.")
        if not self.partner_id:
            return "no_warranty", self.env._("No customer on the ticket.")
        if not installed:
            if installed_elsewhere:
                return "no_warranty", self.env._(
                    "Serial number %(lot)s was delivered to another customer.", lot=self.lot_id.name
                )
            return (
                "no_warranty",
                self.env._("Serial number %(lot)s has no validated delivery to a customer.", lot=self.lot_id.name),
            )
        end = installed.warranty_end_date
        if not end:
            return "no_warranty", self.env._("%(product)s has no warranty.", product=installed.product_id.display_name)
        values = {
            "delivered": format_date(self.env, installed.install_date),
            "delivery": installed.picking_id.name or self.env._("recorded by hand"),
            "end": format_date(self.env, end),
        }
        if self._stp_opened_on() <= end:
            return "in_warranty", self.env._(
                "Delivered on %(delivered)s (%(delivery)s), under warranty until %(end)s.", **values
            )
        return "expired", self.env._(
            "Delivered on %(delivered)s (%(delivery)s), the warranty ended on %(end)s.", **values
        )

    @api.depends("picking_ids.picking_type_code")
    def _compute_picking_counts(self):
        groups = self.env["stock.picking"]._read_group(
            [("stp_ticket_id", "in", self.ids)], ["stp_ticket_id", "picking_type_code"], ["__count"]
        )
        counts = {(ticket.id, code): count for ticket, code, count in groups}
        for ticket in self:
            ticket.return_count = counts.get((ticket.id, "incoming"), 0)
            ticket.replacement_count = counts.get((ticket.id, "outgoing"), 0)

    # A compute returns nothing.
    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"

    @api.depends("number", "name")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = f"{ticket.number} - {ticket.name}" if ticket.name else ticket.number

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("lot_id", "product_id")
    def _check_lot_product(self):
        check_serial_of_product(self)

    @api.constrains("date_closed")
    def _check_date_closed(self):
        for ticket in self.filtered("date_closed"):
            # create_date keeps microseconds, the closing date does not
            if ticket.create_date and ticket.date_closed < ticket.create_date.replace(microsecond=0):
                raise ValidationError(
                    self.env._(
                        "Ticket %(number)s cannot be closed (%(closed)s) before it was opened (%(opened)s).",
                        number=ticket.number,
                        closed=format_datetime(self.env, ticket.date_closed, dt_format=False),
                        opened=format_datetime(self.env, ticket.create_date, dt_format=False),
                    )
                )

    def _stp_check_lot_exists(self, vals_list):
        """An unknown serial id would only fail in the database with a foreign-key
        error: refuse it clearly before anything is written."""
        lot_ids = {vals["lot_id"] for vals in vals_list if vals.get("lot_id")}
        missing = lot_ids - set(self.env["stock.lot"].sudo().browse(lot_ids).exists().ids)
        if missing:
            raise ValidationError(
                self.env._("Serial number id %(ids)s does not exist.", ids=", ".join(str(i) for i in sorted(missing)))
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # Odoo runs a request again with the same arguments after a concurrency error: the
        # caller's values stay as given (a number set here would be refused the second time).
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            if vals.get("number") == "/":
                del vals["number"]  # the placeholder default, which the sequence replaces
        self._stp_check_guarded_create(vals_list)
        self._stp_check_lot_exists(vals_list)
        now = fields.Datetime.now()
        stages = self.env["stp.crm.ticket.stage"]
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            if vals.get("number", "/") == "/":
                vals["number"] = company._stp_next_number("stp.crm.ticket")
            if vals.get("lot_id") and not vals.get("product_id"):
                vals["product_id"] = self.env["stock.lot"].browse(vals["lot_id"]).product_id.id
            if vals.get("stage_id") and stages.browse(vals["stage_id"]).is_closed:
                vals["date_closed"] = now
        tickets = super(StpCrmTicket, self._stp_system()).create(vals_list).with_env(self.env)
        tickets.filtered(lambda t: t.team_id and not t.user_id)._stp_assign()
        return tickets

    def write(self, vals):
        self._stp_check_guarded_write(vals)
        self._stp_check_lot_exists([vals])
        if vals.get("lot_id") and "product_id" not in vals:
            vals["product_id"] = self.env["stock.lot"].browse(vals["lot_id"]).product_id.id
        if "stage_id" in vals:
            now = fields.Datetime.now()
            vals = dict(vals, date_last_stage_update=now)
            if not self.env["stp.crm.ticket.stage"].browse(vals["stage_id"]).is_closed:
                vals["date_closed"] = False
            else:
                # tickets moving between closed stages keep their first closing date
                already_closed = self.filtered("date_closed")
                if already_closed and already_closed != self:
                    already_closed._stp_system().write(vals)
                    return (self - already_closed)._stp_system().write(vals)
                if not already_closed:
                    vals["date_closed"] = now
        if vals.get("team_id"):
            self._stp_follow_when_routing_away(self.env["stp.crm.ticket.team"].browse(vals["team_id"]))
        # the caller's values are checked: the rest is the ticket's own
        result = super(StpCrmTicket, self._stp_system()).write(vals)
        if "team_id" in vals and not vals.get("user_id"):
            self.filtered(lambda t: t.team_id and not t.user_id)._stp_assign()
        if vals.get("stage_id"):
            self._stp_send_rating_requests()
            self._stp_queue_zalo_stage_change()
        return result

    def _stp_queue_zalo_stage_change(self):
        """A ZNS to the customer of each ticket whose team has a Zalo template
        (e.g. "ticket TK/2026/0042 is now In progress")."""
        for team, tickets in self.filtered(lambda t: t.partner_id and not t.merged_into_id).grouped("team_id").items():
            template = team.zalo_template_id
            if template and template.model == self._name:
                template._stp_queue_for(tickets, "partner_id")

    # ------------------------------------------------------------------
    # Assignment
    # ------------------------------------------------------------------
    def _stp_follow_when_routing_away(self, team):
        """A user routing tickets to a team they are not in follows them, and so
        keeps sight of them (record rule): the write, and the form reading the
        ticket back, do not end in an access error."""
        user = self.env.user
        if not self.env.su and user not in team.sudo().member_ids:
            self.message_subscribe(partner_ids=user.partner_id.ids)

    def _stp_assign(self):
        for team, tickets in self.grouped("team_id").items():
            members = team._stp_pick_members(len(tickets))
            for ticket, member in zip(tickets, members, strict=False):
                # sudo: the team hands out its tickets, whoever routed them there
                # (routing a ticket to another team takes it out of the user's sight)
                ticket.sudo().user_id = member

    # ------------------------------------------------------------------
    # Rating
    # ------------------------------------------------------------------
    # A ticket's rating is for its team, the rated person and the CRM managers (record
    # rules of rating.rating): its figures are computed with the reader's rights, so that
    # who reads the ticket but not its rating reads empty values (rating.mixin computes
    # them as superuser, and stores the last value); each reader's are cached apart.
    rating_last_value = fields.Float(
        compute="_compute_rating_last", store=False, compute_sudo=False, depends_context=("uid",)
    )
    rating_last_feedback = fields.Text(
        related=False, compute="_compute_rating_last", compute_sudo=False, depends_context=("uid",)
    )
    rating_last_image = fields.Binary(
        related=False, compute="_compute_rating_last", compute_sudo=False, depends_context=("uid",)
    )
    rating_last_text = fields.Selection(
        rating_data.RATING_TEXT,
        related=False,
        compute="_compute_rating_last",
        compute_sudo=False,
        depends_context=("uid",),
    )
    rating_count = fields.Integer(compute_sudo=False, depends_context=("uid",))
    rating_avg = fields.Float(compute_sudo=False, depends_context=("uid",))
    rating_avg_text = fields.Selection(compute_sudo=False, depends_context=("uid",))
    rating_percentage_satisfaction = fields.Float(compute_sudo=False, depends_context=("uid",))

    def _stp_readable_ratings(self):
        """The ratings of the tickets ``self`` the reader may read, latest first."""
        ratings = self.env["rating.rating"]
        if not ratings.has_access("read"):
            return ratings
        return ratings.search([("res_model", "=", self._name), ("res_id", "in", self.ids)])

    @api.depends("rating_ids.rating", "rating_ids.consumed", "rating_ids.feedback")
    def _compute_rating_last(self):
        latest, consumed = {}, {}
        for rating in self._stp_readable_ratings():
            latest.setdefault(rating.res_id, rating)
            if rating.consumed:
                consumed.setdefault(rating.res_id, rating)
        no_rating = self.env["rating.rating"]
        for ticket in self:
            rating = latest.get(ticket.id, no_rating)
            ticket.rating_last_value = consumed.get(ticket.id, no_rating).rating
            ticket.rating_last_feedback = rating.feedback
            ticket.rating_last_image = rating.rating_image
            ticket.rating_last_text = rating.rating_text

    def _compute_rating_stats(self):
        if self.env["rating.rating"].has_access("read"):
            return super()._compute_rating_stats()
        self.rating_count = self.rating_avg = 0
        return None

    def _compute_rating_satisfaction(self):
        if self.env["rating.rating"].has_access("read"):
            return super()._compute_rating_satisfaction()
        self.rating_percentage_satisfaction = -1
        return None

    def _read_format(self, fnames, load="_classic_read"):
        """``rating_ids`` lists the ratings the reader may read (a one2many lists them all)."""
        result = super()._read_format(fnames, load)
        if "rating_ids" in fnames and not self.env.su:
            readable = set(self._stp_readable_ratings().ids)
            for values in result:
                if "rating_ids" in values:
                    values["rating_ids"] = [rating_id for rating_id in values["rating_ids"] if rating_id in readable]
        return result

    def _stp_send_rating_requests(self):
        for ticket in self.filtered(lambda t: not t.merged_into_id):  # a merged duplicate is not rated
            template = ticket.stage_id.rating_template_id
            partner = ticket.partner_id
            if template and partner and partner != self.env.user.partner_id:
                ticket.rating_send_request(template, lang=partner.lang, force_send=False)

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # An open ticket has no resolution time nor SLA result yet: its zeros
        # stay out of the averages (pivot, graph, read_group over RPC).
        fname, _sep, func = aggregate_spec.partition(":")
        # Duplicates closed by a merge were not resolved: they stay out too.
        if fname in CLOSED_ONLY_FIGURES and func == "avg":
            return SQL(
                "AVG(CASE WHEN %s IS NOT NULL AND %s IS NULL THEN %s END)",
                self._field_to_sql(self._table, "date_closed", query),
                self._field_to_sql(self._table, "merged_into_id", query),
                self._field_to_sql(self._table, fname, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    def _rating_get_parent_field_name(self):
        return "team_id"

    # ------------------------------------------------------------------
    # Email gateway
    # ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        values.setdefault("name", msg_dict.get("subject") or self.env._("(no subject)"))
        values.setdefault("description", msg_dict.get("body"))
        email_from = msg_dict.get("email_from")
        if email_from and "partner_id" not in values:
            values["partner_id"] = self._stp_sender_partner(email_from, values).id
            values["partner_email"] = tools.email_normalize(email_from) or email_from
        return super().message_new(msg_dict, custom_values=values)

    @api.model
    def _stp_sender_partner(self, email_from, values):
        """The sender among the partners the ticket's company may use (its own and
        shared ones), found by normalized email, or created in that company."""
        team = self.env["stp.crm.ticket.team"].browse(values.get("team_id"))
        company = team.company_id or self.env["res.company"].browse(values.get("company_id")) or self.env.company
        values.setdefault("company_id", company.id)
        partner = self._mail_find_partner_from_emails(
            [email_from], extra_domain=[("company_id", "in", [False, company.id])]
        )[0]
        if not partner:
            partners = self.env["res.partner"].with_context(default_company_id=company.id)
            partner = partners.browse(partners.name_create(email_from)[0])
        return partner

    def message_update(self, msg_dict, update_vals=None):
        # A reply to a merged duplicate's thread belongs to the ticket it was merged into.
        if self.merged_into_id:
            return self.merged_into_id.message_update(msg_dict, update_vals=update_vals)
        return super().message_update(msg_dict, update_vals=update_vals)

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        # The mail gateway posts the reply on the thread it found (from_alias):
        # on a merged duplicate, the reply goes to the ticket it was merged into.
        if self.env.context.get("from_alias") and len(self) == 1 and self.merged_into_id:
            return self.merged_into_id.message_post(**kwargs)
        return super().message_post(**kwargs)

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for ticket in self.filtered("partner_id"):
            ticket._message_add_suggested_recipient(
                recipients, partner=ticket.partner_id, reason=self.env._("Customer")
            )
        return recipients

    # ------------------------------------------------------------------
    # Inventory and sales actions
    # ------------------------------------------------------------------
    def _stp_warehouse(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)
        if not warehouse:
            raise UserError(self.env._("Company %(company)s has no warehouse.", company=self.company_id.name))
        return warehouse

    def _stp_check_can_move_serial(self):
        self.ensure_one()
        if not self.partner_id or not self.product_id:
            raise UserError(
                self.env._("Set the customer and the product of ticket %(number)s first.", number=self.number)
            )

    def action_receive_return(self):
        """Incoming transfer of the ticket's serial from the customer."""
        self._stp_check_can_move_serial()
        if not self.lot_id:
            raise UserError(self.env._("Set the serial number to receive on ticket %(number)s.", number=self.number))
        picking_type = self._stp_warehouse().in_type_id
        picking = self._stp_create_picking(
            picking_type, self.env.ref("stock.stock_location_customers"), picking_type.default_location_dest_id
        )
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    fields.Command.create(
                        {
                            "product_id": self.product_id.id,
                            "lot_id": self.lot_id.id,
                            "quantity": 1.0,
                            "location_id": picking.location_id.id,
                            "location_dest_id": picking.location_dest_id.id,
                            "picking_id": picking.id,
                        }
                    )
                ]
            }
        )
        return picking.get_formview_action()

    def action_send_replacement(self):
        """Outgoing transfer of the same product (another serial is reserved from stock)."""
        self._stp_check_can_move_serial()
        picking_type = self._stp_warehouse().out_type_id
        picking = self._stp_create_picking(
            picking_type, picking_type.default_location_src_id, self.env.ref("stock.stock_location_customers")
        )
        picking.action_assign()
        return picking.get_formview_action()

    def _stp_create_picking(self, picking_type, source, destination):
        picking = self.env["stock.picking"].create(
            one_product_picking_values(
                picking_type,
                self.partner_id,
                self.product_id,
                1.0,
                source,
                destination,
                self.company_id,
                origin=self.number,
                stp_ticket_id=self.id,
            )
        )
        picking.action_confirm()
        self.message_post(
            body=self.env._("Transfer %(picking)s created.", picking=picking._get_html_link()),
            subtype_xmlid="mail.mt_note",
        )
        return picking

    def action_view_returns(self):
        returns = self.picking_ids.filtered(lambda p: p.picking_type_code == "incoming")
        return returns._get_records_action(name=self.env._("Returns"), context={"create": False})

    def action_view_replacements(self):
        replacements = self.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        return replacements._get_records_action(name=self.env._("Replacements"), context={"create": False})

    def action_quote_repair(self):
        """Sale quotation of the team's repair service for an out-of-warranty product."""
        self.ensure_one()
        if self.warranty_state == "in_warranty":
            raise UserError(self.env._("Ticket %(number)s is under warranty: the repair is free.", number=self.number))
        if not self.partner_id:
            raise UserError(self.env._("Set the customer of ticket %(number)s first.", number=self.number))
        service = self.team_id.repair_product_id
        if not service:
            raise UserError(self.env._("Choose a repair service product in the settings of the ticket's team."))
        line_name = self.env._(
            "%(service)s: %(product)s %(lot)s (%(number)s)",
            service=service.display_name,
            product=self.product_id.display_name or "",
            lot=self.lot_id.name or "",
            number=self.number,
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "origin": self.number,
                "order_line": [fields.Command.create({"product_id": service.id, "name": line_name})],
            }
        )
        self._stp_system_write({"repair_order_id": order.id})
        return order.get_formview_action()

    def action_open_repair_order(self):
        self.ensure_one()
        return self.repair_order_id.get_formview_action()

    # ------------------------------------------------------------------
    # Auto-close cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_stp_auto_close(self, batch_size=AUTO_CLOSE_BATCH_SIZE):
        """Daily: close tickets waiting for the customer longer than their team's
        limit, telling the customer; one batch per call, ir.cron calls again while
        some remain."""
        closing_stage = self.env["stp.crm.ticket.stage"].search([("is_closed", "=", True)], limit=1)
        domain = self._stp_auto_close_domain()
        if not closing_stage or not domain:
            return 0, 0  # nothing to close: no progress to report, the job is done
        steps = [(domain, lambda tickets: tickets._stp_auto_close(closing_stage))]
        return run_batch(self, steps, batch_size, "_cron_stp_auto_close")

    @api.model
    def _stp_auto_close_domain(self):
        now = fields.Datetime.now()
        domains = []
        for team in self.env["stp.crm.ticket.team"].search([("auto_close_days", ">", 0)]):
            domains.append(
                [
                    ("team_id", "=", team.id),
                    ("date_last_stage_update", "<", now - timedelta(days=team.auto_close_days)),
                ]
            )
        return expression.AND([[("stage_id.is_waiting", "=", True)], expression.OR(domains)]) if domains else None

    def _stp_auto_close(self, stage):
        for ticket in self:
            days = ticket.team_id.auto_close_days
            ticket.write({"stage_id": stage.id})
            body = for_reader(ticket, ticket.partner_id).env._(
                "We did not hear back from you for %(days)s days, so we closed ticket %(number)s. "
                "Reply to this message if you still need help.",
                days=days,
                number=ticket.number,
            )
            ticket.message_post(
                body=body,
                partner_ids=ticket.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
