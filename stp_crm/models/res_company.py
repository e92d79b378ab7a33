from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    stp_tier_a_threshold = fields.Monetary(
        string="Tier A Threshold",
        currency_field="currency_id",
        default=500_000_000,
        help="Invoiced revenue (untaxed, last 12 months, company currency) from which a customer is tier A.",
    )
    stp_tier_b_threshold = fields.Monetary(
        string="Tier B Threshold",
        currency_field="currency_id",
        default=100_000_000,
        help="Invoiced revenue (untaxed, last 12 months, company currency) from which a customer is tier B. "
        "Below it, the customer is tier C.",
    )

    @api.constrains("stp_tier_a_threshold", "stp_tier_b_threshold")
    def _check_stp_tier_thresholds(self):
        for company in self:
            if company.stp_tier_b_threshold < 0 or company.stp_tier_a_threshold <= company.stp_tier_b_threshold:
                raise ValidationError(
                    _(
                        "The tier A threshold must be greater than the tier B threshold, "
                        "and both must be positive (company %(company)s).",
                        company=company.display_name,
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        if {"stp_tier_a_threshold", "stp_tier_b_threshold"} & vals.keys():
            # New thresholds apply at once to every customer of these companies.
            self.env["res.partner"]._stp_retier_all(companies=self)
        return result
