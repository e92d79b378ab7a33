from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    stp_contract_line_id = fields.Many2one(
        "stp.crm.contract.line",
        string="Contract Line",
        compute="_compute_stp_contract_line_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        copy=False,
    )

    @api.depends("order_id.stp_contract_id", "product_id")
    def _compute_stp_contract_line_id(self):
        # Orders linked to a contract by hand count against the line of the same product.
        for line in self:
            contract = line.order_id.stp_contract_id
            current = line.stp_contract_line_id
            if not contract:
                line.stp_contract_line_id = False
            elif current.contract_id != contract or current.product_id != line.product_id:
                line.stp_contract_line_id = contract._stp_line_for_product(line.product_id)
