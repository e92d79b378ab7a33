from odoo import fields, models

from ..tools.groups import CRM_USER


class StockLot(models.Model):
    _inherit = "stock.lot"

    stp_installed_product_ids = fields.One2many(
        "stp.crm.installed.product",
        "lot_id",
        string="Installations",
        groups=CRM_USER,
        help="Where the serial was delivered: its tickets follow these installations.",
    )
