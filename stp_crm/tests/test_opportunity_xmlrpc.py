from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin


@tagged("post_install", "-at_install")
class TestOpportunityXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """Feasibility and forecast of opportunities, the way an integrator drives them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create({"name": "Công ty Tích Hợp Cơ Hội", "is_company": True})
        cls.stage = cls.env["crm.stage"].create({"name": "Đủ điều kiện (rpc)", "stp_forecast_category": "best_case"})

    def _category(self, call, lead_id):
        return call("crm.lead", "read", [lead_id], fields=["stp_forecast_category"])[0]["stp_forecast_category"]

    def test_feasibility_and_forecast(self):
        call = self._login("sales_own")
        lead_id = call(
            "crm.lead",
            "create",
            {
                "name": "Dây chuyền đóng gói",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "stage_id": self.stage.id,
            },
        )
        self.assertEqual(self._category(call, lead_id), "best_case")
        call("crm.lead", "write", [lead_id], {"stp_feasibility": "high", "stp_forecast_override": "commit"})
        self.assertEqual(self._category(call, lead_id), "commit")
        found = call("crm.lead", "search", [("stp_forecast_category", "=", "commit"), ("stp_feasibility", "=", "high")])
        self.assertEqual(found, [lead_id])
        call("crm.lead", "action_set_won", [lead_id])
        self.assertEqual(self._category(call, lead_id), "won")
        with self.assertRaisesRegex(Fault, "Only an open opportunity"):
            call("crm.lead", "write", [lead_id], {"stp_forecast_override": "best_case"})
        self.assertEqual(
            call("crm.lead", "read", [lead_id], fields=["stp_forecast_override"])[0]["stp_forecast_override"], "commit"
        )
