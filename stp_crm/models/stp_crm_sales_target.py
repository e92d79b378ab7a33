from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .stp_crm_forecast_mixin import quarter_start


class StpCrmSalesTarget(models.Model):
    """A quarter's sales target of one salesperson or one sales team, in the company
    currency. The forecast report sets commit + won against it."""

    _name = "stp.crm.sales.target"
    _inherit = ["mail.thread"]
    _description = "Sales Target"
    _order = "date_start desc, team_id, user_id, id"

    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True, tracking=True, domain="[('share', '=', False)]"
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, tracking=True)
    date_start = fields.Date(
        string="Quarter",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: quarter_start(fields.Date.context_today(self)),
        help="First day of the quarter: 1 January, 1 April, 1 July or 1 October.",
    )
    amount = fields.Monetary(string="Target", required=True, tracking=True, currency_field="currency_id")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")

    _sql_constraints = [
        (
            "target_unique",
            "UNIQUE NULLS NOT DISTINCT (user_id, team_id, date_start, company_id)",
            "There is already a target for this salesperson or team in this quarter.",
        ),
    ]

    @api.constrains("user_id", "team_id")
    def _check_owner(self):
        if any(bool(target.user_id) == bool(target.team_id) for target in self):
            raise ValidationError(self.env._("A sales target is for exactly one salesperson or one sales team."))

    @api.constrains("date_start")
    def _check_date_start(self):
        for target in self:
            if target.date_start != quarter_start(target.date_start):
                raise ValidationError(
                    self.env._(
                        "A sales target starts on the first day of a quarter (1 January, 1 April, 1 July or "
                        "1 October), not on %(date)s.",
                        date=target.date_start,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._stp_check_quarter_given(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._stp_check_quarter_given(vals)
        return super().write(vals)

    @api.model
    def _stp_check_quarter_given(self, vals):
        """The quarter may change, not be cleared (left out of ``create``, it is the current one)."""
        if "date_start" in vals and not vals["date_start"]:
            raise ValidationError(self.env._("A sales target needs its quarter (the first day of the quarter)."))

    @api.constrains("amount")
    def _check_amount(self):
        if any(target.amount < 0 for target in self):
            raise ValidationError(self.env._("A sales target cannot be negative."))

    @api.depends("user_id", "team_id", "date_start")
    def _compute_display_name(self):
        for target in self:
            quarter = target.date_start and f"Q{(target.date_start.month - 1) // 3 + 1}/{target.date_start.year}"
            target.display_name = " – ".join(filter(None, [quarter, (target.user_id or target.team_id).name]))
