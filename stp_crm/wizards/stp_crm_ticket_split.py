from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context

TICKET = "stp.crm.ticket"
SPLITTABLE_TYPES = ("email", "comment")  # what people wrote: emails, messages and notes


class StpCrmTicketSplit(models.TransientModel):
    """Splits a ticket that carries two problems: a new ticket for the same
    customer and company receives the chosen messages and their attachments."""

    _name = "stp.crm.ticket.split"
    _description = "Split Ticket"

    ticket_id = fields.Many2one(
        TICKET, required=True, ondelete="cascade", default=lambda self: self._default_ticket_id()
    )
    message_ids = fields.Many2many(
        "mail.message",
        string="Messages to Move",
        domain="[('model', '=', 'stp.crm.ticket'), ('res_id', '=', ticket_id), ('message_type', 'in', ['email', 'comment'])]",
    )
    name = fields.Char(string="New Subject", required=True)
    ticket_type = fields.Selection(
        selection=lambda self: self.env[TICKET]._fields["ticket_type"]._description_selection(self.env),
        string="Type",
        help="Empty: the ticket's type.",
    )
    team_id = fields.Many2one("stp.crm.ticket.team", help="Empty: the ticket's team.")
    product_id = fields.Many2one("product.product")
    lot_id = fields.Many2one("stock.lot", string="Serial Number", domain="[('product_id', '=?', product_id)]")

    @api.model
    def _default_ticket_id(self):
        if self.env.context.get("active_model") != TICKET:
            return self.env[TICKET]
        return self.env[TICKET].browse(self.env.context.get("active_id"))

    def action_split(self):
        self.ensure_one()
        # the wizard's defaults (default_message_ids, default_name) are not the new ticket's
        return self.with_context(clean_context(self.env.context))._stp_split()  # pylint: disable=context-overridden

    def _stp_split(self):
        ticket = self.ticket_id
        messages = self.message_ids
        self._stp_check_split(ticket, messages)
        # split_from_id is the ticket's own: written through its private path
        new_ticket = self.env[TICKET]._stp_system().create(self._stp_new_ticket_values()).with_env(self.env)
        # sudo: the chosen messages and their attachments are the ticket's, and the
        # user may write it (checked above); Odoo lets users write only their own messages.
        messages.sudo().write({"res_id": new_ticket.id, "record_name": new_ticket.display_name})
        messages.attachment_ids.filtered(lambda a: (a.res_model, a.res_id) == (TICKET, ticket.id)).sudo().write(
            {"res_id": new_ticket.id}
        )
        new_ticket.message_subscribe(partner_ids=ticket.message_partner_ids.ids)
        link = ticket._get_html_link(title=ticket.number)
        new_link = new_ticket._get_html_link(title=new_ticket.number)
        new_ticket.message_post(
            body=self.env._("Split from %(ticket)s with %(count)s messages.", ticket=link, count=len(messages)),
            subtype_xmlid="mail.mt_note",
        )
        ticket.message_post(
            body=self.env._("%(count)s messages moved to %(ticket)s.", ticket=new_link, count=len(messages)),
            subtype_xmlid="mail.mt_note",
        )
        return new_ticket.get_formview_action()

    def _stp_check_split(self, ticket, messages):
        """Refuses, before anything is written, what is not a split."""
        _ = self.env._
        if not ticket.has_access("write"):
            raise UserError(self.env._("You may not modify this ticket: it cannot be split."))
        if not messages:
            raise UserError(self.env._("Choose the messages that go to the new ticket."))
        if any((message.model, message.res_id) != (TICKET, ticket.id) for message in messages):
            raise UserError(
                self.env._("Only messages of ticket %(number)s can be split from it.", number=ticket.number)
            )
        splittable = self.env["mail.message"].search_count(
            [("model", "=", TICKET), ("res_id", "=", ticket.id), ("message_type", "in", SPLITTABLE_TYPES)]
        )
        if len(messages.filtered(lambda m: m.message_type in SPLITTABLE_TYPES)) >= splittable:
            raise UserError(
                self.env._(
                    "These are all the messages of ticket %(number)s: that is not a split. "
                    "Change the ticket instead.",
                    number=ticket.number,
                )
            )

    def _stp_new_ticket_values(self):
        ticket = self.ticket_id
        return {
            "name": self.name,
            "partner_id": ticket.partner_id.id,
            "partner_email": ticket.partner_email,
            "partner_phone": ticket.partner_phone,
            "company_id": ticket.company_id.id,
            "priority": ticket.priority,
            "ticket_type": self.ticket_type or ticket.ticket_type,
            "team_id": (self.team_id or ticket.team_id).id,
            "product_id": self.product_id.id or self.lot_id.product_id.id,
            "lot_id": self.lot_id.id,
            "split_from_id": ticket.id,
        }
