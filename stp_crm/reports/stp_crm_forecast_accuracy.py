from odoo import fields, models
from odoo.tools import SQL

from ..tools.readable_records import readable_query
from .stp_crm_forecast_report import PERIODS


class StpCrmForecastAccuracy(models.Model):
    """How good the commit was: for each quarter, what was in commit at its start (the
    quarter's first weekly snapshot, i.e. the first snapshot dated in the quarter, per
    company) against what was won in the quarter (``date_closed`` in the user's time
    zone). One row per opportunity and quarter and side: ``committed_amount`` rows come
    from the snapshot (its salesperson and team then), ``won_amount`` rows from the
    won opportunity (its salesperson and team now), ``has_snapshot`` tells them apart.
    ``committed_amount`` is empty (NULL) on won rows, so a group without a snapshot shows
    no commitment rather than 0. ``accuracy`` is ``100 * won_amount / committed_amount``
    of each group.

    Rows follow the rules of their source: the snapshots and the opportunities the
    user may read."""

    _name = "stp.crm.forecast.accuracy"
    _inherit = ["stp.crm.forecast.mixin"]
    _description = "Forecast Accuracy"
    _auto = False
    _order = "quarter desc, id desc"
    _rec_name = "lead_id"
    _ratio_measures = {"accuracy": ("won_amount", "committed_amount")}
    _depends = {
        "stp.crm.forecast.snapshot": [
            "date",
            "lead_id",
            "category",
            "expected_revenue",
            "user_id",
            "team_id",
            "company_id",
            "currency_id",
        ],
        "crm.lead": ["type", "active", "company_id", "team_id", "user_id", "date_closed", "stp_forecast_category"],
        "res.company": ["currency_id"],
    }

    quarter = fields.Date(readonly=True, help="First day of the quarter.")
    period = fields.Selection(PERIODS, string="Forecast Period", readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    has_snapshot = fields.Boolean(string="From a Snapshot", readonly=True)
    committed_amount = fields.Monetary(string="Committed at Quarter Start", readonly=True)
    won_amount = fields.Monetary(string="Won in Quarter", readonly=True)
    accuracy = fields.Float(string="Accuracy (%)", readonly=True, digits=(16, 1))

    @property
    def _table_query(self):
        return SQL("%s UNION ALL %s", self._accuracy_query_committed(), self._accuracy_query_won())

    def _accuracy_query_committed(self):
        query = readable_query(self.env, "stp.crm.forecast.snapshot")
        snapshot = SQL.identifier("stp_crm_forecast_snapshot")
        query.add_where(SQL("%s.category = 'commit'", snapshot))
        # The first snapshot of each quarter, per company (over all snapshots, not only readable ones).
        query.add_where(
            SQL(
                """%(s)s.date = (SELECT MIN(earliest.date) FROM stp_crm_forecast_snapshot earliest
                                  WHERE earliest.company_id IS NOT DISTINCT FROM %(s)s.company_id
                                    AND earliest.date >= date_trunc('quarter', %(s)s.date::timestamp)::date)""",
                s=snapshot,
            )
        )
        quarter = SQL("date_trunc('quarter', %s.date::timestamp)::date", snapshot)
        return query.select(
            SQL("%s.id::bigint * 2 AS id", snapshot),
            SQL("%s AS quarter", quarter),
            SQL("%s AS period", self._stp_period(quarter)),
            SQL("%s.lead_id AS lead_id", snapshot),
            SQL("%s.company_id AS company_id", snapshot),
            SQL("%s.team_id AS team_id", snapshot),
            SQL("%s.user_id AS user_id", snapshot),
            SQL("%s.currency_id AS currency_id", snapshot),
            SQL("TRUE AS has_snapshot"),
            SQL("COALESCE(%s.expected_revenue, 0) AS committed_amount", snapshot),
            SQL("0::numeric AS won_amount"),
            SQL("NULL::numeric AS accuracy"),
        )

    def _accuracy_query_won(self):
        query = readable_query(self.env, "crm.lead")
        lead = SQL.identifier("crm_lead")
        query.add_where(SQL("%s.type = 'opportunity' AND %s.stp_forecast_category = 'won'", lead, lead))
        quarter = SQL(
            "date_trunc('quarter', %s::timestamp)::date",
            self._stp_local_date(SQL("COALESCE(%s.date_closed, %s.write_date)", lead, lead)),
        )
        return query.select(
            SQL("%s.id::bigint * 2 + 1 AS id", lead),
            SQL("%s AS quarter", quarter),
            SQL("%s AS period", self._stp_period(quarter)),
            SQL("%s.id AS lead_id", lead),
            SQL("%s.company_id AS company_id", lead),
            SQL("%s.team_id AS team_id", lead),
            SQL("%s.user_id AS user_id", lead),
            SQL("%s AS currency_id", self._stp_company_currency(SQL("%s.company_id", lead))),
            SQL("FALSE AS has_snapshot"),
            SQL("NULL::numeric AS committed_amount"),  # no snapshot: empty, not 0, in a pivot cell
            SQL("COALESCE(%s.expected_revenue, 0) AS won_amount", lead),
            SQL("NULL::numeric AS accuracy"),
        )
