from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin


@tagged("post_install", "-at_install")
class TestOpportunityPhoneTour(HttpCase, StpCrmUsersMixin):
    """A salesperson on the phone: the pipeline's cards, an opportunity's feasibility and forecast."""

    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        customer = cls.env["res.partner"].create({"name": "Công ty Điện Thoại", "is_company": True})
        stage = cls.env["crm.stage"].create({"name": "Mới (tour)", "sequence": 0, "stp_forecast_category": "pipeline"})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Cơ hội của tour",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": cls.sales_own.id,
                "stage_id": stage.id,
            }
        )

    def test_set_feasibility_and_override_at_phone_size(self):
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline", "stp_crm_opportunity_phone_tour", login="sales_own"
        )
        self.assertRecordValues(self.lead, [{"stp_feasibility": "high", "stp_forecast_override": "commit"}])
        self.assertEqual(self.lead.stp_forecast_category, "commit")
