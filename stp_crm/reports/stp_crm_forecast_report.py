from odoo import fields, models
from odoo.tools import SQL

from ..models.crm_stage import OPEN_FORECAST_CATEGORIES
from ..tools.readable_records import readable_query

PERIODS = [
    ("past", "Past Quarters"),
    ("current", "This Quarter"),
    ("next", "Next Quarter"),
    ("later", "Later"),
    ("undated", "No Date"),
]


class StpCrmForecastReport(models.Model):
    """Sales forecast: one row per opportunity (open, won or lost) plus one row per
    sales target, in the company currency.

    Opportunity rows: ``date`` is the expected closing date while open, the day the
    opportunity was won or lost once closed (``date_closed`` in the user's time zone;
    a lost one without it, its last update). Target rows: category ``target``, the
    quarter's first day as ``date``, the target in ``target_amount``; every other
    amount 0. ``target_amount`` is empty (NULL) on opportunity rows, ``commit_won_revenue``
    on opportunity rows neither in commit nor won: a group without any shows nothing rather
    than 0. ``attainment`` is ``100 * commit_won_revenue / target_amount`` of each
    group (a ratio of sums, see ``stp.crm.forecast.mixin``).

    Rows follow the rules of their source: the opportunities (``crm.lead``, archived
    i.e. lost ones included) and targets the user may read, through ``_table_query``."""

    _name = "stp.crm.forecast.report"
    _inherit = ["stp.crm.forecast.mixin"]
    _description = "Sales Forecast"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "lead_id"
    _ratio_measures = {"attainment": ("commit_won_revenue", "target_amount")}
    _depends = {
        "crm.lead": [
            "type",
            "active",
            "stage_id",
            "partner_id",
            "company_id",
            "team_id",
            "user_id",
            "date_deadline",
            "date_closed",
            "write_date",
            "stp_forecast_category",
            "expected_revenue",
            "prorated_revenue",
        ],
        "stp.crm.sales.target": ["user_id", "team_id", "date_start", "amount", "company_id"],
        "res.company": ["currency_id"],
    }

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    stage_id = fields.Many2one("crm.stage", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    date = fields.Date(readonly=True)
    period = fields.Selection(PERIODS, string="Forecast Period", readonly=True)
    category = fields.Selection(
        OPEN_FORECAST_CATEGORIES + [("won", "Won"), ("lost", "Lost"), ("target", "Target")],
        string="Forecast Category",
        readonly=True,
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    expected_revenue = fields.Monetary(readonly=True)
    prorated_revenue = fields.Monetary(readonly=True)
    won_revenue = fields.Monetary(readonly=True)
    commit_won_revenue = fields.Monetary(string="Commit + Won", readonly=True)
    target_amount = fields.Monetary(string="Target", readonly=True)
    attainment = fields.Float(string="Attainment (%)", readonly=True, digits=(16, 1))

    @property
    def _table_query(self):
        return SQL(
            "%s UNION ALL %s",
            self._forecast_query_opportunities(),
            self._forecast_query_targets(),
        )

    def _forecast_query_opportunities(self):
        query = readable_query(self.env, "crm.lead")
        query.add_where("crm_lead.type = 'opportunity'")
        lead = SQL.identifier("crm_lead")
        closed_day = self._stp_local_date(SQL("COALESCE(%s.date_closed, %s.write_date)", lead, lead))
        day = SQL(
            "CASE WHEN %s.stp_forecast_category IN ('won', 'lost') THEN %s ELSE %s.date_deadline END",
            lead,
            closed_day,
            lead,
        )
        return query.select(
            SQL("%s.id::bigint * 2 AS id", lead),
            SQL("%s.id AS lead_id", lead),
            SQL("%s.stage_id AS stage_id", lead),
            SQL("%s.partner_id AS partner_id", lead),
            SQL("%s.company_id AS company_id", lead),
            SQL("%s.team_id AS team_id", lead),
            SQL("%s.user_id AS user_id", lead),
            SQL("%s AS date", day),
            SQL("%s AS period", self._stp_period(day)),
            SQL("%s.stp_forecast_category::varchar AS category", lead),
            SQL("%s AS currency_id", self._stp_company_currency(SQL("%s.company_id", lead))),
            SQL("COALESCE(%s.expected_revenue, 0) AS expected_revenue", lead),
            SQL(
                "CASE WHEN %s.stp_forecast_category = 'lost' THEN 0 ELSE COALESCE(%s.prorated_revenue, 0) END"
                " AS prorated_revenue",
                lead,
                lead,
            ),
            SQL(
                "CASE WHEN %s.stp_forecast_category = 'won' THEN COALESCE(%s.expected_revenue, 0) ELSE 0 END"
                " AS won_revenue",
                lead,
                lead,
            ),
            # Empty, not 0, outside commit and won: a pivot's best case or lost cell has nothing to show.
            SQL(
                "CASE WHEN %s.stp_forecast_category IN ('commit', 'won') THEN COALESCE(%s.expected_revenue, 0)"
                " END AS commit_won_revenue",
                lead,
                lead,
            ),
            SQL("NULL::numeric AS target_amount"),  # no target: empty, not 0, in a pivot cell
            SQL("NULL::numeric AS attainment"),
        )

    def _forecast_query_targets(self):
        query = readable_query(self.env, "stp.crm.sales.target")
        target = SQL.identifier("stp_crm_sales_target")
        return query.select(
            SQL("%s.id::bigint * 2 + 1 AS id", target),
            SQL("NULL::integer AS lead_id"),
            SQL("NULL::integer AS stage_id"),
            SQL("NULL::integer AS partner_id"),
            SQL("%s.company_id AS company_id", target),
            SQL("%s.team_id AS team_id", target),
            SQL("%s.user_id AS user_id", target),
            SQL("%s.date_start AS date", target),
            SQL("%s AS period", self._stp_period(SQL("%s.date_start", target))),
            SQL("'target'::varchar AS category"),
            SQL("%s AS currency_id", self._stp_company_currency(SQL("%s.company_id", target))),
            SQL("0::numeric AS expected_revenue"),
            SQL("0::numeric AS prorated_revenue"),
            SQL("0::numeric AS won_revenue"),
            SQL("0::numeric AS commit_won_revenue"),
            SQL("%s.amount AS target_amount", target),
            SQL("NULL::numeric AS attainment"),
        )

    def action_open_opportunity(self):
        self.ensure_one()
        return self.lead_id.get_formview_action() if self.lead_id else False
