from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged, users

from .common import StpCrmUsersMixin

INBOUND_REPLY = """Return-Path: <lan@khachhang.example.com>
From: Nguyen Thi Lan <lan@khachhang.example.com>
To: sales@stp.example.com
Subject: Re: Báo giá máy nén khí
Message-ID: <reply-1@khachhang.example.com>
In-Reply-To: {parent}
References: {parent}
Date: Tue, 10 Mar 2026 09:00:00 +0700
Content-Type: text/plain; charset="utf-8"

Chúng tôi đồng ý với báo giá, vui lòng gửi hợp đồng.
"""


@tagged("post_install", "-at_install")
class TestInteraction(TransactionCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Công ty Tương Tác", "is_company": True, "email": "info@khachhang.example.com"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Nguyễn Thị Lan", "parent_id": cls.customer.id, "email": "lan@khachhang.example.com"}
        )
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Máy nén khí", "partner_id": cls.contact.id, "user_id": cls.stp_user.id, "type": "opportunity"}
        )
        cls.plan = cls.env["stp.crm.work.plan"].create(
            {"name": "Chuẩn bị báo giá", "partner_id": cls.customer.id, "user_id": cls.stp_user.id}
        )
        cls.Interaction = cls.env["stp.crm.interaction"]

    def _interactions(self):
        return self.Interaction.search([("partner_id", "=", self.customer.id)])

    def _activity(self, record, xmlid, **values):
        return record.activity_schedule(xmlid, user_id=self.stp_user.id, **values)

    @freeze_time("2026-03-10 08:30:00")
    def test_call_done_on_a_partner_logs_a_phone_interaction(self):
        activity = self._activity(self.contact, "mail.mail_activity_data_call", summary="Gọi hỏi nhu cầu")
        activity.with_user(self.stp_user).action_feedback(feedback="Khách cần báo giá 3 máy")
        interaction = self._interactions()
        self.assertRecordValues(
            interaction,
            [
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.contact.id,
                    "channel": "phone",
                    "direction": "outbound",
                    "summary": "Gọi hỏi nhu cầu",
                    "outcome": "Khách cần báo giá 3 máy",
                    "user_id": self.stp_user.id,
                    "date": datetime(2026, 3, 10, 8, 30),
                    "lead_id": False,
                    "work_plan_id": False,
                }
            ],
        )

    def test_meeting_done_on_a_lead_logs_an_in_person_interaction(self):
        start = datetime(2026, 3, 12, 2, 0)
        event = self.env["calendar.event"].create(
            {
                "name": "Gặp khách tại nhà máy",
                "start": start,
                "stop": start + timedelta(hours=1, minutes=30),
                "partner_ids": [(4, self.contact.id), (4, self.stp_user.partner_id.id)],
            }
        )
        activity = self._activity(self.lead, "mail.mail_activity_data_meeting", calendar_event_id=event.id)
        activity.action_feedback(feedback="Khách đồng ý dùng thử")
        self.assertRecordValues(
            self._interactions(),
            [
                {
                    "channel": "in_person",
                    "date": start,
                    "duration": 1.5,
                    "summary": "Meeting",
                    "outcome": "Khách đồng ý dùng thử",
                    "lead_id": self.lead.id,
                    "user_id": self.stp_user.id,
                }
            ],
        )

    def test_email_activity_on_a_work_plan_logs_an_email(self):
        self._activity(self.plan, "mail.mail_activity_data_email", summary="Gửi catalogue").action_done()
        self.assertRecordValues(
            self._interactions(), [{"channel": "email", "work_plan_id": self.plan.id, "summary": "Gửi catalogue"}]
        )

    def test_other_activities_log_nothing(self):
        self._activity(self.lead, "mail.mail_activity_data_todo").action_feedback(feedback="Xong")
        self.assertFalse(self._interactions())

    def test_records_without_a_customer_log_nothing(self):
        internal_plan = self.env["stp.crm.work.plan"].create({"name": "Họp nội bộ", "user_id": self.stp_user.id})
        self._activity(internal_plan, "mail.mail_activity_data_call").action_done()
        self._activity(self.stp_user_2.partner_id, "mail.mail_activity_data_call").action_done()
        self.assertFalse(self.Interaction.search([("summary", "=", "Call")]), "no customer, no interaction")

    def test_activities_done_together_are_logged_once_each(self):
        activities = self._activity(self.contact, "mail.mail_activity_data_call") | self._activity(
            self.plan, "mail.mail_activity_data_call"
        )
        activities.action_feedback(feedback="Đã gọi")
        self.assertEqual(len(self._interactions()), 2, "one per activity, and the done note is no email")

    def test_message_sent_to_the_customer_logs_an_outbound_email(self):
        self.lead.with_user(self.stp_user).message_post(
            body="Kính gửi chị Lan, xin gửi báo giá.",
            subject="Báo giá máy nén khí",
            partner_ids=self.contact.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertRecordValues(
            self._interactions(),
            [
                {
                    "channel": "email",
                    "direction": "outbound",
                    "contact_id": self.contact.id,
                    "summary": "Báo giá máy nén khí",
                    "outcome": "Kính gửi chị Lan, xin gửi báo giá.",
                    "user_id": self.stp_user.id,
                    "lead_id": self.lead.id,
                }
            ],
        )

    def test_log_notes_and_internal_messages_log_nothing(self):
        self.lead.message_post(body="Ghi chú nội bộ", message_type="comment", subtype_xmlid="mail.mt_note")
        self.lead.message_post(body="Gửi đồng nghiệp", partner_ids=self.stp_user_2.partner_id.ids)
        self.assertFalse(self._interactions())

    def test_inbound_email_routed_to_a_lead_logs_an_inbound_email(self):
        outbound = self.lead.message_post(
            body="Xin gửi báo giá",
            subject="Báo giá máy nén khí",
            partner_ids=self.contact.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.env["mail.thread"].message_process("crm.lead", INBOUND_REPLY.format(parent=outbound.message_id).encode())
        inbound = self._interactions().filtered(lambda interaction: interaction.direction == "inbound")
        self.assertRecordValues(
            inbound,
            [{"channel": "email", "contact_id": self.contact.id, "lead_id": self.lead.id}],
        )
        self.assertEqual(len(self._interactions()), 2, "one outbound, one inbound: no double logging")

    def test_interactions_belong_to_the_commercial_partner(self):
        interaction = self.Interaction.create({"partner_id": self.contact.id, "summary": "Gặp ở hội chợ"})
        self.assertEqual((interaction.partner_id, interaction.contact_id), (self.customer, self.contact))
        stranger = self.env["res.partner"].create({"name": "Người lạ"})
        with self.assertRaises(ValidationError):
            self.Interaction.create({"partner_id": self.customer.id, "contact_id": stranger.id, "summary": "Sai"})
        with self.assertRaises(ValidationError):
            self.Interaction.create({"partner_id": self.customer.id, "summary": "Fax", "channel": "pigeon"})

    @users("stp_user")
    def test_user_sees_own_and_unassigned_interactions(self):
        Interaction = self.env["stp.crm.interaction"]
        values = {"partner_id": self.customer.id, "summary": "Cuộc gọi"}
        own = Interaction.create(values)
        sudo_interactions = Interaction.sudo().create(
            [dict(values, user_id=False), dict(values, user_id=self.stp_user_2.id)]
        )
        unassigned, others = sudo_interactions.with_env(self.env)
        self.assertEqual(Interaction.search([("partner_id", "=", self.customer.id)]), own | unassigned)
        with self.assertRaises(AccessError):
            others.read(["summary"])
        with self.assertRaises(AccessError):
            own.unlink()

    @users("stp_manager")
    def test_manager_sees_all_interactions(self):
        interactions = self.Interaction.create(
            [
                {"partner_id": self.customer.id, "summary": "A", "user_id": self.stp_user.id},
                {"partner_id": self.customer.id, "summary": "B", "user_id": self.stp_user_2.id},
            ]
        )
        self.assertEqual(self.env["stp.crm.interaction"].search([("partner_id", "=", self.customer.id)]), interactions)


@tagged("post_install", "-at_install")
class TestPartnerInteractionStats(TransactionCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.partners = cls.env["res.partner"].create([{"name": f"Khách {i}", "is_company": True} for i in range(80)])
        cls.contacts = cls.env["res.partner"].create(
            [{"name": f"Liên hệ {i}", "parent_id": partner.id} for i, partner in enumerate(cls.partners)]
        )
        now = fields.Datetime.now()
        cls.env["stp.crm.interaction"].create(
            [
                {"partner_id": partner.id, "summary": "Gần đây", "date": now - timedelta(days=days)}
                for partner in cls.partners
                for days in (1, 30, 120)
            ]
        )
        cls.now = now

    def test_last_date_and_recent_count(self):
        partner, contact = self.partners[0].with_user(self.stp_manager), self.contacts[0].with_user(self.stp_manager)
        self.assertEqual(partner.stp_interaction_count_90d, 2, "the 120-day-old one is not counted")
        self.assertEqual(partner.stp_last_interaction_date, self.now - timedelta(days=1))
        self.assertEqual(contact.stp_interaction_count_90d, 2, "a contact shows its company's figures")
        lonely = self.env["res.partner"].create({"name": "Chưa liên hệ"}).with_user(self.stp_manager)
        self.assertEqual((lonely.stp_interaction_count_90d, lonely.stp_last_interaction_date), (0, False))

    def test_constant_queries_for_the_partner_list(self):
        # Warm the group and access-rule caches so that only the read itself is counted.
        self.partners[-1:].with_user(self.stp_manager).mapped("stp_interaction_count_90d")
        for size in (8, 80):
            partners = (self.partners[:size] | self.contacts[:size]).with_user(self.stp_manager)
            self.env.invalidate_all()
            with self.subTest(size=size), self.assertQueryCount(8):
                partners.mapped("stp_interaction_count_90d")
                partners.mapped("stp_last_interaction_date")
