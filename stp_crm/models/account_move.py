from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # The customer's invoices, looked up by the tier and lifetime value crons (a batch of
    # customers at a time; without it each batch reads every invoice of the company) and
    # by the customer analysis of one customer.
    commercial_partner_id = fields.Many2one(index="btree_not_null")

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._stp_update_partner_tiers()
        posted._stp_mark_partner_ltv()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self._stp_update_partner_tiers()
        self._stp_mark_partner_ltv()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._stp_update_partner_tiers()
        self._stp_mark_partner_ltv()
        return result

    def _stp_update_partner_tiers(self):
        """Customer invoices and refunds move their customer's tier at once.
        Mass imports may pass ``skip_stp_tier_update``: the nightly cron catches up."""
        if self.env.context.get("skip_stp_tier_update"):
            return
        sales = self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))
        if sales:
            sales.commercial_partner_id._stp_update_tiers(companies=sales.company_id)

    def _stp_mark_partner_ltv(self):
        """Customer invoices and refunds make their customer's lifetime value due:
        the LTV cron recomputes it soon (nothing heavy in the posting request)."""
        sales = self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))
        self.env["res.partner"]._stp_mark_ltv_outdated(sales.commercial_partner_id.ids)
