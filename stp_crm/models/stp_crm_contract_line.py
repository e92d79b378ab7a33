from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .stp_crm_contract_order_mixin import ORDER_FLOWS


class StpCrmContractLine(models.Model):
    _name = "stp.crm.contract.line"
    _description = "Contract Line"
    _inherit = ["stp.crm.input.mixin", "stp.crm.guarded.mixin"]
    _order = "contract_id, sequence, id"
    _check_company_auto = True

    contract_id = fields.Many2one("stp.crm.contract", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="contract_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    contract_type = fields.Selection(related="contract_id.contract_type")
    product_id = fields.Many2one("product.product", required=True, index=True, check_company=True, ondelete="restrict")
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit of Measure")
    name = fields.Text(
        string="Description", compute="_compute_name", store=True, readonly=False, required=True, precompute=True
    )
    quantity = fields.Float(digits="Product Unit of Measure", default=1.0, required=True)
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        compute="_compute_tax_ids",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('type_tax_use', '=', contract_type)]",
    )
    price_subtotal = fields.Monetary(string="Subtotal", compute="_compute_amounts", store=True)
    price_tax = fields.Monetary(string="Tax", compute="_compute_amounts", store=True)
    price_total = fields.Monetary(string="Total", compute="_compute_amounts", store=True)
    sale_line_ids = fields.One2many("sale.order.line", "stp_contract_line_id", string="Sales Order Lines")
    purchase_line_ids = fields.One2many("purchase.order.line", "stp_contract_line_id", string="Purchase Order Lines")
    qty_ordered = fields.Float(string="Ordered", digits="Product Unit of Measure", compute="_compute_order_quantities")
    qty_delivered = fields.Float(
        string="Delivered",
        digits="Product Unit of Measure",
        compute="_compute_order_quantities",
        help="Delivered to the customer (sale) or received from the vendor (purchase).",
    )
    qty_invoiced = fields.Float(
        string="Invoiced", digits="Product Unit of Measure", compute="_compute_order_quantities"
    )
    qty_remaining = fields.Float(
        string="Remaining",
        digits="Product Unit of Measure",
        compute="_compute_order_quantities",
        help="Contracted quantity not ordered yet (orders that are not cancelled).",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id:
                line.name = line.product_id.get_product_multiline_description_sale()

    def _stp_order_line_model(self):
        """The order lines that carry out this line's contract type."""
        return self.env[ORDER_FLOWS[self.contract_type or "sale"].line_model]

    @api.depends("product_id", "contract_id.contract_type")
    def _compute_price_unit(self):
        for line in self:
            if line.product_id:
                product = line.product_id
                price = product[line._stp_order_line_model()._stp_product_price_field]
                line.price_unit = product.currency_id._convert(
                    price,
                    line.currency_id or product.currency_id,
                    line.company_id or self.env.company,
                    fields.Date.context_today(line),
                )

    @api.depends("product_id", "contract_id.contract_type", "company_id")
    def _compute_tax_ids(self):
        for line in self:
            company = line.company_id or self.env.company
            taxes = line.product_id[line._stp_order_line_model()._stp_product_taxes_field]
            line.tax_ids = taxes.filtered_domain(self.env["account.tax"]._check_company_domain(company))

    @api.depends("quantity", "price_unit", "tax_ids", "currency_id")
    def _compute_amounts(self):
        for line in self:
            taxes = line.tax_ids.compute_all(
                line.price_unit,
                currency=line.currency_id,
                quantity=line.quantity,
                product=line.product_id,
                partner=line.contract_id.partner_id,
            )
            line.price_subtotal = taxes["total_excluded"]
            line.price_total = taxes["total_included"]
            line.price_tax = taxes["total_included"] - taxes["total_excluded"]

    @api.depends(
        "quantity",
        "sale_line_ids.state",
        "sale_line_ids.product_uom",
        "sale_line_ids.product_uom_qty",
        "sale_line_ids.qty_delivered",
        "sale_line_ids.qty_invoiced",
        "purchase_line_ids.state",
        "purchase_line_ids.product_uom",
        "purchase_line_ids.product_qty",
        "purchase_line_ids.qty_received",
        "purchase_line_ids.qty_invoiced",
    )
    def _compute_order_quantities(self):
        """Sums over the linked order lines that are not cancelled, converted to the
        contract line's unit of measure: one grouped query per order line model,
        whatever the number of lines."""
        figures = defaultdict(lambda: [0.0, 0.0, 0.0])  # line id: [ordered, delivered, invoiced]
        for flow in ORDER_FLOWS.values():
            order_lines = self.env[flow.line_model].sudo()
            groups = order_lines._read_group(
                [("stp_contract_line_id", "in", self.ids), ("state", "!=", "cancel")],
                ["stp_contract_line_id", "product_uom"],
                [
                    f"{order_lines._stp_qty_field}:sum",
                    f"{order_lines._stp_qty_delivered_field}:sum",
                    "qty_invoiced:sum",
                ],
            )
            for line, uom, *quantities in groups:
                for index, quantity in enumerate(quantities):
                    figures[line.id][index] += uom._compute_quantity(quantity, line.product_uom_id, round=False)
        for line in self:
            line.qty_ordered, line.qty_delivered, line.qty_invoiced = figures.get(line.id, (0.0, 0.0, 0.0))
            line.qty_remaining = max(line.quantity - line.qty_ordered, 0.0)

    @api.constrains("quantity", "price_unit")
    def _check_quantity_and_price(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of %(product)s on the contract %(contract)s must be greater than zero.",
                        product=line.product_id.display_name,
                        contract=line.contract_id.display_name,
                    )
                )
            if line.price_unit < 0:
                raise ValidationError(
                    self.env._(
                        "The unit price of %(product)s on the contract %(contract)s cannot be negative.",
                        product=line.product_id.display_name,
                        contract=line.contract_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Lines are frozen once the contract runs
    # ------------------------------------------------------------------
    def _check_contract_editable(self, contracts):
        frozen = contracts.filtered(lambda contract: contract.state != "draft")
        if frozen:
            raise UserError(
                self.env._(
                    "The lines of the contract %s cannot change once it is confirmed: "
                    "renew it to amend it, or reset it to draft.",
                    frozen[0].display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        contract_ids = [vals.get("contract_id") for vals in vals_list if vals.get("contract_id")]
        self._check_contract_editable(self.env["stp.crm.contract"].browse(contract_ids))
        return super().create(vals_list)

    def write(self, vals):
        contracts = self.contract_id
        if vals.get("contract_id"):
            contracts |= self.env["stp.crm.contract"].browse(vals["contract_id"])
        self._check_contract_editable(contracts)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_contract(self):
        self._check_contract_editable(self.contract_id)
