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
            # New thresholds reach every customer through the re-tier cron, started now.
            self.env["res.partner"]._stp_request_retier()
        return result

    stp_contract_alert_days = fields.Integer(
        string="Contract Expiry Alert (Days)",
        default=30,
        help="How many days before a running contract ends its responsible user gets a 'Contract expiring' activity.",
    )

    @api.constrains("stp_contract_alert_days")
    def _check_stp_contract_alert_days(self):
        if any(company.stp_contract_alert_days < 0 for company in self):
            raise ValidationError(_("The contract expiry alert cannot be a negative number of days."))

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._stp_ensure_sequences()
        return companies

    def _stp_sequence_definitions(self):
        """Per-company numbering of STP CRM documents: code -> (name, prefix)."""
        return {
            "stp.crm.contract": (_("Contract"), "HD/%(year)s/"),
            "stp.crm.ticket": (_("Service Ticket"), "TK/%(year)s/"),
        }

    def _stp_ensure_sequences(self):
        """Give each company its own numbering for every STP CRM document (at install
        and at company creation; on first use as a safety net). PostgreSQL sequences
        ('standard'), so that concurrent transactions never get the same number."""
        sequences = self.env["ir.sequence"].sudo()
        existing = set(
            sequences._read_group(
                [("code", "in", list(self._stp_sequence_definitions())), ("company_id", "in", self.ids)],
                ["code", "company_id"],
            )
        )
        sequences.create(
            [
                {
                    "name": f"{name} ({company.name})",
                    "code": code,
                    "prefix": prefix,
                    "padding": 5,
                    "implementation": "standard",
                    "company_id": company.id,
                }
                for company in self
                for code, (name, prefix) in self._stp_sequence_definitions().items()
                if (code, company) not in existing
            ]
        )

    def _stp_next_number(self, code):
        """The next number of document ``code`` in this company's own sequence."""
        self.ensure_one()
        self._stp_ensure_sequences()
        return self.env["ir.sequence"].sudo().with_company(self).next_by_code(code)
