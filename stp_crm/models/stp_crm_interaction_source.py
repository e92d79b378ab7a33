from odoo import fields, models


class StpCrmInteractionSource(models.AbstractModel):
    """Records whose calls, meetings and customer emails are logged as
    ``stp.crm.interaction``. A model joins by inheriting this mixin (and
    overriding ``_stp_interaction_values`` unless it is a customer document). It inherits mail.thread so that its
    overrides come before mail.thread's in the method resolution order."""

    _name = "stp.crm.interaction.source"
    _description = "STP CRM interaction source"
    _inherit = ["mail.thread"]

    def _stp_interaction_values(self):
        """Default values of an interaction about this record: ``partner_id`` (the
        commercial partner), plus ``lead_id``, ``work_plan_id``, ``user_id`` and
        ``company_id`` when relevant. Empty when the record has no customer.

        This default serves the customer documents (contracts, tickets): their
        ``commercial_partner_id``, opportunity, responsible and company. Models
        shaped otherwise override it."""
        self.ensure_one()
        if not self.commercial_partner_id:
            return {}
        return {
            "partner_id": self.commercial_partner_id.id,
            # The interaction links the opportunity even when its reader may not open it.
            "lead_id": self.sudo().lead_id.id,
            "user_id": self.user_id.id,
            "company_id": self.company_id.id,
        }

    def _notify_thread(self, message, msg_vals=False, **kwargs):
        # Hooked here rather than in message_post because only now are the
        # actual recipients (explicit ones and followers) known.
        recipients_data = super()._notify_thread(message, msg_vals=msg_vals, **kwargs)
        if len(self) == 1:
            recipients = self.env["res.partner"].browse(recipient["id"] for recipient in recipients_data or [])
            self._stp_log_email_interaction(message, recipients)
        return recipients_data

    def _stp_log_email_interaction(self, message, recipients):
        """Emails from the customer reaching the record through the mail gateway
        are inbound interactions; messages sent to the customer ("Send message",
        not log notes) are outbound ones."""
        if message.message_type not in ("email", "comment"):
            return
        values = self._stp_interaction_values()
        if not values:
            return
        customer = self.env["res.partner"].browse(values["partner_id"])
        author = message.author_id
        inbound = message.message_type == "email" and author.commercial_partner_id == customer
        customer_recipients = (message.partner_ids | recipients).filtered(
            lambda partner: partner.commercial_partner_id == customer
        )
        sent_to_customer = message.subtype_id == self.env.ref("mail.mt_comment") and customer_recipients
        if not inbound and (not sent_to_customer or author.commercial_partner_id == customer):
            return  # nothing from or to the customer, or the customer's own portal message
        values.update(
            channel="email",
            direction="inbound" if inbound else "outbound",
            date=message.date or fields.Datetime.now(),
            summary=message.subject or self.display_name,
            outcome=message.preview,
            contact_id=(author if inbound else customer_recipients[:1]).id,
        )
        if not inbound and author.user_ids:
            values["user_id"] = author.user_ids[0].id
        self.env["stp.crm.interaction"]._stp_log_automatically([values])
