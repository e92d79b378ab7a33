from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, MissingError
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
        # res_id is an id in its source's table: compare interactions with interactions only.
        interaction_ids = rows.filtered(lambda row: row.event_type == "interaction").mapped("res_id")
        self.assertIn(self.interaction.id, interaction_ids)
        self.assertNotIn(hidden.id, interaction_ids)
        manager_rows = self._rows(self.Timeline.with_user(self.stp_manager))
        self.assertIn(hidden.id, manager_rows.filtered(lambda row: row.event_type == "interaction").mapped("res_id"))
        # A CRM manager with Sales "own documents" rights does not see a colleague's order.
        self.assertEqual(len(manager_rows), 4)
        self.assertNotIn("sale_order", manager_rows.mapped("event_type"))
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


@tagged("post_install", "-at_install")
class TestTimelineVisibility(StpCrmAccountCommon):
    """A row is visible only when its source record is: each source model's own
    access rights and record rules decide, for searching, counting and summing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("stp_crm.group_stp_crm_manager") + cls.env.ref(
            "purchase.group_purchase_user"
        )
        cls.product = cls.env["product.product"].create({"name": "Máy nén khí", "list_price": 1000.0})
        cls.own_order = cls._confirmed_order(cls.sales_own, 1000.0)
        cls.colleague_order = cls._confirmed_order(cls.stp_user, 3000.0)
        cls.invoice = cls._invoice(cls.customer, 5000.0, invoice_date="2026-03-05")
        purchase = cls.env["purchase.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [Command.create({"product_id": cls.product.id, "product_qty": 1, "price_unit": 700})],
            }
        )
        purchase.button_confirm()
        cls.purchase = purchase
        cls.own_interaction = cls._interaction(cls.crm_only, "Gọi điện của CRM")
        cls.colleague_interaction = cls._interaction(cls.stp_user, "Gọi điện của đồng nghiệp")
        cls.own_contract = cls._running_contract(cls.crm_only)
        cls.colleague_contract = cls._running_contract(cls.stp_user)
        cls.unrouted_ticket = cls.env["stp.crm.ticket"].create({"name": "Máy kêu to", "partner_id": cls.customer.id})
        team = cls.env["stp.crm.ticket.team"].create(
            {"name": "Đội khác", "member_ids": [Command.set(cls.stp_user.ids)]}
        )
        cls.other_team_ticket = cls.env["stp.crm.ticket"].create(
            {"name": "Máy rò dầu", "partner_id": cls.customer.id, "team_id": team.id, "user_id": cls.stp_user.id}
        )
        cls.Timeline = cls.env["stp.crm.timeline"]

    @classmethod
    def _confirmed_order(cls, salesperson, price):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": salesperson.id,
                "order_line": [Command.create({"product_id": cls.product.id, "price_unit": price, "tax_id": False})],
            }
        )
        order.action_confirm()
        return order

    @classmethod
    def _interaction(cls, user, summary):
        return cls.env["stp.crm.interaction"].create(
            {"partner_id": cls.customer.id, "summary": summary, "user_id": user.id}
        )

    @classmethod
    def _running_contract(cls, user):
        contract = cls.env["stp.crm.contract"].create(
            {
                "name": f"Hợp đồng bảo trì ({user.name})",
                "partner_id": cls.customer.id,
                "user_id": user.id,
                "date_start": "2026-01-01",
                "line_ids": [Command.create({"product_id": cls.product.id, "quantity": 1, "price_unit": 2000.0})],
            }
        )
        contract.action_confirm()
        return contract

    def _sources(self, user):
        rows = self.Timeline.with_user(user).search([("partner_id", "=", self.customer.id)])
        return {(row.res_model, row.res_id) for row in rows}

    def test_contracts_and_tickets_are_sources(self):
        rows = self.Timeline.search(
            [("partner_id", "=", self.customer.id), ("event_type", "in", ("contract", "ticket"))]
        )
        by_source = {(row.res_model, row.res_id): row for row in rows}
        contract_row = by_source[("stp.crm.contract", self.own_contract.id)]
        self.assertEqual(contract_row.id, self.own_contract.id * 16 + 7)
        self.assertEqual(contract_row.name, self.own_contract.display_name)
        self.assertEqual(
            (contract_row.amount, contract_row.currency_id),
            (self.own_contract.amount_total, self.own_contract.currency_id),
        )
        self.assertEqual(contract_row.date, datetime(2026, 1, 1))
        ticket_row = by_source[("stp.crm.ticket", self.unrouted_ticket.id)]
        self.assertEqual(ticket_row.id, self.unrouted_ticket.id * 16 + 8)
        self.assertEqual(ticket_row.name, self.unrouted_ticket.display_name)
        self.assertEqual(ticket_row.date, self.unrouted_ticket.create_date)
        self.assertEqual(len(rows), 4)
        draft = self.env["stp.crm.contract"].create({"name": "Nháp", "partner_id": self.customer.id})
        self.assertFalse(self.Timeline.search([("res_model", "=", "stp.crm.contract"), ("res_id", "=", draft.id)]))

    def test_crm_only_user_sees_no_orders_purchases_or_invoices(self):
        self.assertFalse(self.env["sale.order"].with_user(self.crm_only).has_access("read"))
        self.assertEqual(
            self._sources(self.crm_only),
            {
                ("stp.crm.interaction", self.own_interaction.id),
                ("stp.crm.contract", self.own_contract.id),
                ("stp.crm.ticket", self.unrouted_ticket.id),
            },
        )

    def test_sales_own_documents_user_sees_own_orders_only(self):
        sources = self._sources(self.sales_own)
        self.assertIn(("sale.order", self.own_order.id), sources)
        self.assertNotIn(("sale.order", self.colleague_order.id), sources)
        self.assertFalse({model for model, _id in sources} & {"purchase.order", "account.move"})
        self.assertNotIn(("stp.crm.interaction", self.colleague_interaction.id), sources)
        self.assertNotIn(("stp.crm.contract", self.colleague_contract.id), sources)
        self.assertNotIn(("stp.crm.ticket", self.other_team_ticket.id), sources)

    def test_every_visible_row_is_readable_at_its_source(self):
        for user in (self.crm_only, self.sales_own, self.stp_user, self.stp_manager):
            for model, res_id in self._sources(user):
                self.assertTrue(self.env[model].with_user(user).browse(res_id).has_access("read"), (user.login, model))
        self.assertEqual(len(self._sources(self.env.user)), 10, "the administrator sees every source")

    def test_counting_grouping_and_sums_respect_the_sources(self):
        timeline = self.Timeline.with_user(self.sales_own)
        domain = [("partner_id", "=", self.customer.id), ("event_type", "=", "sale_order")]
        self.assertEqual(timeline.search_count(domain), 1)
        [(total,)] = timeline._read_group(domain, aggregates=["amount:sum"])
        self.assertEqual(total, self.own_order.amount_total)
        groups = timeline.read_group([("partner_id", "=", self.customer.id)], ["amount:sum"], ["event_type"])
        counts = {group["event_type"]: group["event_type_count"] for group in groups}
        self.assertNotIn("invoice", counts)
        self.assertNotIn("purchase_order", counts)
        self.assertEqual(counts["sale_order"], 1)
        everything = self.Timeline._read_group(domain, aggregates=["amount:sum"])  # the test administrator
        self.assertEqual(everything, [(self.own_order.amount_total + self.colleague_order.amount_total,)])

    def test_hidden_row_cannot_be_read_by_id(self):
        """For the user, a row of a source they may not read does not exist."""
        row_id = self.colleague_order.id * 16 + 1
        self.assertTrue(self.Timeline.browse(row_id).exists())
        hidden = self.Timeline.with_user(self.sales_own).browse(row_id)
        self.assertFalse(hidden.exists())
        self.assertEqual(hidden.read(["name", "amount"]), [])
        with self.assertRaises(MissingError):
            hidden.action_open_source()

    def test_portal_user_has_no_timeline(self):
        with self.assertRaises(AccessError):
            self.Timeline.with_user(self.portal_user).search([])

    def test_pending_writes_are_flushed_before_reading(self):
        self.own_interaction.summary = "Đổi nội dung, chưa ghi xuống"
        self.unrouted_ticket.name = "Đổi tiêu đề"
        rows = self.Timeline.search([("name", "ilike", "Đổi")])
        self.assertEqual(
            set(rows.mapped("res_id")), {self.own_interaction.id, self.unrouted_ticket.id}, "written before the search"
        )

    def test_partner_button_hides_the_customer_column(self):
        action = self.customer.action_stp_open_timeline()
        self.assertTrue(action["context"]["stp_timeline_of_partner"])
        arch = self.Timeline.get_view(self.env.ref("stp_crm.stp_crm_timeline_view_list").id)["arch"]
        self.assertIn('name="partner_id"', arch)
        self.assertIn('optional="show"', arch.split('name="partner_id"')[1].split("/>")[0])
