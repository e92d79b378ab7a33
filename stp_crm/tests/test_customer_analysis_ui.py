from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin


@tagged("post_install", "-at_install")
class TestCustomerAnalysisUi(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """The analysis as an integrator (XML-RPC) and a user (tour) reach it on a live server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        product = cls.env["product.product"].create({"name": "Máy nén khí RPC", "standard_price": 10.0})
        cls.customers = cls.env["res.partner"]
        today = fields.Date.context_today(product)
        for name, state, amount in (
            ("Công ty Hà Nội RPC", "base.state_vn_VN-HN", 100.0),
            ("Công ty Cần Thơ RPC", "base.state_vn_VN-CT", 70.0),
        ):
            customer = cls.env["res.partner"].create(
                {"name": name, "is_company": True, "state_id": cls.env.ref(state).id}
            )
            cls.customers |= customer
            cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": today,
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            ).action_post()

    def test_read_group_over_xmlrpc(self):
        domain = [("commercial_partner_id", "in", self.customers.ids)]
        call = self._login("stp_user")
        groups = call(
            "stp.crm.customer.analysis",
            "read_group",
            domain,
            ["revenue:sum", "margin:sum", "invoice_count"],
            ["region"],
            lazy=False,
        )
        self.assertEqual(
            {(group["region"], group["revenue"], group["margin"], group["invoice_count"]) for group in groups},
            {("north", 100.0, 90.0, 1), ("south", 70.0, 60.0, 1)},
        )
        # Without any right on invoices: no row, no error.
        call = self._login("crm_only")
        self.assertEqual(call("stp.crm.customer.analysis", "read_group", domain, ["revenue:sum"], ["region"]), [])
        self.assertEqual(call("stp.crm.customer.analysis", "search_count", domain), 0)

    def test_analysis_tour(self):
        self.start_tour(
            "/odoo/action-stp_crm.stp_crm_customer_analysis_action", "stp_crm_customer_analysis_tour", login="stp_user"
        )
