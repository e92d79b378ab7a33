import re
import shutil
import subprocess
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import cron_drain, freeze_test_clock
from .test_contract import StpCrmContractCommon

REPORT = "stp_crm.action_report_stp_crm_customer_profile"


@tagged("post_install", "-at_install")
class TestCustomerProfile(StpCrmContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"stp_classification": "customer", "stp_potential": "high", "user_id": cls.stp_user.id})
        cls.contract = cls._contract(user_id=cls.stp_user.id)
        cls.contract.action_confirm()
        cls.env["stp.crm.installed.product"].create(
            {"partner_id": cls.customer.id, "product_id": cls.compressor.id, "state": "running"}
        )
        cls.env["stp.crm.ticket"].create({"name": "Máy nén khí kêu to", "partner_id": cls.customer.id})
        cls.env["stp.crm.interaction"].create(
            [
                {"partner_id": cls.customer.id, "summary": f"Cuộc gọi số {n}", "channel": "phone", "user_id": False}
                for n in range(12)
            ]
        )
        cls.env["crm.lead"].create(
            {"name": "Mở rộng nhà xưởng", "type": "opportunity", "partner_id": cls.customer.id, "user_id": False}
        )
        invoice = cls.init_invoice("out_invoice", partner=cls.customer, invoice_date=date(2026, 5, 1), amounts=[1234])
        invoice.invoice_date_due = date(2026, 5, 1)
        invoice.action_post()

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, "2026-06-30 08:00:00")

    def _html(self, user):
        reports = self.env["ir.actions.report"].with_user(user)
        html, _format = reports._render_qweb_html(REPORT, self.customer_contact.ids)
        return html.decode()

    def test_html_sections(self):
        html = self._html(self.stp_user)
        for text in (
            self.customer.name,
            "Máy nén khí kêu to",
            self.contract.number,
            "Mở rộng nhà xưởng",
            "Cuộc gọi số 11",
            'name="receivables"',
            "1,234.00",  # 31-60 days past due
        ):
            self.assertIn(text, html)
        self.assertEqual(html.count("Cuộc gọi số"), 10, "the last 10 interactions")
        self.assertIn("Not computed yet", html)  # no lifetime value before the cron ran
        # What the user may not read is left out: no receivables nor lifetime value without accounting rights.
        crm_only_html = self._html(self.crm_only)
        self.assertNotIn('name="receivables"', crm_only_html)
        self.assertNotIn("Lifetime Value", crm_only_html)

    def _pdf_text(self, user):
        pdftotext = shutil.which("pdftotext")
        self.assertTrue(pdftotext, "poppler-utils' pdftotext is needed (apt-get install poppler-utils)")
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.customer.ids)
        )
        self.assertEqual(report_format, "pdf")
        text = subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        return text.decode()

    def test_pdf_text(self):
        text = self._pdf_text(self.stp_user)
        for expected in (self.customer.name, "Receivables", "Open Tickets", "Máy nén khí kêu to", "Mở rộng nhà xưởng"):
            self.assertIn(expected, text)
        self.assertEqual(text.count("\f"), 1, "one page")

    def test_pdf_lifetime_value(self):
        """A year of history (the 1,234.00 invoice of May 2026 without a cost, ten compressors
        at 100.00 costing 70.00 in June 2025), the cron run: the figures of the company."""
        self.company.stp_ltv_retention_rate = 0.5
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2025-06-30",
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.compressor.id, "quantity": 10, "price_unit": 100.0, "tax_ids": []}
                    )
                ],
            }
        ).action_post()
        cron_drain(self.env, "stp_crm.ir_cron_stp_ltv")
        text = self._pdf_text(self.stp_user)
        # A line of the table, as the report formats it (company currency, the user's date format):
        # first and last purchase, 2 invoices, 2 a year (under a year counts as one), revenue
        # 1,000 + 1,234, margin 10 × 30 (the line without a cost has no margin), average order
        # 2,234 / 2, predicted LTV 300 / 2 × 2 × (0.5 + 0.25 + 0.125).
        row = re.search(r"06/30/2025 +05/01/2026 +2 +2\.00 +(.*)", text)
        self.assertTrue(row, text)
        self.assertEqual(
            re.findall(r"[\d,]+\.\d\d", row.group(1)), ["2,234.00", "300.00", "1,117.00", "262.50"], row.group(0)
        )
        self.assertIn("computed on 06/30/2026", text)
        self.assertEqual(text.count("\f"), 1, "one page")

    def test_printable_from_the_partner(self):
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "res.partner")
        action = report.report_action(self.customer)
        self.assertEqual(action["report_name"], "stp_crm.report_customer_profile")
