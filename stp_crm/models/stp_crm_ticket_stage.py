from odoo import fields, models


class StpCrmTicketStage(models.Model):
    _name = "stp.crm.ticket.stage"
    _description = "Ticket Stage"
    _inherit = ["stp.crm.input.mixin"]
    _order = "sequence, id"

    name = fields.Char(string="Stage Name", required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(
        string="Closed Stage",
        help="Tickets in this stage are closed: the closing date, resolution time and final SLA state are recorded.",
    )
    is_waiting = fields.Boolean(
        string="Waiting for Customer",
        help="Tickets left in this stage longer than their team's auto-close limit are closed automatically.",
    )
    rating_template_id = fields.Many2one(
        "mail.template",
        string="Rating Email Template",
        domain="[('model', '=', 'stp.crm.ticket')]",
        help="Sent to the customer to rate the service when a ticket reaches this stage.",
    )
    active = fields.Boolean(default=True)
