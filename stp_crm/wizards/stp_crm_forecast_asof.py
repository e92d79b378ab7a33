from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date


class StpCrmForecastAsof(models.TransientModel):
    """Opens the forecast as it stood in a past week: that week's snapshot rows
    (the latest snapshot on or before the chosen day) by quarter and category."""

    _name = "stp.crm.forecast.asof"
    _description = "Forecast As Of"

    date = fields.Date(string="As Of", required=True, default=fields.Date.context_today)

    def action_open(self):
        self.ensure_one()
        snapshots = self.env["stp.crm.forecast.snapshot"]
        latest = snapshots.search([("date", "<=", self.date)], order="date desc", limit=1)
        if not latest:
            raise UserError(
                self.env._(
                    "There is no forecast snapshot on or before %(date)s.", date=format_date(self.env, self.date)
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_forecast_snapshot_action")
        action.update(
            {
                "name": self.env._("Forecast as of %(date)s", date=format_date(self.env, latest.date)),
                "domain": [("date", "=", latest.date)],
                "view_mode": "pivot,graph,list",
                "views": [(False, "pivot"), (False, "graph"), (False, "list")],
                "target": "main",
            }
        )
        return action
