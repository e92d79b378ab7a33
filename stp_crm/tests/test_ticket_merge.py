from datetime import datetime
from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import StpCrmXmlRpcMixin, freeze_now
from .test_ticket import INCOMING_EMAIL, TicketCommon

TICKET = "stp.crm.ticket"


@tagged("post_install", "-at_install")
class TicketMergeCommon(TicketCommon):
    def _merge_wizard(self, tickets, user=None, **values):
        wizards = self.env["stp.crm.ticket.merge"].with_user(user or self.env.user)
        return wizards.with_context(active_model=TICKET, active_ids=tickets.ids).create(values)

    def _merge(self, tickets, user=None, **values):
        return self._merge_wizard(tickets, user=user, **values).action_merge()

    def _state(self, tickets):
        """What a refused merge must leave as it was."""
        messages = self.env["mail.message"].search([("model", "=", TICKET), ("res_id", "in", tickets.ids)])
        return (
            tickets.read(["merged_into_id", "stage_id", "date_closed"]),
            sorted((message.id, message.res_id) for message in messages),
            sorted(tickets.message_follower_ids.mapped(lambda f: (f.res_id, f.partner_id.id))),
        )


@tagged("post_install", "-at_install")
class TestTicketMerge(TicketMergeCommon):
    def test_merge_three_tickets(self):
        warranty = {"ticket_type": "warranty", "lot_id": self.lots[0].id, "user_id": self.stp_user.id}
        with freeze_now(self.env, "2026-11-23 08:00:00"):
            oldest = self._ticket(name="Máy SA-9 không lên hình", **warranty)
        with freeze_now(self.env, "2026-11-23 09:00:00"):
            second = self._ticket(name="Máy SA-9 vẫn hỏng", **dict(warranty, user_id=self.stp_user_2.id))
        with freeze_now(self.env, "2026-11-23 10:00:00"):
            third = self._ticket(name="Lại máy SA-9", **warranty)
        tickets = oldest | second | third
        email = second.message_post(
            body="Ảnh màn hình lỗi",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("loi.txt", b"E12")],
        )
        loose = self.env["ir.attachment"].create(
            {"name": "bien-ban.txt", "raw": b"x", "res_model": TICKET, "res_id": third.id}
        )
        rating = second.rating_apply(2, token=second._rating_get_access_token(), feedback="Chậm")
        third.message_subscribe(partner_ids=self.customer_contact.ids)
        picking_action = third.with_user(self.stp_user).action_receive_return()
        picking = self.env["stock.picking"].browse(picking_action["res_id"])
        activity = third.activity_schedule("mail.mail_activity_data_todo", user_id=self.stp_user.id)
        before = oldest.read(["number", "stage_id", "team_id", "user_id"])

        wizard = self._merge_wizard(second | oldest | third, user=self.stp_user)
        self.assertEqual(wizard.target_ticket_id, oldest, "the oldest ticket is the default target")
        self.assertIn(second.number, wizard.preview)
        self.assertIn("1 transfers", wizard.preview)
        with freeze_now(self.env, "2026-11-23 11:00:00"):
            action = wizard.action_merge()

        self.assertEqual((action["res_model"], action["res_id"]), (TICKET, oldest.id))
        self.assertEqual(oldest.read(["number", "stage_id", "team_id", "user_id"]), before)
        self.assertEqual(email.res_id, oldest.id, "messages are re-parented, not copied")
        self.assertEqual(email.attachment_ids.res_id, oldest.id)
        self.assertEqual(loose.res_id, oldest.id)
        self.assertEqual(self.env["ir.attachment"].search_count([("name", "=", "loi.txt")]), 1)
        self.assertEqual((rating.res_id, rating.parent_res_id), (oldest.id, self.team.id))
        self.assertEqual(oldest.rating_ids, rating)
        self.assertEqual(picking.stp_ticket_id, oldest)
        self.assertEqual(oldest.return_count, 1)
        self.assertEqual(activity.res_id, oldest.id)
        self.assertIn(self.customer_contact, oldest.message_partner_ids)
        self.assertIn(self.stp_user_2.partner_id, oldest.message_partner_ids)
        for source in second | third:
            self.assertEqual(source.merged_into_id, oldest)
            self.assertEqual(source.stage_id, self.stage_cancelled, "closed, in a stage that asks no rating")
            self.assertEqual(source.date_closed, datetime(2026, 11, 23, 11, 0))
            self.assertRecordValues(
                source,
                [{"closed_count": 0, "resolution_hours": 0.0, "sla_final_state": "on_time", "sla_state": "on_time"}],
            )
            self.assertIn(oldest.number, source.message_ids[0].body)
        self.assertIn(second.number, oldest.message_ids[0].body)
        self.assertIn(third.number, oldest.message_ids[0].body)
        self.assertFalse(
            self.env["rating.rating"].search(
                [("res_model", "=", TICKET), ("res_id", "in", tickets.ids), ("consumed", "=", False)]
            )
        )

        # SLA: the duplicates closed by the merge are out of the resolution averages
        with freeze_now(self.env, "2026-11-23 13:00:00"):
            oldest.stage_id = self.stage_solved
        [figures] = self.env[TICKET]._read_group(
            [("id", "in", tickets.ids)], [], ["resolution_hours:avg", "sla_success_rate:avg", "closed_count:sum"]
        )
        self.assertEqual(figures, (5.0, 100.0, 1))
        # the timeline shows one ticket
        events = self.env["stp.crm.timeline"].search(
            [("res_model", "=", TICKET), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(events.mapped("res_id"), oldest.ids)

    def test_crm_only_user_merges_own_team_tickets(self):
        team = self.env["stp.crm.ticket.team"].create(
            {"name": "Đội CRM", "member_ids": [Command.set(self.crm_only.ids)]}
        )
        first, second = (self._ticket(team_id=team.id, user_id=self.crm_only.id) for _i in range(2))
        second.message_post(body="Khách gọi lại", message_type="comment", subtype_xmlid="mail.mt_note")
        self._merge(first | second, user=self.crm_only, target_ticket_id=first.id)
        self.assertEqual(second.merged_into_id, first)
        self.assertTrue(first.message_ids.filtered(lambda m: "Khách gọi lại" in str(m.body)))

    def test_refusals_change_nothing(self):
        first, second = self._ticket(lot_id=self.lots[0].id), self._ticket(lot_id=self.lots[0].id)
        other_customer = self._ticket(partner_id=self.other_customer.id)
        other_serial = self._ticket(lot_id=self.lots[1].id)
        branch = self.env["res.company"].create({"name": "Chi nhánh Đà Nẵng"})
        other_company = self.env[TICKET].create(
            {"name": "Phiếu chi nhánh", "partner_id": self.customer.id, "company_id": branch.id}
        )
        team_b = self.env["stp.crm.ticket.team"].create(
            {"name": "Đội khác", "member_ids": [Command.set(self.stp_manager.ids)]}
        )
        outside = self._ticket(team_id=team_b.id, user_id=self.stp_manager.id)
        everything = first | second | other_customer | other_serial | other_company | outside
        state = self._state(everything)
        cases = [
            (first, {}, "at least two tickets"),
            (first | other_customer, {}, "same customer and the same company"),
            (first | other_company, {"target_ticket_id": first.id}, "same customer and the same company"),
            (first | other_serial, {"target_ticket_id": first.id}, "two problems"),
            (first | second, {"target_ticket_id": other_customer.id}, "must be one of the tickets"),
        ]
        for tickets, values, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(UserError, message):
                self._merge(tickets, **values)
        # a user outside the team may not write its ticket
        with self.assertRaisesRegex(UserError, "You may not modify 1 of these tickets"):
            self._merge(first | outside, user=self.stp_user, target_ticket_id=first.id)
        self.assertEqual(self._state(everything), state)

        self._merge(first | second, user=self.stp_user)
        for tickets in (first | second, second | self._ticket()):
            with self.subTest(tickets=tickets.ids), self.assertRaisesRegex(UserError, "already merged"):
                self._merge(tickets, user=self.stp_user, target_ticket_id=second.id)

    def test_refusal_is_translated(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"], overwrite=True)
        ticket = self._ticket()
        with self.assertRaisesRegex(UserError, "Chọn ít nhất hai phiếu"):
            self._merge_wizard(ticket, user=self.stp_user).with_context(lang="vi_VN").action_merge()


@tagged("post_install", "-at_install")
class TestTicketMergeEmail(TicketMergeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        alias_domain = cls.env["mail.alias.domain"].create({"name": "stp-crm.example"})
        cls.team.write({"alias_name": "baohanh", "alias_domain_id": alias_domain.id})

    def _process(self, subject, msg_id, extra="", body="Máy siêu âm không lên hình."):
        message = INCOMING_EMAIL.format(
            to="baohanh@stp-crm.example",
            email_from="Hoàng Minh <hoang.minh@tamanh.example>",
            subject=subject,
            msg_id=msg_id,
            extra=extra,
            body=body,
        )
        return self.env["mail.thread"].sudo().message_process(None, message.encode())

    def test_reply_to_a_merged_ticket_lands_on_the_target(self):
        target = self.env[TICKET].create(
            {"name": "Máy SA-9 báo lỗi", "partner_id": self.customer.id, "team_id": self.team.id}
        )
        duplicate = self.env[TICKET].browse(self._process("Lại lỗi E12", "<lai-e12@tamanh.example>"))
        self._merge(target | duplicate, target_ticket_id=target.id)
        # the customer's first email moved to the target: a reply to it is threaded there
        reply_id = self._process(
            "Re: Lại lỗi E12",
            "<tra-loi-e12@tamanh.example>",
            extra="In-Reply-To: <lai-e12@tamanh.example>\nReferences: <lai-e12@tamanh.example>\n",
            body="Máy đã chạy lại sau khi khởi động.",
        )
        self.assertEqual(reply_id, target.id)
        # a reply to what stayed on the duplicate (its merge note) lands on the target too
        note_id = duplicate.message_ids[0].message_id
        self._process(
            "Re: Phiếu đã gộp", "<sau-gop@tamanh.example>", extra=f"In-Reply-To: {note_id}\nReferences: {note_id}\n"
        )
        for message_id in ("<tra-loi-e12@tamanh.example>", "<sau-gop@tamanh.example>"):
            reply = self.env["mail.message"].search([("message_id", "=", message_id)])
            self.assertEqual((reply.model, reply.res_id), (TICKET, target.id), message_id)


@tagged("post_install", "-at_install")
class TestTicketMergeHttp(HttpCase, TicketMergeCommon, StpCrmXmlRpcMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_x = new_test_user(
            cls.env,
            login="portal_x",
            groups="base.group_portal",
            name="Khách cổng X",
            partner_id=cls.customer_contact.id,
        )
        tickets = cls.env[TICKET].create(
            [
                {"name": name, "partner_id": partner.id, "team_id": cls.team.id}
                for name, partner in (
                    ("Phiếu giữ lại", cls.customer),
                    ("Phiếu trùng", cls.customer_contact),
                    ("Phiếu KHACH-KHAC", cls.other_customer),
                )
            ]
        )
        cls.target, cls.duplicate, cls.elsewhere = tickets

    def test_merge_over_xmlrpc(self):
        call = self._login("stp_user")
        ids = (self.target | self.duplicate).ids
        wizard_id = call("stp.crm.ticket.merge", "create", {"ticket_ids": [(6, 0, ids)]})
        [wizard] = call("stp.crm.ticket.merge", "read", [wizard_id], fields=["target_ticket_id"])
        self.assertEqual(wizard["target_ticket_id"][0], self.target.id)
        action = call("stp.crm.ticket.merge", "action_merge", [wizard_id])
        self.assertEqual(action["res_id"], self.target.id)
        [duplicate] = call(TICKET, "read", [self.duplicate.id], fields=["merged_into_id", "is_closed"])
        self.assertEqual((duplicate["merged_into_id"][0], duplicate["is_closed"]), (self.target.id, True))
        refused_id = call("stp.crm.ticket.merge", "create", {"ticket_ids": [(6, 0, [self.target.id])]})
        with self.assertRaisesRegex(Fault, "Choose at least two tickets"):
            call("stp.crm.ticket.merge", "action_merge", [refused_id])

    def test_portal_sees_the_pointer(self):
        self._merge(self.target | self.duplicate, target_ticket_id=self.target.id)
        self.authenticate("portal_x", "portal_x")
        listing = self.url_open("/my/tickets")
        self.assertIn(f"Merged into {self.target.number}", listing.text)
        self.assertNotIn("KHACH-KHAC", listing.text)
        page = self.url_open(f"/my/tickets/{self.duplicate.id}")
        self.assertIn("This request was merged into", page.text)
        self.assertIn(f'href="/my/tickets/{self.target.id}"', page.text)
        self.assertNotIn("KHACH-KHAC", page.text)
        other = self.url_open(f"/my/tickets/{self.elsewhere.id}")
        self.assertNotIn("KHACH-KHAC", other.text)


@tagged("post_install", "-at_install")
class TestTicketMergeUi(HttpCase, TicketMergeCommon):
    """Select two tickets in the list, Merge, open the result."""

    tour = "stp_crm_ticket_merge_tour"
    start_url = "/odoo/action-stp_crm.stp_crm_ticket_action?view_type=list"

    def test_merge_tour(self):
        first, second = self.env[TICKET].create(
            [
                {"name": name, "partner_id": self.customer.id, "team_id": self.team.id}
                for name in ("Phiếu tour gộp A", "Phiếu tour gộp B")
            ]
        )
        self.start_tour(self.start_url, self.tour, login="stp_user")
        self.assertEqual(second.merged_into_id, first)
        self.assertTrue(second.is_closed)


@tagged("post_install", "-at_install")
class TestTicketMergeUiPhone(TestTicketMergeUi):
    browser_size = "375x667"
    touch_enabled = True
    tour = "stp_crm_ticket_merge_phone_tour"
    start_url = "/odoo/action-stp_crm.stp_crm_ticket_action"
