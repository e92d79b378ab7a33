from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin


@tagged("post_install", "-at_install")
class TestPartnerXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """Drives the public API the way an integrator does: over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()

    def test_create_customer_and_read_tier(self):
        call = self._login("stp_user")
        partner_id = call(
            "res.partner",
            "create",
            {
                "name": "Công ty TNHH Tích Hợp",
                "is_company": True,
                "stp_classification": "customer",
                "stp_potential": "high",
                "stp_prospect_quality": "good",
            },
        )
        [record] = call("res.partner", "read", [partner_id], fields=["stp_classification", "stp_tier", "stp_potential"])
        self.assertEqual(record["stp_classification"], "customer")
        self.assertEqual(record["stp_tier"], "c")
        self.assertEqual(record["stp_potential"], "high")
        found = call("res.partner", "search", [("stp_tier", "=", "c"), ("id", "=", partner_id)])
        self.assertEqual(found, [partner_id])

    def test_invalid_selection_is_refused_and_nothing_written(self):
        call = self._login("stp_user")
        with self.assertRaises(Fault) as caught:
            call("res.partner", "create", {"name": "Công ty Sai Giá Trị", "stp_classification": "vip"})
        self.assertIn("'vip' is not a valid value for Classification", caught.exception.faultString)
        self.assertIn("prospect, customer, supplier, partner, competitor, distributor", caught.exception.faultString)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Công ty Sai Giá Trị")]))

    def test_installed_products_over_rpc(self):
        call = self._login("stp_user")
        partner_id = call("res.partner", "create", {"name": "Nhà máy Sợi", "is_company": True})
        product_id = self.env["product.product"].create({"name": "Máy dệt"}).id
        installed_id = call(
            "stp.crm.installed.product",
            "create",
            {"partner_id": partner_id, "product_id": product_id, "state": "running", "location": "Xưởng 1"},
        )
        [partner] = call("res.partner", "read", [partner_id], fields=["stp_installed_product_ids"])
        self.assertEqual(partner["stp_installed_product_ids"], [installed_id])
        with self.assertRaises(Fault):
            call("stp.crm.installed.product", "write", [installed_id], {"state": "broken"})
        [installed] = call("stp.crm.installed.product", "read", [installed_id], fields=["state"])
        self.assertEqual(installed["state"], "running")
