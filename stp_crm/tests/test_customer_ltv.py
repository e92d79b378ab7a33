from datetime import date
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.stp_crm.models.res_partner import ResPartner

from .common import cron_call, cron_drain, freeze_test_clock
from .test_customer_analysis import StpAnalysisCommon

CRON = "stp_crm.ir_cron_stp_ltv"


@tagged("post_install", "-at_install")
class TestCustomerLifetimeValue(StpAnalysisCommon):
    def _only_these_pending(self, partners):
        """The cron's queue holds ``partners`` only (the database's other customers are done today)."""
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            SQL("UPDATE res_partner SET stp_ltv_date = %s WHERE id NOT IN %s", date(2026, 7, 1), tuple(partners.ids))
        )
        self.env.cr.execute(SQL("UPDATE res_partner SET stp_ltv_date = NULL WHERE id IN %s", tuple(partners.ids)))
        self.env["res.partner"].invalidate_model(["stp_ltv_date"])

    def test_ltv_of_a_customer_with_known_history(self):
        freeze_test_clock(self, "2026-07-01 03:00:00")
        self.company.stp_ltv_retention_rate = 0.5
        self._sell(self.north_customer, [(self.compressor, 2, 100.0)], invoice_date="2024-07-01")  # margin 80
        self._sell(self.north_customer, [(self.compressor, 5, 100.0)], invoice_date="2025-07-01")  # margin 200
        self._sell(
            self.north_customer, [(self.compressor, 1, 100.0)], move_type="out_refund", invoice_date="2026-01-10"
        )
        self._only_these_pending(self.north_customer)
        cron_drain(self.env, CRON)
        customer = self.north_customer.with_company(self.company)
        self.assertEqual(customer.stp_first_purchase_date, date(2024, 7, 1))
        self.assertEqual(customer.stp_last_purchase_date, date(2025, 7, 1))
        self.assertEqual(customer.stp_order_count, 2)
        self.assertAlmostEqual(customer.stp_lifetime_revenue, 600.0)
        self.assertAlmostEqual(customer.stp_lifetime_margin, 80 + 200 - 40)
        self.assertAlmostEqual(customer.stp_average_order_value, 300.0)
        years = 730 / 365.25
        self.assertAlmostEqual(customer.stp_purchase_frequency, 2 / years)
        # Average margin 120 a order × 1.0007 orders a year × (0.5 + 0.25 + 0.125)
        self.assertAlmostEqual(customer.stp_ltv, 120 * (2 / years) * 0.875)
        self.assertEqual(customer.stp_ltv_date, date(2026, 7, 1))
        # Searchable: segments of customers by their figures.
        repeat = (
            self.env["res.partner"]
            .with_company(self.company)
            .search([("stp_order_count", ">", 1), ("id", "in", (self.north_customer | self.south_customer).ids)])
        )
        self.assertEqual(repeat, self.north_customer)

    def test_new_customer_counts_one_year_and_others_show_nothing(self):
        freeze_test_clock(self, "2026-07-01 03:00:00")
        self._sell(self.central_person, [(self.compressor, 1, 100.0)], invoice_date="2026-05-01")
        self._only_these_pending(self.central_person | self.south_customer)
        cron_drain(self.env, CRON)
        person = self.central_person.with_company(self.company)
        self.assertEqual(person.stp_purchase_frequency, 1.0)
        self.assertAlmostEqual(person.stp_ltv, 40 * 1.0 * (0.8 + 0.64 + 0.512))
        nobody = self.south_customer.with_company(self.company)
        self.assertEqual((nobody.stp_order_count, nobody.stp_ltv, nobody.stp_first_purchase_date), (0, 0.0, False))
        # Another company has its own figures: none here.
        other = self.setup_other_company()["company"]
        self.assertEqual(self.central_person.with_company(other).stp_order_count, 0)

    def test_ltv_on_production_shaped_data(self):
        """Lines without a product, products without a cost, a customer without invoices and
        one with refunds only: margin unknown counts as 0, and the job skips nobody."""
        freeze_test_clock(self, "2026-07-01 03:00:00")
        self.assertFalse(self.service.with_company(self.company).standard_price)
        no_cost = self.env["res.partner"].create({"name": "Công ty Không Giá Vốn", "is_company": True})
        refunds_only = self.env["res.partner"].create({"name": "Công ty Chỉ Trả Hàng", "is_company": True})
        self._sell(no_cost, [(None, 1, 300.0), (self.service, 2, 50.0)], invoice_date="2026-02-01")
        self._sell(self.north_customer, [(self.compressor, 1, 100.0), (None, 1, 20.0)], invoice_date="2026-02-01")
        self._sell(refunds_only, [(None, 1, 80.0)], move_type="out_refund", invoice_date="2026-03-01")
        customers = no_cost | refunds_only | self.north_customer | self.south_customer
        self._only_these_pending(customers)
        logs = self.env["ir.logging"].search([("func", "=", "_cron_stp_ltv")])
        self.assertEqual(cron_call(self.env, CRON), (4, 0))
        self.assertEqual(self.env["ir.logging"].search([("func", "=", "_cron_stp_ltv")]), logs, "a customer skipped")
        self.assertEqual(customers.mapped("stp_ltv_date"), [date(2026, 7, 1)] * 4)
        unknown = no_cost.with_company(self.company)
        self.assertEqual((unknown.stp_order_count, unknown.stp_lifetime_margin, unknown.stp_ltv), (1, 0.0, 0.0))
        self.assertAlmostEqual(unknown.stp_lifetime_revenue, 400.0)
        self.assertAlmostEqual(unknown.stp_average_order_value, 400.0)
        self.assertEqual(unknown.stp_purchase_frequency, 1.0)
        # The line without a product adds revenue, not margin (its cost is unknown).
        known = self.north_customer.with_company(self.company)
        self.assertAlmostEqual(known.stp_lifetime_revenue, 120.0)
        self.assertAlmostEqual(known.stp_lifetime_margin, 40.0)
        self.assertGreater(known.stp_ltv, 0.0)
        for nobody in (refunds_only, self.south_customer):
            figures = nobody.with_company(self.company)
            self.assertEqual(
                (figures.stp_order_count, figures.stp_ltv, figures.stp_first_purchase_date), (0, 0.0, False)
            )

    def test_posting_marks_the_customer_and_triggers_the_cron(self):
        freeze_test_clock(self, "2026-07-01 03:00:00")
        self._only_these_pending(self.north_customer)
        cron_drain(self.env, CRON)
        self.assertTrue(self.north_customer.stp_ltv_date)
        cron = self.env.ref(CRON)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        invoice = self._sell(self.north_customer, [(self.compressor, 1, 100.0)], user=self.stp_user)
        self.assertFalse(self.north_customer.stp_ltv_date)
        self.assertGreater(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]), triggers)
        cron_drain(self.env, CRON)
        self.assertEqual(self.north_customer.with_company(self.company).stp_order_count, 1)
        invoice.button_draft()
        self.assertFalse(self.north_customer.stp_ltv_date)
        cron_drain(self.env, CRON)
        self.assertEqual(self.north_customer.with_company(self.company).stp_order_count, 0)

    def test_cron_works_in_batches_and_sets_a_failing_record_aside(self):
        freeze_test_clock(self, "2026-07-01 03:00:00")
        customers = self.north_customer | self.central_person | self.south_customer
        for customer in customers:
            self._sell(customer, [(self.compressor, 1, 100.0)], invoice_date="2026-02-01")
        self._only_these_pending(customers)
        self.assertEqual(cron_call(self.env, CRON, batch_size=2), (2, 1))
        self.assertEqual(cron_call(self.env, CRON, batch_size=2), (1, 0))
        self.assertEqual(customers.with_company(self.company).mapped("stp_order_count"), [1, 1, 1])

        self._only_these_pending(customers)
        original = ResPartner._stp_ltv_values

        def broken(partners, company, today):
            if self.central_person in partners:
                raise ValueError("broken customer")
            return original(partners, company, today)

        with patch.object(ResPartner, "_stp_ltv_values", broken), self.assertLogs(level="ERROR"):
            self.assertEqual(cron_call(self.env, CRON), (3, 0))
        self.assertFalse(self.central_person.stp_ltv_date)
        self.assertEqual((self.north_customer | self.south_customer).mapped("stp_ltv_date"), [date(2026, 7, 1)] * 2)
        self.assertTrue(
            self.env["ir.logging"].search([("func", "=", "_cron_stp_ltv"), ("line", "=", str(self.central_person.id))])
        )

    def test_lifetime_figures_are_for_invoicing_readers(self):
        self.assertFalse(self.north_customer.with_user(self.crm_only).fields_get(["stp_ltv"]))
        self.assertTrue(self.north_customer.with_user(self.stp_user).fields_get(["stp_ltv"]))

    def test_retention_rate_between_0_and_100_percent(self):
        with self.assertRaises(ValidationError):
            self.company.stp_ltv_retention_rate = 1.5
        settings = self.env["res.config.settings"].with_company(self.company).create({"stp_ltv_retention_rate": 0.6})
        settings.execute()
        self.assertEqual(self.company.stp_ltv_retention_rate, 0.6)

    def test_batch_cost_does_not_grow_with_the_customers(self):
        freeze_test_clock(self, "2026-07-01 03:00:00")
        customers = self.env["res.partner"].create([{"name": f"Khách hàng {n}", "is_company": True} for n in range(8)])
        for customer in customers:
            self._sell(customer, [(self.compressor, 1, 100.0)], invoice_date="2026-02-01")
        today = date(2026, 7, 1)

        def queries(partners):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partners._stp_compute_ltv(today)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        queries(customers[:1])  # caches warmed (companies, defaults)
        self.assertEqual(queries(customers[1:3]), queries(customers[3:]))
