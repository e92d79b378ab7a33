from ast import literal_eval

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

ASSIGN_METHODS = [("round_robin", "Round Robin"), ("balanced", "Fewest Open Tickets")]


class StpCrmTicketTeam(models.Model):
    _name = "stp.crm.ticket.team"
    _description = "Service Team"
    _inherit = [
        "mail.alias.mixin",
        "mail.thread",
        "rating.parent.mixin",
        "stp.crm.input.mixin",
        "stp.crm.guarded.mixin",
    ]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(string="Team Name", required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer(string="Color Index")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    member_ids = fields.Many2many(
        "res.users",
        "stp_crm_ticket_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    # SLA policy: hours to resolve per priority, counted in the team's working hours.
    sla_hours_low = fields.Float(string="SLA Hours (Low)", default=72.0)
    sla_hours_normal = fields.Float(string="SLA Hours (Normal)", default=40.0)
    sla_hours_high = fields.Float(string="SLA Hours (High)", default=16.0)
    sla_hours_urgent = fields.Float(string="SLA Hours (Urgent)", default=4.0)
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="SLA deadlines count only these working hours.",
    )
    assign_method = fields.Selection(
        ASSIGN_METHODS,
        string="Assignment",
        required=True,
        default="round_robin",
        help="How new tickets without a responsible are given to the members: in turn, or to the member "
        "with the fewest open tickets.",
    )
    last_assigned_user_id = fields.Many2one(
        "res.users", string="Last Assigned Member", readonly=True, copy=False, help="Round-robin pointer."
    )
    auto_close_days = fields.Integer(
        string="Auto-close After (Days)",
        default=0,
        help="Tickets waiting for the customer longer than this are closed automatically (0 = never).",
    )
    repair_product_id = fields.Many2one(
        "product.product",
        string="Repair Service",
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="Service product quoted to the customer for out-of-warranty repairs.",
    )
    zalo_template_id = fields.Many2one(
        "stp.crm.zalo.template",
        check_company=True,
        domain="[('model', '=', 'stp.crm.ticket')]",
        help="Sent by Zalo (ZNS) to the customer at each stage change of the team's tickets.",
    )
    open_ticket_count = fields.Integer(compute="_compute_open_ticket_count", string="Open Tickets")

    _sql_constraints = [
        (
            "sla_hours_positive",
            "CHECK(sla_hours_low >= 0 AND sla_hours_normal >= 0 AND sla_hours_high >= 0 AND sla_hours_urgent >= 0)",
            "SLA hours cannot be negative.",
        ),
    ]

    @api.constrains("auto_close_days")
    def _check_auto_close_days(self):
        if any(team.auto_close_days < 0 for team in self):
            raise ValidationError(self.env._("The auto-close limit cannot be negative."))

    def _compute_open_ticket_count(self):
        counts = dict(
            self.env["stp.crm.ticket"]._read_group(
                [("team_id", "in", self.ids), ("is_closed", "=", False)], ["team_id"], ["__count"]
            )
        )
        for team in self:
            team.open_ticket_count = counts.get(team, 0)

    def _stp_sla_hours(self, priority):
        self.ensure_one()
        field = {"0": "sla_hours_low", "1": "sla_hours_normal", "2": "sla_hours_high", "3": "sla_hours_urgent"}
        return self[field.get(priority or "1", "sla_hours_normal")]

    # ------------------------------------------------------------------
    # Email alias
    # ------------------------------------------------------------------
    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("stp.crm.ticket")
        if self.id:
            values["alias_defaults"] = defaults = literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            defaults["company_id"] = self.company_id.id
        return values

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            # the alias creates tickets in the team's company: it follows the team
            for team in self.filtered("alias_id"):
                team.alias_id.sudo().alias_defaults = team._alias_get_creation_values()["alias_defaults"]
        return result

    # ------------------------------------------------------------------
    # Assignment
    # ------------------------------------------------------------------
    def _stp_pick_members(self, count):
        """Return ``count`` members (res.users, may repeat) to assign new tickets to."""
        self.ensure_one()
        members = self.member_ids.sorted("id")
        if not members or not count:
            return []
        if self.assign_method == "balanced":
            return self._stp_pick_balanced(members, count)
        return self._stp_pick_round_robin(members, count)

    def _stp_pick_round_robin(self, members, count):
        # Lock the team row: concurrent workers wait here, then read the pointer the
        # previous one wrote, so the same member is never handed out twice in a row.
        self.flush_recordset(["last_assigned_user_id"])
        self.env.cr.execute(SQL("SELECT id FROM stp_crm_ticket_team WHERE id = %s FOR UPDATE", self.id))
        self.invalidate_recordset(["last_assigned_user_id"])
        ids = members.ids
        last = self.last_assigned_user_id.id
        start = next((index for index, member_id in enumerate(ids) if member_id > last), 0)
        picked = [members[(start + offset) % len(ids)] for offset in range(count)]
        self.sudo().last_assigned_user_id = picked[-1]
        return picked

    def _stp_pick_balanced(self, members, count):
        open_counts = dict(
            self.env["stp.crm.ticket"]
            .sudo()
            ._read_group(
                [("user_id", "in", members.ids), ("is_closed", "=", False)],
                ["user_id"],
                ["__count"],
            )
        )
        load = {member: open_counts.get(member, 0) for member in members}
        picked = []
        for _index in range(count):
            member = min(members, key=lambda user: (load[user], user.id))
            load[member] += 1
            picked.append(member)
        return picked

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_ticket_action")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id}
        return action

    def action_open_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_ticket_rating_action")
        action["domain"] = [("res_model", "=", "stp.crm.ticket"), ("parent_res_id", "=", self.id)]
        return action
