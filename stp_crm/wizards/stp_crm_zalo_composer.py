import json

from odoo import api, fields, models
from odoo.exceptions import UserError


class StpCrmZaloComposer(models.TransientModel):
    """Send one ZNS template to a customer, from the customer's form."""

    _name = "stp.crm.zalo.composer"
    _description = "Send Zalo Message"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    template_id = fields.Many2one(
        "stp.crm.zalo.template",
        required=True,
        domain="[('model', '=', 'res.partner'), ('state', '=', 'enabled')]",
    )
    phone = fields.Char(compute="_compute_preview", string="Zalo Phone")
    preview = fields.Text(compute="_compute_preview")

    @api.depends("partner_id", "template_id")
    def _compute_preview(self):
        messages = self.env["stp.crm.zalo.message"]
        for composer in self:
            composer.phone = composer.partner_id and messages._stp_zalo_phone(composer.partner_id)
            if composer.template_id and composer.partner_id:
                values = composer.template_id._stp_render(composer.partner_id)[composer.partner_id.id]
                composer.preview = "\n".join(f"{key}: {value}" for key, value in values.items())
            else:
                composer.preview = False

    def action_send(self):
        self.ensure_one()
        if self.template_id.model != "res.partner":
            raise UserError(self.env._("Pick a template filled from the customer."))
        message = self.template_id._stp_queue_for(self.partner_id, "id")
        if message.state == "cancel":
            raise UserError(self.env._("The Zalo message cannot be sent: %(reason)s", reason=message.error_message))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Zalo message queued: %(data)s",
                    data=json.dumps(json.loads(message.template_data), ensure_ascii=False),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
