import shutil
import subprocess
import tempfile
from datetime import date

from odoo.tests import HttpCase, tagged

from .common import freeze_test_clock
from .test_contract import StpCrmContractCommon

CONTRACT = "stp_crm.action_report_stp_crm_contract"
TICKET = "stp_crm.action_report_stp_crm_ticket"
PROFILE = "stp_crm.action_report_stp_crm_customer_profile"


@tagged("post_install", "-at_install")
class TestReportPdfText(StpCrmContractCommon, HttpCase):
    """The PDFs a company sends, as wkhtmltopdf prints them with the report styles served by
    the test server: one font with every Vietnamese letter, and their text, diacritics and
    amounts included, readable by ``pdftotext`` (a customer searches and copies it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["stp_crm"], ["vi_VN"])
        vietnam = cls.env.ref("base.vn")
        cls.company.write(
            {
                "name": "Công ty TNHH Thiết bị Sài Gòn",
                "street": "12 Nguyễn Huệ, Phường Bến Nghé",
                "city": "Quận 1, Thành phố Hồ Chí Minh",
                "country_id": vietnam.id,
                "phone": "028 3822 1234",
                "vat": "0312345678",
                "font": "Roboto",
                "external_report_layout_id": cls.env.ref("web.external_layout_standard").id,
            }
        )
        cls.customer.write({"lang": "vi_VN", "country_id": vietnam.id, "street": "45 Trần Phú, Hải Châu"})
        cls.contract = cls._contract(
            currency_id=cls.vnd.id,
            lines=[(cls.compressor, 2, 385_000_000.0)],
            note="<p>Bảo hành 24 tháng kể từ ngày bàn giao</p>",
        )
        cls.ticket = cls.env["stp.crm.ticket"].create(
            {
                "name": "Máy nén khí kêu to, rung mạnh",
                "partner_id": cls.customer.id,
                "description": "<p>Khách hàng báo máy dừng đột ngột sau 3 giờ chạy</p>",
            }
        )
        invoice = cls.init_invoice(
            "out_invoice", partner=cls.customer, invoice_date=date(2026, 5, 1), amounts=[1_234_567]
        )
        invoice.invoice_date_due = date(2026, 5, 1)
        invoice.action_post()

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, "2026-06-30 08:00:00")

    def _pdf(self, report, records):
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(lang="vi_VN", force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(report_format, "pdf")
        return pdf

    def _poppler(self, tool, pdf, *args):
        binary = shutil.which(tool)
        self.assertTrue(binary, f"poppler-utils' {tool} is needed (apt-get install poppler-utils)")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf_file:
            pdf_file.write(pdf)
            pdf_file.flush()
            return subprocess.run([binary, pdf_file.name, *args], capture_output=True, check=True).stdout.decode()

    def _text(self, pdf):
        """The text of the PDF, as a customer copies it, with single spaces."""
        return " ".join(self._poppler("pdftotext", pdf, "-").split())

    def assertOneFont(self, pdf):
        """Every letter in the company's font: no fallback font for the diacritics."""
        # pdffonts lists one embedded font a line (name first, ``ABCDEF+`` subset prefix), after two header lines
        fonts = {line.split()[0].split("+")[-1] for line in self._poppler("pdffonts", pdf).splitlines()[2:]}
        self.assertTrue(
            fonts and all(font.startswith("Roboto") for font in fonts),
            f"{fonts or 'no text'}: the system's Roboto is needed (apt-get install fonts-roboto-unhinted)",
        )

    def assertCompanyBlock(self, text):
        for expected in ("Công ty TNHH Thiết bị Sài Gòn", "12 Nguyễn Huệ, Phường Bến Nghé", "0312345678"):
            self.assertIn(expected, text)

    def test_contract(self):
        pdf = self._pdf(CONTRACT, self.contract)
        text = self._text(pdf)
        self.assertOneFont(pdf)
        self.assertCompanyBlock(text)
        for expected in (
            "HỢP ĐỒNG MUA BÁN",
            "Bên A (bên bán)",
            self.contract.number,
            "Hợp đồng cung cấp máy nén khí",
            "Công ty Khách Hàng",
            "Máy nén khí",
            "Bảo hành 24 tháng kể từ ngày bàn giao",
            "385.000.000",
            "770.000.000",
            "847.000.000",  # total with 10 % VAT
            "Tám Trăm Bốn Mươi Bảy Triệu",
        ):
            self.assertIn(expected, text)

    def test_ticket(self):
        pdf = self._pdf(TICKET, self.ticket)
        text = self._text(pdf)
        self.assertOneFont(pdf)
        self.assertCompanyBlock(text)
        for expected in (
            "Biên bản dịch vụ",
            self.ticket.number,
            "Máy nén khí kêu to, rung mạnh",
            "Khách hàng báo máy dừng đột ngột sau 3 giờ chạy",
            "Công ty Khách Hàng",
        ):
            self.assertIn(expected, text)

    def test_customer_profile(self):
        pdf = self._pdf(PROFILE, self.customer)
        text = self._text(pdf)
        self.assertOneFont(pdf)
        self.assertCompanyBlock(text)
        for expected in (
            "Công ty Khách Hàng",
            "45 Trần Phú, Hải Châu",
            "Công nợ",
            "Phiếu đang mở",
            "Máy nén khí kêu to, rung mạnh",
            "1.234.567,00",  # the overdue invoice, in the company currency
        ):
            self.assertIn(expected, text)
