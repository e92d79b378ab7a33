from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.groups import CRM_MANAGER, CRM_USER, STAFF

# Document numbering: the main company's sequence of each STP CRM document (contracts, tickets)
SEQUENCE_XMLIDS = ("stp_crm.stp_crm_sequence_contract", "stp_crm.stp_crm_sequence_ticket")

# Default tier thresholds (tier A, tier B) per company currency: a year's invoiced
# revenue that makes a customer tier A or B. Currencies not listed take the USD figures.
STP_TIER_DEFAULT_THRESHOLDS = {
    "VND": (500_000_000, 100_000_000),
    "USD": (20_000, 4_000),
    "EUR": (20_000, 4_000),
}


class ResCompany(models.Model):
    """STP CRM's settings of a company (Settings, groups=STAFF: portal users read their
    company, not these) and the company-by-company helpers of its jobs. One section per
    feature, fields first; one ``create`` and one ``write`` (first below) call the hooks
    of the features that react to them."""

    _inherit = "res.company"

    # ------------------------------------------------------------------
    # CRUD: each feature's hooks
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._stp_create_sequences()
        return companies

    def write(self, vals):
        result = super().write(vals)
        self._stp_tier_thresholds_after_write(vals)
        return result

    # ------------------------------------------------------------------
    # Tier thresholds
    # ------------------------------------------------------------------
    # Amounts in the company currency: their defaults follow it (a company created in
    # VND gets thresholds in đồng), and admins tune them in Settings.
    stp_tier_a_threshold = fields.Monetary(
        string="Tier A Threshold",
        currency_field="currency_id",
        compute="_compute_stp_tier_thresholds",
        store=True,
        readonly=False,
        precompute=True,
        help="Invoiced revenue (untaxed, last 12 months, company currency) from which a customer is tier A.",
        groups=STAFF,
    )
    stp_tier_b_threshold = fields.Monetary(
        string="Tier B Threshold",
        currency_field="currency_id",
        compute="_compute_stp_tier_thresholds",
        store=True,
        readonly=False,
        precompute=True,
        help="Invoiced revenue (untaxed, last 12 months, company currency) from which a customer is tier B. "
        "Below it, the customer is tier C.",
        groups=STAFF,
    )

    @api.depends("currency_id")
    def _compute_stp_tier_thresholds(self):
        for company in self:
            tier_a, tier_b = STP_TIER_DEFAULT_THRESHOLDS.get(
                company.currency_id.name, STP_TIER_DEFAULT_THRESHOLDS["USD"]
            )
            company.stp_tier_a_threshold = tier_a
            company.stp_tier_b_threshold = tier_b

    @api.constrains("stp_tier_a_threshold", "stp_tier_b_threshold")
    def _check_stp_tier_thresholds(self):
        for company in self:
            if company.stp_tier_b_threshold < 0 or company.stp_tier_a_threshold <= company.stp_tier_b_threshold:
                raise ValidationError(
                    self.env._(
                        "The tier A threshold must be greater than the tier B threshold, "
                        "and both must be positive (company %(company)s).",
                        company=company.display_name,
                    )
                )

    def _stp_tier_thresholds_after_write(self, vals):
        if {"stp_tier_a_threshold", "stp_tier_b_threshold"} & vals.keys():
            # New thresholds reach every customer through the re-tier cron, started now.
            self.env["res.partner"]._stp_request_retier()

    # ------------------------------------------------------------------
    # Contracts
    # ------------------------------------------------------------------
    stp_contract_alert_days = fields.Integer(
        string="Contract Expiry Alert (Days)",
        default=30,
        help="How many days before a running contract ends its responsible user gets a 'Contract expiring' activity.",
        groups=STAFF,
    )

    @api.constrains("stp_contract_alert_days")
    def _check_stp_contract_alert_days(self):
        if any(company.stp_contract_alert_days < 0 for company in self):
            raise ValidationError(self.env._("The contract expiry alert cannot be a negative number of days."))

    # ------------------------------------------------------------------
    # Credit limit
    # ------------------------------------------------------------------
    stp_credit_limit_policy = fields.Selection(
        [("warn", "Warn"), ("block", "Block")],
        string="Credit Limit Policy",
        default="warn",
        required=True,
        help="When a sales order takes the customer over their credit limit: warn the salesperson and "
        "the CRM manager, or also refuse the confirmation.",
        groups=STAFF,
    )

    # ------------------------------------------------------------------
    # Lifetime value: retention rate and the bands of the customer analysis
    # ------------------------------------------------------------------
    stp_ltv_retention_rate = fields.Float(
        string="Customer Retention Rate",
        default=0.8,
        help="Share of customers who keep buying from one year to the next (0 to 1): "
        "the customer lifetime value counts the next 3 years' margin at r, r² and r³.",
        groups=STAFF,
    )

    @api.constrains("stp_ltv_retention_rate")
    def _check_stp_ltv_retention_rate(self):
        if any(not 0 <= company.stp_ltv_retention_rate <= 1 for company in self):
            raise ValidationError(self.env._("The customer retention rate must be between 0% and 100%."))

    # Lifetime value bands of the customer analysis (company currency: đồng for the Vietnamese companies).
    stp_ltv_high_threshold = fields.Monetary(
        string="High LTV Threshold",
        currency_field="currency_id",
        default=100_000_000,
        help="Lifetime value (company currency) from which a customer is in the high LTV band of the analysis.",
        groups=STAFF,
    )
    stp_ltv_medium_threshold = fields.Monetary(
        string="Medium LTV Threshold",
        currency_field="currency_id",
        default=20_000_000,
        help="Lifetime value (company currency) from which a customer is in the medium LTV band of the analysis. "
        "Below it, the customer is in the low band.",
        groups=STAFF,
    )

    @api.constrains("stp_ltv_high_threshold", "stp_ltv_medium_threshold")
    def _check_stp_ltv_thresholds(self):
        for company in self:
            if not 0 <= company.stp_ltv_medium_threshold <= company.stp_ltv_high_threshold:
                raise ValidationError(
                    self.env._(
                        "The medium LTV threshold cannot exceed the high LTV threshold, "
                        "and neither may be negative (company %(company)s).",
                        company=company.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Dunning: who collects for customers without a salesperson
    # ------------------------------------------------------------------
    stp_collections_user_id = fields.Many2one(
        "res.users",
        string="CRM Manager for Collections",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Owner of the dunning plans of customers without a salesperson in this company. "
        "When empty, the company's first CRM manager.",
        groups=STAFF,
    )

    @api.constrains("stp_collections_user_id")
    def _check_stp_collections_user(self):
        for company in self:
            user = company.stp_collections_user_id
            if user and (company not in user.company_ids or not user.has_group(CRM_USER)):
                raise ValidationError(
                    self.env._(
                        "The CRM manager for collections of %(company)s must be a CRM user of this company, "
                        "which %(user)s is not.",
                        company=company.display_name,
                        user=user.display_name,
                    )
                )

    def _stp_collections_user(self):
        """Who collects the receivables of customers without a salesperson: the setting,
        else the company's first CRM manager (an empty recordset when it has none)."""
        self.ensure_one()
        if self.stp_collections_user_id:
            return self.stp_collections_user_id
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("company_ids", "in", self.id),
                    ("groups_id", "in", self.env.ref(CRM_MANAGER).id),
                ],
                order="id",
                limit=1,
            )
        )

    # ------------------------------------------------------------------
    # Document numbering: each company's own sequences
    # ------------------------------------------------------------------
    def _stp_create_sequences(self):
        """Each company numbers its STP CRM documents in its own sequences: copies of
        the main company's (data/stp_crm_sequence_data.xml, tuned by admins there)."""
        for xmlid in SEQUENCE_XMLIDS:
            template = self.env.ref(xmlid, raise_if_not_found=False)
            if not template:
                continue  # deleted by an admin: such a company numbers nothing until given one
            for company in self - template.company_id:
                template.sudo().copy(
                    {"company_id": company.id, "name": f"{template.name} ({company.name})", "number_next": 1}
                )

    @api.model
    def _stp_create_missing_sequences(self):
        """At install: the numbering of the companies that exist besides the main one."""
        self._stp_all_companies()._stp_create_sequences()

    def _stp_next_number(self, code):
        """The next number of document ``code`` in this company's own sequence."""
        self.ensure_one()
        # the year of the number is the user's (Vietnam is 7 hours ahead of UTC)
        today = fields.Date.context_today(self)
        number = self.env["ir.sequence"].sudo().with_company(self).next_by_code(code, sequence_date=today)
        if not number:
            raise UserError(
                self.env._(
                    "The company %(company)s has no numbering for %(code)s: create an ir.sequence with "
                    "this code for it (Settings > Technical > Sequences).",
                    company=self.display_name,
                    code=code,
                )
            )
        return number

    # ------------------------------------------------------------------
    # Company-by-company jobs
    # ------------------------------------------------------------------
    @api.model
    def _stp_all_companies(self):
        """Every company of the database, for the jobs that work company by company."""
        # A database holds a handful of companies.
        return self.sudo().search([])  # pylint: disable=no-search-all

    # ------------------------------------------------------------------
    # Privacy requests (Law 91/2025/QH15)
    # ------------------------------------------------------------------
    stp_privacy_deadline_days = fields.Integer(
        string="Privacy Request Deadline (Days)",
        default=15,
        help="Days after a privacy request is received by which it must be carried out. Decree 356/2025/NĐ-CP "
        "(guiding Law 91/2025/QH15 on personal data protection) asks for an answer within 2 working days and the "
        "request carried out within 10 to 20 days depending on its kind (15 days to stop processing): "
        "15 by default, check the decree for your requests.",
        groups=STAFF,
    )

    @api.constrains("stp_privacy_deadline_days")
    def _check_stp_privacy_deadline_days(self):
        if any(company.stp_privacy_deadline_days <= 0 for company in self):
            raise ValidationError(self.env._("The deadline of privacy requests must be at least one day."))
