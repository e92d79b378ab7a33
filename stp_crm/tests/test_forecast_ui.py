from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin


@tagged("post_install", "-at_install")
class TestForecastUi(HttpCase, StpCrmUsersMixin):
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
