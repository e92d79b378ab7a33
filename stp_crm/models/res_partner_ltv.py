from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.cron_batch import run_batch
from ..tools.groups import INVOICING_READ

LTV_BATCH_SIZE = 1000
LTV_HORIZON_YEARS = 3
DAYS_PER_YEAR = 365.25
# Lifetime figures come from invoices: invoicing readers only (INVOICING_READ), as the 12-month revenue.
# The figures of each company, from its own invoices in its own currency (company_dependent):
# (field name, SQL type of its value).
LTV_FIELDS = (
    ("stp_first_purchase_date", "date"),
    ("stp_last_purchase_date", "date"),
    ("stp_order_count", "integer"),
    ("stp_lifetime_revenue", "float"),
    ("stp_lifetime_margin", "float"),
    ("stp_average_order_value", "float"),
    ("stp_purchase_frequency", "float"),
    ("stp_ltv", "float"),
)


class ResPartner(models.Model):
    """Customer lifetime value: stored per company (company_dependent), computed by the
    cron ``ir_cron_stp_ltv`` for commercial partners (companies and loose persons) from
    posted customer invoices minus credit notes, in the company's currency. Posting,
    resetting or cancelling an invoice marks its customer and triggers the cron."""

    _inherit = "res.partner"

    stp_first_purchase_date = fields.Date(
        string="First Purchase", company_dependent=True, readonly=True, groups=INVOICING_READ
    )
    stp_last_purchase_date = fields.Date(
        string="Last Purchase", company_dependent=True, readonly=True, groups=INVOICING_READ
    )
    stp_order_count = fields.Integer(
        string="Orders",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Posted customer invoices of this company (credit notes not counted).",
    )
    stp_lifetime_revenue = fields.Float(
        string="Lifetime Revenue",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Untaxed invoiced revenue minus credit notes since the first purchase, in company currency.",
    )
    stp_lifetime_margin = fields.Float(
        string="Lifetime Margin",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Lifetime revenue minus the cost of the products sold (products with a cost only).",
    )
    stp_average_order_value = fields.Float(
        string="Average Order Value", company_dependent=True, readonly=True, groups=INVOICING_READ
    )
    stp_purchase_frequency = fields.Float(
        string="Purchase Frequency",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Orders per year since the first purchase (a customer of less than a year counts as one year).",
    )
    stp_ltv = fields.Float(
        string="Lifetime Value",
        company_dependent=True,
        readonly=True,
        groups=INVOICING_READ,
        help="Predicted margin of the next 3 years: average margin per order × orders per year × "
        "(r + r² + r³), r being the company's yearly retention rate.",
    )
    stp_ltv_date = fields.Date(
        string="Lifetime Value Computed On", readonly=True, copy=False, index="btree_not_null", groups=INVOICING_READ
    )

    @api.model
    def _cron_stp_ltv(self, batch_size=LTV_BATCH_SIZE):
        """Daily (figures depend on today), and soon after invoices post: one batch of
        the commercial partners not computed today; ir.cron calls again while some remain."""
        today = fields.Date.context_today(self)
        pending = self._stp_commercial_domain() + ["|", ("stp_ltv_date", "=", False), ("stp_ltv_date", "<", today)]
        return run_batch(
            self, [(pending, lambda partners: partners._stp_compute_ltv(today))], batch_size, "_cron_stp_ltv"
        )

    def _stp_compute_ltv(self, today):
        """Store the lifetime figures of the commercial partners ``self`` in every
        company: two grouped queries and one UPDATE per company, whatever their number."""
        for company in self.env["res.company"]._stp_all_companies():
            values = self._stp_ltv_values(company, today)
            self._stp_store_ltv(company, values)
        self.flush_recordset(["stp_ltv_date"])
        self.env.cr.execute(SQL("UPDATE res_partner SET stp_ltv_date = %s WHERE id IN %s", today, tuple(self.ids)))
        self.invalidate_recordset(["stp_ltv_date", *(name for name, _type in LTV_FIELDS)])

    def _stp_ltv_values(self, company, today):
        """{partner id: tuple of the values of LTV_FIELDS} for ``company``."""
        invoices = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "=", "out_invoice"),
                    ("commercial_partner_id", "in", self.ids),
                ],
                ["commercial_partner_id"],
                ["invoice_date:min", "invoice_date:max", "__count"],
            )
        )
        # A sum over lines of unknown cost only (no product, no cost) is empty: margin 0.
        amounts = dict(
            ((partner.id, (revenue or 0.0, margin or 0.0)))
            for partner, revenue, margin in self.env["stp.crm.customer.analysis"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("commercial_partner_id", "in", self.ids)],
                ["commercial_partner_id"],
                ["revenue:sum", "margin:sum"],
            )
        )
        retention = company.stp_ltv_retention_rate
        future_years = sum(retention**year for year in range(1, LTV_HORIZON_YEARS + 1))
        values = {}
        for partner, first_date, last_date, count in invoices:
            revenue, margin = amounts.get(partner.id, (0.0, 0.0))
            years = max((today - first_date).days / DAYS_PER_YEAR, 1.0)
            frequency = count / years
            values[partner.id] = (
                first_date,
                last_date,
                count,
                revenue,
                margin,
                revenue / count,
                frequency,
                margin / count * frequency * future_years,
            )
        return values

    def _stp_store_ltv(self, company, values):
        """Write ``values`` (partners without purchase: empty figures) as ``company``'s
        values of the company-dependent columns, in one UPDATE."""
        self.flush_recordset([name for name, _type in LTV_FIELDS])
        empty = (None, None, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
        rows = SQL(", ").join(
            SQL("(%s)", SQL(", ").join([partner_id, *values.get(partner_id, empty)])) for partner_id in self.ids
        )
        key = str(company.id)
        assignments = SQL(", ").join(
            SQL(
                "%(column)s = COALESCE(p.%(column)s, '{}'::jsonb) || jsonb_build_object(%(key)s, v.%(column)s::%(type)s)",
                column=SQL.identifier(name),
                key=key,
                type=SQL(sql_type),
            )
            for name, sql_type in LTV_FIELDS
        )
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner p SET %s FROM (VALUES %s) AS v(id, %s) WHERE p.id = v.id",
                assignments,
                rows,
                SQL(", ").join(SQL.identifier(name) for name, _type in LTV_FIELDS),
            )
        )

    @api.model
    def _stp_mark_ltv_outdated(self, partner_ids):
        """Invoices of these commercial partners changed: their figures are due again,
        and the cron runs soon. Only a mark and a trigger in the user's request."""
        if not partner_ids:
            return
        self.flush_model(["stp_ltv_date"])
        self.env.cr.execute(SQL("UPDATE res_partner SET stp_ltv_date = NULL WHERE id IN %s", tuple(partner_ids)))
        self.invalidate_model(["stp_ltv_date"])
        self.env.ref("stp_crm.ir_cron_stp_ltv")._trigger()
