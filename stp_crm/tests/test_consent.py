from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import freeze_test_clock


@tagged("post_install", "-at_install")
class TestConsent(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.crm_user = new_test_user(cls.env, "stp_consent_user", groups="base.group_user,stp_crm.group_stp_crm_user")
        cls.an, cls.binh = cls.env["res.partner"].create([{"name": "Nguyễn Văn An"}, {"name": "Trần Thị Bình"}])
        cls.Consent = cls.env["stp.crm.consent"].with_user(cls.crm_user)

    def _flush_tracking(self):
        """Tracking values are written at commit time (precommit hooks): run them now."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_a_crm_user_records_and_withdraws_a_consent_with_its_history(self):
        freeze_test_clock(self, "2026-03-10 08:30:00")
        consent = self.Consent.create({"partner_id": self.an.id, "channel": "sms", "source": "call"})
        self.assertEqual((consent.state, consent.purpose), ("given", "advertising"))
        self._flush_tracking()
        freeze_test_clock(self, "2026-04-01 10:00:00")
        consent.action_withdraw()
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(str(consent.date), "2026-04-01 10:00:00")
        self._flush_tracking()
        # sudo: tracking values are for administrators
        tracked = consent.sudo().message_ids.tracking_value_ids.filtered(lambda value: value.field_id.name == "state")
        self.assertEqual(tracked.mapped("new_value_char"), ["Withdrawn"])

    def test_the_state_changes_only_through_the_actions(self):
        consent = self.Consent.create({"partner_id": self.an.id, "channel": "email"})
        with self.assertRaises(UserError):
            consent.write({"state": "withdrawn"})
        with self.assertRaises(UserError):
            self.Consent.create({"partner_id": self.binh.id, "channel": "email", "state": "withdrawn"})
        self.assertEqual(consent.state, "given")

    def test_one_consent_per_person_channel_and_purpose(self):
        self.Consent.create({"partner_id": self.an.id, "channel": "email"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.Consent.create({"partner_id": self.an.id, "channel": "email"})

    def test_consenting_partners_in_one_query(self):
        consents = self.Consent.create(
            [
                {"partner_id": self.an.id, "channel": "email"},
                {"partner_id": self.binh.id, "channel": "email"},
                {"partner_id": self.binh.id, "channel": "sms", "purpose": "care"},
            ]
        )
        consents[1].action_withdraw()
        partners = self.an | self.binh
        with self.assertQueryCount(1):
            found = self.env["stp.crm.consent"]._stp_consenting_partners(partners, "email", "advertising")
        self.assertEqual(found, self.an)
        self.assertEqual(self.env["stp.crm.consent"]._stp_consenting_partners(partners, "sms", "care"), self.binh)

    def test_a_user_without_crm_rights_cannot_read_consents(self):
        employee = new_test_user(self.env, "stp_consent_employee", groups="base.group_user")
        self.Consent.create({"partner_id": self.an.id, "channel": "email"})
        with self.assertRaises(AccessError):
            self.env["stp.crm.consent"].with_user(employee).search([])
