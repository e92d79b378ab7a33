import re
from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin


@tagged("post_install", "-at_install")
class TestConsentPortal(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """A customer's communication preferences in the portal, and consents and privacy requests
    over XML-RPC, as the users with the fewest rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.portal_user.partner_id
        cls.neighbour = cls.env["res.partner"].create({"name": "Hàng Xóm"})
        cls.neighbour_consent = cls.env["stp.crm.consent"].create(
            {"partner_id": cls.neighbour.id, "channel": "email", "purpose": "advertising"}
        )
        cls.Consent = cls.env["stp.crm.consent"]

    def _csrf(self):
        page = self.url_open("/my/communication")
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1), page

    def _post(self, data):
        return self.url_open("/my/communication/update", data=data)

    def test_a_portal_customer_gives_and_withdraws_a_consent(self):
        self.authenticate("portal_user", "portal_user")
        home = self.url_open("/my/home")
        self.assertIn("/my/communication", home.text)
        self.assertIn("/my/communication", self.url_open("/my/account").text)
        token, page = self._csrf()
        self.assertIn("Communication Preferences", page.text)
        self.assertNotIn(f'value="{self.neighbour_consent.id}"', page.text)

        response = self._post({"csrf_token": token, "channel": "sms", "purpose": "advertising", "decision": "give"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your preference is saved", response.text)
        consent = self.Consent.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            (consent.channel, consent.purpose, consent.state, consent.source), ("sms", "advertising", "given", "portal")
        )
        self.assertIn("portal_user", consent.evidence)

        token, _page = self._csrf()
        self._post({"csrf_token": token, "consent_id": consent.id, "decision": "withdraw"})
        self.assertEqual(consent.state, "withdrawn")
        self.assertEqual(len(self.Consent.search([("partner_id", "=", self.customer.id)])), 1)

    def test_a_portal_customer_cannot_change_another_persons_consent(self):
        self.authenticate("portal_user", "portal_user")
        token, _page = self._csrf()
        response = self._post({"csrf_token": token, "consent_id": self.neighbour_consent.id, "decision": "withdraw"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.neighbour_consent.state, "given")

    def test_no_change_without_the_csrf_token(self):
        self.authenticate("portal_user", "portal_user")
        response = self._post({"channel": "email", "purpose": "care", "decision": "give"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Consent.search([("partner_id", "=", self.customer.id)]))

    def test_a_portal_user_reads_no_consents_over_xmlrpc(self):
        call = self._login("portal_user")
        with self.assertRaises(Fault):
            call("stp.crm.consent", "search_read", [], fields=["partner_id"])
        with self.assertRaises(Fault):
            call("stp.crm.consent", "action_withdraw", [self.neighbour_consent.id])
        with self.assertRaises(Fault):
            call("stp.crm.privacy.request", "create", {"partner_id": self.customer.id})
        self.assertEqual(self.neighbour_consent.state, "given")

    def test_a_sales_own_documents_user_records_consents_and_requests_over_xmlrpc(self):
        call = self._login("sales_own")
        consent_id = call(
            "stp.crm.consent", "create", {"partner_id": self.neighbour.id, "channel": "sms", "source": "call"}
        )
        call("stp.crm.consent", "action_withdraw", [consent_id])
        self.assertEqual(self.Consent.browse(consent_id).state, "withdrawn")
        with self.assertRaises(Fault):
            call("stp.crm.consent", "write", [consent_id], {"state": "given"})
        request_id = call(
            "stp.crm.privacy.request", "create", {"partner_id": self.neighbour.id, "request_type": "erasure"}
        )
        # CRM users record requests; CRM managers process them.
        with self.assertRaises(Fault):
            call("stp.crm.privacy.request", "action_start", [request_id])
        with self.assertRaises(Fault):
            call("res.partner", "action_stp_anonymize", [self.neighbour.id])
        manager = self._login("stp_manager")
        manager("stp.crm.privacy.request", "action_start", [request_id])
        manager("res.partner", "action_stp_anonymize", [self.neighbour.id])
        request = self.env["stp.crm.privacy.request"].browse(request_id)
        self.assertEqual(request.state, "done")
        self.assertTrue(request.sudo().privacy_log_id)
        self.assertNotEqual(self.neighbour.name, "Hàng Xóm")

    def test_the_export_over_xmlrpc(self):
        action = self._login("stp_user")("res.partner", "action_stp_export_personal_data", [self.neighbour.id])
        self.assertTrue(action["url"].startswith("/web/content/"))
        request = self.env["stp.crm.privacy.request"].search([("partner_id", "=", self.neighbour.id)])
        self.assertEqual((request.request_type, request.state), ("access", "done"))
