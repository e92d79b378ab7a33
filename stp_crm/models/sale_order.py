from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import UserError


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

    # ------------------------------------------------------------------
    # Credit limit (Odoo's partner credit limit, company policy warn/block)
    # ------------------------------------------------------------------
    def action_confirm(self):
        over_limit = self._stp_over_credit_limit()
        blocked = over_limit.filtered(lambda order: order.company_id.stp_credit_limit_policy == "block")
        if blocked:
            raise UserError(
                self.env._(
                    "%(order)s cannot be confirmed.\n%(warning)s",
                    order=blocked[0].name,
                    warning=blocked[0].partner_credit_warning,
                )
            )
        warnings = {order: order.partner_credit_warning for order in over_limit}
        result = super().action_confirm()
        for order, warning in warnings.items():
            order._stp_notify_credit_limit(warning)
        self._stp_promote_prospects()
        return result

    @api.depends("company_id", "partner_id", "amount_total", "company_id.stp_credit_limit_policy")
    # A compute returns nothing.
    def _compute_partner_credit_warning(self):  # pylint: disable=missing-return
        super()._compute_partner_credit_warning()
        for order in self:
            if order.partner_credit_warning and order.company_id.stp_credit_limit_policy == "block":
                order.partner_credit_warning += "\n" + self.env._(
                    "Your company blocks orders over the credit limit: this one cannot be confirmed."
                )

    def _stp_over_credit_limit(self):
        """The orders of ``self`` that take their customer over the credit limit, by
        Odoo's own rule (``partner_credit_warning``: the company's credit limit setting
        and the customer's limit)."""
        return self.filtered(lambda order: order.state in ("draft", "sent") and order.partner_credit_warning)

    def _stp_notify_credit_limit(self, warning):
        """An order confirmed over the credit limit: a note for the salesperson on the
        order and a to-do activity for the CRM manager."""
        self.ensure_one()
        self.message_post(
            body=self.env._("Confirmed over the customer's credit limit: %(warning)s", warning=warning),
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )
        manager = self._stp_credit_manager()
        if manager:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Over credit limit: %(order)s", order=self.name),
                note=warning,
                user_id=manager.id,
            )

    def _stp_credit_manager(self):
        """Who reviews orders over the credit limit: the sales team leader if a CRM
        manager, else the company's first CRM manager."""
        managers = (
            self.env.ref("stp_crm.group_stp_crm_manager")
            .sudo()
            .users.filtered(
                lambda user: not user.share and self.company_id in user.company_ids and user.id != SUPERUSER_ID
            )
        )
        leader = self.team_id.sudo().user_id
        return leader if leader in managers else managers.sorted("id")[:1]

    # ------------------------------------------------------------------
    # Prospects become customers on their first confirmed order
    # ------------------------------------------------------------------
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
