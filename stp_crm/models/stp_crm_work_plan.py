import itertools

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_datetime

from ..tools.cron_batch import run_batch
from ..tools.reader_lang import for_reader

OVERDUE_BATCH_SIZE = 500
CLOSED_STATES = ("done", "cancelled")
# (is_urgent, is_important) -> quadrant, and back
QUADRANT_FLAGS = {
    "do_first": (True, True),
    "schedule": (False, True),
    "delegate": (True, False),
    "eliminate": (False, False),
}
QUADRANTS = [
    ("do_first", "Important & Urgent"),
    ("schedule", "Important, Not Urgent"),
    ("delegate", "Urgent, Not Important"),
    ("eliminate", "Neither Urgent nor Important"),
]


class StpCrmWorkPlan(models.Model):
    _name = "stp.crm.work.plan"
    _description = "Work Plan"
    _inherit = ["stp.crm.interaction.source", "mail.activity.mixin", "stp.crm.input.mixin", "stp.crm.guarded.mixin"]
    _order = "date_deadline asc nulls last, id desc"
    _check_company_auto = True
    # overdue_notified, stp_dunning_open: stored read-only, set by the code
    _stp_system_fields = ("date_done",)
    _stp_state_field = "state"

    name = fields.Char(string="Goal", required=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null", check_company=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", index="btree_not_null", check_company=True)
    # The customer's company, else the opportunity's: stored and indexed for the timeline.
    commercial_partner_id = fields.Many2one(
        "res.partner",
        string="Customer Company",
        compute="_compute_commercial_partner_id",
        store=True,
        index="btree_not_null",
    )
    date_start = fields.Datetime(string="Start", tracking=True)
    date_handover = fields.Datetime(string="Handover")
    date_deadline = fields.Datetime(string="Deadline", index=True, tracking=True)
    date_done = fields.Datetime(string="Done On", copy=False)
    location = fields.Char()
    is_urgent = fields.Boolean(string="Urgent", tracking=True)
    is_important = fields.Boolean(string="Important", tracking=True)
    quadrant = fields.Selection(
        QUADRANTS,
        compute="_compute_quadrant",
        inverse="_inverse_quadrant",
        store=True,
        readonly=False,
        index=True,
        group_expand="_group_expand_quadrant",
    )
    state = fields.Selection(
        [
            ("todo", "To Do"),
            ("in_progress", "In Progress"),
            ("handed_over", "Handed Over"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        default="todo",
        required=True,
        index=True,
        tracking=True,
    )
    progress = fields.Integer(string="Progress (%)", default=0, aggregator="avg")
    description = fields.Html(string="Details")
    note = fields.Html(string="Notes")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    color = fields.Integer()
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue")
    overdue_notified = fields.Boolean(
        string="Overdue Reminder Sent",
        copy=False,
        readonly=True,
        help="The owner already got an activity for this deadline.",
    )
    stp_dunning_open = fields.Boolean(
        string="Open Dunning Episode",
        copy=False,
        readonly=True,
        index=True,
        help="Plan of a customer's overdue episode still running: no other dunning plan is made for "
        "this customer until nothing of theirs is overdue.",
    )

    # ------------------------------------------------------------------
    # Quadrant
    # ------------------------------------------------------------------
    @api.depends("partner_id.commercial_partner_id", "lead_id.partner_id.commercial_partner_id")
    def _compute_commercial_partner_id(self):
        for plan in self:
            plan.commercial_partner_id = (
                plan.partner_id.commercial_partner_id or plan.lead_id.partner_id.commercial_partner_id
            )

    @api.depends("is_urgent", "is_important")
    def _compute_quadrant(self):
        flags_to_quadrant = {flags: quadrant for quadrant, flags in QUADRANT_FLAGS.items()}
        for plan in self:
            plan.quadrant = flags_to_quadrant[(bool(plan.is_urgent), bool(plan.is_important))]

    def _inverse_quadrant(self):
        # Dragging a card to another column of the board writes the quadrant.
        for plan in self:
            if plan.quadrant:
                plan.is_urgent, plan.is_important = QUADRANT_FLAGS[plan.quadrant]

    @api.model
    def _group_expand_quadrant(self, quadrants, domain):
        return [key for key, _label in QUADRANTS]

    # ------------------------------------------------------------------
    # Overdue
    # ------------------------------------------------------------------
    @api.depends("date_deadline", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for plan in self:
            plan.is_overdue = bool(plan.date_deadline and plan.date_deadline < now and plan.state not in CLOSED_STATES)

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise ValidationError(self.env._("Unsupported search on Overdue."))
        now = fields.Datetime.now()
        if (operator == "=") == bool(value):
            return [("date_deadline", "<", now), ("state", "not in", CLOSED_STATES)]
        return ["|", "|", ("date_deadline", "=", False), ("date_deadline", ">=", now), ("state", "in", CLOSED_STATES)]

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_handover", "date_deadline")
    def _check_date_order(self):
        for plan in self:
            dates = [
                (plan.date_start, self.env._("start")),
                (plan.date_handover, self.env._("handover")),
                (plan.date_deadline, self.env._("deadline")),
            ]
            known = [(date, label) for date, label in dates if date]
            for (earlier, earlier_label), (later, later_label) in itertools.pairwise(known):
                if later < earlier:
                    raise ValidationError(
                        self.env._(
                            "Work plan “%(plan)s”: the %(later)s (%(later_date)s) cannot be before the %(earlier)s (%(earlier_date)s).",
                            plan=plan.name,
                            later=later_label,
                            later_date=format_datetime(self.env, later, dt_format=False),
                            earlier=earlier_label,
                            earlier_date=format_datetime(self.env, earlier, dt_format=False),
                        )
                    )

    @api.constrains("date_done", "state")
    def _check_date_done(self):
        for plan in self:
            if plan.date_done and plan.state != "done":
                raise ValidationError(
                    self.env._(
                        "Work plan “%(plan)s”: a done date is only allowed once the plan is done.", plan=plan.name
                    )
                )

    @api.constrains("progress")
    def _check_progress(self):
        for plan in self:
            if not 0 <= plan.progress <= 100:
                raise ValidationError(self.env._("The progress must be between 0 and 100."))

    # ------------------------------------------------------------------
    # CRUD and actions
    # ------------------------------------------------------------------
    def write(self, vals):
        self._stp_check_guarded_write(vals)
        if vals.get("date_deadline") and fields.Datetime.to_datetime(vals["date_deadline"]) > fields.Datetime.now():
            # A new deadline in the future deserves a new reminder once it passes.
            vals = dict(vals, overdue_notified=False)
        if "state" in vals and "date_done" not in vals:
            # The done date follows the state.
            vals = dict(vals, date_done=fields.Datetime.now() if vals["state"] == "done" else False)
        # the caller's values are checked: the rest is the plan's own
        return super(StpCrmWorkPlan, self._stp_system()).write(vals)

    def action_mark_done(self):
        self._stp_set_state("done", progress=100)
        return True

    def action_start(self):
        self._stp_set_state("in_progress")
        return True

    def action_hand_over(self):
        self._stp_set_state("handed_over", date_handover=fields.Datetime.now())
        return True

    def action_cancel(self):
        self._stp_set_state("cancelled")
        return True

    def action_reset(self):
        self._stp_set_state("todo")
        return True

    def _stp_interaction_values(self):
        self.ensure_one()
        customer = self.commercial_partner_id
        if not customer:
            return {}
        return {
            "partner_id": customer.id,
            "work_plan_id": self.id,
            "lead_id": self.lead_id.id,
            "user_id": self.user_id.id,
            "company_id": self.company_id.id,
        }

    # ------------------------------------------------------------------
    # Overdue cron
    # ------------------------------------------------------------------
    @api.model
    def _stp_overdue_pending_domain(self):
        return [
            ("date_deadline", "<", fields.Datetime.now()),
            ("state", "not in", CLOSED_STATES),
            ("overdue_notified", "=", False),
        ]

    def _stp_notify_overdue(self):
        """One to-do activity for the owner of each plan, then remember it."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        owned = self.filtered("user_id")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": plan.id,
                    "activity_type_id": todo.id,
                    "summary": for_reader(plan, plan.user_id.partner_id).env._(
                        "Overdue work plan: %(plan)s", plan=plan.name
                    ),
                    "user_id": plan.user_id.id,
                    "date_deadline": fields.Date.context_today(self),
                }
                for plan in owned
            ]
        )
        self._stp_system_write({"overdue_notified": True})

    @api.model
    def _cron_stp_notify_overdue(self, batch_size=OVERDUE_BATCH_SIZE):
        """Daily: give the owner of every newly overdue plan one activity; one batch
        per call, ir.cron calls again while some remain."""
        plans_sudo = self.sudo()
        steps = [(plans_sudo._stp_overdue_pending_domain(), lambda plans: plans._stp_notify_overdue())]
        return run_batch(plans_sudo, steps, batch_size, "_cron_stp_notify_overdue")
