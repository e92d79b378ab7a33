from odoo.tests import tagged

from .test_contract import StpCrmContractCommon

REPORT = "stp_crm.action_report_stp_crm_contract"


@tagged("post_install", "-at_install")
class TestContractReport(StpCrmContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.contract = cls._contract(
            currency_id=cls.vnd.id,
            lines=[(cls.compressor, 2, 750_000.0)],
            note="<p>Bảo hành 24 tháng</p>",
        )

    def _html(self, lang):
        reports = self.env["ir.actions.report"].with_context(lang=lang)
        html, _format = reports._render_qweb_html(REPORT, self.contract.ids)
        return html.decode()

    def test_pdf_renders(self):
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.contract.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_key_text_in_vietnamese(self):
        self.assertEqual(self.contract.amount_total, 1_650_000.0)
        html = self._html("vi_VN")
        self.assertIn(self.contract.number, html)
        self.assertIn(self.contract.name, html)
        self.assertIn(self.customer.name, html)
        self.assertIn("Bảo hành 24 tháng", html)
        self.assertIn(self.company.name, html)
        # num2words in Vietnamese: 1,650,000 = "một triệu sáu trăm năm mươi nghìn"
        self.assertIn("Một Triệu Sáu Trăm Năm Mươi Nghìn", html)

    def test_amount_in_words_follows_language(self):
        self.assertIn("One Million, Six Hundred And Fifty Thousand", self._html("en_US"))

    def test_print_action(self):
        self.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        action = self.env.ref(REPORT).report_action(self.contract)
        self.assertEqual(action["report_name"], "stp_crm.report_stp_crm_contract")
        self.assertEqual(action["context"]["active_ids"], self.contract.ids)
