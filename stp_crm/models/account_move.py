from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # The re-tier sums the invoices of a batch of customers: without this index each
    # batch reads every invoice of the company.
    commercial_partner_id = fields.Many2one(index=True)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._stp_update_partner_tiers()
        return posted

    def button_draft(self):
        result = super().button_draft()
        self._stp_update_partner_tiers()
        return result

    def button_cancel(self):
        result = super().button_cancel()
        self._stp_update_partner_tiers()
        return result

    def _stp_update_partner_tiers(self):
        """Customer invoices and refunds move their customer's tier at once.
        Mass imports may pass ``skip_stp_tier_update``: the nightly cron catches up."""
        if self.env.context.get("skip_stp_tier_update"):
            return
        sales = self.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))
        if sales:
            sales.commercial_partner_id._stp_update_tiers(companies=sales.company_id)
