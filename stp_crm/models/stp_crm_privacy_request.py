from datetime import timedelta

from odoo import api, fields, models

from ..tools.groups import CRM_MANAGER

REQUEST_TYPES = [
    ("access", "Access"),
    ("correction", "Correction"),
    ("erasure", "Erasure"),
    ("withdraw_consent", "Withdraw Consent"),
    ("restrict", "Restrict Processing"),
]
REQUEST_STATES = [("new", "New"), ("in_progress", "In Progress"), ("done", "Done"), ("refused", "Refused")]
OPEN_STATES = ("new", "in_progress")


class StpCrmPrivacyRequest(models.Model):
    """A request of a data subject under Law 91/2025/QH15 (access, correction, erasure,
    withdrawal of consent, restriction), answered by the company's deadline. Its status
    changes only through its actions; exports and anonymisations record one themselves."""

    _name = "stp.crm.privacy.request"
    _inherit = ["mail.thread", "mail.activity.mixin", "stp.crm.guarded.mixin"]
    _description = "Privacy Request"
    _order = "date_received desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id.name", "partner_id.email"]
    # CRM users create and read requests: they discuss them and attach the answers in the chatter.
    _mail_post_access = "read"
    _stp_state_field = "state"
    _stp_state_transitions = {
        "in_progress": ("new",),
        "done": OPEN_STATES,
        "refused": OPEN_STATES,
    }
    _stp_system_fields = ("attachment_id", "privacy_log_id")
    # A closed request is evidence: whose it was, what and when, stay.
    _stp_frozen_fields = dict.fromkeys(
        ("done", "refused"), ("partner_id", "request_type", "date_received", "company_id")
    )

    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, index=True, tracking=True, ondelete="restrict"
    )
    request_type = fields.Selection(REQUEST_TYPES, string="Request", required=True, default="access", tracking=True)
    state = fields.Selection(
        REQUEST_STATES, string="Status", required=True, default="new", readonly=True, index=True, tracking=True
    )
    date_received = fields.Date(
        string="Received On", required=True, default=fields.Date.context_today, index=True, tracking=True
    )
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        precompute=True,
        index=True,
        help="Received on plus the company's deadline for privacy requests (Settings).",
    )
    date_done = fields.Datetime(string="Closed On", readonly=True, copy=False)
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    note = fields.Text(help="What the person asked for, how they were identified, what was answered.")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Export", readonly=True, copy=False, ondelete="set null", index="btree_not_null"
    )
    privacy_log_id = fields.Many2one("privacy.log", readonly=True, copy=False, ondelete="set null", groups=CRM_MANAGER)

    # Not on the setting itself: a new setting applies to the requests received after it.
    @api.depends("date_received", "company_id")
    def _compute_date_deadline(self):
        for request in self:
            days = request.company_id.sudo().stp_privacy_deadline_days  # sudo: a setting every CRM user follows
            request.date_deadline = request.date_received and request.date_received + timedelta(days=days)

    @api.depends_context("lang")
    @api.depends("partner_id", "request_type")
    def _compute_display_name(self):
        types = dict(self._fields["request_type"]._description_selection(self.env))
        for request in self:
            request.display_name = " · ".join(filter(None, [types.get(request.request_type), request.partner_id.name]))

    @api.depends("state", "date_deadline")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.is_overdue = (
                request.state in OPEN_STATES and bool(request.date_deadline) and (request.date_deadline < today)
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        if (operator == "=") == value:
            return [("state", "in", OPEN_STATES), ("date_deadline", "<", today)]
        return [
            "|",
            "|",
            ("state", "not in", OPEN_STATES),
            ("date_deadline", "=", False),
            ("date_deadline", ">=", today),
        ]

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        if not self.env.context.get("stp_privacy_no_activity"):
            requests._stp_schedule_manager_activities()
        return requests

    def _stp_schedule_manager_activities(self):
        """A to-do for each CRM manager of the request's company, due by the deadline."""
        manager_group = self.env.ref(CRM_MANAGER)
        for company, requests in self.grouped("company_id").items():
            # sudo: who the company's CRM managers are, whoever records the request
            managers = (
                self.env["res.users"]
                .sudo()
                .search(
                    [("share", "=", False), ("company_ids", "in", company.id), ("groups_id", "in", manager_group.id)]
                )
            )
            # sudo: the managers' to-dos make them followers, the request's own bookkeeping
            # (whoever records it: CRM users create and read requests, they do not edit them)
            for request in requests.sudo().filtered(lambda request: request.state in OPEN_STATES):
                for manager in managers:
                    request.activity_schedule(
                        "mail.mail_activity_data_todo",
                        date_deadline=request.date_deadline,
                        summary=self.env._("Privacy request to answer"),
                        note=request.note and request.note.replace("\n", "<br/>"),
                        user_id=manager.id,
                    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_start(self):
        return self._stp_change_state("in_progress")

    def action_done(self):
        return self._stp_change_state("done")

    def action_refuse(self):
        return self._stp_change_state("refused")

    def _stp_change_state(self, state, **values):
        self.check_access("write")
        if state in ("done", "refused"):
            values["date_done"] = fields.Datetime.now()
        self._stp_set_state(state, **values)
        if state in ("done", "refused"):
            self.activity_ids.action_feedback()
        return True

    @api.model
    def _stp_request_of(self, partner, request_type):
        """The open request of ``partner`` of that type, else a new one (created with the
        caller's rights, without the managers' to-dos: the caller is answering it now)."""
        request = self.search(
            [("partner_id", "=", partner.id), ("request_type", "=", request_type), ("state", "in", OPEN_STATES)],
            order="date_received, id",
            limit=1,
        )
        return request or self.with_context(stp_privacy_no_activity=True).create(
            {"partner_id": partner.id, "request_type": request_type}
        )

    def _stp_close_done(self, **values):
        """Done by the code that carried it out (an export, an anonymisation)."""
        # sudo: closing is the request's own bookkeeping (CRM users create requests, managers process them)
        self.sudo()._stp_set_state("done", date_done=fields.Datetime.now(), **values)
        self.sudo().activity_ids._action_done()
        return True
