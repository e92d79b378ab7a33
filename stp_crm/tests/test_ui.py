from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin


@tagged("post_install", "-at_install")
class TestUi(HttpCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create({"name": "Công ty Giao Diện", "is_company": True})

    def test_customer_profile_tour(self):
        self.start_tour(
            f"/odoo/action-stp_crm.stp_crm_customer_action/{self.customer.id}",
            "stp_crm_customer_profile_tour",
            login="stp_user",
        )
        self.assertEqual(self.customer.stp_classification, "customer")
        self.assertEqual(self.customer.stp_potential, "high")
