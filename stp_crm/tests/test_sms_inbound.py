import json

from odoo.tests import BaseCase, HttpCase, new_test_user, tagged

from ..models.stp_crm_consent import sms_opt_out_keyword
from .common import freeze_test_clock

URL = "/stp_crm/sms/inbound"
TOKEN = "gw-secret-4242"
NUMBER = "+84912000111"
NOW = "2026-11-20 03:00:00"


@tagged("post_install", "-at_install")
class TestSmsOptOutKeyword(BaseCase):
    def test_keywords(self):
        for text, keyword in (
            ("STOP", "STOP"),
            ("stop.", "STOP"),
            ("tc qc", "TC"),
            ("TC", "TC"),
            ("Từ chối quảng cáo", "TUCHOI"),
            ("tu choi", "TUCHOI"),
            ("Hủy", "HUY"),
            ("  huỷ đăng ký", "HUY"),
            ("Dừng", "DUNG"),
            ("ĐỪNG GỬI NỮA", "DUNG"),
        ):
            self.assertEqual(sms_opt_out_keyword(text), keyword, text)
        for text in ("", "Cảm ơn shop", "Tôi muốn dừng", "TCQC", "Tư vấn giúp tôi", "STOPPED"):
            self.assertFalse(sms_opt_out_keyword(text), text)


@tagged("post_install", "-at_install")
class TestSmsInboundWebhook(HttpCase):
    """The SMS gateway forwards a customer's reply (MO message) to the webhook, without login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("stp_crm.sms_inbound_token", TOKEN)
        cls.company = cls.env.company
        cls.south = cls.env["res.company"].create({"name": "STP Miền Nam", "country_id": cls.env.ref("base.vn").id})
        cls.partner = cls.env["res.partner"].create(
            {"name": "Chị Nhắn Tin", "mobile": "+84 912 000 111", "country_id": cls.env.ref("base.vn").id}
        )
        consent = cls.env["stp.crm.consent"]
        values = {"partner_id": cls.partner.id, "source": "form", "evidence": "Phiếu đăng ký 12/2025"}
        cls.sms_ad = consent.create(dict(values, channel="sms", purpose="advertising", company_id=cls.company.id))
        cls.sms_ad_south = consent.create(dict(values, channel="sms", purpose="advertising", company_id=cls.south.id))
        cls.email_ad = consent.create(dict(values, channel="email", purpose="advertising", company_id=cls.company.id))
        cls.sms_care = consent.create(dict(values, channel="sms", purpose="care", company_id=cls.company.id))

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, NOW)

    def _post(self, fields, token=TOKEN, as_json=True):
        if as_json:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["X-STP-Token"] = token
            response = self.url_open(URL, data=json.dumps(fields), headers=headers)
        else:
            response = self.url_open(URL, data=dict(fields, token=token) if token else fields)
        self.env.invalidate_all()
        return response

    def _confirmations(self, number=NUMBER):
        return self.env["sms.sms"].search([("number", "=", number), ("mailing_id", "=", False)])

    def _blacklisted(self, number=NUMBER):
        return self.env["phone.blacklist"].search_count([("number", "=", number)])

    def _nothing_written(self):
        self.assertEqual(set((self.sms_ad | self.sms_ad_south).mapped("state")), {"given"})
        self.assertFalse(self._blacklisted())
        self.assertFalse(self._confirmations())
        self.assertFalse(self.env["stp.crm.interaction"].search([("partner_id", "=", self.partner.id)]))

    def test_wrong_or_missing_token_is_refused_and_nothing_written(self):
        for token, as_json in (("wrong", True), ("wrong", False), (None, True), (TOKEN[:-1], False)):
            response = self._post({"from": "84912000111", "text": "STOP"}, token=token, as_json=as_json)
            self.assertEqual(response.status_code, 403, token)
        self._nothing_written()
        self.env["ir.config_parameter"].sudo().set_param("stp_crm.sms_inbound_token", False)
        self.assertEqual(self._post({"from": "84912000111", "text": "STOP"}, token="").status_code, 403, "unset")
        self._nothing_written()

    def test_stop_withdraws_blacklists_and_confirms_once(self):
        response = self._post({"from": "84912000111", "text": "STOP"})
        self.assertEqual((response.status_code, response.json()), (200, {"result": "done"}))
        self.assertEqual((self.sms_ad.state, self.sms_ad_south.state), ("withdrawn", "withdrawn"), "every company")
        self.assertEqual((self.email_ad.state, self.sms_care.state), ("given", "given"), "SMS advertising only")
        self.assertEqual(self.sms_ad.source, "reply")
        self.assertIn("Phiếu đăng ký 12/2025", self.sms_ad.evidence, "the evidence of the consent is kept")
        self.assertIn(f"2026-11-20 03:00:00 UTC, SMS reply from {NUMBER}: STOP", self.sms_ad.evidence)
        note = self.sms_ad.message_ids.filtered(lambda message: "SMS reply" in (message.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("STOP", note.body)
        self.assertTrue(self._blacklisted(), "STOP is a global opt-out")
        [confirmation] = self._confirmations()
        self.assertIn("You will receive no more advertising from", confirmation.body)
        self.assertIn("STP Miền Nam", confirmation.body)
        self.assertEqual((confirmation.state, confirmation.partner_id), ("outgoing", self.partner))
        interaction = self.env["stp.crm.interaction"].search([("partner_id", "=", self.partner.id)])
        self.assertEqual((interaction.channel, interaction.direction, interaction.outcome), ("sms", "inbound", "STOP"))
        # The gateway sends it again (or the person does): nothing more.
        response = self._post({"from": "0912000111", "text": "stop"}, as_json=False)
        self.assertEqual((response.status_code, response.json()), (200, {"result": "already"}))
        self.assertEqual(len(self._confirmations()), 1, "one confirmation")
        self.assertEqual(len(self.sms_ad.message_ids.filtered(lambda m: "SMS reply" in (m.body or ""))), 1)
        self.assertEqual(self.env["stp.crm.interaction"].search_count([("partner_id", "=", self.partner.id)]), 1)

    def test_tc_withdraws_without_blacklisting(self):
        for text in ("tc qc", "Từ chối"):
            response = self._post({"sender": "84912000111", "message": text}, as_json=False)
            self.assertEqual(response.status_code, 200)
        self.assertEqual((self.sms_ad.state, self.sms_ad_south.state), ("withdrawn", "withdrawn"))
        self.assertIn("SMS reply from +84912000111: tc qc", self.sms_ad.evidence)
        self.assertFalse(self._blacklisted(), "refusing advertising is not refusing every SMS")
        self.assertEqual(len(self._confirmations()), 1, "the second reply changed nothing: no second confirmation")

    def test_unrelated_text_is_ignored(self):
        response = self._post({"from": "84912000111", "text": "Cảm ơn, cho tôi hỏi giá máy lọc nước"})
        self.assertEqual((response.status_code, response.json()), (200, {"result": "ignored"}))
        self._nothing_written()
        self.assertEqual(self.sms_ad.source, "form")

    def test_unknown_number(self):
        unknown = "+84903999888"
        response = self._post({"from": "84903999888", "text": "TC"})
        self.assertEqual((response.status_code, response.json()), (200, {"result": "unknown"}))
        self.assertFalse(self._blacklisted(unknown))
        response = self._post({"from": "84903999888", "text": "STOP"})
        self.assertEqual((response.status_code, response.json()), (200, {"result": "unknown"}))
        self.assertTrue(self._blacklisted(unknown), "STOP from anyone: the number gets no SMS")
        self.assertFalse(self._confirmations(unknown), "nobody to confirm to by name: nothing else written")
        self._nothing_written()

    def test_missing_fields(self):
        self.assertEqual(self._post({"from": "84912000111"}).status_code, 400)
        self.assertEqual(self._post({"text": "STOP"}).status_code, 400)
        response = self.url_open(
            URL, data="{not json", headers={"Content-Type": "application/json", "X-STP-Token": TOKEN}
        )
        self.assertEqual(response.status_code, 400)
        self._nothing_written()

    def test_token_from_the_settings(self):
        """An administrator types or generates the token in Settings ▸ STP CRM; nobody else sees it."""
        settings = self.env["res.config.settings"].with_user(self.env.ref("base.user_admin"))
        settings.create({"stp_sms_inbound_token": "typed-secret"}).execute()
        self.assertEqual(self.env["ir.config_parameter"].get_param("stp_crm.sms_inbound_token"), "typed-secret")
        self.assertEqual(self._post({"from": "84912000111", "text": "Cảm ơn"}, token="typed-secret").status_code, 200)
        settings.create({}).action_stp_generate_sms_inbound_token()
        generated = self.env["ir.config_parameter"].get_param("stp_crm.sms_inbound_token")
        self.assertGreaterEqual(len(generated), 40)
        self.assertEqual(self._post({"from": "84912000111", "text": "Cảm ơn"}, token="typed-secret").status_code, 403)
        self.assertEqual(self._post({"from": "84912000111", "text": "Cảm ơn"}, token=generated).status_code, 200)
        self._nothing_written()
        manager = new_test_user(self.env, login="sms_token_manager", groups="stp_crm.group_stp_crm_manager")
        self.assertNotIn("stp_sms_inbound_token", settings.with_user(manager).fields_get(), "a secret for admins only")
