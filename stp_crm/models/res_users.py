from odoo import fields, models

from ..tools.groups import STAFF


class ResUsers(models.Model):
    _inherit = "res.users"

    # The teams a user belongs to, for record rules (``user.stp_ticket_team_ids``):
    # the inverse of the teams' members.
    stp_ticket_team_ids = fields.Many2many(
        "stp.crm.ticket.team",
        "stp_crm_ticket_team_member_rel",
        "user_id",
        "team_id",
        string="Service Teams",
        groups=STAFF,
    )
