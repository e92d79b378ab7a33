import calendar
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import cron_call, freeze_now, freeze_test_clock
from .test_zalo import CRON, NOW, ZNS, ZaloCommon


@tagged("post_install", "-at_install")
class TestZaloAdvertisingLimit(ZaloCommon, HttpCase):
    """Decree 91/2020/NĐ-CP on Zalo: at most 3 advertising ZNS to a number in 24 hours, across
    every template, account and campaign; the 4th is cancelled saying why, as the 4th advertising
    e-mail or SMS is."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.advertising = cls.template.copy(
            {"name": "Khuyến mãi", "purpose": "advertising", "zalo_template_id": "tpl-ad", "state": "enabled"}
        )
        cls.other = cls.env["res.partner"].create({"name": "Trần Văn Khác", "mobile": "0903 333 444"})
        # A duplicate contact of the same person: the cap is per number, not per contact.
        cls.duplicate = cls.env["res.partner"].create({"name": "Chị Zalo (trùng)", "mobile": "+84 912 345 678"})
        for partner in cls.customer | cls.other | cls.duplicate:
            cls.env["stp.crm.consent"].create({"partner_id": partner.id, "channel": "zalo", "purpose": "advertising"})

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, NOW)
        self._zalo_sends_at(NOW)

    def _zalo_sends_at(self, moment):
        sent_time = str(calendar.timegm(moment.timetuple()) * 1000)
        self.fake.answer(ZNS, (200, {"error": 0, "data": {"msg_id": "z-ad", "sent_time": sent_time}}))

    def _queue_ad(self, partners):
        return self.advertising.with_user(self.crm_only)._stp_queue_for(partners.with_user(self.crm_only), "id")

    def test_fourth_advertising_zns_of_the_day_is_cancelled_when_queued(self):
        first = self._queue_ad(self.customer)
        cron_call(self.env, CRON)
        self.assertEqual(first.state, "sent")
        self.assertEqual(first.date_sent, NOW)
        # one sent, two still queued (they count too): three for the number
        pending = self._queue_ad(self.customer) | self._queue_ad(self.duplicate)
        self.assertEqual(pending.mapped("state"), ["queued", "queued"])
        fourth = self._queue_ad(self.customer | self.other)
        states = {message.partner_id: (message.state, message.error_message) for message in fourth}
        self.assertEqual(states[self.other], ("queued", False), "another number has its own three")
        state, reason = states[self.customer]
        self.assertEqual(state, "cancel")
        self.assertIn("3 advertising Zalo messages in the last 24 hours", reason)
        # A care message is not advertising: it does not count, and is not held back.
        care = self._queue()
        self.assertEqual(care.state, "queued")
        cron_call(self.env, CRON)
        self.assertEqual((pending | care).mapped("state"), ["sent", "sent", "sent"])
        self.assertEqual(len(self.fake.calls(ZNS)), 5, "3 advertising + 1 to the other number + care")
        # All five went at NOW: 23 hours later the number is still full, 24 hours later it has room.
        with freeze_now(self.env, NOW + timedelta(hours=23)):
            self.assertEqual(self._queue_ad(self.customer).state, "cancel", "still within 24 hours")
        with freeze_now(self.env, NOW + timedelta(hours=24, minutes=1)):
            self.assertEqual(self._queue_ad(self.customer).state, "queued", "24 hours later")

    def test_the_sending_cron_holds_a_number_to_three(self):
        """Messages queued past the check (retried failures, a direct queue): the cron itself
        never sends a 4th advertising ZNS to a number in 24 hours."""
        vals = {
            "account_id": self.account.id,
            "template_id": self.advertising.id,
            "partner_id": self.customer.id,
            "phone": "84912345678",
            "template_data": "{}",
        }
        messages = self.env["stp.crm.zalo.message"]._stp_queue([dict(vals) for _ in range(4)])
        cron_call(self.env, CRON)
        self.assertEqual(sorted(messages.mapped("state")), ["cancel", "sent", "sent", "sent"])
        self.assertEqual(len(self.fake.calls(ZNS)), 3)
        cancelled = messages.filtered(lambda message: message.state == "cancel")
        self.assertIn("Decree 91/2020", cancelled.error_message)
        # A failed one retried the same day stays within the three.
        cancelled._stp_system_write({"state": "error", "error_message": "Zalo refused"})
        cancelled.with_user(self.crm_only).action_retry()
        cron_call(self.env, CRON)
        self.assertEqual(cancelled.state, "cancel")
        self.assertEqual(len(self.fake.calls(ZNS)), 3)
