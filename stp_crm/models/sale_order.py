from odoo import api, models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "stp.crm.contract.order.mixin"]

    _stp_contract_type = "sale"

    @api.model
    def _stp_contract_order_values(self, contract):
        pricelist = self._stp_contract_pricelist(contract)
        return {**super()._stp_contract_order_values(contract), "pricelist_id": pricelist.id}

    @api.model
    def _stp_contract_pricelist(self, contract):
        """A pricelist in the contract's currency: the company's first one, or a new one."""
        pricelist_model = self.env["product.pricelist"]
        pricelist = pricelist_model.search(
            [
                ("currency_id", "=", contract.currency_id.id),
                ("company_id", "in", [contract.company_id.id, False]),
            ],
            order="company_id, sequence, id",
            limit=1,
        )
        return pricelist or pricelist_model.sudo().create(
            {
                "name": self.env._("Contracts in %s", contract.currency_id.name),
                "currency_id": contract.currency_id.id,
                "company_id": contract.company_id.id,
            }
        ).sudo(False)

    def action_confirm(self):
        result = super().action_confirm()
        self._stp_promote_prospects()
        return result

    def _stp_promote_prospects(self):
        """A prospect becomes a customer when their first order is confirmed. The
        salesperson confirming may not write the customer's CRM fields: the change
        is written as superuser, and the tracking and a note name who confirmed."""
        for customer, orders in (
            self.filtered(lambda order: order.state == "sale")
            .grouped(lambda order: order.partner_id.commercial_partner_id.sudo())
            .items()
        ):
            if customer.stp_classification != "prospect":
                continue
            customer.write({"stp_classification": "customer"})
            customer.message_post(
                body=self.env._(
                    "Became a customer: %(user)s confirmed %(orders)s.",
                    user=self.env.user.name,
                    orders=", ".join(orders.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
