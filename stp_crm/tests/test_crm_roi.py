from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import StpCrmAccountCommon, freeze_test_clock


@tagged("post_install", "-at_install")
class TestCrmRoi(StpCrmAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.product_a.standard_price = 60.0

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, "2026-06-30 08:00:00")

    def _investment(self, day, amount, category="training", **values):
        return (
            self.env["stp.crm.investment"]
            .with_user(self.stp_manager)
            .create({"name": f"Đầu tư {day}", "date": day, "category": category, "amount": amount, **values})
        )

    def _won_order(self, day, quantity, price=100.0, won=True, salesperson=None):
        """A confirmed order of an opportunity: margin quantity × (price - 60), sold by the
        manager reading the report (a salesperson with "own documents") unless told."""
        lead = self.env["crm.lead"].create({"name": "Cơ hội", "type": "opportunity", "partner_id": self.customer.id})
        if won:
            lead.action_set_won()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": (salesperson or self.stp_manager).id,
                "opportunity_id": lead.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_id": [],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = f"{day} 10:00:00"
        return order

    def _report(self):
        return self.env["stp.crm.roi.report"].with_user(self.stp_manager)

    def test_monthly_rows(self):
        self._investment(date(2026, 1, 10), 1000, "project_setup")
        self._investment(date(2026, 1, 20), 1000, "training")
        self._won_order(date(2026, 1, 15), 5)  # margin 200
        self._won_order(date(2026, 1, 16), 50, won=False)  # lead not won: no profit
        [january] = self._report().search([("company_id", "=", self.company.id), ("date", "=", "2026-01-01")])
        self.assertEqual(january.investment, 2000)
        self.assertEqual(january.attributed_profit, 200)
        self.assertAlmostEqual(january.roi, 10.0)

    def test_roi_of_a_period_is_computed_from_the_sums(self):
        self._investment(date(2026, 1, 10), 1000)
        self._won_order(date(2026, 1, 15), 5)  # 200: 20 % in January
        self._investment(date(2026, 2, 10), 3000)
        self._won_order(date(2026, 2, 15), 2)  # 80: 2.67 % in February
        self._won_order(date(2026, 3, 15), 1)  # 40 without investment in March
        [year] = self._report().read_group(
            [("company_id", "=", self.company.id)], ["roi:sum"], ["date:year"], lazy=False
        )
        # (200 + 80 + 40) / (1000 + 3000) × 100, not 20 + 2.67
        self.assertAlmostEqual(year["roi"], 8.0)
        self.assertNotIn("investment", year)
        grouped = self._report().read_group(
            [("company_id", "=", self.company.id)],
            ["investment:sum", "attributed_profit:sum", "roi:avg"],
            ["date:month"],
            lazy=False,
        )
        self.assertEqual([round(group["roi"] or 0, 2) for group in grouped], [20.0, 2.67, 0.0])
        self.assertEqual(grouped[0]["investment"], 1000)

    def test_sorted_by_roi(self):
        self._investment(date(2026, 1, 10), 1000)
        self._won_order(date(2026, 1, 15), 5)  # 20 %
        self._investment(date(2026, 2, 10), 1000)
        self._won_order(date(2026, 2, 15), 10)  # 40 %
        self._won_order(date(2026, 3, 15), 1)  # no investment: no ROI
        self._investment(date(2026, 4, 10), 1000)  # no profit: 0 %
        for order, expected in (("roi desc", [40.0, 20.0, 0.0, None]), ("roi asc", [None, 0.0, 20.0, 40.0])):
            groups = self._report().read_group(
                [("company_id", "=", self.company.id)], ["roi:sum"], ["date:month"], orderby=order, lazy=False
            )
            # a month without investment has no ROI (empty): it sorts as the lowest
            roi = [None if group["roi"] is False else round(group["roi"], 2) for group in groups]
            self.assertEqual(roi, expected, order)

    def test_profit_follows_the_access_to_its_sources(self):
        """A SQL view bypasses the orders' rules: each user's rows count only the orders
        they may read (no AccessError when they may read none)."""
        self._investment(date(2026, 1, 10), 1000)
        self._won_order(date(2026, 1, 15), 5)  # 200, the manager's own order
        self._won_order(date(2026, 1, 16), 10, salesperson=self.stp_user_2)  # 400, a colleague's
        contract = {"contract_type": "sale", "partner_id": self.customer.id, "date_end": "2026-12-31"}
        first = self.env["stp.crm.contract"].create({**contract, "name": "Hợp đồng đầu", "date_start": "2025-01-01"})
        self.env["stp.crm.contract"]._stp_system().create(  # a renewal, as action_renew makes it
            {
                **contract,
                "name": "Gia hạn",
                "date_start": "2026-01-01",
                "previous_contract_id": first.id,
                "line_ids": [
                    Command.create({"product_id": self.product_a.id, "quantity": 1, "price_unit": 50.0, "tax_ids": []})
                ],
            }
        ).action_confirm()  # 50 of renewal: every CRM manager reads contracts
        crm_manager = "stp_crm.group_stp_crm_manager"
        readers = {
            "no Sales rights": (new_test_user(self.env, "roi_crm_only", groups=crm_manager), 50.0),
            "Sales, own documents": (self.stp_manager, 250.0),
            "Sales, all documents": (
                new_test_user(
                    self.env, "roi_all_sales", groups=f"{crm_manager},sales_team.group_sale_salesman_all_leads"
                ),
                650.0,
            ),
        }
        january = [("company_id", "=", self.company.id), ("date", "=", "2026-01-01")]
        for reason, (user, profit) in readers.items():
            # A row's id is the same for every reader and one transaction's cache is shared by
            # its users (a request has one user): read each one's rows afresh.
            self.env.invalidate_all()
            report = self.env["stp.crm.roi.report"].with_user(user).with_company(self.company)
            [row] = report.search(january)
            self.assertEqual((row.investment, row.attributed_profit), (1000, profit), reason)
            [group] = report.read_group(january, ["attributed_profit:sum", "roi:sum"], [], lazy=False)
            self.assertEqual(group["attributed_profit"], profit, reason)
            self.assertAlmostEqual(group["roi"], profit / 10, msg=reason)

    def test_other_companies_are_invisible(self):
        other = self.env["res.company"].create({"name": "Công ty Khác"})
        self.env["stp.crm.investment"].create(
            {"name": "Khác", "date": date(2026, 1, 10), "category": "training", "amount": 5, "company_id": other.id}
        )
        self.assertFalse(self.env["stp.crm.investment"].with_user(self.stp_manager).search([]))
        self.assertFalse(self._report().search([("company_id", "=", other.id)]))

    def test_investments_in_foreign_currency_are_converted(self):
        currency = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        investment = self._investment(date(2026, 1, 10), 1000, currency_id=currency.id)
        self.assertEqual(investment.amount_company, 500)
        [january] = self._report().search([("company_id", "=", self.company.id), ("date", "=", "2026-01-01")])
        self.assertEqual(january.investment, 500)

    def test_investments_are_for_managers_only(self):
        self._investment(date(2026, 1, 10), 1000)
        for user in (self.stp_user, self.crm_only, self.sales_own):
            with self.assertRaises(AccessError):
                self.env["stp.crm.investment"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["stp.crm.investment"].with_user(user).create(
                    {"name": "Không được", "category": "training", "amount": 1}
                )
            with self.assertRaises(AccessError):
                self.env["stp.crm.roi.report"].with_user(user).search([])

    def test_positive_amount(self):
        with self.assertRaises(ValidationError):
            self._investment(date(2026, 1, 10), 0)
        self.assertFalse(self.env["stp.crm.investment"].search([("company_id", "=", self.company.id)]))
