from odoo import api, fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    stp_contract_id = fields.Many2one(
        "stp.crm.contract",
        string="Contract",
        index="btree_not_null",
        copy=False,
        check_company=True,
        domain="[('contract_type', '=', 'purchase'), ('commercial_partner_id', 'parent_of', partner_id)]",
    )

    @api.constrains("stp_contract_id", "partner_id")
    def _check_stp_contract(self):
        for order in self.filtered("stp_contract_id"):
            order.stp_contract_id._stp_check_order_link(order, "purchase")
