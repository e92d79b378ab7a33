from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import StpCrmUsersMixin, StpCrmXmlRpcMixin


@tagged("post_install", "-at_install")
class TestWorkPlanXmlRpc(HttpCase, StpCrmUsersMixin, StpCrmXmlRpcMixin):
    """Work plans and interactions the way an integrator drives them: over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create({"name": "Công ty Tích Hợp Kế Hoạch", "is_company": True})

    def _read_plan(self, call, plan_id):
        [plan] = call(
            "stp.crm.work.plan",
            "read",
            [plan_id],
            fields=["quadrant", "is_urgent", "is_important", "user_id", "date_deadline"],
        )
        return plan

    def test_create_and_move_a_plan_between_quadrants(self):
        call = self._login("stp_user")
        plan_id = call(
            "stp.crm.work.plan",
            "create",
            {
                "name": "Gửi báo giá",
                "partner_id": self.customer.id,
                "is_urgent": True,
                "is_important": True,
                "date_start": "2026-03-01 08:00:00",
                "date_deadline": "2026-03-05 17:00:00",
            },
        )
        plan = self._read_plan(call, plan_id)
        self.assertEqual(plan["quadrant"], "do_first")
        self.assertEqual(plan["user_id"][0], self.stp_user.id)
        call("stp.crm.work.plan", "write", [plan_id], {"quadrant": "delegate"})
        plan = self._read_plan(call, plan_id)
        self.assertEqual((plan["is_urgent"], plan["is_important"]), (True, False))
        call("stp.crm.work.plan", "write", [plan_id], {"is_urgent": False})
        self.assertEqual(self._read_plan(call, plan_id)["quadrant"], "eliminate")
        found = call("stp.crm.work.plan", "search", [("quadrant", "=", "eliminate"), ("id", "=", plan_id)])
        self.assertEqual(found, [plan_id])

    def test_invalid_date_order_is_refused_and_nothing_written(self):
        call = self._login("stp_user")
        with self.assertRaises(Fault) as caught:
            call(
                "stp.crm.work.plan",
                "create",
                {
                    "name": "Kế hoạch sai ngày",
                    "date_start": "2026-03-10 08:00:00",
                    "date_deadline": "2026-03-01 08:00:00",
                },
            )
        self.assertIn("cannot be before the start", caught.exception.faultString)
        self.assertFalse(self.env["stp.crm.work.plan"].search([("name", "=", "Kế hoạch sai ngày")]))
        plan_id = call("stp.crm.work.plan", "create", {"name": "Kế hoạch đúng", "date_start": "2026-03-01 08:00:00"})
        with self.assertRaises(Fault) as caught:
            call("stp.crm.work.plan", "write", [plan_id], {"date_deadline": "2026-02-01 08:00:00", "progress": 50})
        # In the user's format (en_US, time zone UTC), not ISO.
        self.assertIn("the deadline (02/01/2026 08:00:00) cannot be before the start", caught.exception.faultString)
        with self.assertRaises(Fault) as caught:
            call("stp.crm.work.plan", "write", [plan_id], {"progress": 150})
        self.assertIn("between 0 and 100", caught.exception.faultString)
        [plan] = call("stp.crm.work.plan", "read", [plan_id], fields=["date_deadline", "progress"])
        self.assertEqual((plan["date_deadline"], plan["progress"]), (False, 0))

    def test_log_an_interaction_and_read_the_timeline(self):
        call = self._login("stp_user")
        interaction_id = call(
            "stp.crm.interaction",
            "create",
            {
                "partner_id": self.customer.id,
                "channel": "fax",
                "direction": "inbound",
                "summary": "Nhận đơn đặt hàng qua fax",
                "date": "2026-03-02 09:00:00",
            },
        )
        rows = call(
            "stp.crm.timeline",
            "search_read",
            [("partner_id", "=", self.customer.id)],
            fields=["event_type", "res_model", "res_id", "date"],
        )
        self.assertEqual(
            [(row["event_type"], row["res_model"], row["res_id"]) for row in rows],
            [("interaction", "stp.crm.interaction", interaction_id)],
        )
        [partner] = call(
            "res.partner", "read", [self.customer.id], fields=["stp_last_interaction_date", "stp_interaction_count_90d"]
        )
        self.assertEqual(partner["stp_last_interaction_date"], "2026-03-02 09:00:00")
