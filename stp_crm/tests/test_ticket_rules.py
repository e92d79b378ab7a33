import ast
from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import freeze_now
from .test_ticket import INCOMING_EMAIL, TicketCommon


@tagged("post_install", "-at_install")
class TestTicketRules(TicketCommon):
    """Ticket rules enforced on the server, as users with the fewest rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.member_ids = cls.stp_user | cls.crm_only
        cls.team_b = cls.env["stp.crm.ticket.team"].create(
            {"name": "Hỗ trợ miền Bắc", "member_ids": [Command.set(cls.stp_user_2.ids)]}
        )

    # ------------------------------------------------------------------
    # System fields
    # ------------------------------------------------------------------
    def test_number_and_closing_date_set_by_the_system_only(self):
        tickets = self.env["stp.crm.ticket"].with_user(self.crm_only)
        count = tickets.search_count([])
        for values in ({"number": "TK/2000/99999"}, {"date_closed": "2026-11-23 10:00:00"}):
            with self.assertRaises(UserError) as caught:
                tickets.create({"name": "Tự đặt số", "team_id": self.team.id, **values})
            self.assertIn("set by the system", str(caught.exception))
        self.assertEqual(tickets.search_count([]), count, "nothing written")
        ticket = tickets.create({"name": "Phiếu thường", "team_id": self.team.id})
        number = ticket.number
        for values in ({"number": "TK/2000/00001"}, {"date_closed": "2026-11-23 10:00:00"}, {"date_closed": False}):
            with self.assertRaises(UserError):
                ticket.write({**values, "name": "Đổi tên"})
        self.assertEqual((ticket.number, ticket.date_closed, ticket.name), (number, False, "Phiếu thường"))
        ticket.stage_id = self.stage_solved
        self.assertTrue(ticket.date_closed, "the stage sets it")

    def test_closing_date_not_before_creation(self):
        with freeze_now(self.env, "2026-11-23 08:00:00"):
            ticket = self._ticket()
        with self.assertRaises(ValidationError) as caught:
            ticket.sudo().write({"date_closed": "2026-11-23 07:59:00"})
        self.assertIn("before it was opened", str(caught.exception))
        self.assertFalse(ticket.date_closed)
        with freeze_now(self.env, "2026-11-23 08:00:00"):
            ticket.with_user(self.crm_only).stage_id = self.stage_solved  # closed the second it opened
        self.assertEqual(ticket.date_closed, datetime(2026, 11, 23, 8, 0))

    # ------------------------------------------------------------------
    # Routing and sight
    # ------------------------------------------------------------------
    def test_routing_to_another_team_from_outside_it(self):
        unrouted = self.env["stp.crm.ticket"].create({"name": "Chưa phân đội"})
        self.assertFalse(unrouted.team_id or unrouted.user_id)
        # the team hands it to one of its members, though the router is not one of them
        unrouted.with_user(self.crm_only).write({"team_id": self.team_b.id})
        self.assertEqual((unrouted.team_id, unrouted.user_id), (self.team_b, self.stp_user_2))
        # the router follows it, so the form can read it back
        self.assertIn(self.crm_only.partner_id, unrouted.message_partner_ids)
        self.assertEqual(unrouted.with_user(self.crm_only).read(["user_id"])[0]["user_id"][0], self.stp_user_2.id)
        unrouted.with_user(self.crm_only).message_unsubscribe(partner_ids=self.crm_only.partner_id.ids)
        with self.assertRaises(AccessError):
            unrouted.with_user(self.crm_only).read(["name"])  # unfollowed: the other team's ticket

        members = self._ticket(user_id=self.stp_user.id)
        self.env.invalidate_all()  # as over RPC: nothing of the ticket in cache
        [values] = members.with_user(self.crm_only).web_save(
            {"team_id": self.team_b.id, "user_id": self.stp_user_2.id}, {"team_id": {}, "user_id": {}}
        )
        self.assertEqual((values["team_id"], values["user_id"]), (self.team_b.id, self.stp_user_2.id))

    def test_creator_keeps_sight_of_a_ticket_filed_elsewhere(self):
        tickets = self.env["stp.crm.ticket"].with_user(self.crm_only)
        ticket = tickets.create({"name": "Chuyển đội khác", "team_id": self.team.id})
        # the form saves and reads back in one call: it must not fail once routed
        [values] = ticket.web_save({"team_id": self.team_b.id, "user_id": False}, {"team_id": {}, "user_id": {}})
        self.assertEqual((values["team_id"], values["user_id"]), (self.team_b.id, self.stp_user_2.id))
        self.assertEqual(tickets.search([("id", "=", ticket.id)]), ticket)
        ticket.message_post(body="Khách gọi lại hỏi tiến độ")
        other = self.env["stp.crm.ticket"].create({"name": "Phiếu đội B", "team_id": self.team_b.id})
        self.assertFalse(tickets.search([("id", "=", other.id)]), "tickets filed by others stay hidden")

    # ------------------------------------------------------------------
    # Analysis
    # ------------------------------------------------------------------
    def test_figures_count_closed_tickets_only(self):
        with freeze_now(self.env, "2026-11-23 09:00:00"):
            on_time, late, still_open = self._ticket(priority="3"), self._ticket(priority="3"), self._ticket()
        with freeze_now(self.env, "2026-11-23 11:00:00"):
            on_time.stage_id = self.stage_solved
        with freeze_now(self.env, "2026-11-23 15:00:00"):
            late.stage_id = self.stage_solved
        tickets = on_time | late | still_open
        self.assertEqual((still_open.resolution_hours, still_open.closed_count), (0.0, 0))
        [(count, closed, hours, rate)] = (
            self.env["stp.crm.ticket"]
            .with_user(self.stp_user)
            ._read_group(
                [("id", "in", tickets.ids)],
                [],
                ["__count", "closed_count:sum", "resolution_hours:avg", "sla_success_rate:avg"],
            )
        )
        self.assertEqual((count, closed, hours, rate), (3, 2, 4.0, 50.0), "the open ticket is no zero")
        # the pivot and graph views read through read_group
        [group] = self.env["stp.crm.ticket"].read_group(
            [("id", "in", tickets.ids)], ["resolution_hours:avg", "sla_success_rate:avg"], ["team_id"]
        )
        self.assertEqual((group["team_id_count"], group["resolution_hours"], group["sla_success_rate"]), (3, 4.0, 50.0))
        [(no_closed_hours,)] = self.env["stp.crm.ticket"]._read_group(
            [("id", "=", still_open.id)], [], ["resolution_hours:avg"]
        )
        self.assertFalse(no_closed_hours, "no closed ticket, no average")

    def test_analysis_views_show_counts(self):
        action = self.env.ref("stp_crm.stp_crm_ticket_analysis_action")
        self.assertIn("'__count'", action.context)
        self.assertIn("'closed_count'", action.context)
        pivot = self.env["stp.crm.ticket"].with_user(self.crm_only).get_views([(False, "pivot")])
        self.assertIn('name="closed_count"', pivot["views"]["pivot"]["arch"])


@tagged("post_install", "-at_install")
class TestTicketAliasCompany(TicketCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch = cls.env["res.company"].create({"name": "Chi nhánh Hà Nội"})
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": "stp-rules.example"})
        cls.alias_team = cls.env["stp.crm.ticket.team"].create(
            {
                "name": "Dịch vụ khách hàng",
                "resource_calendar_id": False,
                "alias_name": "dichvu",
                "alias_domain_id": cls.alias_domain.id,
            }
        )
        # the same address known in the branch only
        cls.branch_partner = cls.env["res.partner"].create(
            {"name": "Khách chi nhánh", "email": "mua@khach.example", "company_id": cls.branch.id}
        )

    def _process(self, email_from, msg_id):
        message = INCOMING_EMAIL.format(
            to="dichvu@stp-rules.example",
            email_from=email_from,
            subject="Cần hỗ trợ",
            msg_id=msg_id,
            extra="",
            body="Máy báo lỗi.",
        )
        return self.env["stp.crm.ticket"].browse(self.env["mail.thread"].sudo().message_process(None, message.encode()))

    def test_sender_found_or_created_in_the_team_company(self):
        ticket = self._process("Mua Hàng <mua@khach.example>", "<a1@khach.example>")
        self.assertEqual(ticket.company_id, self.alias_team.company_id)
        self.assertNotEqual(ticket.partner_id, self.branch_partner, "another company's partner is not used")
        self.assertEqual(ticket.partner_id.email, "mua@khach.example")
        self.assertIn(ticket.partner_id.company_id, (self.alias_team.company_id, self.env["res.company"]))
        again = self._process("Mua Hàng <mua@khach.example>", "<a2@khach.example>")
        self.assertEqual(again.partner_id, ticket.partner_id, "found the second time")
        shared = self.env["res.partner"].create({"name": "Khách chung", "email": "chung@khach.example"})
        self.assertEqual(self._process("chung@khach.example", "<a3@khach.example>").partner_id, shared)

    def test_alias_follows_the_team_company(self):
        self.branch.alias_domain_id = self.alias_domain
        self.alias_team.company_id = self.branch
        self.assertEqual(ast.literal_eval(self.alias_team.alias_defaults)["company_id"], self.branch.id)
        ticket = self._process("Mua Hàng <mua@khach.example>", "<b1@khach.example>")
        self.assertEqual((ticket.team_id, ticket.company_id), (self.alias_team, self.branch))
        self.assertEqual(ticket.partner_id, self.branch_partner, "the branch's own partner is found")
