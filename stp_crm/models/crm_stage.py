from odoo import fields, models

# Open forecast categories, from least to most certain (won/lost come from Odoo's won/lost state).
OPEN_FORECAST_CATEGORIES = [("pipeline", "Pipeline"), ("best_case", "Best Case"), ("commit", "Commit")]


class CrmStage(models.Model):
    _inherit = "crm.stage"

    stp_forecast_category = fields.Selection(
        OPEN_FORECAST_CATEGORIES,
        string="Forecast Category",
        default="pipeline",
        required=True,
        help="Forecast category of the open opportunities in this stage, unless the salesperson overrides it.",
    )
