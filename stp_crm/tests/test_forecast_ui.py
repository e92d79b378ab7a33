from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin


@tagged("post_install", "-at_install")
class TestForecastUi(HttpCase, StpCrmUsersMixin):
    """An opportunity moved to a commit stage moves in the forecast pivot."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.env["crm.stage"].create({"name": "Khảo sát tour", "sequence": 1})
        cls.commit_stage = cls.env["crm.stage"].create(
            {"name": "Đàm phán tour", "sequence": 2, "stp_forecast_category": "commit"}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Cơ hội của tour dự báo",
                "type": "opportunity",
                "expected_revenue": 12_000_000,
                "user_id": cls.sales_own.id,
                # This quarter, whatever day the suite runs: the forecast opens on this and next quarter
                "date_deadline": fields.Date.today(),
                "stage_id": cls.env["crm.stage"].search([("name", "=", "Khảo sát tour")]).id,
            }
        )

    def test_forecast_tour(self):
        self.start_tour(
            "/odoo/action-stp_crm.stp_crm_forecast_report_action", "stp_crm_forecast_tour", login="sales_own"
        )
        self.assertEqual(self.lead.stage_id, self.commit_stage)
        self.assertEqual(self.lead.stp_forecast_category, "commit")


@tagged("post_install", "-at_install")
class TestForecastUiPhone(TestForecastUi):
    """At phone size the forecast opens on its cards (the action's mobile_view_mode)."""

    browser_size = "375x667"
    touch_enabled = True

    def test_forecast_tour(self):
        self.start_tour(
            "/odoo/action-stp_crm.stp_crm_forecast_report_action", "stp_crm_forecast_phone_tour", login="sales_own"
        )
