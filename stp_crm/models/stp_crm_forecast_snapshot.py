from datetime import timedelta

from odoo import api, fields, models

from ..tools.cron_batch import run_batch
from .crm_stage import OPEN_FORECAST_CATEGORIES


class StpCrmForecastSnapshot(models.Model):
    """Each open opportunity's forecast category and amounts, as they were in a week:
    the forecast "as of" that week. Written by the weekly cron, never by hand."""

    _name = "stp.crm.forecast.snapshot"
    _description = "Forecast Snapshot"
    _order = "date desc, lead_id"
    _rec_name = "lead_id"

    date = fields.Date(string="Week", required=True, index=True, readonly=True, help="Monday of the week.")
    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, ondelete="cascade", readonly=True)
    category = fields.Selection(OPEN_FORECAST_CATEGORIES, string="Forecast Category", required=True, readonly=True)
    expected_revenue = fields.Monetary(readonly=True)
    prorated_revenue = fields.Monetary(readonly=True)
    date_deadline = fields.Date(string="Expected Closing", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, readonly=True)
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)

    _sql_constraints = [
        ("lead_week_unique", "UNIQUE (lead_id, date)", "An opportunity has one forecast snapshot per week."),
    ]

    @api.model
    def _stp_week_of(self, day):
        return day - timedelta(days=day.weekday())

    @api.model
    def _cron_stp_snapshot_forecast(self, batch_size=1000):
        """Weekly: snapshot every open opportunity not yet snapshotted this week (UTC
        Monday). One batch per call; restartable: done leads drop out of the domain."""
        week = self._stp_week_of(fields.Date.today())
        done = self.sudo()._search([("date", "=", week)]).subselect("lead_id")
        domain = [
            ("type", "=", "opportunity"),
            ("stp_forecast_category", "in", [category for category, _label in OPEN_FORECAST_CATEGORIES]),
            ("id", "not in", done),
        ]
        leads = self.env["crm.lead"].sudo()
        return run_batch(
            leads, [(domain, lambda batch: self._stp_snapshot(batch, week))], batch_size, "forecast snapshot"
        )

    @api.model
    def _stp_snapshot(self, leads, week):
        self.sudo().create(
            [
                {
                    "date": week,
                    "lead_id": lead.id,
                    "category": lead.stp_forecast_category,
                    "expected_revenue": lead.expected_revenue,
                    "prorated_revenue": lead.prorated_revenue,
                    "date_deadline": lead.date_deadline,
                    "user_id": lead.user_id.id,
                    "team_id": lead.team_id.id,
                    "company_id": lead.company_id.id,
                    "currency_id": lead.company_currency.id,
                }
                for lead in leads
            ]
        )
