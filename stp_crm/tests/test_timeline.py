from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import StpCrmAccountCommon


@tagged("post_install", "-at_install")
class TestTimeline(StpCrmAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stp_crm.group_stp_crm_manager")
        cls.product = cls.env["product.product"].create(
            {"name": "Máy nén khí", "type": "consu", "is_storable": True, "list_price": 1000.0}
        )
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(cls.product, warehouse.lot_stock_id, 10)
        with freeze_time("2026-03-01 09:00:00"):
            cls.order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customer_contact.id,
                    "user_id": cls.stp_user.id,
                    "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 2, "price_unit": 1000.0})],
                }
            )
            cls.order.action_confirm()
        with freeze_time("2026-03-03 10:00:00"):
            cls.delivery = cls.order.picking_ids
            cls.delivery.move_ids.quantity = 2
            cls.delivery.button_validate()
        cls.invoice = cls._invoice(cls.customer, 2000.0, invoice_date="2026-03-05")
        cls.interaction = cls.env["stp.crm.interaction"].create(
            {
                "partner_id": cls.customer_contact.id,
                "summary": "Gọi hỏi thăm sau giao hàng",
                "date": datetime(2026, 3, 7, 8, 0),
                "user_id": cls.stp_user.id,
            }
        )
        cls.draft_order = cls.env["sale.order"].create(
            {"partner_id": cls.customer.id, "order_line": [(0, 0, {"product_id": cls.product.id})]}
        )
        cls.Timeline = cls.env["stp.crm.timeline"]

    def _rows(self, timeline=None):
        return (self.Timeline if timeline is None else timeline).search([("partner_id", "=", self.customer.id)])

    def test_rows_of_one_customer_newest_first(self):
        rows = self._rows()
        self.assertRecordValues(
            rows,
            [
                {
                    "event_type": "interaction",
                    "date": datetime(2026, 3, 7, 8, 0),
                    "name": "Gọi hỏi thăm sau giao hàng",
                    "res_model": "stp.crm.interaction",
                    "res_id": self.interaction.id,
                    "amount": 0.0,
                },
                {
                    "event_type": "invoice",
                    "date": datetime(2026, 3, 5),
                    "name": self.invoice.name,
                    "res_model": "account.move",
                    "res_id": self.invoice.id,
                    "amount": 2000.0,
                },
                {
                    "event_type": "delivery",
                    "date": datetime(2026, 3, 3, 10, 0),
                    "name": self.delivery.name,
                    "res_model": "stock.picking",
                    "res_id": self.delivery.id,
                    "amount": 0.0,
                },
                {
                    "event_type": "sale_order",
                    "date": datetime(2026, 3, 1, 9, 0),
                    "name": self.order.name,
                    "res_model": "sale.order",
                    "res_id": self.order.id,
                    "amount": self.order.amount_total,
                },
            ],
        )
        self.assertEqual(rows[3].currency_id, self.order.currency_id)
        self.assertEqual((rows[0].user_id, rows[3].user_id), (self.stp_user, self.stp_user))
        self.assertEqual(len(set(rows.ids)), 4, "ids are unique across sources")

    def test_work_plans_and_refunds_appear(self):
        plan = self.env["stp.crm.work.plan"].create(
            {"name": "Bảo trì định kỳ", "partner_id": self.customer_contact.id, "date_deadline": datetime(2026, 4, 1)}
        )
        refund = self._invoice(self.customer, 500.0, move_type="out_refund", invoice_date="2026-03-06")
        rows = self._rows()
        by_source = {(row.res_model, row.res_id): row for row in rows}
        self.assertEqual(by_source[("stp.crm.work.plan", plan.id)].date, datetime(2026, 4, 1))
        self.assertEqual(by_source[("account.move", refund.id)].amount, -500.0)

    def test_open_source_opens_the_form(self):
        row = self._rows().filtered(lambda row: row.event_type == "sale_order")
        action = row.action_open_source()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", self.order.id))

    def test_partner_smart_button(self):
        action = self.customer_contact.with_user(self.stp_user).action_stp_open_timeline()
        self.assertEqual(action["res_model"], "stp.crm.timeline")
        rows = self.Timeline.search(action["domain"])
        self.assertEqual(rows, self._rows(), "a contact opens its company's timeline")
        self.assertEqual(rows.mapped("date"), sorted(rows.mapped("date"), reverse=True))

    def test_user_access_is_read_only_and_follows_the_rules(self):
        timeline = self.Timeline.with_user(self.stp_user)
        hidden = self.env["stp.crm.interaction"].create(
            {"partner_id": self.customer.id, "summary": "Của đồng nghiệp", "user_id": self.stp_user_2.id}
        )
        rows = self._rows(timeline)
        self.assertIn(self.interaction.id, rows.filtered(lambda row: row.event_type == "interaction").mapped("res_id"))
        self.assertNotIn(hidden.id, rows.mapped("res_id"))
        self.assertEqual(len(self._rows(self.Timeline.with_user(self.stp_manager))), 5)
        with self.assertRaises(AccessError):
            rows[:1].write({"name": "Sửa"})
        with self.assertRaises(AccessError):
            self.Timeline.with_user(self.plain_employee).search([])

    def test_other_company_rows_are_invisible(self):
        other_company = self.env["res.company"].create({"name": "Công ty Khác"})
        self.env["stp.crm.interaction"].create(
            {"partner_id": self.customer.id, "summary": "Ở công ty khác", "company_id": other_company.id}
        )
        rows = self._rows(self.Timeline.with_user(self.stp_manager))
        self.assertNotIn("Ở công ty khác", rows.mapped("name"))
