import ast
import threading
from datetime import date, datetime, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.stp_crm.models.stp_crm_ticket import StpCrmTicket

from .common import StpCrmUsersMixin, cron_call, cron_drain, freeze_now, freeze_test_clock, open_numbering_year
from .test_installed_product import InstalledBaseCommon

INCOMING_EMAIL = """Return-Path: <{email_from}>
To: {to}
From: {email_from}
Subject: {subject}
Date: Mon, 23 Nov 2026 09:15:00 +0700
Message-ID: {msg_id}
{extra}MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


@tagged("post_install", "-at_install")
class TicketCommon(InstalledBaseCommon, StpCrmUsersMixin):
    """A serial-tracked product with 12 months of warranty, its serials in stock,
    two customers and a service team of CRM users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.product.stp_warranty_months = 12
        cls.other_customer = cls.env["res.partner"].create({"name": "Công ty Dược Sài Gòn", "is_company": True})
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Bác sĩ Hoàng Minh", "parent_id": cls.customer.id, "email": "hoang.minh@tamanh.example"}
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Giờ hành chính (UTC)",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for start, end, period in ((8, 12, "morning"), (13, 17, "afternoon"))
                ],
            }
        )
        cls.repair_service = cls.env["product.product"].create(
            {"name": "Dịch vụ sửa chữa", "type": "service", "list_price": 500_000}
        )
        cls.team = cls.env["stp.crm.ticket.team"].create(
            {
                "name": "Bảo hành miền Nam",
                "member_ids": [Command.set((cls.stp_user | cls.stp_user_2).ids)],
                "resource_calendar_id": cls.calendar.id,
                "repair_product_id": cls.repair_service.id,
            }
        )
        cls.stage_new = cls.env.ref("stp_crm.stp_crm_ticket_stage_new")
        cls.stage_progress = cls.env.ref("stp_crm.stp_crm_ticket_stage_in_progress")
        cls.stage_waiting = cls.env.ref("stp_crm.stp_crm_ticket_stage_waiting")
        cls.stage_solved = cls.env.ref("stp_crm.stp_crm_ticket_stage_solved")
        cls.stage_cancelled = cls.env.ref("stp_crm.stp_crm_ticket_stage_cancelled")

    def _ticket(self, **values):
        return self.env["stp.crm.ticket"].create(
            {"name": "Máy không khởi động", "partner_id": self.customer.id, "team_id": self.team.id, **values}
        )


@tagged("post_install", "-at_install")
class TestTicket(TicketCommon):
    def test_numbers_stages_and_closing(self):
        with freeze_now(self.env, "2026-11-23 08:00:00"):
            first, second = self._ticket(), self._ticket(ticket_type="complaint")
        self.assertRegex(first.number, r"^TK/\d{4}/\d{5}$")
        self.assertNotEqual(first.number, second.number)
        self.assertEqual(first.stage_id, self.stage_new)
        self.assertFalse(first.date_closed)
        with freeze_now(self.env, "2026-11-24 10:00:00"):
            first.stage_id = self.stage_solved
        self.assertEqual(first.date_closed, datetime(2026, 11, 24, 10, 0))
        self.assertTrue(first.is_closed)
        self.assertEqual(first.resolution_hours, 26.0)
        # moving between closed stages keeps the first closing date; reopening clears it
        first.stage_id = self.stage_cancelled
        self.assertEqual(first.date_closed, datetime(2026, 11, 24, 10, 0))
        first.stage_id = self.stage_progress
        self.assertFalse(first.date_closed)
        self.assertFalse(first.resolution_hours)
        with self.assertRaises(ValidationError):
            self._ticket(ticket_type="repair")

    def test_create_twice_with_the_same_values(self):
        """Odoo runs a request again with the same arguments after a serialization failure
        (two users at once): the retry creates the ticket as the first try would have."""
        values = {"name": "Máy kêu to", "partner_id": self.customer.id, "team_id": self.team.id}
        given = dict(values)
        tickets = self.env["stp.crm.ticket"].with_user(self.stp_user)
        with freeze_now(self.env, "2026-11-23 08:00:00"):
            first, retried = tickets.create(values), tickets.create(values)
        self.assertEqual(values, given, "the caller's values are left as given")
        self.assertNotEqual(first.number, retried.number)
        self.assertEqual(retried.partner_id, self.customer)

    def test_numbers_restart_each_year(self):
        branch = self.env["res.company"].create({"name": "Chi nhánh Huế"})
        tickets = self.env["stp.crm.ticket"].with_company(branch)
        numbers = []
        for moment in ("2026-12-31 10:00:00", "2027-01-01 10:00:00", "2027-01-01 11:00:00"):
            with freeze_now(self.env, moment):
                numbers.append(tickets.create({"name": "Phiếu đầu năm", "company_id": branch.id}).number)
        self.assertEqual(numbers, ["TK/2026/00001", "TK/2027/00001", "TK/2027/00002"])

    def test_form_as_service_user(self):
        with Form(self.env["stp.crm.ticket"].with_user(self.stp_user)) as form:
            form.name = "Màn hình bị sọc"
            form.partner_id = self.customer_contact
            form.ticket_type = "warranty"
        ticket = form.record
        self.assertEqual(ticket.team_id, self.team, "the user's team is the default")
        self.assertEqual(ticket.partner_email, "hoang.minh@tamanh.example")
        self.assertIn(ticket.user_id, self.team.member_ids)

    def test_sla_deadline_in_working_hours(self):
        ticket = self._ticket(priority="3")
        self.assertEqual(ticket.date_deadline, self.calendar.plan_hours(4, ticket.create_date, compute_leaves=True))
        # Opened on Monday 09:00: 4 working hours end at 14:00 (lunch 12-13 does not count).
        self.env.cr.execute("UPDATE stp_crm_ticket SET create_date = '2026-11-23 09:00:00' WHERE id = %s", [ticket.id])
        ticket.invalidate_recordset(["create_date"])
        ticket.priority = "2"  # high: 16 hours → Monday 8h left is 7h, Tuesday 8h, Wednesday 1h
        self.assertEqual(ticket.date_deadline, datetime(2026, 11, 25, 9, 0))
        ticket.priority = "3"
        self.assertEqual(ticket.date_deadline, datetime(2026, 11, 23, 14, 0))
        self.assertEqual(ticket.date_sla_risk, datetime(2026, 11, 23, 13, 12))
        for moment, state in (
            ("2026-11-23 11:00:00", "on_time"),
            ("2026-11-23 13:30:00", "at_risk"),
            ("2026-11-23 14:30:00", "breached"),
        ):
            with freeze_time(moment):
                ticket.invalidate_recordset(["sla_state"])
                self.assertEqual(ticket.sla_state, state, moment)
                self.assertIn(ticket, ticket.search([("sla_state", "=", state)]))
                self.assertNotIn(ticket, ticket.search([("sla_state", "!=", state)]))
        with freeze_time("2026-11-23 13:30:00"):
            ticket.stage_id = self.stage_solved
        with freeze_time("2026-11-30 09:00:00"):
            ticket.invalidate_recordset(["sla_state"])
            self.assertEqual(ticket.sla_state, "at_risk", "closed tickets keep the state they had when closed")
            self.assertIn(ticket, ticket.search([("sla_state", "=", "at_risk")]))
        self.assertTrue(ticket.sla_success)
        self.assertEqual(ticket.sla_success_rate, 100.0)

    def test_warranty_from_real_deliveries(self):
        freeze_test_clock(self, "2026-11-16 09:00:00")
        lot_in, lot_old, lot_other = self.lots
        delivery = self._deliver(self.customer, lot_in)
        old_delivery = self._deliver(self.customer, lot_old)
        old_delivery.date_done = fields.Datetime.now() - relativedelta(months=13)
        self._deliver(self.other_customer, lot_other)

        in_warranty = self._ticket(ticket_type="warranty", lot_id=lot_in.id, partner_id=self.customer_contact.id)
        self.assertEqual(in_warranty.product_id, self.product, "the product follows the serial")
        self.assertEqual(in_warranty.warranty_state, "in_warranty")
        delivered = fields.Date.context_today(in_warranty, delivery.date_done)
        self.assertEqual(in_warranty.warranty_end_date, delivered + relativedelta(months=12))
        self.assertEqual(in_warranty.installed_product_id.lot_id, lot_in)

        expired = self._ticket(ticket_type="warranty", lot_id=lot_old.id)
        self.assertEqual(expired.warranty_state, "expired")
        self.assertIn("ended on", expired.warranty_reason)

        elsewhere = self._ticket(ticket_type="warranty", lot_id=lot_other.id)
        self.assertEqual(elsewhere.warranty_state, "no_warranty")
        # issue 9: the reason never names the other customer
        self.assertIn("delivered to another customer", elsewhere.warranty_reason)
        self.assertNotIn(self.other_customer.name, elsewhere.warranty_reason)
        self.assertFalse(elsewhere.warranty_end_date)

        self.product.stp_warranty_months = 0
        no_months = self._ticket(ticket_type="warranty", lot_id=lot_in.id)
        self.assertEqual(no_months.warranty_state, "no_warranty")
        self.assertIn("has no warranty", no_months.warranty_reason)

    def test_warranty_counts_deliveries_of_the_ticket_company_only(self):
        shared_lot = self.env["stock.lot"].create(
            {"name": "SA9-CHUNG", "product_id": self.product.id, "company_id": False}
        )
        self.env["stock.quant"]._update_available_quantity(self.product, self.stock_location, 1.0, lot_id=shared_lot)
        self._deliver(self.customer, shared_lot)
        branch = self.env["res.company"].create({"name": "Chi nhánh Đà Nẵng"})
        here = self._ticket(ticket_type="warranty", lot_id=shared_lot.id)
        there = self.env["stp.crm.ticket"].create(
            {
                "name": "Máy không khởi động",
                "partner_id": self.customer.id,
                "lot_id": shared_lot.id,
                "company_id": branch.id,
            }
        )
        self.assertEqual(here.warranty_state, "in_warranty")
        self.assertEqual(here.warranty_end_date, here.installed_product_id.warranty_end_date)
        self.assertFalse(there.installed_product_id)
        self.assertEqual(there.warranty_state, "no_warranty")
        self.assertIn("has no validated delivery", there.warranty_reason)

    def test_warranty_re_evaluated_when_the_serial_is_delivered(self):
        """A ticket opened before its serial's delivery: the validated delivery gives it its warranty."""
        freeze_test_clock(self, "2026-11-30 09:00:00")
        lot = self.lots[0]
        early = self._ticket(ticket_type="warranty", lot_id=lot.id)
        elsewhere = self._ticket(ticket_type="warranty", lot_id=self.lots[1].id)
        self.assertEqual(early.warranty_state, "no_warranty")
        self.assertIn("has no validated delivery", early.warranty_reason)
        with freeze_now(self.env, "2026-12-02 10:00:00"):
            delivery = self._deliver(self.customer, lot)
            self._deliver(self.other_customer, self.lots[1])
        self.assertEqual(early.installed_product_id.picking_id, delivery)
        self.assertEqual(early.warranty_state, "in_warranty")
        self.assertEqual(early.warranty_end_date, date(2027, 12, 2))
        self.assertIn(delivery.name, early.warranty_reason)
        self.assertEqual(elsewhere.warranty_state, "no_warranty")
        self.assertIn("delivered to another customer", elsewhere.warranty_reason)
        # A later installation of the same serial at the same customer does not move the
        # ticket: it stays with the installation it was opened under.
        with freeze_now(self.env, "2027-01-10 10:00:00"):
            self.env["stp.crm.installed.product"].create(
                {"partner_id": self.customer.id, "product_id": self.product.id, "lot_id": lot.id}
            )
            later = self._ticket(ticket_type="warranty", lot_id=lot.id)
        self.assertEqual(early.installed_product_id.picking_id, delivery)
        self.assertEqual(later.installed_product_id.install_date, date(2027, 1, 10))

    def test_warranty_reason_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        freeze_test_clock(self, "2026-12-02 10:00:00")
        delivery = self._deliver(self.customer, self.lots[0])
        ticket = self._ticket(ticket_type="warranty", lot_id=self.lots[0].id)
        self.assertEqual(
            ticket.with_context(lang="vi_VN").warranty_reason,
            f"Giao ngày 02/12/2026 ({delivery.name}), còn bảo hành đến ngày 02/12/2027.",
        )
        self.assertEqual(
            ticket.with_context(lang="en_US").warranty_reason,
            f"Delivered on 12/02/2026 ({delivery.name}), under warranty until 12/02/2027.",
        )
        # The reason is built when read: a service user reads it in their language.
        as_user = ticket.with_user(self.stp_user).with_context(lang="vi_VN")
        self.assertIn("còn bảo hành đến ngày 02/12/2027", as_user.warranty_reason)

    def test_sale_order_from_delivery(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.move_line_ids.unlink()
        picking.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "lot_id": self.lots[0].id,
                            "quantity": 1.0,
                            "location_id": picking.location_id.id,
                            "location_dest_id": picking.location_dest_id.id,
                            "picking_id": picking.id,
                        }
                    )
                ]
            }
        )
        picking.move_ids.picked = True
        picking.button_validate()
        ticket = self._ticket(ticket_type="warranty", lot_id=self.lots[0].id)
        self.assertEqual(ticket.sale_order_id, order)
        self.assertEqual(ticket.warranty_state, "in_warranty")

    def test_lot_must_exist_and_match_product(self):
        other_product = self.env["product.product"].create(
            {"name": "Máy in", "is_storable": True, "tracking": "serial"}
        )
        count = self.env["stp.crm.ticket"].search_count([])
        # assertRaises (not ...Regex) runs in a savepoint: nothing may stay written
        with self.assertRaises(ValidationError) as caught:
            self._ticket(product_id=other_product.id, lot_id=self.lots[0].id)
        self.assertIn("belongs to Máy siêu âm SA-9, not to Máy in", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._ticket(lot_id=999999999)
        self.assertIn("Serial number id 999999999 does not exist", str(caught.exception))
        self.assertEqual(self.env["stp.crm.ticket"].search_count([]), count)
        ticket = self._ticket()
        with self.assertRaises(ValidationError):
            ticket.lot_id = 999999999

    def test_return_and_replacement_pickings(self):
        self._deliver(self.customer, self.lots[0])
        ticket = self._ticket(ticket_type="warranty", lot_id=self.lots[0].id).with_user(self.stp_user)
        action = ticket.action_receive_return()
        incoming = ticket.picking_ids
        self.assertEqual(action["res_id"], incoming.id)
        self.assertEqual(incoming.picking_type_id, self.warehouse.in_type_id)
        self.assertEqual(incoming.partner_id, self.customer)
        self.assertEqual(incoming.location_id.usage, "customer")
        self.assertEqual(incoming.move_ids.move_line_ids.lot_id, self.lots[0])
        self.assertEqual(ticket.return_count, 1)
        incoming.button_validate()
        self.assertEqual(incoming.state, "done")
        self.assertEqual(self.lots[0].quant_ids.filtered(lambda q: q.quantity > 0).location_id, self.stock_location)

        ticket.action_send_replacement()
        outgoing = ticket.picking_ids - incoming
        self.assertEqual(outgoing.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(outgoing.move_ids.product_id, self.product)
        self.assertEqual(outgoing.location_dest_id.usage, "customer")
        self.assertEqual(outgoing.state, "assigned", "another serial is reserved from stock")
        self.assertEqual((ticket.return_count, ticket.replacement_count), (1, 1))
        self.assertEqual(ticket.action_view_replacements()["res_id"], outgoing.id)

    def test_quote_repair_out_of_warranty(self):
        ticket = self._ticket(ticket_type="support", product_id=self.product.id)
        self.assertEqual(ticket.warranty_state, "no_warranty")
        action = ticket.with_user(self.stp_user).action_quote_repair()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.order_line.product_id, self.repair_service)
        self.assertEqual(ticket.repair_order_id, order)
        self._deliver(self.customer, self.lots[1])
        under_warranty = self._ticket(ticket_type="warranty", lot_id=self.lots[1].id)
        with self.assertRaises(UserError) as caught:
            under_warranty.action_quote_repair()
        self.assertIn("under warranty", str(caught.exception))

    def test_assignment_spreads_tickets(self):
        members = self.stp_user | self.stp_user_2 | self.stp_manager
        for method in ("round_robin", "balanced"):
            team = self.env["stp.crm.ticket.team"].create(
                {"name": f"Đội {method}", "assign_method": method, "member_ids": [Command.set(members.ids)]}
            )
            tickets = self.env["stp.crm.ticket"]
            for index in range(9):
                tickets |= self.env["stp.crm.ticket"].create({"name": f"Yêu cầu {index}", "team_id": team.id})
            counts = {user: len(tickets.filtered(lambda t, u=user: t.user_id == u)) for user in members}
            self.assertEqual(set(counts.values()), {3}, f"{method}: {counts}")
            tickets.unlink()

    def test_balanced_assignment_goes_to_least_loaded(self):
        self.team.assign_method = "balanced"
        self._ticket(user_id=self.stp_user.id)
        self._ticket(user_id=self.stp_user.id)
        batch = self.env["stp.crm.ticket"].create([{"name": f"Mới {i}", "team_id": self.team.id} for i in range(2)])
        self.assertEqual(batch.user_id, self.stp_user_2)
        self.assertEqual(batch.mapped("user_id"), self.stp_user_2 | self.stp_user_2)

    def test_round_robin_continues_from_pointer(self):
        first = self._ticket()
        second = self._ticket()
        third = self._ticket()
        self.assertEqual(third.user_id, first.user_id)
        self.assertNotEqual(first.user_id, second.user_id)
        self.assertEqual(self.team.last_assigned_user_id, third.user_id)

    def test_auto_close_cron(self):
        self.team.auto_close_days = 5
        with freeze_now(self.env, "2026-11-01 09:00:00"):
            stale = self._ticket(stage_id=self.stage_waiting.id)
            stale.write({"stage_id": self.stage_waiting.id})
            other_team = self.env["stp.crm.ticket.team"].create({"name": "Không tự đóng"})
            never = self._ticket(team_id=other_team.id)
            never.stage_id = self.stage_waiting
            in_progress = self._ticket()
            in_progress.stage_id = self.stage_progress
        with freeze_now(self.env, "2026-11-04 09:00:00"):
            recent = self._ticket()
            recent.stage_id = self.stage_waiting
        with freeze_now(self.env, "2026-11-07 09:00:00"):
            self.env["stp.crm.ticket"]._cron_stp_auto_close(batch_size=1)
        self.assertTrue(stale.stage_id.is_closed)
        self.assertEqual(stale.date_closed, datetime(2026, 11, 7, 9, 0))
        message = stale.message_ids.filtered(lambda m: "did not hear back" in str(m.body))
        self.assertEqual(message.partner_ids, self.customer)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertEqual(never.stage_id, self.stage_waiting)
        self.assertEqual(recent.stage_id, self.stage_waiting)
        self.assertEqual(in_progress.stage_id, self.stage_progress)

    def test_auto_close_message_in_the_customers_language(self):
        """Written by a cron for the customer: in their language, else their company's."""
        self.env["res.lang"]._activate_lang("vi_VN")
        self.team.auto_close_days = 5
        self.customer.lang = "vi_VN"
        with freeze_now(self.env, "2026-11-01 09:00:00"):
            ticket = self._ticket(stage_id=self.stage_waiting.id)
            ticket.write({"stage_id": self.stage_waiting.id})
        with freeze_now(self.env, "2026-11-07 09:00:00"):
            self.env["stp.crm.ticket"].with_context(lang="en_US")._cron_stp_auto_close()
        self.assertTrue(ticket.stage_id.is_closed)
        self.assertTrue(ticket.message_ids.filtered(lambda m: "Chúng tôi chưa nhận được phản hồi" in str(m.body)))

    def test_auto_close_cron_batches_and_skips_a_bad_ticket(self):
        self.team.auto_close_days = 5
        cron = "stp_crm.ir_cron_stp_crm_ticket_auto_close"
        with freeze_now(self.env, "2026-11-07 09:00:00"):
            cron_drain(self.env, cron)  # the demo tickets: only this test's are left
        with freeze_now(self.env, "2026-11-01 09:00:00"):
            stale = self.env["stp.crm.ticket"].concat(*(self._ticket() for _i in range(3)))
            stale.stage_id = self.stage_waiting
        bad = stale[0]
        auto_close = StpCrmTicket._stp_auto_close

        def broken_for_bad(tickets, stage):
            if bad in tickets:
                raise ValueError("bad ticket")
            return auto_close(tickets, stage)

        with (
            freeze_now(self.env, "2026-11-07 09:00:00"),
            patch.object(StpCrmTicket, "_stp_auto_close", broken_for_bad),
            self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR") as logs,
        ):
            self.assertEqual(cron_call(self.env, cron, batch_size=2), (2, 1))
            self.assertEqual(cron_call(self.env, cron, batch_size=2), (1, 0))
        self.assertIn("skipped: bad ticket", logs.output[0])
        self.assertTrue(all(ticket.stage_id.is_closed for ticket in stale - bad))
        self.assertEqual(bad.stage_id, self.stage_waiting)

    def test_rating_request_when_solved(self):
        ticket = self._ticket(partner_id=self.customer_contact.id, user_id=self.stp_user.id)
        ticket.with_user(self.stp_user).stage_id = self.stage_solved
        rating = self.env["rating.rating"].search([("res_model", "=", "stp.crm.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual(rating.partner_id, self.customer_contact)
        self.assertEqual(rating.rated_partner_id, self.stp_user.partner_id)
        self.assertEqual(rating.parent_res_id, self.team.id, "ratings are reported per team")
        request = ticket.message_ids.filtered(lambda m: rating.access_token in str(m.body))
        self.assertTrue(request, "the rating request was posted with the rating link")
        mail = self.env["mail.mail"].search([("mail_message_id", "in", request.ids)])
        self.assertEqual(mail.recipient_ids, self.customer_contact)
        rating_ok = ticket.rating_apply(5, token=rating.access_token)
        self.assertEqual(rating_ok.rating, 5)
        self.assertEqual(self.team.rating_percentage_satisfaction, 100)

    def test_partner_ticket_counts(self):
        self._ticket(partner_id=self.customer_contact.id)
        self._ticket(stage_id=self.stage_solved.id)
        self._ticket(partner_id=self.other_customer.id)
        for partner in (self.customer, self.customer_contact):
            partner.invalidate_recordset()
            self.assertEqual((partner.stp_open_ticket_count, partner.stp_ticket_count), (1, 2))
        action = self.customer_contact.action_stp_open_tickets()
        self.assertEqual(len(self.env["stp.crm.ticket"].search(action["domain"])), 2)

    def test_partner_ticket_counts_cost_does_not_grow(self):
        partners = self.env["res.partner"].create([{"name": f"Khách {i}", "is_company": True} for i in range(6)])
        self.env["stp.crm.ticket"].create([{"name": "Hỏi đáp", "partner_id": p.id} for p in partners])

        def queries(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records.mapped("stp_open_ticket_count")
            return self.env.cr.sql_log_count - before

        one, six = queries(partners[:1]), queries(partners)
        self.assertGreater(one, 0)
        self.assertEqual(one, six)
        self.assertEqual(partners.mapped("stp_open_ticket_count"), [1] * 6)

    def test_analysis_resolution_time_and_sla_rate(self):
        with freeze_time("2026-11-23 09:00:00"):
            on_time, late = self._ticket(priority="3"), self._ticket(priority="3")
        self.env.cr.execute(
            "UPDATE stp_crm_ticket SET create_date = '2026-11-23 09:00:00' WHERE id IN %s", [(on_time | late)._ids]
        )
        (on_time | late).invalidate_recordset(["create_date"])
        (on_time | late).priority = "3"
        with freeze_time("2026-11-23 11:00:00"):
            on_time.stage_id = self.stage_solved
        with freeze_time("2026-11-23 15:00:00"):
            late.stage_id = self.stage_solved
        self.assertEqual((on_time.resolution_hours, late.resolution_hours), (2.0, 6.0))
        self.assertEqual((on_time.sla_state, late.sla_state), ("on_time", "breached"))
        [(team, count, hours, rate)] = self.env["stp.crm.ticket"]._read_group(
            [("id", "in", (on_time | late).ids)],
            ["team_id"],
            ["__count", "resolution_hours:avg", "sla_success_rate:avg"],
        )
        self.assertEqual((team, count, hours, rate), (self.team, 2, 4.0, 50.0))

    def test_views_load_for_service_users(self):
        view_types = ["kanban", "list", "form", "calendar", "pivot", "graph", "activity", "search"]
        views = self.env["stp.crm.ticket"].with_user(self.stp_user).get_views([(False, kind) for kind in view_types])
        self.assertEqual(set(views["views"]), set(view_types))
        self.env["stp.crm.ticket.team"].with_user(self.stp_manager).get_views([(False, "form"), (False, "list")])

    def test_service_report_pdf(self):
        self._deliver(self.customer, self.lots[0])
        ticket = self._ticket(ticket_type="warranty", lot_id=self.lots[0].id, description="<p>Không lên nguồn</p>")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("stp_crm.action_report_stp_crm_ticket", ticket.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = self.env["ir.actions.report"]._render_qweb_html("stp_crm.action_report_stp_crm_ticket", ticket.ids)[0]
        self.assertIn(self.lots[0].name, html.decode())
        self.assertIn("Không lên nguồn", html.decode())


@tagged("post_install", "-at_install")
class TestTicketEmail(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": "stp-crm.example"})
        cls.team.write({"alias_name": "baohanh", "alias_domain_id": cls.alias_domain.id})

    def _process(self, subject, email_from, msg_id, extra="", body="Máy siêu âm không lên hình."):
        message = INCOMING_EMAIL.format(
            to="baohanh@stp-crm.example", email_from=email_from, subject=subject, msg_id=msg_id, extra=extra, body=body
        )
        return self.env["mail.thread"].sudo().message_process(None, message.encode())

    def test_alias_is_set_up_for_tickets(self):
        self.assertEqual(self.team.alias_model_id.model, "stp.crm.ticket")
        self.assertEqual(ast.literal_eval(self.team.alias_defaults)["team_id"], self.team.id)

    def test_email_creates_ticket_and_reply_threads(self):
        ticket_id = self._process(
            "Máy SA-9 báo lỗi E12", "Hoàng Minh <hoang.minh@tamanh.example>", "<loi-e12@tamanh.example>"
        )
        ticket = self.env["stp.crm.ticket"].browse(ticket_id)
        self.assertEqual(ticket.name, "Máy SA-9 báo lỗi E12")
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.partner_id, self.customer_contact, "the sender is matched on email")
        self.assertIn("không lên hình", ticket.description)
        self.assertIn(ticket.user_id, self.team.member_ids)

        ticket.message_post(
            body="Chúng tôi sẽ cử kỹ thuật viên.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        count = self.env["stp.crm.ticket"].search_count([])
        reply_id = self._process(
            "Re: Máy SA-9 báo lỗi E12",
            "Hoàng Minh <hoang.minh@tamanh.example>",
            "<tra-loi@tamanh.example>",
            extra="In-Reply-To: <loi-e12@tamanh.example>\nReferences: <loi-e12@tamanh.example>\n",
            body="Cảm ơn, chiều nay có người ở văn phòng.",
        )
        self.assertEqual(reply_id, ticket.id)
        self.assertEqual(self.env["stp.crm.ticket"].search_count([]), count, "no new ticket for a reply")
        self.assertTrue(ticket.message_ids.filtered(lambda m: "chiều nay" in str(m.body)))

    def test_unknown_sender_becomes_a_customer(self):
        ticket = self.env["stp.crm.ticket"].browse(
            self._process("Hỏi giá bảo trì", "Chị Lan <lan.nguyen@benhvien.example>", "<hoi-gia@benhvien.example>")
        )
        self.assertEqual(ticket.partner_id.email, "lan.nguyen@benhvien.example")
        self.assertEqual(ticket.partner_id.name, "Chị Lan")


@tagged("post_install", "-at_install")
class TestTicketAccess(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_b = cls.env["stp.crm.ticket.team"].create(
            {"name": "Hỗ trợ miền Bắc", "member_ids": [Command.set(cls.stp_manager.ids)]}
        )
        cls.team.member_ids = cls.stp_user
        cls.ticket_a = cls.env["stp.crm.ticket"].create({"name": "Phiếu đội A", "team_id": cls.team.id})
        cls.ticket_b = cls.env["stp.crm.ticket"].create({"name": "Phiếu đội B", "team_id": cls.team_b.id})
        cls.ticket_b_mine = cls.env["stp.crm.ticket"].create(
            {"name": "Phiếu đội B giao tôi", "team_id": cls.team_b.id, "user_id": cls.stp_user_2.id}
        )
        cls.ticket_unrouted = cls.env["stp.crm.ticket"].create({"name": "Phiếu chưa phân đội"})

    def test_users_see_their_teams_and_own_tickets(self):
        tickets = self.ticket_a | self.ticket_b | self.ticket_b_mine | self.ticket_unrouted
        visible = self.env["stp.crm.ticket"].with_user(self.stp_user).search([("id", "in", tickets.ids)])
        self.assertEqual(visible, self.ticket_a | self.ticket_unrouted)
        with self.assertRaises(AccessError):
            self.ticket_b.with_user(self.stp_user).read(["name"])
        visible_2 = self.env["stp.crm.ticket"].with_user(self.stp_user_2).search([("id", "in", tickets.ids)])
        self.assertEqual(visible_2, self.ticket_b_mine | self.ticket_unrouted)
        all_visible = self.env["stp.crm.ticket"].with_user(self.stp_manager).search([("id", "in", tickets.ids)])
        self.assertEqual(all_visible, tickets)
        with self.assertRaises(AccessError):
            self.env["stp.crm.ticket"].with_user(self.plain_employee).search([])

    def test_users_cannot_configure_teams(self):
        with self.assertRaises(AccessError):
            self.team.with_user(self.stp_user).write({"sla_hours_urgent": 1})
        self.team.with_user(self.stp_manager).write({"sla_hours_urgent": 1})

    def test_multi_company_isolation(self):
        freeze_test_clock(self, "2026-11-16 09:00:00")
        other_company = self.env["res.company"].create({"name": "Chi nhánh Hà Nội"})
        self.stp_manager.company_ids |= other_company
        foreign = self.env["stp.crm.ticket"].create({"name": "Phiếu chi nhánh", "company_id": other_company.id})
        manager_env = (
            self.env["stp.crm.ticket"]
            .with_user(self.stp_manager)
            .with_context(allowed_company_ids=[self.env.company.id])
        )
        self.assertFalse(manager_env.search([("id", "=", foreign.id)]))
        both = manager_env.with_context(allowed_company_ids=[self.env.company.id, other_company.id])
        self.assertEqual(both.search([("id", "=", foreign.id)]), foreign)
        self.assertEqual(foreign.number, "TK/2026/00001", "each company numbers from 1")


@tagged("post_install", "-at_install")
class TestTicketConcurrency(TransactionCase):
    """Two real transactions create tickets at the same time: the standard
    (PostgreSQL) sequence never hands out a number twice."""

    def test_parallel_creation_never_duplicates_numbers(self):
        open_numbering_year(self.registry, "stp.crm.ticket")
        numbers, errors, created = [], [], []
        barrier = threading.Barrier(2)

        def create_tickets():
            try:
                with self.registry.cursor() as cr:
                    env = self.env(cr=cr)
                    barrier.wait(timeout=30)
                    tickets = env["stp.crm.ticket"].create([{"name": f"Song song {i}"} for i in range(10)])
                    numbers.extend(tickets.mapped("number"))
                    created.extend(tickets.ids)
                    # Two real transactions race.
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=create_tickets) for _index in range(2)]
        try:
            with mute_logger("odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=120)
            self.assertFalse(errors)
            self.assertEqual(len(numbers), 20)
            self.assertEqual(len(set(numbers)), 20)
        finally:
            with self.registry.cursor() as cr:
                self.env(cr=cr)["stp.crm.ticket"].browse(created).unlink()
                # Removes what the racing transactions committed.
                cr.commit()  # pylint: disable=invalid-commit


@tagged("post_install", "-at_install")
class TestTicketDeadlineDefaults(TicketCommon):
    def test_no_team_no_deadline(self):
        ticket = self.env["stp.crm.ticket"].create({"name": "Không đội"})
        self.assertFalse(ticket.date_deadline)
        self.assertEqual(ticket.sla_state, "on_time")
        ticket.team_id = self.team
        self.assertTrue(ticket.date_deadline)
        self.assertGreater(ticket.date_deadline, ticket.create_date - timedelta(seconds=1))
