import json
from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from ..tools.zalo_client import sign
from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin, cron_call, freeze_test_clock
from .zalo_fake import FakeZalo

NOW = datetime(2026, 11, 16, 9, 0)
CRON = "stp_crm.ir_cron_stp_zalo_send"
ZNS = "/message/template"
OAUTH = "/v4/oa/access_token"


class ZaloCommon(StpCrmUsersMixin):
    """A fake Zalo on a free local port, an OA with valid tokens, customers shaped like
    production (no email, no country, a Vietnamese mobile written the local way).
    HttpCase: the registry's test mode lets the token pair be stored "in its own
    transaction" inside the test's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeZalo().start()
        cls.addClassCleanup(cls.fake.stop)
        params = cls.env["ir.config_parameter"].sudo()
        for key in ("oauth", "zns", "openapi"):
            params.set_param(f"stp_crm.zalo_{key}_url", cls.fake.url)
        cls._setup_stp_users()
        cls.account = cls.env["stp.crm.zalo.account"].create(
            {
                "name": "OA Công ty STP",
                "oa_id": "oa-4242",
                "app_id": "app-77",
                "app_secret": "app-secret",
                "oa_secret_key": "oa-secret",
                "access_token": "old-access",
                "refresh_token": "old-refresh",
                "token_expires_at": NOW + timedelta(hours=20),
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Nguyễn Thị Zalo", "mobile": "0912 345 678"})
        cls.template = cls.env["stp.crm.zalo.template"].create(
            {
                "account_id": cls.account.id,
                "name": "Cảm ơn khách hàng",
                "zalo_template_id": "tpl-101",
                "model": "res.partner",
                "template_data": json.dumps({"customer_name": "{{ object.name }}"}),
                "purpose": "care",
                "state": "enabled",
            }
        )

    def setUp(self):
        super().setUp()
        self.fake.requests.clear()
        self.fake.answers.clear()

    def _queue(self, partners=None, template=None):
        return (template or self.template)._stp_queue_for(partners or self.customer, "id")


@tagged("post_install", "-at_install")
class TestZaloSend(ZaloCommon, HttpCase):
    def setUp(self):
        super().setUp()
        freeze_test_clock(self, NOW)

    def test_queue_and_send(self):
        message = self._queue()
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.phone, "84912345678")
        self.assertEqual(json.loads(message.template_data), {"customer_name": "Nguyễn Thị Zalo"})
        cron_call(self.env, CRON)
        [call] = self.fake.calls(ZNS)
        self.assertEqual(call["headers"]["access_token"], "old-access")
        self.assertEqual(
            call["body"],
            {
                "phone": "84912345678",
                "template_id": "tpl-101",
                "template_data": {"customer_name": "Nguyễn Thị Zalo"},
                "tracking_id": message.tracking_id,
            },
        )
        self.assertEqual(message.state, "sent")
        self.assertTrue(message.zalo_msg_id.startswith("zmsg-"))
        self.assertTrue(message.date_sent)
        self.assertEqual((self.account.daily_quota, self.account.remaining_quota), (500, 499))
        self.assertFalse(self.fake.calls(OAUTH), "a valid token is not refreshed")
        interaction = self.env["stp.crm.interaction"].search(
            [("partner_id", "=", self.customer.id), ("channel", "=", "zalo")]
        )
        self.assertEqual(interaction.direction, "outbound")

    def test_token_invalid_refreshes_once_and_resends(self):
        message = self._queue()
        self.fake.answer(
            ZNS,
            (200, {"error": -124, "message": "Access token is invalid"}),
            (200, {"error": 0, "data": {"msg_id": "z-2"}}),
        )
        cron_call(self.env, CRON)
        first, second = self.fake.calls(ZNS)
        [refresh] = self.fake.calls(OAUTH)
        self.assertEqual(first["headers"]["access_token"], "old-access")
        self.assertEqual(refresh["headers"]["secret_key"], "app-secret")
        self.assertEqual(
            refresh["body"], {"app_id": "app-77", "grant_type": "refresh_token", "refresh_token": "old-refresh"}
        )
        self.assertEqual(second["headers"]["access_token"], "new-access")
        self.assertEqual((message.state, message.zalo_msg_id), ("sent", "z-2"))
        self.account.invalidate_recordset()
        self.assertEqual(self.account.refresh_token, "new-refresh", "the single-use refresh token is replaced")
        self.assertEqual(self.account.token_expires_at, NOW + timedelta(seconds=90000))

    def test_refresh_takes_the_pair_another_worker_stored(self):
        """Two workers find the token expiring: the second takes the stored pair and
        never spends the used single-use refresh token again."""
        self.account.token_expires_at = NOW + timedelta(minutes=5)
        self.assertEqual(self.account._stp_access_token(), "new-access")
        self.account.invalidate_recordset()
        self.assertEqual(self.account._stp_refresh_token(), "new-access")
        self.assertEqual(len(self.fake.calls(OAUTH)), 1)
        self.assertEqual(self.account._stp_refresh_token(failed_token="new-access"), "new-access")
        self.assertEqual(len(self.fake.calls(OAUTH)), 2, "a token Zalo refused is refreshed")
        self.assertEqual(self.fake.calls(OAUTH)[1]["body"]["refresh_token"], "new-refresh")

    def test_token_expiring_within_10_minutes_refreshed_first(self):
        self.account.token_expires_at = NOW + timedelta(minutes=9)
        self._queue()
        cron_call(self.env, CRON)
        self.assertEqual(len(self.fake.calls(OAUTH)), 1)
        self.assertEqual(self.fake.calls(ZNS)[0]["headers"]["access_token"], "new-access")

    def test_permanent_error_then_retry(self):
        message = self._queue()
        self.fake.answer(ZNS, (200, {"error": -108, "message": "Phone number is invalid"}))
        cron_call(self.env, CRON)
        self.assertEqual(message.state, "error")
        self.assertEqual((message.error_code, message.error_message), ("-108", "Phone number is invalid"))
        self.assertFalse(message.error_transient)
        self.assertEqual(cron_call(self.env, CRON), (0, 0), "a permanent error is not retried automatically")
        self.assertEqual(len(self.fake.calls(ZNS)), 1)
        message.with_user(self.crm_only).action_retry()
        self.assertEqual(message.state, "queued")
        self.fake.answer(ZNS)
        cron_call(self.env, CRON)
        self.assertEqual(message.state, "sent")

    def test_transient_error_retried_automatically(self):
        message = self._queue()
        self.fake.answer(ZNS, (502, {"message": "Bad gateway"}))
        cron_call(self.env, CRON)
        self.assertEqual((message.state, message.error_transient), ("error", True))
        self.assertEqual(cron_call(self.env, CRON), (0, 0), "not before its next try")
        self.fake.answer(ZNS)
        freeze_test_clock(self, NOW + timedelta(minutes=6))
        cron_call(self.env, CRON)
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.try_count, 2)

    def test_quota_exhausted_waits(self):
        other = self.env["res.partner"].create({"name": "Trần Văn Hai", "mobile": "+84 987 654 321"})
        first, second = self._queue(self.customer | other)
        self.fake.answer(
            ZNS, (200, {"error": 0, "data": {"msg_id": "z-1", "quota": {"dailyQuota": 2, "remainingQuota": 0}}})
        )
        cron_call(self.env, CRON)
        self.assertEqual((first.state, second.state), ("sent", "queued"))
        self.assertEqual(len(self.fake.calls(ZNS)), 1)
        self.assertEqual(cron_call(self.env, CRON), (0, 0), "waits for the next day")
        freeze_test_clock(self, NOW + timedelta(days=1))
        self.fake.answer(ZNS)
        cron_call(self.env, CRON)
        self.assertEqual(second.state, "sent")
        self.assertEqual(second.phone, "84987654321")

    def test_blacklist_consent_and_missing_mobile(self):
        advertising = self.template.copy({"purpose": "advertising", "zalo_template_id": "tpl-ad", "state": "enabled"})
        blacklisted = self.env["res.partner"].create({"name": "Chặn Số", "mobile": "0903 111 222"})
        self.env["phone.blacklist"].sudo().add("+84903111222")
        consenting = self.env["res.partner"].create({"name": "Đồng Ý", "mobile": "0903 333 444"})
        self.env["stp.crm.consent"].create({"partner_id": consenting.id, "channel": "zalo", "purpose": "advertising"})
        no_mobile = self.env["res.partner"].create({"name": "Không Số"})
        foreign = self.env["res.partner"].create({"name": "Foreign", "mobile": "+33 6 12 34 56 78"})
        partners = blacklisted | consenting | no_mobile | foreign | self.customer
        messages = advertising.with_user(self.crm_only)._stp_queue_for(partners, "id")
        states = {message.partner_id: (message.state, message.error_message) for message in messages}
        self.assertEqual(states[consenting], ("queued", False))
        self.assertEqual(states[blacklisted], ("cancel", "The number is on the phone blacklist."))
        self.assertEqual(states[no_mobile], ("cancel", "No Vietnamese mobile number."))
        self.assertEqual(states[foreign], ("cancel", "No Vietnamese mobile number."))
        self.assertEqual(states[self.customer], ("cancel", "No Zalo advertising consent given."))
        care = self.template._stp_queue_for(blacklisted, "id")
        self.assertEqual(care.state, "cancel", "never to a blacklisted number, whatever the purpose")

    def test_ticket_stage_change_queues_zns(self):
        template = self.env["stp.crm.zalo.template"].create(
            {
                "account_id": self.account.id,
                "name": "Cập nhật phiếu",
                "zalo_template_id": "tpl-ticket",
                "model": "stp.crm.ticket",
                "template_data": json.dumps({"ticket": "{{ object.number }}", "stage": "{{ object.stage_id.name }}"}),
                "state": "enabled",
            }
        )
        team = self.env["stp.crm.ticket.team"].create(
            {"name": "Đội Zalo", "member_ids": [(6, 0, self.crm_only.ids)], "zalo_template_id": template.id}
        )
        ticket = self.env["stp.crm.ticket"].create(
            {"name": "Máy lạnh hỏng", "partner_id": self.customer.id, "team_id": team.id, "user_id": self.crm_only.id}
        )
        stage = self.env["stp.crm.ticket.stage"].search([("id", "!=", ticket.stage_id.id)], limit=1)
        ticket.with_user(self.crm_only).stage_id = stage
        message = self.env["stp.crm.zalo.message"].search(
            [("res_model", "=", "stp.crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(message.state, "queued")
        self.assertEqual(json.loads(message.template_data), {"ticket": ticket.number, "stage": stage.name})
        cron_call(self.env, CRON)
        [call] = self.fake.calls(ZNS)
        self.assertEqual(call["body"]["template_id"], "tpl-ticket")
        self.assertEqual(call["body"]["phone"], "84912345678")
        self.assertEqual(message.state, "sent")

    def test_queue_for_campaign_lines(self):
        """What a care campaign calls at launch: one ZNS per recipient line."""
        template = self.template.copy(
            {
                "model": "stp.crm.campaign.line",
                "state": "enabled",
                "template_data": json.dumps({"name": "{{ object.partner_id.name }}"}),
            }
        )
        campaign = self.env["stp.crm.campaign"].create({"name": "Tri ân Tết", "occasion": "tet"})
        lines = self.env["stp.crm.campaign.line"].create(
            [
                {"campaign_id": campaign.id, "partner_id": partner.id}
                for partner in self.customer | self.env["res.partner"].create({"name": "Không Số Hai"})
            ]
        )
        messages = template._stp_queue_for(lines, "partner_id")
        self.assertEqual(messages.mapped("state"), ["queued", "cancel"])
        self.assertEqual(messages.mapped("res_id"), lines.ids)
        self.assertEqual(json.loads(messages[0].template_data), {"name": "Nguyễn Thị Zalo"})

    def test_queue_queries_do_not_grow_with_recipients(self):
        def partners(count):
            return self.env["res.partner"].create(
                [{"name": f"Khách {index}", "mobile": f"0912 000 {index:03d}"} for index in range(count)]
            )

        few, many = partners(5), partners(40)
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        self.template._stp_queue_for(few, "id")
        few_count = self.env.cr.sql_log_count - queries
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        self.template._stp_queue_for(many, "id")
        self.assertLessEqual(self.env.cr.sql_log_count - queries, few_count + 2)

    def test_send_zalo_message_from_the_customer_form(self):
        action = self.customer.with_user(self.crm_only).action_stp_send_zalo()
        composer = (
            self.env[action["res_model"]]
            .with_user(self.crm_only)
            .with_context(**action["context"])
            .create({"template_id": self.template.id})
        )
        self.assertEqual(composer.preview, "customer_name: Nguyễn Thị Zalo")
        self.assertEqual(composer.phone, "84912345678")
        composer.action_send()
        self.assertEqual(self.customer.with_user(self.crm_only).stp_zalo_message_count, 1)
        nobody = self.env["res.partner"].create({"name": "Không Số"})
        composer = (
            self.env["stp.crm.zalo.composer"]
            .with_user(self.crm_only)
            .create({"partner_id": nobody.id, "template_id": self.template.id})
        )
        with self.assertRaises(UserError):
            composer.action_send()

    def test_customer_service_reply(self):
        self.customer.stp_zalo_user_id = "zu-9"
        self.account._stp_send_text(self.customer, "Dạ, máy lạnh còn bảo hành ạ")
        [call] = self.fake.calls("/v3.0/oa/message/cs")
        self.assertEqual(call["headers"]["access_token"], "old-access")
        self.assertEqual(
            call["body"], {"recipient": {"user_id": "zu-9"}, "message": {"text": "Dạ, máy lạnh còn bảo hành ạ"}}
        )
        self.fake.answer("/v3.0/oa/message/cs", (200, {"error": -230, "message": "User has not interacted in 7 days"}))
        with self.assertRaises(UserError):
            self.account._stp_send_text(self.customer, "Xin chào")

    def test_bad_template_data_refused(self):
        with self.assertRaises(ValidationError):
            self.template.template_data = "[1, 2]"
        with self.assertRaises(ValidationError):
            self.template.copy({"model": "no.such.model"})

    def test_state_only_through_actions(self):
        message = self._queue()
        with self.assertRaises(UserError):
            message.with_user(self.crm_only).write({"state": "sent"})
        self.assertEqual(message.state, "queued")

    def test_access(self):
        account = self.account.with_user(self.stp_manager)
        self.assertEqual(account.name, "OA Công ty STP")
        self.assertNotIn("app_secret", account.fields_get())
        with self.assertRaises(AccessError):
            account.read(["access_token"])
        with self.assertRaises(AccessError):
            self.account.with_user(self.crm_only).read(["name"])
        message = self._queue()
        self.assertEqual(message.with_user(self.crm_only).partner_id, self.customer)
        other_company = self.env["res.company"].create({"name": "Công ty Khác"})
        hidden = self.env["res.partner"].create(
            {"name": "Khách công ty khác", "mobile": "0911 000 111", "company_id": other_company.id}
        )
        hidden_message = self._queue(hidden)
        visible = self.env["stp.crm.zalo.message"].with_user(self.crm_only).search([])
        self.assertIn(message, visible)
        self.assertNotIn(hidden_message, visible, "a customer the user cannot read")
        for user in (self.portal_user, self.plain_employee):
            with self.assertRaises(AccessError):
                message.with_user(user).read(["state"])
            with self.assertRaises(AccessError):
                self.template.with_user(user).read(["name"])


@tagged("post_install", "-at_install")
class TestZaloWebhook(ZaloCommon, HttpCase):
    def _post(self, event, signature=True, secret="oa-secret"):
        raw = json.dumps(event)
        headers = {"Content-Type": "application/json"}
        if signature:
            headers["X-ZEvent-Signature"] = sign(event.get("app_id"), raw, event.get("timestamp"), secret)
        return self.url_open("/stp_crm/zalo/webhook", data=raw, headers=headers)

    def _text_event(self, sender="zu-1", msg_id="m-1", text="Cho tôi hỏi giá máy lạnh"):
        return {
            "app_id": "app-77",
            "event_name": "user_send_text",
            "sender": {"id": sender},
            "recipient": {"id": "oa-4242"},
            "message": {"text": text, "msg_id": msg_id},
            "timestamp": "1795338000000",
        }

    def _interactions(self):
        return self.env["stp.crm.interaction"].search([("channel", "=", "zalo"), ("direction", "=", "inbound")])

    def test_text_from_known_user_logged_once(self):
        self.customer.stp_zalo_user_id = "zu-1"
        response = self._post(self._text_event())
        self.assertEqual(response.status_code, 200)
        interaction = self._interactions()
        self.assertEqual(interaction.partner_id, self.customer)
        self.assertEqual(interaction.outcome, "Cho tôi hỏi giá máy lạnh")
        self.assertEqual(interaction.zalo_msg_id, "m-1")
        timeline = self.env["stp.crm.timeline"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", "interaction")]
        )
        self.assertTrue(timeline, "the Zalo message is in the customer's timeline")
        self.assertEqual(self._post(self._text_event()).status_code, 200, "Zalo retries: answered")
        self.assertEqual(len(self._interactions()), 1, "the same msg_id is logged once")

    def test_forged_or_missing_signature_refused(self):
        self.customer.stp_zalo_user_id = "zu-1"
        self.assertEqual(self._post(self._text_event(), secret="wrong").status_code, 403)
        self.assertEqual(self._post(self._text_event(), signature=False).status_code, 403)
        event = dict(self._text_event(), recipient={"id": "oa-unknown"}, app_id="app-unknown")
        self.assertEqual(self._post(event).status_code, 403)
        self.assertFalse(self._interactions(), "nothing written")
        self.assertFalse(self.env["res.partner"].search([("name", "=like", "Zalo %")]))

    def test_unknown_sender_becomes_prospect(self):
        self._post(self._text_event(sender="zu-new"))
        prospect = self.env["res.partner"].search([("stp_zalo_user_id", "=", "zu-new")])
        self.assertEqual(prospect.name, "Zalo zu-new")
        self.assertEqual(prospect.stp_classification, "prospect")
        self.assertEqual(self._interactions().partner_id, prospect)

    def test_account_found_by_app_id(self):
        self.customer.stp_zalo_user_id = "zu-1"
        event = dict(self._text_event(), recipient={})
        self.assertEqual(self._post(event).status_code, 200)
        self.assertEqual(self._interactions().partner_id, self.customer)

    def test_follow_unfollow(self):
        self.customer.stp_zalo_user_id = "zu-1"
        event = {
            "app_id": "app-77",
            "event_name": "follow",
            "sender": {"id": "zu-1"},
            "recipient": {"id": "oa-4242"},
            "timestamp": "1795338000000",
        }
        self._post(event)
        self.assertTrue(self.customer.stp_zalo_follower)
        self._post(dict(event, event_name="unfollow"))
        self.assertFalse(self.customer.stp_zalo_follower)


@tagged("post_install", "-at_install")
class TestZaloXmlRpc(ZaloCommon, HttpCase, StpCrmXmlRpcMixin):
    def test_secrets_and_messages_over_xmlrpc(self):
        message = self._queue()
        manager = self._login("stp_manager")
        [account] = manager("stp.crm.zalo.account", "read", [self.account.id], fields=["name", "oa_id"])
        self.assertEqual(account["oa_id"], "oa-4242")
        self.assertNotIn("app_secret", manager("stp.crm.zalo.account", "fields_get", attributes=["type"]))
        crm = self._login("crm_only")
        [read] = crm("stp.crm.zalo.message", "read", [message.id], fields=["state", "phone", "tracking_id"])
        self.assertEqual((read["state"], read["phone"]), ("queued", "84912345678"))
        crm("stp.crm.zalo.message", "action_cancel", [message.id])
        self.assertEqual(message.state, "cancel")
