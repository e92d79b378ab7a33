from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import freeze_test_clock
from .test_customer_analysis import StpAnalysisCommon


@tagged("post_install", "-at_install")
class TestCustomerAnalysisLtvBand(StpAnalysisCommon):
    """The analysis by lifetime value band: each customer's current LTV in the line's
    company against that company's thresholds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"stp_ltv_retention_rate": 0.5, "stp_ltv_high_threshold": 1400.0, "stp_ltv_medium_threshold": 300.0}
        )
        cls.newcomer = cls.env["res.partner"].create({"name": "Công ty Mới Mua", "is_company": True})
        cls.customers = cls.north_customer | cls.central_person | cls.south_customer | cls.newcomer
        cls.domain = [("commercial_partner_id", "in", cls.customers.ids)]

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, "2026-07-01 03:00:00")
        # One invoice each this year (a year's frequency): LTV = margin × (0.5 + 0.25 + 0.125).
        self._sell(self.north_customer, [(self.compressor, 40, 100.0)])  # margin 1,600: LTV 1,400
        self._sell(self.north_customer, [(self.service, 2, 50.0)])  # no cost, no margin
        self._sell(self.central_person, [(self.compressor, 10, 100.0)])  # margin 400: LTV 350
        self._sell(self.south_customer, [(self.compressor, 1, 100.0)])  # margin 40: LTV 35
        self._sell(self.newcomer, [(self.compressor, 5, 100.0)])  # its LTV is not computed yet
        (self.customers - self.newcomer)._stp_compute_ltv(date(2026, 7, 1))

    def _bands(self, analysis=None):
        analysis = analysis or self.env["stp.crm.customer.analysis"]
        return {row.commercial_partner_id: row.ltv_band for row in analysis.search(self.domain)}

    def test_band_against_the_company_thresholds(self):
        self.assertAlmostEqual(self.north_customer.with_company(self.company).stp_ltv, 1400.0)
        self.assertEqual(
            self._bands(),
            {
                self.north_customer: "high",  # at the high threshold
                self.central_person: "medium",
                self.south_customer: "low",
                self.newcomer: False,  # no LTV stored for the company: no band
            },
        )
        # New thresholds move the customers at once (read at query time).
        self.company.write({"stp_ltv_high_threshold": 1400.01, "stp_ltv_medium_threshold": 35.0})
        self.env["stp.crm.customer.analysis"].invalidate_model()  # rows read anew, as in a new request
        self.assertEqual(
            self._bands(),
            {
                self.north_customer: "medium",
                self.central_person: "medium",
                self.south_customer: "medium",
                self.newcomer: False,
            },
        )

    def test_band_is_the_ltv_of_the_line_company(self):
        other = self.setup_other_company()["company"]
        other.write({"stp_ltv_high_threshold": 10.0, "stp_ltv_medium_threshold": 1.0})
        self.south_customer.with_company(other)._stp_system_write({"stp_ltv": 5.0})  # "medium" there
        self.assertAlmostEqual(self.south_customer.with_company(self.company).stp_ltv, 35.0)
        # The other company's figure and thresholds do not change the band of this company's lines.
        self.assertEqual(self._bands()[self.south_customer], "low")

    def test_figures_by_band_equal_the_source_lines(self):
        analysis = self.env["stp.crm.customer.analysis"]
        by_band = {
            band: (revenue, margin, count)
            for band, revenue, margin, count in analysis._read_group(
                self.domain, ["ltv_band"], ["revenue:sum", "margin:sum", "__count"]
            )
        }
        source_lines = self.env["account.move.line"].search(
            [("move_id.commercial_partner_id", "in", self.customers.ids), ("display_type", "=", "product")]
        )

        def source(partners):
            lines = source_lines.filtered(lambda line: line.move_id.commercial_partner_id in partners)
            margin = sum(
                -line.balance - line.quantity * line.product_id.standard_price
                for line in lines
                if line.product_id.standard_price
            )
            return -sum(lines.mapped("balance")), margin, len(lines)

        self.assertEqual(set(by_band), {"high", "medium", "low", False})
        for band, partners in (
            ("high", self.north_customer),
            ("medium", self.central_person),
            ("low", self.south_customer),
            (False, self.newcomer),
        ):
            with self.subTest(band=band):
                revenue, margin, count = by_band[band]
                expected_revenue, expected_margin, expected_count = source(partners)
                self.assertAlmostEqual(revenue, expected_revenue)
                self.assertAlmostEqual(margin, expected_margin)
                self.assertEqual(count, expected_count)
        self.assertAlmostEqual(by_band["high"][0], 4000.0 + 100.0)

    def test_band_for_invoicing_readers_only(self):
        self.assertEqual(
            self._bands(self.env["stp.crm.customer.analysis"].with_user(self.stp_user))[self.central_person], "medium"
        )
        # A salesperson reads the analysis of their own invoices, not the customers' lifetime value.
        analysis = self.env["stp.crm.customer.analysis"].with_user(self.sales_own)
        self.assertFalse(analysis.fields_get(["ltv_band"]))
        with self.assertRaises(AccessError):
            analysis._read_group([], ["ltv_band"], ["__count"])

    def test_thresholds_are_validated(self):
        for values in (
            {"stp_ltv_medium_threshold": 2000.0},  # above the high threshold
            {"stp_ltv_medium_threshold": -1.0},
            {"stp_ltv_high_threshold": -1.0, "stp_ltv_medium_threshold": -2.0},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.company.write(values)
            self.assertEqual(
                (self.company.stp_ltv_high_threshold, self.company.stp_ltv_medium_threshold), (1400.0, 300.0)
            )
        # Equal thresholds leave no medium band: allowed.
        self.company.write({"stp_ltv_medium_threshold": 1400.0})
        settings = self.env["res.config.settings"].with_company(self.company)
        with self.assertRaises(ValidationError):
            settings.create({"stp_ltv_high_threshold": 100.0, "stp_ltv_medium_threshold": 200.0}).execute()
        self.assertEqual(self.company.stp_ltv_high_threshold, 1400.0)
        settings.create({"stp_ltv_high_threshold": 2000.0, "stp_ltv_medium_threshold": 500.0}).execute()
        self.assertEqual((self.company.stp_ltv_high_threshold, self.company.stp_ltv_medium_threshold), (2000.0, 500.0))

    def test_defaults_in_dong(self):
        company = self.env["res.company"].create({"name": "Công ty Mới", "currency_id": self.env.ref("base.VND").id})
        self.assertEqual((company.stp_ltv_high_threshold, company.stp_ltv_medium_threshold), (100_000_000, 20_000_000))
