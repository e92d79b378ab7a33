import itertools
from datetime import date

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.res_country_state import REGIONS
from ..models.stp_crm_age_band import NO_UPPER_AGE
from ..tools.groups import INVOICING_READ

# Vietnam's map of 34 provinces (Resolution 202/2025/QH15) is in force from this day.
MAP_2025_DATE = date(2025, 7, 1)
# Today's province of an address's province: the absorber of a merged one.
CURRENT_STATE = "COALESCE({0}.stp_merged_into_id, {0}.id)"

# Quantities and margins of credit notes count negative (revenue already is: -balance).
SIGN = SQL("CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END")
# The line's quantity in the product's unit of measure, as account.invoice.report does.
QUANTITY = SQL(
    "line.quantity / NULLIF(COALESCE(uom_line.factor, 1) / COALESCE(uom_template.factor, 1), 0.0) * %s", SIGN
)


class StpCrmCustomerAnalysis(models.Model):
    """Who buys what, where and when: one row per product line of a posted customer
    invoice or credit note, amounts in the invoicing company's currency (credit notes
    negative), with the customer's region, age group, tier, classification and
    lifetime value band.

    Rows follow the user's access to invoices: for users, only the lines of the
    invoices that ``account.move._search([])`` returns for them (its access rights and
    record rules: a salesperson with "own documents" sees their own invoices, a user
    without any access to invoices sees no row). The superuser reads every line."""

    _name = "stp.crm.customer.analysis"
    _description = "Customer Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc, id desc"

    _depends = {
        "account.move": [
            "state",
            "move_type",
            "invoice_date",
            "partner_id",
            "commercial_partner_id",
            "invoice_user_id",
            "team_id",
        ],
        "account.move.line": [
            "move_id",
            "display_type",
            "product_id",
            "product_uom_id",
            "quantity",
            "balance",
            "company_id",
            "company_currency_id",
        ],
        "product.product": ["product_tmpl_id", "standard_price"],
        "product.template": ["categ_id", "uom_id"],
        "uom.uom": ["factor"],
        "res.partner": [
            "state_id",
            "is_company",
            "stp_birthday",
            "stp_founding_date",
            "stp_tier",
            "stp_classification",
            "stp_ltv",
            "stp_state_before_2025_id",
        ],
        "res.company": ["stp_ltv_high_threshold", "stp_ltv_medium_threshold"],
        "res.country.state": ["stp_region", "stp_merged_into_id"],
        "stp.crm.age.band": ["partner_kind", "age_from", "age_to", "company_id", "active"],
    }

    date = fields.Date(string="Invoice Date", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Invoiced Contact", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    state_id = fields.Many2one(
        "res.country.state",
        string="Province",
        readonly=True,
        help="The customer's province today (on Vietnam's map of 1 July 2025, a merged province counts as the "
        "province that absorbed it).",
    )
    invoice_state_id = fields.Many2one(
        "res.country.state",
        string="Province at the Invoice Date",
        readonly=True,
        help="The customer's province on the map in force at the invoice date: before 1 July 2025, the province "
        "the address was on before it was moved to the 2025 map.",
    )
    region = fields.Selection(REGIONS, readonly=True)
    age_group = fields.Many2one(
        "stp.crm.age.band",
        readonly=True,
        help="The customer's age band at the invoice date: a person's age, a company's years since its founding.",
    )
    customer_type = fields.Selection([("person", "Individual"), ("company", "Company")], readonly=True)
    stp_tier = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")], string="Tier", readonly=True, help="The customer's current tier."
    )
    stp_classification = fields.Selection(
        selection=lambda self: self.env["res.partner"]._fields["stp_classification"].selection,
        string="Classification",
        readonly=True,
    )
    ltv_band = fields.Selection(
        [("high", "High LTV"), ("medium", "Medium LTV"), ("low", "Low LTV")],
        string="LTV Band",
        readonly=True,
        groups=INVOICING_READ,
        help="The customer's current lifetime value in the company against the company's LTV thresholds; "
        "empty while it has not been computed.",
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit of Measure")
    revenue = fields.Monetary(readonly=True, currency_field="currency_id")
    margin = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="Revenue minus the quantity at the product's cost in the company; empty when the product has no cost.",
    )
    invoice_count = fields.Integer(
        string="# Invoices",
        readonly=True,
        aggregator="count_distinct",
        help="Number of distinct customer invoices (credit notes not counted).",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)

    @property
    def _table_query(self):
        query = SQL("%s %s %s", self._select(), self._from(), self._where())
        if self.env.su:
            return query
        invoices = self.env["account.move"]
        if not invoices.has_access("read"):
            return SQL("%s AND FALSE", query)
        if self._invoice_rules_match_own_rules():
            return query
        readable = invoices._search([("move_type", "in", ("out_invoice", "out_refund"))]).subselect()
        return SQL("%s AND move.id IN %s", query, readable)

    @api.model
    def _invoice_rules_match_own_rules(self):
        """Whether the user's record rules on invoices come down to this report's own rules, which
        Odoo applies to every read of it. They then select the same lines (a line's company is its
        invoice's), and the semi-join on the readable invoices, a quarter of a read's time at a
        million lines, is left out. This is the case for invoicing users and accountants: their
        group rules on invoices allow every invoice, leaving the multi-company rule."""
        rules = self.env["ir.rule"]
        invoice_domain = rules._compute_domain("account.move", "read")
        return invoice_domain == rules._compute_domain(self._name, "read") and all(
            leaf[0] == "company_id" for leaf in invoice_domain if isinstance(leaf, list | tuple)
        )

    @api.model
    def _select(self):
        partners = self.env["res.partner"]
        return SQL(
            """
            SELECT line.id AS id,
                   move.invoice_date AS date,
                   move.id AS move_id,
                   move.partner_id AS partner_id,
                   move.commercial_partner_id AS commercial_partner_id,
                   %(current_state)s AS state_id,
                   CASE WHEN move.invoice_date >= %(map_2025_date)s THEN %(current_state)s
                        WHEN partner.state_id IS NOT NULL
                             THEN COALESCE(partner.stp_state_before_2025_id, partner.state_id)
                        ELSE COALESCE(commercial.stp_state_before_2025_id, commercial.state_id)
                   END AS invoice_state_id,
                   CASE WHEN partner.state_id IS NOT NULL THEN partner_state.stp_region
                        ELSE commercial_state.stp_region END AS region,
                   %(age_group)s AS age_group,
                   CASE WHEN commercial.is_company THEN 'company' ELSE 'person' END AS customer_type,
                   COALESCE(commercial.stp_tier ->> line.company_id::text, %(default_tier)s) AS stp_tier,
                   commercial.stp_classification AS stp_classification,
                   CASE WHEN (commercial.stp_ltv ->> line.company_id::text)::numeric
                             >= ltv_company.stp_ltv_high_threshold THEN 'high'
                        WHEN (commercial.stp_ltv ->> line.company_id::text)::numeric
                             >= ltv_company.stp_ltv_medium_threshold THEN 'medium'
                        WHEN commercial.stp_ltv ->> line.company_id::text IS NOT NULL THEN 'low'
                   END AS ltv_band,
                   move.invoice_user_id AS user_id,
                   move.team_id AS team_id,
                   line.product_id AS product_id,
                   template.categ_id AS categ_id,
                   %(quantity)s AS quantity,
                   -line.balance AS revenue,
                   -line.balance - %(quantity)s
                       * (product.standard_price ->> line.company_id::text)::numeric AS margin,
                   CASE WHEN move.move_type = 'out_invoice' THEN move.id END AS invoice_count,
                   line.company_id AS company_id,
                   line.company_currency_id AS currency_id
            """,
            # A customer without a tier of its own in the company reads the default one (ir.default).
            default_tier=partners._fields["stp_tier"].get_company_dependent_fallback(partners) or None,
            quantity=QUANTITY,
            age_group=self._age_group(),
            current_state=SQL(
                "CASE WHEN partner.state_id IS NOT NULL THEN %s ELSE %s END",
                SQL(CURRENT_STATE.format("partner_state")),
                SQL(CURRENT_STATE.format("commercial_state")),
            ),
            map_2025_date=MAP_2025_DATE,
        )

    @api.model
    def _from(self):
        return SQL("""
            FROM account_move_line line
            JOIN account_move move ON move.id = line.move_id
            LEFT JOIN res_partner commercial ON commercial.id = move.commercial_partner_id
            LEFT JOIN res_partner partner ON partner.id = move.partner_id
            LEFT JOIN res_country_state partner_state ON partner_state.id = partner.state_id
            LEFT JOIN res_country_state commercial_state ON commercial_state.id = commercial.state_id
            LEFT JOIN product_product product ON product.id = line.product_id
            LEFT JOIN product_template template ON template.id = product.product_tmpl_id
            LEFT JOIN uom_uom uom_line ON uom_line.id = line.product_uom_id
            LEFT JOIN uom_uom uom_template ON uom_template.id = template.uom_id
            LEFT JOIN res_company ltv_company ON ltv_company.id = line.company_id
            """)

    @api.model
    def _age_group(self):
        """The customer's age band at the invoice date, as an expression rather than a join:
        ``width_bucket()`` finds the age among the bounds of the bands of the line's company
        and kind of customer. PostgreSQL evaluates it only when the age group is asked for,
        and drops the customer's join when nothing else of the customer is (a join on a
        computed age kept it: a quarter of the time of every read)."""
        bands = self._age_band_bounds()
        ages = {
            kind: SQL(
                "EXTRACT(YEAR FROM AGE(move.invoice_date, commercial.%s))::int",
                SQL.identifier("stp_founding_date" if kind == "company" else "stp_birthday"),
            )
            for kind in ("company", "person")
        }

        def band_of(company_id, kind):
            if not (bounds := bands.get((company_id, kind))):
                return SQL("NULL::int")
            # Index 0 of the ids is for an age below the first bound (width_bucket() returns 0).
            return SQL("(%s::int[])[width_bucket(%s, %s::int[]) + 1]", [None, *bounds[1]], ages[kind], list(bounds[0]))

        cases = [
            SQL(
                "WHEN line.company_id = %s AND commercial.is_company THEN %s WHEN line.company_id = %s THEN %s",
                company_id,
                band_of(company_id, "company"),
                company_id,
                band_of(company_id, "person"),
            )
            for company_id in {company_id for company_id, _kind in bands if company_id}
        ]
        return SQL(
            "CASE %s WHEN commercial.is_company THEN %s ELSE %s END",
            SQL(" ").join(cases),
            band_of(False, "company"),
            band_of(False, "person"),
        )

    @api.model
    @tools.ormcache()
    def _age_band_bounds(self):
        """{(company id or False for every company, kind): (bounds, band ids)}: where each band
        starts, and where its ages end when the next band does not start right there (id None).
        The bands of a company are its own and those for every company: they never overlap."""
        bands = (
            self.env["stp.crm.age.band"].sudo().search_fetch([], ["partner_kind", "age_from", "age_to", "company_id"])
        )
        companies = {False} | set(bands.company_id.ids)
        result = {}
        for company_id, kind in itertools.product(companies, ("company", "person")):
            bounds, band_ids = [], []
            for band in bands.filtered(
                lambda band, company_id=company_id, kind=kind: band.partner_kind == kind
                and band.company_id.id in {False, company_id}
            ).sorted("age_from"):
                if bounds and bounds[-1] == band.age_from:  # the previous band ends where this one starts
                    del bounds[-1], band_ids[-1]
                bounds += [band.age_from, (band.age_to or NO_UPPER_AGE) + 1]
                band_ids += [band.id, None]
            if bounds:
                result[company_id, kind] = (tuple(bounds), tuple(band_ids))
        return result

    @api.model
    def _where(self):
        return SQL("""
            WHERE move.state = 'posted'
              AND move.move_type IN ('out_invoice', 'out_refund')
              AND line.display_type = 'product'
        """)
