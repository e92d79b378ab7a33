from odoo import models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "stp.crm.interaction.source"]

    def _stp_interaction_values(self):
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        if not customer:
            return {}
        return {
            "partner_id": customer.id,
            "lead_id": self.id,
            "user_id": self.user_id.id,
            "company_id": (self.company_id or self.env.company).id,
        }
