from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    stp_installed_product_ids = fields.One2many(
        "stp.crm.installed.product",
        "lot_id",
        string="Installations",
        groups="stp_crm.group_stp_crm_user",
        help="Where the serial was delivered: its tickets follow these installations.",
    )
