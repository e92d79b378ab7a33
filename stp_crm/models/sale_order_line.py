from odoo import models


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "stp.crm.contract.order.line.mixin"]

    _stp_qty_field = "product_uom_qty"
    _stp_qty_delivered_field = "qty_delivered"
    _stp_taxes_field = "tax_id"
    _stp_product_price_field = "lst_price"
    _stp_product_taxes_field = "taxes_id"
