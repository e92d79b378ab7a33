from odoo import models


class PurchaseOrderLine(models.Model):
    _name = "purchase.order.line"
    _inherit = ["purchase.order.line", "stp.crm.contract.order.line.mixin"]

    _stp_qty_field = "product_qty"
    _stp_qty_delivered_field = "qty_received"
    _stp_taxes_field = "taxes_id"
    _stp_product_price_field = "standard_price"
    _stp_product_taxes_field = "supplier_taxes_id"
