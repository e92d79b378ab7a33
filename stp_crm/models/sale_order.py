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
