from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin


@tagged("post_install", "-at_install")
class TestContractUi(HttpCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create({"name": "Công ty Tour", "is_company": True})
        cls.product = cls.env["product.product"].create({"name": "Máy nén tour", "list_price": 300.0, "taxes_id": []})
        cls.env.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")

    def test_contract_tour(self):
        self.start_tour("/odoo/action-stp_crm.stp_crm_contract_action", "stp_crm_contract_tour", login="stp_user")
        contract = self.env["stp.crm.contract"].search([("name", "=", "Hợp đồng bảo trì tour")])
        self.assertEqual(len(contract), 1)
        self.assertEqual(contract.state, "running")
        self.assertEqual(contract.partner_id, self.customer)
        self.assertEqual(contract.user_id, self.stp_user)
        self.assertEqual(str(contract.date_end), "2099-12-31")
        self.assertEqual(contract.amount_total, 1000.0)
        order = contract.sale_order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(
            [(line.product_id, line.product_uom_qty, line.price_unit) for line in order.order_line],
            [(self.product, 4.0, 250.0)],
        )
        self.assertEqual(order.order_line.stp_contract_line_id, contract.line_ids)
        pdf, _format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("stp_crm.action_report_stp_crm_contract", contract.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
