from odoo import api, fields, models


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "stp.crm.contract.order.mixin"]

    _stp_contract_type = "purchase"

    # Odoo has no index on the vendor: the customer timeline's purchase branch reads a
    # customer's orders through it (its customer filter, on the partner's company).
    partner_id = fields.Many2one(index=True)

    @api.model
    def _stp_contract_order_values(self, contract):
        return {**super()._stp_contract_order_values(contract), "currency_id": contract.currency_id.id}
