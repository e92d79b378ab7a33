from datetime import datetime

from odoo import Command
from odoo.tests import tagged

from .common import StpCrmAccountCommon, freeze_now


@tagged("post_install", "-at_install")
class TestVietnameseCompany(StpCrmAccountCommon):
    """The main flows in a company made as `make run` makes it: country Vietnam,
    currency VND, Vietnamese terms. The test database has no l10n_vn: the company
    gets Odoo's generic chart of accounts, which is all the invoices here need."""

    chart_template = "generic_coa"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"])
        cls.vnd = cls.env.ref("base.VND")
        cls.usd = cls.env.ref("base.USD")
        cls.company = cls.setup_other_company(
            name="Công ty TNHH STP Việt Nam", country_id=cls.env.ref("base.vn").id, currency_id=cls.vnd.id
        )["company"]
        # From here on, everything happens in the Vietnamese company.
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.customer, cls.customer_contact = cls.customer.with_env(cls.env), cls.customer_contact.with_env(cls.env)
        # The accounting test user also manages STP CRM and sales, as in the contract tests.
        for xmlid in ("stp_crm.group_stp_crm_manager", "sales_team.group_sale_manager"):
            cls.env.user.groups_id = [Command.link(cls.env.ref(xmlid).id)]
        for user in (cls.stp_user, cls.stp_manager):
            user.write({"company_ids": [Command.link(cls.company.id)], "company_id": cls.company.id})
        cls.env["res.currency.rate"].create(
            {
                "name": "2020-01-01",
                "currency_id": cls.usd.id,
                "company_id": cls.company.id,
                "inverse_company_rate": 25_400,
            }
        )
        cls.vat = cls.env["account.tax"].create(
            {"name": "Thuế GTGT 10%", "amount": 10.0, "type_tax_use": "sale", "company_id": cls.company.id}
        )
        # Products of the company are priced in its currency (shared ones in the main company's).
        products = cls.env["product.product"].create(
            [
                {"name": "Máy nén khí trục vít", "list_price": 185_000_000},
                {"name": "Thay lọc dầu", "type": "service", "list_price": 2_540_000},
            ]
        )
        products.write({"company_id": cls.company.id, "taxes_id": [Command.set(cls.vat.ids)]})
        cls.compressor, cls.filter_service = products

    def _contract(self, currency, lines):
        return self.env["stp.crm.contract"].create(
            {
                "name": "Hợp đồng cung cấp máy nén khí",
                "partner_id": self.customer.id,
                "currency_id": currency.id,
                "date_signed": "2026-03-01",
                "date_start": "2026-03-01",
                "date_end": "2026-12-31",
                "line_ids": [Command.create({"product_id": product.id, **values}) for product, values in lines],
            }
        )

    def test_company_works_in_dong(self):
        self.assertEqual(self.env.company, self.company)
        self.assertEqual((self.company.country_code, self.company.currency_id), ("VN", self.vnd))
        self.assertEqual(self.vnd.decimal_places, 0)
        # The defaults follow the currency: in đồng, not the figures of a dollar company.
        self.assertEqual((self.company.stp_tier_a_threshold, self.company.stp_tier_b_threshold), (500e6, 100e6))

    def test_tier_from_revenue_in_dong(self):
        self._invoice(self.customer, 60_000_000)
        self.assertEqual(self.customer.stp_tier, "c")
        self._invoice(self.customer, 90_000_000)
        self.assertEqual((self.customer.stp_tier, self.customer.stp_tier_revenue), ("b", 150_000_000))
        self._invoice(self.customer_contact, 400_000_000)
        self.assertEqual((self.customer.stp_tier, self.customer_contact.stp_tier), ("a", "a"))

    def test_contract_in_dong_rounds_to_the_dong(self):
        contract = self._contract(
            self.vnd,
            [(self.compressor, {"quantity": 2}), (self.filter_service, {"quantity": 3, "price_unit": 333_333.33})],
        )
        self.assertEqual(contract.line_ids[0].price_unit, 185_000_000, "the list price, in the company currency")
        self.assertEqual(contract.line_ids[1].price_subtotal, 1_000_000, "999,999.99 đồng round to whole đồng")
        self.assertEqual((contract.amount_untaxed, contract.amount_total), (371_000_000, 408_100_000))
        self.assertEqual(contract.amount_total_company, 408_100_000)
        contract.action_confirm()
        order = self.env["sale.order"].browse(contract.action_create_quotation()["res_id"])
        self.assertEqual((order.currency_id, order.company_id), (self.vnd, self.company))
        self.assertEqual(order.amount_total, 408_100_000)

    def test_usd_contract_line_counts_in_dong(self):
        contract = self._contract(self.usd, [(self.filter_service, {"quantity": 1})])
        self.assertAlmostEqual(contract.line_ids.price_unit, 100.0, msg="2,540,000 đồng at 25,400 đồng a dollar")
        self.assertAlmostEqual(contract.amount_total, 110.0)
        self.assertEqual(contract.amount_total_company, 2_794_000)

    def test_amount_in_words_reads_dong(self):
        self.assertEqual(
            self.vnd.with_context(lang="vi_VN").amount_to_text(1_650_000), "Một Triệu Sáu Trăm Năm Mươi Nghìn đồng"
        )
        self.assertEqual(self.vnd.with_context(lang="en_US").amount_to_text(2_000), "Two Thousand Dong")
        contract = self._contract(self.vnd, [(self.filter_service, {"quantity": 1, "price_unit": 1_500_000})])
        html, _format = (
            self.env["ir.actions.report"]
            .with_context(lang="vi_VN")
            ._render_qweb_html("stp_crm.action_report_stp_crm_contract", contract.ids)
        )
        self.assertIn("Một Triệu Sáu Trăm Năm Mươi Nghìn đồng", html.decode())

    def test_ticket_numbered_and_planned_in_the_company(self):
        team = self.env["stp.crm.ticket.team"].create(
            {"name": "Bảo hành Hà Nội", "member_ids": [Command.set(self.stp_user.ids)]}
        )
        self.assertEqual(team.company_id, self.company)
        with freeze_now(self.env, "2026-11-23 08:00:00"):
            ticket = (
                self.env["stp.crm.ticket"]
                .with_user(self.stp_user)
                .create({"name": "Máy nén khí báo lỗi áp suất", "partner_id": self.customer.id, "team_id": team.id})
            )
        self.assertEqual(ticket.company_id, self.company)
        self.assertEqual(ticket.number, "TK/2026/00001", "the company's own numbering")
        self.assertGreater(ticket.date_deadline, datetime(2026, 11, 23, 8, 0))

    def test_work_plan_in_the_company(self):
        plan = (
            self.env["stp.crm.work.plan"]
            .with_user(self.stp_user)
            .create(
                {"name": "Gọi lại khách hàng", "partner_id": self.customer.id, "is_urgent": True, "is_important": True}
            )
        )
        self.assertEqual((plan.company_id, plan.quadrant), (self.company, "do_first"))
        plan.action_start()
        plan.action_mark_done()
        self.assertEqual(plan.progress, 100)
