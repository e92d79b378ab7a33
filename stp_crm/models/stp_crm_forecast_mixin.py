from datetime import date

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL


def quarter_start(day):
    """First day of the quarter of ``day``."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


class StpCrmForecastMixin(models.AbstractModel):
    """What the forecast reports share: dates of closed opportunities in the user's
    time zone, the quarter of today, the currency of a row's company, and ratio measures
    (``stp.crm.ratio.mixin``)."""

    _name = "stp.crm.forecast.mixin"
    _inherit = ["stp.crm.ratio.mixin"]
    _description = "Forecast Report Tools"

    @api.model
    def _stp_timezone(self):
        """The time zone closed dates are bucketed in: the user's (UTC if unset or unknown)."""
        tz = self.env.context.get("tz") or self.env.user.tz
        return tz if tz in pytz.all_timezones_set else "UTC"

    @api.model
    def _stp_local_date(self, column):
        """SQL of the calendar day, in the user's time zone, of the UTC timestamp ``column``."""
        return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", column, self._stp_timezone())

    @api.model
    def _stp_current_quarter(self):
        return quarter_start(fields.Date.context_today(self))

    @api.model
    def _stp_period(self, day_sql):
        """SQL of the ``period`` of the date ``day_sql`` relative to today's quarter."""
        current = self._stp_current_quarter()
        return SQL(
            """CASE WHEN %(day)s IS NULL THEN 'undated'
                    WHEN %(day)s < %(current)s THEN 'past'
                    WHEN %(day)s < %(next)s THEN 'current'
                    WHEN %(day)s < %(later)s THEN 'next'
                    ELSE 'later' END""",
            day=day_sql,
            current=current,
            next=current + relativedelta(months=3),
            later=current + relativedelta(months=6),
        )

    @api.model
    def _stp_company_currency(self, company_column):
        """SQL of the currency of the company in ``company_column`` (the current company's
        when empty), as a CASE over the few companies rather than a join to res_company."""
        # Users see the rows of their allowed companies only (the reports' multi-company rules).
        companies = self.env["res.company"]._stp_all_companies() if self.env.su else self.env.companies
        return SQL(
            "CASE %s %s ELSE %s END",
            company_column,
            SQL(" ").join(SQL("WHEN %s THEN %s", company.id, company.currency_id.id) for company in companies),
            self.env.company.currency_id.id,
        )
