from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import freeze_test_clock


@tagged("post_install", "-at_install")
class TestPrivacyRequest(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.stp_privacy_deadline_days = 15
        cls.crm_user = new_test_user(cls.env, "stp_privacy_user", groups="stp_crm.group_stp_crm_user")
        cls.manager = new_test_user(cls.env, "stp_privacy_manager", groups="stp_crm.group_stp_crm_manager")
        cls.person = cls.env["res.partner"].create({"name": "Lê Thị Hoa"})  # no email, no country
        cls.Request = cls.env["stp.crm.privacy.request"]

    def test_the_deadline_follows_the_company_setting(self):
        freeze_test_clock(self, "2026-03-02 09:00:00")
        request = self.Request.with_user(self.crm_user).create(
            {"partner_id": self.person.id, "request_type": "erasure"}
        )
        self.assertEqual(str(request.date_received), "2026-03-02")
        self.assertEqual(str(request.date_deadline), "2026-03-17")
        self.company.stp_privacy_deadline_days = 10
        later = self.Request.create({"partner_id": self.person.id, "date_received": "2026-03-05"})
        self.assertEqual(str(later.date_deadline), "2026-03-15")
        with self.assertRaises(ValidationError):
            self.company.stp_privacy_deadline_days = 0

    def test_each_new_request_gives_the_crm_managers_an_activity(self):
        request = self.Request.with_user(self.crm_user).create({"partner_id": self.person.id})
        self.assertIn(self.manager, request.activity_ids.user_id)
        self.assertFalse(
            request.activity_ids.user_id.filtered(lambda user: not user.has_group("stp_crm.group_stp_crm_manager"))
        )
        self.assertEqual(set(request.activity_ids.mapped("date_deadline")), {request.date_deadline})

    def test_the_flow_through_the_actions_and_overdue(self):
        freeze_test_clock(self, "2026-05-04 08:00:00")
        request = self.Request.with_user(self.crm_user).create(
            {"partner_id": self.person.id, "request_type": "correction"}
        )
        with self.assertRaises(AccessError):
            request.action_start()  # CRM users record requests, managers process them
        with self.assertRaises(UserError):
            request.with_user(self.manager).write({"state": "done"})
        request = request.with_user(self.manager)
        request.action_start()
        self.assertEqual(request.state, "in_progress")
        Overdue = self.Request.with_user(self.manager)
        self.assertNotIn(request, Overdue.search([("is_overdue", "=", True)]))
        freeze_test_clock(self, "2026-05-20 08:00:00")
        request.invalidate_recordset(["is_overdue"])
        self.assertTrue(request.is_overdue)
        self.assertIn(request, Overdue.search([("is_overdue", "=", True)]))
        self.assertNotIn(request, Overdue.search([("is_overdue", "=", False)]))
        request.action_done()
        self.assertEqual((request.state, request.is_overdue), ("done", False))
        self.assertIn(request, Overdue.search([("is_overdue", "=", False)]))
        self.assertIn(request, Overdue.search([("is_overdue", "!=", True)]))
        self.assertFalse(request.activity_ids)
        with self.assertRaises(UserError):
            request.action_start()  # done is done
        with self.assertRaises(UserError):
            request.write({"partner_id": self.env["res.partner"].create({"name": "Người khác"}).id})
        request.write({"note": "Đã gửi bản sửa cho chị Hoa"})  # the note stays open

    def test_requests_of_another_company_are_not_read(self):
        other = self.env["res.company"].create({"name": "Công ty Khác"})
        request = self.Request.create({"partner_id": self.person.id, "company_id": other.id})
        self.assertFalse(self.Request.with_user(self.crm_user).search([("id", "=", request.id)]))

    def test_a_plain_employee_cannot_read_requests(self):
        employee = new_test_user(self.env, "stp_privacy_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.Request.with_user(employee).search([])

    def test_demo_consents_and_request(self):
        lan = self.env.ref("stp_crm.partner_demo_hoa_phat_contact", raise_if_not_found=False)
        if not lan:
            self.skipTest("without demo data")
        consents = self.env["stp.crm.consent"].search([("partner_id", "=", lan.id)])
        self.assertEqual(set(consents.mapped("state")), {"given", "withdrawn"})
        self.assertTrue(all(consents.mapped("evidence")))
        request = self.env.ref("stp_crm.stp_crm_demo_privacy_request_lan_access")
        self.assertEqual((request.request_type, request.state), ("access", "new"))
        self.assertTrue(request.activity_ids)
