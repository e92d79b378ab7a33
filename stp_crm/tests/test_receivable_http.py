from datetime import timedelta
from xmlrpc.client import Fault

from odoo import fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon

from ..models.res_partner import RECEIVABLE_BUCKETS
from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin

RECEIVABLE_FIELDS = list(RECEIVABLE_BUCKETS)


@tagged("post_install", "-at_install")
class StpCrmReceivableHttpCommon(AccountTestInvoicingHttpCommon, StpCrmUsersMixin):
    """A customer with an overdue invoice, on a live server. The clock is not frozen:
    the invoice is due 40 days before today, whichever day the suite runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Công ty Nợ Quá Hạn", "is_company": True, "user_id": cls.stp_user.id}
        )
        cls.paid = cls.env["res.partner"].create({"name": "Công ty Đã Trả", "is_company": True})
        due = fields.Date.context_today(cls.customer) - timedelta(days=40)
        invoice = cls.init_invoice("out_invoice", partner=cls.customer, invoice_date=due, amounts=[1500], taxes=[])
        invoice.invoice_date_due = due
        invoice.action_post()


@tagged("post_install", "-at_install")
class TestReceivableXmlRpc(StpCrmReceivableHttpCommon, StpCrmXmlRpcMixin):
    def test_read_receivables_over_xmlrpc(self):
        call = self._login("stp_user")
        [record] = call("res.partner", "read", [self.customer.id], fields=RECEIVABLE_FIELDS)
        self.assertEqual(record["stp_receivable_due"], 1500)
        self.assertEqual(record["stp_receivable_overdue"], 1500)
        self.assertEqual(record["stp_aging_31_60"], 1500)
        self.assertEqual(record["stp_aging_1_30"], 0)
        overdue = call("res.partner", "search", [("stp_receivable_overdue", ">", 0)])
        self.assertIn(self.customer.id, overdue)
        self.assertNotIn(self.paid.id, overdue)

    def test_no_receivables_without_accounting_rights(self):
        call = self._login("crm_only")
        with self.assertRaises(Fault):
            call("res.partner", "read", [self.customer.id], fields=["stp_receivable_overdue"])
        with self.assertRaises(Fault):
            call("res.partner", "search", [("stp_receivable_overdue", ">", 0)])
        [record] = call("res.partner", "read", [self.customer.id], fields=["name"])
        self.assertEqual(record["name"], "Công ty Nợ Quá Hạn")


@tagged("post_install", "-at_install")
class TestReceivablePhoneTour(StpCrmReceivableHttpCommon):
    browser_size = "375x667"
    touch_enabled = True

    def test_receivables_tour_on_a_phone(self):
        self.start_tour(
            "/odoo/action-stp_crm.res_partner_receivable_action", "stp_crm_receivable_tour", login="stp_user"
        )
