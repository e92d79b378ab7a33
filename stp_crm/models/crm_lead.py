from odoo import api, fields, models

from .crm_stage import OPEN_FORECAST_CATEGORIES


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "stp.crm.interaction.source"]

    stp_feasibility = fields.Selection(
        [("high", "High"), ("medium", "Medium"), ("low", "Low")],
        string="Feasibility",
        index=True,
        tracking=True,
        help="How likely the salesperson judges this opportunity to close.",
    )
    stp_feasibility_note = fields.Text(string="Feasibility Reason")
    stp_forecast_override = fields.Selection(
        OPEN_FORECAST_CATEGORIES,
        string="Forecast Override",
        tracking=True,
        help="Set by the salesperson to put an open opportunity in another forecast category than its stage's.",
    )
    stp_forecast_category = fields.Selection(
        OPEN_FORECAST_CATEGORIES + [("won", "Won"), ("lost", "Lost")],
        string="Forecast Category",
        compute="_compute_stp_forecast_category",
        store=True,
        index=True,
        help="Won or lost once the opportunity is closed; while open, the salesperson's override "
        "or else the stage's forecast category.",
    )

    @api.depends("active", "probability", "stage_id.is_won", "stage_id.stp_forecast_category", "stp_forecast_override")
    def _compute_stp_forecast_category(self):
        for lead in self:
            # Odoo's semantics: lost = archived (action_set_lost archives, with probability 0);
            # won = an active opportunity in a won stage.
            if not lead.active:
                lead.stp_forecast_category = "lost"
            elif lead.stage_id.is_won:
                lead.stp_forecast_category = "won"
            else:
                lead.stp_forecast_category = (
                    lead.stp_forecast_override or lead.stage_id.stp_forecast_category or "pipeline"
                )

    def _stp_interaction_values(self):
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        if not customer:
            return {}
        return {
            "partner_id": customer.id,
            "lead_id": self.id,
            "user_id": self.user_id.id,
            "company_id": (self.company_id or self.env.company).id,
        }
