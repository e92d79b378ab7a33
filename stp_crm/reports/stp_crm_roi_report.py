from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.readable_records import readable_rows


class StpCrmRoiReport(models.Model):
    """The CRM programme's return on investment, per month and company, as
    strategic CRM measures it: ROI (%) = profit / investment × 100.

    A report summing, per month, the investments (``stp.crm.investment``, company
    currency) and the profit attributed to the CRM, made of named sources
    (``_roi_profit_queries()``): each source names the model its rows come from and
    selects ``res_id`` (the id of that model's record), ``date`` (the month's first day),
    ``company_id`` and ``profit`` (company currency). A later feature adds its source in
    an override of ``_roi_profit_queries()`` and lists the columns it reads in ``_depends``.

    Rows follow the user's access (``_table_query``): for users, each source, the
    investments included, counts only the records its model's ``_search([])`` returns
    for them (its access rights and record rules), and nothing when they may not read
    that model at all: a CRM manager without Sales rights sees no order's margin. The
    superuser reads every source's rows.

    ``roi`` is a ratio (``stp.crm.ratio.mixin``): grouped (pivot, graph, grouped lists),
    it is computed from the group's summed profit and investment, never summed itself."""

    _name = "stp.crm.roi.report"
    _inherit = ["stp.crm.ratio.mixin"]
    _description = "CRM Return on Investment"
    _auto = False
    _order = "date desc, company_id"
    _rec_name = "date"
    _ratio_measures = {"roi": ("attributed_profit", "investment")}
    _depends = {
        "stp.crm.investment": ["date", "amount_company", "company_id"],
        "sale.order": ["date_order", "state", "margin", "currency_rate", "company_id", "opportunity_id"],
        "crm.lead": ["stage_id", "active"],
        "crm.stage": ["is_won"],
        "stp.crm.contract": ["date_start", "state", "amount_total_company", "company_id", "previous_contract_id"],
        "stp.crm.campaign.line": ["campaign_id", "partner_id", "date_sent"],
        "stp.crm.campaign": ["company_id", "attribution_days"],
        "res.partner": ["commercial_partner_id"],
    }

    date = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    investment = fields.Monetary(currency_field="currency_id", readonly=True)
    attributed_profit = fields.Monetary(currency_field="currency_id", readonly=True)
    roi = fields.Float(
        string="ROI (%)",
        readonly=True,
        digits=(16, 2),
        help="Attributed profit / investment × 100, over the rows taken together (empty without investment).",
    )

    @api.model
    def _roi_profit_queries(self):
        """{source: (model, SQL of its rows (res_id, date, company_id, profit))}, ``res_id``
        being the id of a record of ``model``; overrides add theirs."""
        return {
            "won_opportunities": ("sale.order", self._roi_query_won_opportunities()),
            "renewals": ("stp.crm.contract", self._roi_query_renewals()),
            "campaign_sales": ("sale.order", self._roi_query_campaign_sales()),
        }

    @api.model
    def _roi_query_won_opportunities(self):
        """Margin of the confirmed sales orders of won opportunities (sale_crm, sale_margin),
        in company currency, in the month of the order."""
        return SQL("""
            SELECT so.id AS res_id, date_trunc('month', so.date_order)::date AS date, so.company_id AS company_id,
                   so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1) AS profit
              FROM sale_order so
              JOIN crm_lead l ON l.id = so.opportunity_id AND l.active
              JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
             WHERE so.state = 'sale'
        """)

    @api.model
    def _roi_query_renewals(self):
        """Renewal contracts (confirmed), their total in company currency, in the month they start."""
        return SQL("""
            SELECT c.id AS res_id, date_trunc('month', c.date_start)::date AS date, c.company_id AS company_id,
                   c.amount_total_company AS profit
              FROM stp_crm_contract c
             WHERE c.previous_contract_id IS NOT NULL AND c.state != 'draft' AND c.date_start IS NOT NULL
        """)

    @api.model
    def _roi_query_campaign_sales(self):
        """Care campaigns' revenue after: confirmed sales (untaxed, company currency) of the
        companies of the customers a campaign reached, within its attribution window, in
        the month of the order. An order counts once however many campaigns reached the
        customer; the comparison group, reached by nothing, brings nothing."""
        return SQL(
            """
            SELECT so.id AS res_id, date_trunc('month', so.date_order)::date AS date, so.company_id AS company_id,
                   so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS profit
              FROM sale_order so
              JOIN res_partner buyer ON buyer.id = so.partner_id
             WHERE EXISTS (
                    SELECT 1
                      FROM stp_crm_campaign_line l
                      JOIN stp_crm_campaign c ON c.id = l.campaign_id
                      JOIN res_partner recipient ON recipient.id = l.partner_id
                     WHERE recipient.commercial_partner_id = buyer.commercial_partner_id
                       AND l.date_sent IS NOT NULL
                       AND %s)
            """,
            self.env["stp.crm.campaign.line"]._stp_attributed_order(SQL("l.date_sent")),
        )

    @api.model
    def _roi_query_investments(self):
        return SQL("""
            SELECT i.id AS res_id, date_trunc('month', i.date)::date AS date, i.company_id AS company_id,
                   i.amount_company AS investment, 0.0 AS profit
              FROM stp_crm_investment i
        """)

    @api.model
    def _roi_sources(self):
        """[(model, SQL of its rows (res_id, date, company_id, investment, profit))]: the
        investments and every profit source."""
        return [("stp.crm.investment", self._roi_query_investments())] + [
            (model_name, SQL("SELECT res_id, date, company_id, 0.0 AS investment, profit FROM (%s) AS source", sql))
            for model_name, sql in self._roi_profit_queries().values()
        ]

    @api.model
    def _roi_query(self):
        # The superuser's rows are every source's; a user's, those they may read.
        sources = [readable_rows(self.env, model_name, sql) for model_name, sql in self._roi_sources()]
        return SQL(
            """
            SELECT (rows.company_id::bigint * 100000 + EXTRACT(YEAR FROM rows.date) * 12
                    + EXTRACT(MONTH FROM rows.date))::bigint AS id,
                   rows.date AS date, rows.company_id AS company_id, company.currency_id AS currency_id,
                   SUM(rows.investment) AS investment, SUM(rows.profit) AS attributed_profit,
                   CASE WHEN SUM(rows.investment) > 0
                        THEN SUM(rows.profit) / SUM(rows.investment) * 100 END AS roi
              FROM (%s) AS rows
              JOIN res_company company ON company.id = rows.company_id
             GROUP BY rows.date, rows.company_id, company.currency_id
            """,
            SQL(" UNION ALL ").join(sources),
        )

    @property
    def _table_query(self):
        # Record rules on a SQL view cannot reach its sources' rules: for users, the
        # table is the sources restricted to what they may read, so search, read and
        # read_group see the same rows; the superuser reads every source's rows.
        return self._roi_query()
