from datetime import datetime
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.stp_crm.models import mailing_mailing

from .common import cron_call, freeze_now, freeze_test_clock
from .test_campaign import LAUNCH_DAY, MAILING_CRON, CampaignCommon

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


@tagged("post_install", "-at_install")
class TestCampaignMailingBatches(CampaignCommon):
    """A campaign's mailings are queued in bounded calls of Odoo's mailing cron (50,000 recipients would
    make one call of minutes): ``MAILING_BATCH_SIZE`` messages a call for every mailing together."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for i, customer in enumerate(cls.customers):
            customer.mobile = f"+84 912 000 00{i}"
        cls.sms_template = cls.env.ref(SMS_TEMPLATE)

    _launch = TestCampaignMailing._launch

    def _mailing_states(self, campaign):
        campaign.mailing_ids.invalidate_recordset()
        return {mailing.mailing_type: mailing.state for mailing in campaign.mailing_ids}

    def _queued(self, campaign):
        mailings = campaign.mailing_ids.ids
        return (
            self.env["mail.mail"].search_count([("mailing_id", "in", mailings)]),
            self.env["sms.sms"].search_count([("mailing_id", "in", mailings)]),
        )

    def test_mailings_queue_in_bounded_cron_calls(self):
        freeze_test_clock(self, LAUNCH_DAY)
        campaign = self._launch()  # an e-mail and an SMS to the four customers
        with patch.object(mailing_mailing, "MAILING_BATCH_SIZE", 3):
            self.assertEqual(cron_call(self.env, MAILING_CRON), (3, 2), "3 messages queued, 2 mailings wait")
            self.assertEqual(sum(self._queued(campaign)), 3)
            self.assertEqual(self._mailing_states(campaign), {"mail": "sending", "sms": "sending"})
            self.assertEqual(set(campaign.mailing_ids.mapped("kpi_mail_required")), {False}, "after the last batch")
            self.assertEqual(cron_call(self.env, MAILING_CRON)[0], 3, "3 more")
            self.assertEqual(sum(self._queued(campaign)), 6)
            self.assertEqual(cron_call(self.env, MAILING_CRON)[1], 0, "nothing left")
        self.assertEqual(self._queued(campaign), (4, 4))
        self.assertEqual(self._mailing_states(campaign), {"mail": "done", "sms": "done"})
        self.assertEqual(set(campaign.mailing_ids.mapped("kpi_mail_required")), {True})
        traces = self.env["mailing.trace"].search([("mass_mailing_id", "in", campaign.mailing_ids.ids)])
        self.assertEqual(len(traces), 8, "one trace a recipient and channel: none twice")
        self.assertEqual(set(traces.mapped("res_id")), set(campaign.line_ids.ids))

    def test_mailing_call_queries_do_not_grow_with_the_recipients(self):
        """A call of the mailing cron queueing a campaign's e-mail and SMS: the same queries for two
        recipients as for four (Odoo sends a mailing of a single recipient at once instead)."""
        freeze_test_clock(self, LAUNCH_DAY)
        counts = []
        two, four = f"[('id', 'in', {self.customers[:2].ids})]", f"[('category_id', 'in', [{self.vip.id}])]"
        for segment in (two, two, four):  # the first one warms the caches
            campaign = self._launch(segment_domain=segment)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            cron_call(self.env, MAILING_CRON)
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(self._mailing_states(campaign), {"mail": "done", "sms": "done"})
        self.assertEqual(counts[1], counts[2], "the same queries for two recipients and for four")
