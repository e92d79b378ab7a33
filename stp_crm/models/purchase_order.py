from odoo import api, models


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "stp.crm.contract.order.mixin"]

    _stp_contract_type = "purchase"

    @api.model
    def _stp_contract_order_values(self, contract):
        return {**super()._stp_contract_order_values(contract), "currency_id": contract.currency_id.id}
