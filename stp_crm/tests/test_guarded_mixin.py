from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import StpCrmUsersMixin, freeze_test_clock


@tagged("post_install", "-at_install")
class TestGuardedMixin(TransactionCase, StpCrmUsersMixin):
    """stp.crm.guarded.mixin: the status through the actions only, fields frozen in some
    states, system fields set only by the model's own code (or the superuser)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create({"name": "Công ty Bảo Vệ", "is_company": True})
        cls.product = cls.env["product.product"].create({"name": "Máy bơm", "list_price": 100.0, "taxes_id": []})

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, "2026-11-20 09:00:00")

    def _plan(self, user, **values):
        plan = self.env["stp.crm.work.plan"].create({"name": "Gọi lại khách", "user_id": user.id, **values})
        return plan.with_user(user)

    def assertRefused(self, text, function, *args):
        with self.assertRaises(UserError) as caught:
            function(*args)
        self.assertIn(text, str(caught.exception))

    # ------------------------------------------------------------------
    # State
    # ------------------------------------------------------------------
    def test_work_plan_state_only_through_the_actions(self):
        plan = self._plan(self.crm_only)
        for state in ("in_progress", "done", "cancelled"):
            self.assertRefused("changes only through its actions", plan.write, {"state": state})
        # a context key of any value sent from outside opens nothing
        self.assertRefused(
            "changes only through its actions", plan.with_context(stp_system_write=True).write, {"state": "done"}
        )
        self.assertEqual((plan.state, plan.date_done), ("todo", False))
        plan.action_start()
        plan.action_mark_done()
        self.assertEqual((plan.state, plan.progress), ("done", 100))
        self.assertTrue(plan.date_done, "the action sets the done date")
        plan.action_reset()
        self.assertEqual((plan.state, plan.date_done), ("todo", False))

    def test_transitions_are_those_declared(self):
        campaign = self.env["stp.crm.campaign"].create({"name": "Tri ân", "occasion": "tet"})
        line = self.env["stp.crm.campaign.line"].create({"campaign_id": campaign.id, "partner_id": self.customer.id})
        line = line.with_user(self.stp_manager)
        self.assertRefused("cannot go from Pending to Responded", line.action_mark_responded)
        self.assertRefused("changes only through the campaign's actions", line.write, {"state": "sent"})
        line.action_exclude()
        self.assertEqual((line.state, line.exclusion_reason), ("excluded", "manual"))
        campaign = campaign.with_user(self.stp_manager)
        self.assertRefused("cannot go from Draft to Done", campaign._stp_set_state, "done")
        self.assertRefused("changes only through its actions", campaign.write, {"state": "running"})

    # ------------------------------------------------------------------
    # Frozen fields
    # ------------------------------------------------------------------
    def test_frozen_in_some_states_same_value_allowed(self):
        campaign = self.env["stp.crm.campaign"].create(
            {"name": "Tri ân", "occasion": "tet", "attribution_days": 30, "gift_quantity": 1}
        )
        campaign._stp_set_state("running")
        campaign = campaign.with_user(self.stp_manager)
        self.assertRefused("cannot change once it is launched", campaign.write, {"occasion": "valentine"})
        self.assertRefused("cannot change once it is launched", campaign.write, {"gift_quantity": 5})
        campaign.write({"occasion": "tet", "gift_quantity": 1.0, "name": "Tri ân Tết"})  # same values: fine
        self.assertEqual((campaign.occasion, campaign.name), ("tet", "Tri ân Tết"))

    def test_recipient_frozen_in_every_state(self):
        campaign = self.env["stp.crm.campaign"].create({"name": "Tri ân", "occasion": "tet"})
        other = self.env["res.partner"].create({"name": "Khách khác"})
        line = self.env["stp.crm.campaign.line"].create({"campaign_id": campaign.id, "partner_id": self.customer.id})
        line = line.with_user(self.stp_manager)
        self.assertRefused("cannot change while it is Pending", line.write, {"partner_id": other.id})
        self.assertRefused("set by the system", line.write, {"exclusion_reason": "control"})
        self.assertEqual((line.partner_id, line.exclusion_reason), (self.customer, False))

    # ------------------------------------------------------------------
    # System fields
    # ------------------------------------------------------------------
    def test_work_plan_system_fields(self):
        plan = self._plan(self.crm_only)
        for values in ({"stp_dunning_open": True}, {"overdue_notified": True}, {"date_done": "2026-11-20 09:00:00"}):
            self.assertRefused("set by the system", plan.write, values)
        plans = self.env["stp.crm.work.plan"].with_user(self.crm_only)
        self.assertRefused("set by the system", plans.create, {"name": "Giả", "stp_dunning_open": True})
        self.assertRefused(
            "set by the system", plans.with_context(default_stp_dunning_open=True).create, {"name": "Giả mặc định"}
        )
        self.assertEqual((plan.stp_dunning_open, plan.overdue_notified, plan.date_done), (False, False, False))
        # the model's own code: the private path, or as superuser (the dunning cron)
        plan._stp_system_write({"stp_dunning_open": True})
        self.assertTrue(plan.stp_dunning_open)
        plan.sudo().write({"stp_dunning_open": False})
        self.assertFalse(plan.stp_dunning_open)
        # a new deadline still resets the reminder the plan itself keeps
        plan._stp_system_write({"overdue_notified": True})
        plan.write({"date_deadline": "2026-12-01 09:00:00"})
        self.assertFalse(plan.overdue_notified)

    def test_contract_previous_contract_only_by_renewal(self):
        contract = self.env["stp.crm.contract"].create(
            {
                "name": "Hợp đồng bảo vệ",
                "partner_id": self.customer.id,
                "user_id": self.crm_only.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 1, "price_unit": 100.0})],
            }
        )
        contracts = self.env["stp.crm.contract"].with_user(self.crm_only)
        self.assertRefused(
            "set by the system",
            contracts.create,
            {"name": "Chiếm chỗ", "partner_id": self.customer.id, "previous_contract_id": contract.id},
        )
        draft = contracts.create({"name": "Nháp", "partner_id": self.customer.id})
        for values in ({"previous_contract_id": contract.id}, {"number": "HD/1999/1"}):
            self.assertRefused("set by the system", draft.write, values)
        self.assertFalse(contract.renewal_ids)
        contract.with_user(self.crm_only).action_confirm()
        self.assertRefused(
            "set by the system", contract.with_user(self.crm_only).write, {"commercial_partner_id": self.crm_only.id}
        )
        action = contract.with_user(self.crm_only).action_renew()
        renewal = contracts.browse(action["res_id"])
        self.assertEqual(renewal.previous_contract_id, contract)
        self.assertRefused("set by the system", renewal.write, {"previous_contract_id": False})

    def test_ticket_figures_recomputed_not_written(self):
        stages = self.env["stp.crm.ticket.stage"]
        closed = stages.search([("is_closed", "=", True)], limit=1)
        ticket = self.env["stp.crm.ticket"].with_user(self.crm_only).create({"name": "Máy kêu to"})
        self.assertTrue(ticket.number.startswith("TK"), "the sequence numbers it")
        for values in (
            {"resolution_hours": 1.0},
            {"sla_success_rate": 100.0},
            {"sla_success": True},
            {"sla_final_state": "on_time"},
            {"closed_count": 1},
            {"date_last_stage_update": "2020-01-01 00:00:00"},
        ):
            self.assertRefused("set by the system", ticket.write, values)
        self.assertEqual(ticket.closed_count, 0)
        # the stage sets the dates, the ORM recomputes the figures: nothing of it is refused
        ticket.write({"stage_id": closed.id})
        self.assertEqual(ticket.date_closed, ticket.date_last_stage_update)
        self.assertEqual(ticket.closed_count, 1)
        self.assertTrue(ticket.sla_final_state)

    def test_partner_figures_are_ours_only(self):
        partner = self.customer.with_user(self.stp_manager)
        self.assertRefused("set by the system", partner.write, {"stp_tier_date": "2026-01-01"})
        partner.write({"name": "Công ty Bảo Vệ Mới"})  # Odoo's own read-only fields are not ours to guard
        self.assertEqual(self.customer.name, "Công ty Bảo Vệ Mới")
