from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The eight items a CRM programme invests in, as Vietnamese strategic-CRM practice lists them ("ROI của CRM").
INVESTMENT_CATEGORIES = [
    ("project_setup", "Project Setup"),
    ("process_redesign", "Process Redesign"),
    ("hardware_software", "Hardware and Software"),
    ("customisation", "Customisation"),
    ("it_support", "IT Support"),
    ("training", "Training"),
    ("deployment", "Deployment"),
    ("operation", "Operation"),
]


class StpCrmInvestment(models.Model):
    _name = "stp.crm.investment"
    _description = "CRM Investment"
    _inherit = ["mail.thread", "stp.crm.guarded.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Description", required=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    category = fields.Selection(INVESTMENT_CATEGORIES, required=True, index=True, tracking=True)
    amount = fields.Monetary(currency_field="currency_id", required=True, tracking=True)
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.company.currency_id)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    amount_company = fields.Monetary(
        string="Amount (Company Currency)",
        currency_field="company_currency_id",
        compute="_compute_amount_company",
        store=True,
        help="The amount converted to the company currency at the rate of its date.",
    )
    note = fields.Text(string="Notes")

    @api.depends("amount", "currency_id", "company_id", "date")
    def _compute_amount_company(self):
        for investment in self:
            investment.amount_company = investment.currency_id._convert(
                investment.amount,
                investment.company_id.currency_id,
                investment.company_id,
                investment.date or fields.Date.context_today(investment),
            )

    @api.constrains("amount")
    def _check_amount(self):
        if any(investment.amount <= 0 for investment in self):
            raise ValidationError(self.env._("A CRM investment must have a positive amount."))
