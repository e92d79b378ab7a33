import re

from odoo.tests import TransactionCase, tagged

# A Vietnamese text has letters with Vietnamese diacritics (an English one has none).
VIETNAMESE = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo data a newcomer sees first (the test database has it, as `make run`'s):
    loaded, in đồng at a Vietnamese company's scale, in Vietnamese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"])

    def _demo(self, model):
        """The records of ``model`` stp_crm's data or demo data made (by xml id)."""
        ids = self.env["ir.model.data"].search([("module", "=", "stp_crm"), ("model", "=", model)]).mapped("res_id")
        return self.env[model].with_context(active_test=False, lang="vi_VN").browse(ids).exists()

    def test_demo_loaded(self):
        self.assertTrue(self.env.ref("base.module_stp_crm").demo, "stp_crm installed with its demo data")
        self.assertTrue(self.env.ref("stp_crm.partner_demo_hoa_phat").exists())

    def test_demo_invoices_spread_over_two_years_in_millions(self):
        invoices = self._demo("account.move")
        self.assertEqual(len(invoices), 11)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertGreaterEqual(min(invoices.mapped("amount_total")), 1_000_000)
        self.assertIn(385_000_000, invoices.invoice_line_ids.mapped("price_unit"))
        dates = invoices.mapped("invoice_date")
        self.assertGreater((max(dates) - min(dates)).days, 600, "two years of history for lifetime value and analysis")
        paid = invoices.filtered(lambda move: move.payment_state in ("paid", "in_payment"))
        self.assertTrue(paid and invoices - paid, "old invoices paid, recent and overdue ones open")
        overdue = self.env.ref("stp_crm.stp_crm_demo_invoice_overdue_2")
        self.assertEqual((overdue.invoice_date_due - overdue.invoice_date).days, 30)
        self.assertEqual(overdue.amount_residual, 145_000_000)

    def test_demo_invoices_made_once_when_the_chart_is_loaded(self):
        invoices = self._demo("account.move")
        ChartTemplate = self.env["account.chart.template"]
        ChartTemplate._stp_load_demo_invoices()
        self.assertEqual(self._demo("account.move"), invoices, "made once")
        # A database created for a country gets its chart after stp_crm's demo: loading the
        # chart makes the invoices that are missing, posted.
        missing = self.env.ref("stp_crm.stp_crm_demo_invoice_overdue_1")
        missing.button_draft()
        missing.with_context(force_delete=True).unlink()
        company = self.env.ref("base.main_company")
        ChartTemplate._load(company.chart_template, company, install_demo=False)
        remade = self.env.ref("stp_crm.stp_crm_demo_invoice_overdue_1")
        self.assertEqual((remade.state, remade.amount_total), ("posted", 36_000_000))
        self.assertEqual(len(self._demo("account.move")), len(invoices))

    def test_prices_investments_targets_and_gifts_in_dong(self):
        self.assertEqual(self.env.ref("stp_crm.product_demo_compressor").list_price, 385_000_000)
        investments = self._demo("stp.crm.investment")
        self.assertEqual(len(investments), 8)
        for amount in investments.mapped("amount"):
            self.assertTrue(25_000_000 <= amount <= 120_000_000, amount)
        self.assertGreaterEqual(min(self._demo("stp.crm.sales.target").mapped("amount")), 100_000_000)
        self.assertGreaterEqual(self.env.ref("stp_crm.product_demo_campaign_gift").standard_price, 100_000)
        # Contracts sell our own products (none of Odoo's furniture), in đồng.
        contracts = self._demo("stp.crm.contract")
        self.assertEqual(contracts.currency_id, self.env.ref("base.VND"))
        self.assertFalse(contracts.line_ids.product_id.filtered(lambda product: product.default_code))
        self.assertLessEqual(contracts.line_ids.product_id, self._demo("product.product"))

    def test_won_opportunities_bring_profit_over_the_year(self):
        orders = self._demo("sale.order")
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertTrue(all(order.opportunity_id.stage_id.is_won for order in orders))
        self.assertGreater(sum(orders.mapped("margin")), sum(self._demo("stp.crm.investment").mapped("amount")))
        dates = orders.mapped("date_order")
        self.assertGreater((max(dates) - min(dates)).days, 150, "profit spread over the year")

    def test_a_past_campaign_shows_its_results_and_uplift(self):
        campaign = self.env.ref("stp_crm.campaign_demo_autumn")
        self.assertEqual(campaign.state, "running")
        self.assertTrue(campaign.recipient_count and campaign.control_count, "recipients and a comparison group")
        self.assertGreater(campaign.revenue_after, campaign.control_revenue_after)
        self.assertGreater(campaign.uplift_revenue, 0)
        self.assertGreater(campaign.roi, 0)
        self.assertGreaterEqual(campaign.revenue_after, 10_000_000, "in đồng, at a company's scale")

    def test_demo_company_in_vietnam(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.country_id, self.env.ref("base.vn"))
        self.assertEqual(company.state_id, self.env.ref("base.state_vn_VN-SG"))
        self.assertTrue(company.phone.startswith("+84"), company.phone)
        self.assertEqual(company.vat, "0312345673")
        self.assertIn("0071001234567", company.partner_id.bank_ids.mapped("acc_number"))
        self.assertNotIn("555", company.phone)

    def test_demo_customers_on_the_2025_map(self):
        """Customers in Hà Nội, Huế, Đà Nẵng, TP Hồ Chí Minh and Cần Thơ, each with its ward."""
        customers = self._demo("res.partner").filtered(lambda partner: partner.is_company and partner.city_id)
        provinces = {"VN-HN", "VN-26", "VN-DN", "VN-SG", "VN-CT"}
        self.assertLessEqual(provinces, set(customers.state_id.mapped("code")))
        for customer in customers:
            self.assertEqual(customer.city_id.state_id, customer.state_id, customer.name)
            self.assertFalse(customer.state_id.stp_merged_into_id, customer.name)
            self.assertEqual(customer.city, customer.city_id.name, customer.name)
        hue = self.env.ref("stp_crm.partner_demo_song_huong")
        self.assertEqual((hue.state_id.name, hue.city_id.stp_code), ("Thành phố Huế", "19789"))

    def test_demo_texts_in_vietnamese(self):
        """No demo work plan, ticket, campaign or interaction, and no template of ours, reads
        without Vietnamese in vi_VN."""
        texts = {
            "stp.crm.work.plan": ["name"],
            "stp.crm.interaction": ["summary"],
            "stp.crm.ticket": ["name"],
            "stp.crm.ticket.team": ["name"],
            "stp.crm.campaign": ["name"],
            "stp.crm.contract": ["name"],
            "stp.crm.investment": ["name"],
            "crm.lead": ["name"],
            "utm.source": ["name"],
            "mail.template": ["subject", "body_html"],
            "sms.template": ["body"],
        }
        for model, fields in texts.items():
            records = self._demo(model)
            self.assertTrue(records, model)
            for record in records:
                for field in fields:
                    with self.subTest(model=model, record=record.display_name, field=field):
                        self.assertRegex(str(record[field]), VIETNAMESE)
        # Odoo's own sources that we show, renamed in Vietnamese.
        self.assertEqual(self.env.ref("utm.utm_source_search_engine").name, "Công cụ tìm kiếm")
