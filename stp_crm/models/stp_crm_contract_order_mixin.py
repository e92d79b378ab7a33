from collections import namedtuple

from odoo import Command, api, fields, models

# The documents carrying out a contract of each type: the order and order line models
# (what differs between them are class attributes of the two mixins), the contract's
# one2many to the orders and the contract line's one2many to the order lines. The
# contract's sale and purchase branches dispatch through this one table.
OrderFlow = namedtuple("OrderFlow", ["order_model", "orders_field", "line_model", "lines_field"])
ORDER_FLOWS = {
    "sale": OrderFlow("sale.order", "sale_order_ids", "sale.order.line", "sale_line_ids"),
    "purchase": OrderFlow("purchase.order", "purchase_order_ids", "purchase.order.line", "purchase_line_ids"),
}


class StpCrmContractOrderMixin(models.AbstractModel):
    """A sales or purchase order counted against a contract of its type."""

    _name = "stp.crm.contract.order.mixin"
    _description = "Order Linked to a Contract"

    _stp_contract_type = None  # the contract type the order model carries out: "sale" or "purchase"

    stp_contract_id = fields.Many2one(
        "stp.crm.contract",
        string="Contract",
        index="btree_not_null",
        copy=False,
        check_company=True,
        domain=lambda self: self._stp_contract_domain(),
    )

    def _stp_contract_domain(self):
        return (
            f"[('contract_type', '=', {self._stp_contract_type!r}), "
            "('commercial_partner_id', 'parent_of', partner_id)]"
        )

    @api.constrains("stp_contract_id", "partner_id")
    def _check_stp_contract(self):
        for order in self.filtered("stp_contract_id"):
            order.stp_contract_id._stp_check_order_link(order)

    @api.model
    def _stp_create_from_contract(self, contract, contract_lines):
        """A new order for what is left to order of ``contract_lines``, at the contract's prices."""
        line_model = self.env[ORDER_FLOWS[self._stp_contract_type].line_model]
        order = self.create(
            {
                **self._stp_contract_order_values(contract),
                "order_line": [Command.create(line_model._stp_contract_line_values(line)) for line in contract_lines],
            }
        )
        # Written after the order has priced its lines, the contract price counts as
        # set by hand: changing a quantity later does not reprice it.
        for order_line in order.order_line:
            order_line.price_unit = order_line.stp_contract_line_id.price_unit
        return order

    @api.model
    def _stp_contract_order_values(self, contract):
        return {
            "partner_id": contract.partner_id.id,
            "company_id": contract.company_id.id,
            "user_id": contract.user_id.id,
            "origin": contract.number,
            "stp_contract_id": contract.id,
        }
