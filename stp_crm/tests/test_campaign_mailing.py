from datetime import datetime

from odoo.tests import HttpCase, tagged

from .common import freeze_now, freeze_test_clock
from .test_campaign import LAUNCH_DAY, CampaignCommon

SMS_TEMPLATE = "stp_crm.stp_crm_campaign_sms_template"


@tagged("post_install", "-at_install")
class TestCampaignMailing(CampaignCommon):
    """Campaign messages through Odoo's mailing engine; advertising under Decree 91/2020/NĐ-CP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for i, customer in enumerate(cls.customers):
            customer.mobile = f"+84 912 000 00{i}"
        cls.sms_template = cls.env.ref(SMS_TEMPLATE)

    def _consent(self, partner, channel, state="given"):
        consent = self.env["stp.crm.consent"].create(
            {"partner_id": partner.id, "channel": channel, "purpose": "advertising", "company_id": self.company.id}
        )
        if state == "withdrawn":
            consent.action_withdraw()
        return consent

    def _launch(self, **values):
        values.setdefault("sms_template_id", self.sms_template.id)
        campaign = self._campaign(**values)
        campaign.action_generate_recipients()
        campaign.action_launch()
        return campaign

    def _traces(self, campaign, partner, trace_type):
        line = campaign.line_ids.filtered(lambda line: line.partner_id == partner)
        return self.env["mailing.trace"].search(
            [("model", "=", line._name), ("res_id", "=", line.id), ("trace_type", "=", trace_type)]
        )

    def test_care_campaign_mailings_skip_blacklists(self):
        freeze_test_clock(self, LAUNCH_DAY)
        self.env["mail.blacklist"]._add(self.customers[0].email)
        self.env["phone.blacklist"]._add([self.customers[1].mobile])
        campaign = self._launch()
        self.assertEqual(sorted(campaign.mailing_ids.mapped("mailing_type")), ["mail", "sms"])
        self.assertEqual(set(campaign.mailing_ids.mapped("state")), {"in_queue"})
        self.assertEqual(campaign.mailing_ids.campaign_id, campaign.utm_campaign_id)
        self._send_mailings()
        mail_bl = self._traces(campaign, self.customers[0], "mail")
        self.assertEqual((mail_bl.trace_status, mail_bl.failure_type), ("cancel", "mail_bl"))
        sms_bl = self._traces(campaign, self.customers[1], "sms")
        self.assertEqual((sms_bl.trace_status, sms_bl.failure_type), ("cancel", "sms_blacklist"))
        sms = self.env["sms.sms"].search([("mailing_id", "in", campaign.mailing_ids.ids), ("state", "=", "outgoing")])
        self.assertEqual(len(sms), 3, "never to the blacklisted number")
        self.assertNotIn(self.customers[1], sms.partner_id)
        mails = self._mails(campaign)
        self.assertEqual(len(mails.filtered(lambda m: m.state == "outgoing")), 3, "never to the blacklisted address")
        self.assertNotIn("[QC]", mails[0].subject, "a greeting is not advertising")
        first = campaign.line_ids.filtered(lambda line: line.partner_id == self.customers[0])
        self.assertEqual((first.mail_status, first.mail_failure_type), ("cancel", "mail_bl"))
        self.assertEqual(first.sms_status, "outgoing")
        campaign.invalidate_recordset()
        self.assertEqual(campaign.mailing_count, 2)
        self.assertEqual(campaign.mailing_cancelled_count, 2)
        self.assertEqual(set(campaign.mailing_ids.mapped("state")), {"done"})

    def test_advertising_reaches_only_who_consented(self):
        freeze_test_clock(self, LAUNCH_DAY)
        self._consent(self.customers[0], "email")
        self._consent(self.customers[0], "sms")
        self._consent(self.customers[1], "email")
        self._consent(self.customers[2], "sms", state="withdrawn")
        campaign = self._launch(purpose="advertising")
        self.assertEqual(campaign.excluded_no_consent_count, 3)
        second = campaign.line_ids.filtered(lambda line: line.partner_id == self.customers[1])
        self.assertEqual((second.mail_status, second.sms_status), ("waiting", "no_consent"))
        self.assertEqual(
            self.env["stp.crm.campaign.line"].search(
                [("campaign_id", "=", campaign.id), ("missing_consent", "=", True)]
            ),
            campaign.line_ids - campaign.line_ids.filtered(lambda line: line.partner_id == self.customers[0]),
        )
        self._send_mailings()
        mails = self._mails(campaign).filtered(lambda m: m.state == "outgoing")
        self.assertEqual(len(mails), 2, "email consent: customers 0 and 1")
        for mail in mails:
            self.assertTrue(mail.subject.startswith("[QC] "), mail.subject)
            # Odoo's unsubscribe link (the mail queue puts the recipient's own address in at sending)
            self.assertIn("/unsubscribe_from_list", mail.body_html.split("Trường học")[-1], "at the end")
            self.assertIn("Unsubscribe", mail.body_html)
        sms = self.env["sms.sms"].search([("mailing_id", "in", campaign.mailing_ids.ids), ("state", "=", "outgoing")])
        self.assertEqual(sms.partner_id, self.customers[0], "SMS consent: customer 0 only (2 withdrew)")
        self.assertTrue(sms.body.startswith("[QC] "), sms.body)
        self.assertIn("/sms/", sms.body, "ends with the SMS opt-out link")
        refused = self._traces(campaign, self.customers[1], "sms")
        self.assertEqual((refused.trace_status, refused.failure_type), ("cancel", "stp_no_consent"))
        second.invalidate_recordset()
        self.assertEqual((second.sms_status, second.sms_failure_type), ("cancel", "stp_no_consent"))

    def test_withdrawal_stops_the_next_campaign(self):
        freeze_test_clock(self, LAUNCH_DAY)
        consent = self._consent(self.customers[0], "email")
        first = self._launch(purpose="advertising", sms_template_id=False)
        self._send_mailings()
        self.assertEqual(len(self._mails(first)), 1)
        consent.action_withdraw()
        second = self._launch(name="Khuyến mãi tháng 12", purpose="advertising", sms_template_id=False)
        self._send_mailings()
        self.assertFalse(self._mails(second))
        trace = self._traces(second, self.customers[0], "mail")
        self.assertEqual(trace.failure_type, "stp_no_consent")

    def test_at_most_three_advertising_messages_a_day(self):
        freeze_test_clock(self, LAUNCH_DAY)
        self._consent(self.customers[0], "email")
        self._consent(self.customers[1], "email")
        campaigns = [
            self._launch(name=f"Khuyến mãi {i}", purpose="advertising", sms_template_id=False) for i in range(4)
        ]
        self._send_mailings()
        self.assertEqual([len(self._mails(campaign)) for campaign in campaigns], [2, 2, 2, 0])
        fourth = self._traces(campaigns[3], self.customers[0], "mail")
        self.assertEqual((fourth.trace_status, fourth.failure_type), ("cancel", "stp_ad_limit"))
        # A greeting is not advertising: it does not count, and is not held back.
        care = self._launch(name="Chúc mừng", sms_template_id=False)
        self._send_mailings()
        self.assertEqual(len(self._mails(care)), 4)
        # The next day, the count starts again.
        with freeze_now(self.env, "2026-11-21 10:00:00"):
            fifth = self._launch(
                name="Khuyến mãi 5", occasion="custom", date="2026-11-21", purpose="advertising", sms_template_id=False
            )
            self._send_mailings()
        self.assertEqual(len(self._mails(fifth)), 2)

    def test_advertising_sms_wait_for_seven_in_the_morning(self):
        self._consent(self.customers[0], "sms")
        # 23:00 in Hà Nội (16:00 UTC): the SMS wait for 07:00 (00:00 UTC the next day), e-mails do not.
        freeze_test_clock(self, "2026-11-20 16:00:00")
        campaign = self._launch(purpose="advertising")
        sms_mailing = campaign.mailing_ids.filtered(lambda m: m.mailing_type == "sms")
        self.assertEqual(sms_mailing.schedule_date, datetime(2026, 11, 21, 0, 0))
        self.assertFalse(campaign.mailing_ids.filtered(lambda m: m.mailing_type == "mail").schedule_date)
        # Put in the queue at once by hand: the engine itself holds it until 07:00.
        sms_mailing.write({"schedule_type": "now", "schedule_date": False})
        self._send_mailings()
        self.assertFalse(self.env["sms.sms"].search([("mailing_id", "=", sms_mailing.id)]))
        self.assertEqual((sms_mailing.state, sms_mailing.schedule_date), ("in_queue", datetime(2026, 11, 21, 0, 0)))
        with freeze_now(self.env, "2026-11-21 00:00:01"):
            self._send_mailings()
        self.assertEqual(len(self.env["sms.sms"].search([("mailing_id", "=", sms_mailing.id)])), 1)

    def test_opt_out_withdraws_consent_and_confirms(self):
        freeze_test_clock(self, LAUNCH_DAY)
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"], overwrite=True)
        self.customers[0].lang = "vi_VN"
        email_consent = self._consent(self.customers[0], "email")
        sms_consent = self._consent(self.customers[0], "sms")
        campaign = self._launch(purpose="advertising")
        self._send_mailings()
        mailing = campaign.mailing_ids.filtered(lambda m: m.mailing_type == "mail" and m.stp_lang == "vi_VN")
        mailing._stp_opt_out("email", "Truong0@Example.vn")
        self.assertEqual((email_consent.state, sms_consent.state), ("withdrawn", "given"), "that channel only")
        confirmation = self.env["mail.mail"].search([("email_to", "=", "Truong0@Example.vn")])
        self.assertEqual(len(confirmation), 1)
        self.assertIn("Bạn sẽ không còn nhận quảng cáo", confirmation.body_html)
        sms_mailing = campaign.mailing_ids.filtered(lambda m: m.mailing_type == "sms" and m.stp_lang == "vi_VN")
        sms_mailing._stp_opt_out("sms", self.customers[0].phone_sanitized)
        self.assertEqual(sms_consent.state, "withdrawn")
        sms = self.env["sms.sms"].search(
            [("number", "=", self.customers[0].phone_sanitized), ("mailing_id", "=", False)]
        )
        self.assertIn("Bạn sẽ không còn nhận quảng cáo", sms.body)


@tagged("post_install", "-at_install")
class TestCampaignOptOutHttp(HttpCase):
    """Odoo's unsubscribe page, on the live server, for a recipient of an advertising campaign."""

    def test_unsubscribe_page_withdraws_consent_and_confirms(self):
        self.env["ir.config_parameter"].set_param("mail.mail.force.send.limit", 0)
        partner = self.env["res.partner"].create({"name": "Chị Hủy Đăng Ký", "email": "huy@example.vn"})
        consent = self.env["stp.crm.consent"].create(
            {"partner_id": partner.id, "channel": "email", "purpose": "advertising"}
        )
        campaign = self.env["stp.crm.campaign"].create(
            {
                "name": "Khuyến mãi (hủy đăng ký)",
                "occasion": "custom",
                "purpose": "advertising",
                "segment_domain": f"[('id', '=', {partner.id})]",
            }
        )
        campaign.action_generate_recipients()
        campaign.action_launch()
        self.env["mailing.mailing"]._process_mass_mailing_queue()
        [mailing] = campaign.mailing_ids
        line = campaign.line_ids
        self.assertTrue(mailing.mailing_trace_ids, "sent by the engine (its trace)")
        token = mailing._generate_mailing_recipient_token(line.id, partner.email)
        response = self.url_open(
            f"/mailing/{mailing.id}/unsubscribe?document_id={line.id}&email={partner.email}&hash_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(consent.state, "withdrawn")
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", "huy@example.vn")]), "a global opt-out")
        confirmation = self.env["mail.mail"].search([("email_to", "=", "huy@example.vn"), ("mailing_id", "=", False)])
        self.assertIn("You will receive no more advertising", confirmation.body_html)
