from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    stp_warranty_months = fields.Integer(
        string="Warranty (Months)",
        help="Warranty from the delivery of each serial number to the customer. 0 means no warranty.",
    )

    @api.constrains("stp_warranty_months")
    def _check_stp_warranty_months(self):
        if any(template.stp_warranty_months < 0 for template in self):
            raise ValidationError(self.env._("The warranty cannot be a negative number of months."))
