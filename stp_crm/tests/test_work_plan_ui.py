from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin


@tagged("post_install", "-at_install")
class TestWorkPlanUi(HttpCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()

    def test_eisenhower_board_tour(self):
        self.start_tour("/odoo/action-stp_crm.stp_crm_work_plan_action", "stp_crm_work_plan_tour", login="stp_user")
        plan = self.env["stp.crm.work.plan"].search([("name", "=", "Kế hoạch của tour")])
        self.assertRecordValues(
            plan,
            [
                {
                    "quadrant": "schedule",
                    "is_urgent": False,
                    "is_important": True,
                    "state": "done",
                    "progress": 100,
                    "user_id": self.stp_user.id,
                }
            ],
        )
        self.assertTrue(plan.date_done)
