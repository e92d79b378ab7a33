from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import StpCrmAccountCommon, freeze_test_clock


@tagged("post_install", "-at_install")
class StpAnalysisCommon(StpCrmAccountCommon):
    """Customers in three regions, products with and without a cost, and a way to
    invoice them line by line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hanoi = cls.env.ref("base.state_vn_VN-HN")
        cls.danang = cls.env.ref("base.state_vn_VN-DN")
        cls.saigon = cls.env.ref("base.state_vn_VN-SG")
        cls.north_customer = cls.env["res.partner"].create(
            {
                "name": "Công ty Miền Bắc",
                "is_company": True,
                "state_id": cls.hanoi.id,
                "stp_founding_date": "2020-03-01",
            }
        )
        cls.central_person = cls.env["res.partner"].create(
            {"name": "Nguyễn Thị Trung", "state_id": cls.danang.id, "stp_birthday": "1990-07-15"}
        )
        cls.south_customer = cls.env["res.partner"].create(
            {"name": "Công ty Miền Nam", "is_company": True, "state_id": cls.saigon.id}
        )
        cls.compressor = cls.env["product.product"].create(
            {"name": "Máy nén khí", "standard_price": 60.0, "list_price": 100.0}
        )
        cls.service = cls.env["product.product"].create({"name": "Tư vấn", "type": "service", "list_price": 50.0})

    @classmethod
    def _sell(cls, partner, lines, move_type="out_invoice", invoice_date="2026-03-10", currency=None, user=None):
        """Post a customer invoice (or refund) of ``lines``: [(product, quantity, price)], product
        None for a line without a product."""
        move = (
            cls.env["account.move"]
            .with_company(cls.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "currency_id": (currency or cls.company.currency_id).id,
                    "invoice_user_id": (user or cls.env.user).id,
                    "invoice_line_ids": [
                        Command.create(
                            # No product: a line typed in by hand, as production invoices have.
                            {"product_id": product.id, "quantity": qty, "price_unit": price, "tax_ids": []}
                            if product
                            else {"name": "Phí vận chuyển", "quantity": qty, "price_unit": price, "tax_ids": []}
                        )
                        for product, qty, price in lines
                    ],
                }
            )
        )
        move.action_post()
        return move


@tagged("post_install", "-at_install")
class TestRegionsAndAgeBands(StpAnalysisCommon):
    def test_every_vietnamese_province_has_its_region(self):
        vietnam = self.env.ref("base.vn")
        states = self.env["res.country.state"].search([("country_id", "=", vietnam.id)])
        self.assertTrue(states)
        self.assertFalse(states.filtered(lambda state: not state.stp_region))
        self.assertEqual(self.hanoi.stp_region, "north")
        self.assertEqual(self.env.ref("base.state_vn_VN-26").stp_region, "central")  # Huế
        self.assertEqual(self.env.ref("base.state_vn_VN-35").stp_region, "central")  # Lâm Đồng
        self.assertEqual(self.env.ref("base.state_vn_VN-CT").stp_region, "south")  # Cần Thơ

    def test_fill_keeps_a_region_set_by_an_administrator(self):
        self.danang.stp_region = "south"
        self.env.ref("base.state_vn_VN-HP").stp_region = False
        self.env["res.country.state"]._stp_fill_regions()
        self.assertEqual(self.danang.stp_region, "south")
        self.assertEqual(self.env.ref("base.state_vn_VN-HP").stp_region, "north")

    def test_age_group_at_the_invoice_date(self):
        # 35 years old on 2026-03-10 is 35-44; a company founded in 2020 is 6: 3-9 years old.
        self._sell(self.central_person, [(self.compressor, 1, 100.0)])
        self._sell(self.north_customer, [(self.compressor, 1, 100.0)])
        # Born 1990-07-15: still 34 on 2025-07-14, 35 the next day.
        self._sell(self.central_person, [(self.service, 1, 50.0)], invoice_date="2025-07-14")
        analysis = self.env["stp.crm.customer.analysis"]
        rows = analysis.search([("commercial_partner_id", "in", (self.central_person | self.north_customer).ids)])
        groups = {(row.commercial_partner_id, row.date): row.age_group for row in rows}
        self.assertEqual(
            groups[self.central_person, date(2026, 3, 10)], self.env.ref("stp_crm.stp_crm_age_band_person_35_44")
        )
        self.assertEqual(
            groups[self.central_person, date(2025, 7, 14)], self.env.ref("stp_crm.stp_crm_age_band_person_25_34")
        )
        self.assertEqual(
            groups[self.north_customer, date(2026, 3, 10)], self.env.ref("stp_crm.stp_crm_age_band_company_3_9")
        )
        self.assertEqual(
            rows.filtered(lambda r: r.commercial_partner_id == self.north_customer).customer_type, "company"
        )

    def test_age_bands_cannot_overlap(self):
        bands = self.env["stp.crm.age.band"]
        with self.assertRaises(ValidationError):
            bands.create({"name": "30-39", "partner_kind": "person", "age_from": 30, "age_to": 39})
        with self.assertRaises(ValidationError):
            bands.create({"name": "Sai", "partner_kind": "company", "age_from": 9, "age_to": 3})
        # Another kind of customer, or once the old band is archived: fine.
        self.env.ref("stp_crm.stp_crm_age_band_person_25_34").active = False
        self.env.ref("stp_crm.stp_crm_age_band_person_35_44").active = False
        bands.create({"name": "30-39", "partner_kind": "person", "age_from": 30, "age_to": 39})

    def test_an_age_between_bands_has_no_group(self):
        # Archiving 35-44 leaves a gap between 25-34 and 45-54: 35 years old has no group.
        self.env.ref("stp_crm.stp_crm_age_band_person_35_44").active = False
        self._sell(self.central_person, [(self.compressor, 1, 100.0)])
        self._sell(self.central_person, [(self.service, 1, 50.0)], invoice_date="2025-07-14")
        analysis = self.env["stp.crm.customer.analysis"]
        rows = analysis.search([("commercial_partner_id", "=", self.central_person.id)])
        groups = {row.date: row.age_group for row in rows}
        self.assertFalse(groups[date(2026, 3, 10)])
        self.assertEqual(groups[date(2025, 7, 14)], self.env.ref("stp_crm.stp_crm_age_band_person_25_34"))
        # No birthday: no age, no group.
        self.central_person.stp_birthday = False
        self.env.invalidate_all()  # the rows read above are cached
        self.assertFalse(analysis.search([("commercial_partner_id", "=", self.central_person.id)]).age_group)

    def test_custom_band_of_the_company(self):
        for band in self.env["stp.crm.age.band"].search([("partner_kind", "=", "company")]):
            band.active = False
        young = self.env["stp.crm.age.band"].create(
            {
                "name": "Dưới 10 năm",
                "partner_kind": "company",
                "age_from": 0,
                "age_to": 9,
                "company_id": self.company.id,
            }
        )
        self._sell(self.north_customer, [(self.compressor, 1, 100.0)])
        row = self.env["stp.crm.customer.analysis"].search([("commercial_partner_id", "=", self.north_customer.id)])
        self.assertEqual(row.age_group, young)


@tagged("post_install", "-at_install")
class TestCustomerAnalysisFigures(StpAnalysisCommon):
    def test_figures_equal_the_source_lines(self):
        freeze_test_clock(self, "2026-06-30 10:00:00")
        other_currency = self.setup_other_currency("EUR")  # 2 EUR for 1 company currency unit
        invoice = self._sell(self.north_customer, [(self.compressor, 3, 100.0), (self.service, 2, 50.0)])
        self._sell(self.north_customer, [(self.compressor, 1, 100.0)], move_type="out_refund")
        self._sell(self.central_person, [(self.compressor, 2, 400.0)], currency=other_currency)
        self._sell(self.south_customer, [(self.service, 1, 80.0)], invoice_date="2025-11-02")
        customers = self.north_customer | self.central_person | self.south_customer
        source_lines = self.env["account.move.line"].search(
            [("move_id.commercial_partner_id", "in", customers.ids), ("display_type", "=", "product")]
        )
        analysis = self.env["stp.crm.customer.analysis"]
        domain = [("commercial_partner_id", "in", customers.ids)]
        [[revenue, quantity, margin, invoices]] = analysis._read_group(
            domain, [], ["revenue:sum", "quantity:sum", "margin:sum", "invoice_count:count_distinct"]
        )
        self.assertAlmostEqual(revenue, -sum(source_lines.mapped("balance")))
        # 300 + 100 - 100 (refund) + 800 EUR = 400 + 80
        self.assertAlmostEqual(revenue, 300 + 100 - 100 + 400 + 80)
        self.assertAlmostEqual(quantity, 3 + 2 - 1 + 2 + 1)
        # Costs known for the compressor only (60): (100-60)*3 - (100-60) + (200-60)*2; no cost: no margin.
        self.assertAlmostEqual(margin, 120 - 40 + 280)
        self.assertEqual(invoices, 3)  # the refund is not an invoice
        self.assertEqual(analysis.search_count(domain), len(source_lines))
        by_region = dict(analysis._read_group(domain, ["region"], ["revenue:sum"]))
        self.assertEqual(by_region, {"north": 300 + 100 - 100, "central": 400, "south": 80})
        row = analysis.search([("move_id", "=", invoice.id), ("product_id", "=", self.compressor.id)])
        self.assertEqual(row.currency_id, self.company.currency_id)
        self.assertEqual((row.state_id, row.region, row.stp_tier), (self.hanoi, "north", "c"))
        by_quarter = analysis._read_group(domain, ["date:quarter"], ["revenue:sum"])
        self.assertEqual(len(by_quarter), 2)

    def test_invoices_of_other_companies_stay_hidden(self):
        other = self.setup_other_company()["company"]
        self._sell(self.north_customer, [(self.compressor, 1, 100.0)])
        self.env["account.move"].with_company(other).create(
            {
                "move_type": "out_invoice",
                "partner_id": self.north_customer.id,
                "invoice_date": "2026-03-10",
                "invoice_line_ids": [Command.create({"name": "x", "quantity": 1, "price_unit": 999.0, "tax_ids": []})],
            }
        ).action_post()
        analysis = self.env["stp.crm.customer.analysis"].with_user(self.stp_user)
        rows = analysis.search([("commercial_partner_id", "=", self.north_customer.id)])
        self.assertEqual(rows.company_id, self.company)


@tagged("post_install", "-at_install")
class TestCustomerAnalysisAccess(StpAnalysisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._sell(cls.north_customer, [(cls.compressor, 1, 100.0)], user=cls.sales_own)
        cls._sell(cls.south_customer, [(cls.compressor, 2, 100.0)], user=cls.stp_user_2)
        cls.domain = [("commercial_partner_id", "in", (cls.north_customer | cls.south_customer).ids)]

    def test_invoicing_user_sees_every_row(self):
        analysis = self.env["stp.crm.customer.analysis"].with_user(self.stp_user)
        self.assertEqual(analysis.search_count(self.domain), 2)
        self.assertEqual(analysis._read_group(self.domain, [], ["revenue:sum"]), [(300.0,)])

    def test_invoicing_user_reads_without_the_invoice_semi_join(self):
        # Their rules on invoices come down to the company rule the report applies itself.
        analysis = self.env["stp.crm.customer.analysis"].with_user(self.stp_user)
        self.assertTrue(analysis._invoice_rules_match_own_rules())
        self.assertNotIn("move.id IN", analysis._table_query.code)
        self.assertFalse(
            self.env["stp.crm.customer.analysis"].with_user(self.sales_own)._invoice_rules_match_own_rules()
        )

    def test_an_added_invoice_rule_is_followed(self):
        # A rule an administrator adds on invoices brings the semi-join back.
        self.env["ir.rule"].create(
            {
                "name": "No invoices of the south customer",
                "model_id": self.env["ir.model"]._get_id("account.move"),
                "domain_force": repr([("commercial_partner_id", "!=", self.south_customer.id)]),
            }
        )
        analysis = self.env["stp.crm.customer.analysis"].with_user(self.stp_user)
        self.assertFalse(analysis._invoice_rules_match_own_rules())
        self.assertEqual(analysis.search(self.domain).commercial_partner_id, self.north_customer)
        self.assertEqual(analysis._read_group(self.domain, [], ["revenue:sum"]), [(100.0,)])

    def test_no_accounting_rights_no_rows(self):
        analysis = self.env["stp.crm.customer.analysis"].with_user(self.crm_only)
        self.assertFalse(self.env["account.move"].with_user(self.crm_only).has_access("read"))
        self.assertEqual(analysis.search_count([]), 0)
        self.assertEqual(analysis.read_group([], ["revenue:sum"], ["region"]), [])
        self.assertFalse(analysis.search([]).read(["revenue"]))

    def test_salesperson_sees_own_invoices_only(self):
        # Sales "own documents" read their own invoices (sale's record rules on account.move).
        analysis = self.env["stp.crm.customer.analysis"].with_user(self.sales_own)
        self.assertEqual(analysis.search(self.domain).commercial_partner_id, self.north_customer)
