from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError


class StpCrmContractOrderLineMixin(models.AbstractModel):
    """A sales or purchase order line counted against a line of its order's contract."""

    _name = "stp.crm.contract.order.line.mixin"
    _description = "Order Line Counted Against a Contract Line"

    # What differs between sales and purchase order lines, set by each line model:
    _stp_qty_field = None  # the ordered quantity, in the line's unit of measure
    _stp_qty_delivered_field = None  # delivered to the customer / received from the vendor
    _stp_taxes_field = None
    _stp_product_price_field = None  # the product's price a contract line of this type starts from
    _stp_product_taxes_field = None  # the product's taxes a contract line of this type starts from

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

    @api.constrains("stp_contract_line_id", "product_id", "company_id")
    def _check_stp_contract_line(self):
        """An order line counts against a line of its own order's contract, for the same
        product, in the same company; anything else would skew the contract's figures."""
        for line in self.sudo().filtered("stp_contract_line_id"):  # sales users may not read contracts
            error = line._stp_contract_line_error()
            if error:
                raise ValidationError(error)

    def _stp_contract_line_error(self):
        """Why this order line cannot count against its contract line, or None."""
        _ = self.env._
        contract_line = self.stp_contract_line_id
        names = {"product": self.product_id.display_name, "contract": contract_line.contract_id.display_name}
        if contract_line.company_id != self.company_id:
            return self.env._(
                "The order line of %(product)s (company %(company)s) cannot count against the "
                "contract %(contract)s of the company %(contract_company)s.",
                **names,
                company=self.company_id.display_name,
                contract_company=contract_line.company_id.display_name,
            )
        order_contract = self.order_id.stp_contract_id
        if contract_line.contract_id != order_contract:
            return self.env._(
                "The order line of %(product)s cannot count against the contract %(contract)s: "
                "its order %(order)s is linked to %(order_contract)s.",
                **names,
                order=self.order_id.display_name,
                order_contract=order_contract.display_name or self.env._("no contract"),
            )
        if contract_line.product_id != self.product_id:
            return self.env._(
                "The order line of %(product)s cannot count against the line of %(line_product)s "
                "of the contract %(contract)s: the products differ.",
                **names,
                line_product=contract_line.product_id.display_name,
            )
        return None

    @api.model
    def _stp_contract_line_values(self, contract_line):
        """A new order line for what is left to order of ``contract_line``."""
        return {
            "product_id": contract_line.product_id.id,
            "name": contract_line.name,
            self._stp_qty_field: contract_line.qty_remaining,
            "product_uom": contract_line.product_uom_id.id,
            self._stp_taxes_field: [Command.set(contract_line.tax_ids.ids)],
            "stp_contract_line_id": contract_line.id,
        }
