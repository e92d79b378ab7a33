from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, tagged, users

from odoo.addons.stp_crm.models.stp_crm_work_plan import StpCrmWorkPlan

from .common import StpCrmUsersMixin, cron_call

OVERDUE_CRON = "stp_crm.ir_cron_stp_work_plan_overdue"


@tagged("post_install", "-at_install")
class TestWorkPlan(TransactionCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.customer = cls.env["res.partner"].create({"name": "Công ty Kế Hoạch", "is_company": True})
        cls.Plan = cls.env["stp.crm.work.plan"]

    def _plan(self, **values):
        return self.Plan.create({"name": "Gọi lại khách hàng", "partner_id": self.customer.id, **values})

    def test_quadrant_for_the_four_combinations(self):
        expected = {
            (True, True): "do_first",
            (False, True): "schedule",
            (True, False): "delegate",
            (False, False): "eliminate",
        }
        for (urgent, important), quadrant in expected.items():
            with self.subTest(urgent=urgent, important=important):
                plan = self._plan(is_urgent=urgent, is_important=important)
                self.assertEqual(plan.quadrant, quadrant)

    def test_customer_company_from_the_customer_else_the_opportunity(self):
        contact = self.env["res.partner"].create({"name": "Chị Lan", "parent_id": self.customer.id})
        plan = self.Plan.create({"name": "Gọi lại", "partner_id": contact.id})
        self.assertEqual(plan.commercial_partner_id, self.customer)
        other = self.env["res.partner"].create({"name": "Công ty Cơ Hội", "is_company": True})
        lead = self.env["crm.lead"].create({"name": "Cơ hội máy nén", "partner_id": other.id})
        lead_plan = self.Plan.create({"name": "Báo giá", "lead_id": lead.id})
        self.assertEqual(lead_plan.commercial_partner_id, other)
        lead.partner_id = contact
        self.assertEqual(lead_plan.commercial_partner_id, self.customer, "follows the opportunity's customer")

    def test_writing_the_quadrant_sets_the_flags(self):
        plan = self._plan(is_urgent=True, is_important=True)
        plan.quadrant = "delegate"
        self.assertEqual((plan.is_urgent, plan.is_important), (True, False))
        plan.write({"quadrant": "schedule"})
        self.assertEqual((plan.is_urgent, plan.is_important), (False, True))
        created = self.Plan.create({"name": "Tạo trong cột", "quadrant": "do_first"})
        self.assertEqual((created.is_urgent, created.is_important, created.quadrant), (True, True, "do_first"))

    def test_board_shows_all_four_columns(self):
        self.Plan.search([]).unlink()
        self._plan(is_urgent=True, is_important=True)
        groups = self.Plan.web_read_group([], ["quadrant"], ["quadrant"])["groups"]
        self.assertEqual([group["quadrant"] for group in groups], ["do_first", "schedule", "delegate", "eliminate"])

    def test_dates_out_of_order_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "deadline .* cannot be before the start"):
            self._plan(date_start=datetime(2026, 3, 10), date_deadline=datetime(2026, 3, 1))
        with self.assertRaisesRegex(ValidationError, "handover .* cannot be before the start"):
            self._plan(date_start=datetime(2026, 3, 10), date_handover=datetime(2026, 3, 9))
        plan = self._plan(date_start=datetime(2026, 3, 1), date_handover=datetime(2026, 3, 5))
        # assertRaises (unlike assertRaisesRegex) rolls back to a savepoint, as a request would.
        with self.assertRaises(ValidationError) as caught:
            plan.date_deadline = datetime(2026, 3, 4)
        self.assertRegex(str(caught.exception), "deadline .* cannot be before the handover")
        self.env.invalidate_all()
        self.assertFalse(plan.date_deadline, "nothing was written")

    def test_done_date_only_when_done(self):
        plan = self._plan()
        with self.assertRaisesRegex(ValidationError, "done date is only allowed once the plan is done"):
            plan.date_done = datetime(2026, 3, 4)
        plan.action_mark_done()
        self.assertEqual((plan.state, plan.progress), ("done", 100))
        self.assertTrue(plan.date_done)
        plan.action_reset()
        self.assertFalse(plan.date_done, "reopening clears the done date")
        plan._stp_set_state("done")
        self.assertTrue(plan.date_done, "the done date follows the state")

    def test_progress_out_of_range_is_refused(self):
        for progress in (-1, 101):
            with self.subTest(progress=progress), self.assertRaisesRegex(ValidationError, "between 0 and 100"):
                self._plan(progress=progress)
        self.assertEqual(self._plan(progress=100).progress, 100)

    def test_unknown_state_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "'paused' is not a valid value"):
            self._plan(state="paused")

    @freeze_time("2026-03-10 09:00:00")
    def test_overdue_flag_and_filter(self):
        late = self._plan(date_deadline=datetime(2026, 3, 9))
        future = self._plan(date_deadline=datetime(2026, 3, 11))
        late_done = self._plan(date_deadline=datetime(2026, 3, 9))
        late_done.action_mark_done()
        self.assertEqual((late.is_overdue, future.is_overdue, late_done.is_overdue), (True, False, False))
        plans = late | future | late_done
        self.assertEqual(plans.filtered_domain([("is_overdue", "=", True)]), late)
        self.assertEqual(self.Plan.search([("id", "in", plans.ids), ("is_overdue", "=", True)]), late)
        self.assertEqual(self.Plan.search([("id", "in", plans.ids), ("is_overdue", "=", False)]), future | late_done)

    def test_overdue_cron_gives_one_activity_once(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        with freeze_time("2026-03-10 09:00:00"):
            late = self._plan(user_id=self.stp_user.id, date_deadline=datetime(2026, 3, 9))
            unowned = self._plan(user_id=False, date_deadline=datetime(2026, 3, 9))
            on_time = self._plan(user_id=self.stp_user.id, date_deadline=datetime(2026, 3, 12))
            self.Plan._cron_stp_notify_overdue()
            self.assertEqual(len(late.activity_ids), 1)
            self.assertEqual(late.activity_ids.activity_type_id, todo)
            self.assertEqual(late.activity_ids.user_id, self.stp_user)
            self.assertFalse(unowned.activity_ids, "nobody to remind")
            self.assertFalse(on_time.activity_ids)
            self.Plan._cron_stp_notify_overdue()
            self.assertEqual(len(late.activity_ids), 1, "never twice")
            late.activity_ids.action_done()
            self.Plan._cron_stp_notify_overdue()
            self.assertFalse(late.activity_ids, "not again after the reminder was done")
            # Postponing the deadline re-arms the reminder.
            late.date_deadline = datetime(2026, 3, 11)
        with freeze_time("2026-03-13 09:00:00"):
            self.Plan._cron_stp_notify_overdue()
            self.assertEqual(len(late.activity_ids), 1)
            self.assertEqual(len(on_time.activity_ids), 1)

    def test_overdue_reminder_in_the_owners_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.stp_user.lang = "vi_VN"
        with freeze_time("2026-03-10 09:00:00"):
            late = self._plan(user_id=self.stp_user.id, date_deadline=datetime(2026, 3, 9))
            self.Plan.with_context(lang="en_US")._cron_stp_notify_overdue()
        self.assertEqual(late.activity_ids.summary, f"Kế hoạch làm việc quá hạn: {late.name}")

    def test_overdue_cron_one_batch_per_call_and_bad_plan_skipped(self):
        notify = StpCrmWorkPlan._stp_notify_overdue

        def broken_for_bad(plans):
            if bad in plans:
                raise ValueError("bad plan")
            return notify(plans)

        with freeze_time("2026-03-10 09:00:00"):
            self.Plan.search([]).overdue_notified = True  # only this test's plans are due
            plans = self.Plan.concat(
                *(self._plan(user_id=self.stp_user.id, date_deadline=datetime(2026, 3, 9)) for _i in range(5))
            )
            bad = plans[1]
            with (
                patch.object(StpCrmWorkPlan, "_stp_notify_overdue", broken_for_bad),
                self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR") as logs,
            ):
                self.assertEqual(cron_call(self.env, OVERDUE_CRON, batch_size=3), (3, 2))
                self.assertEqual(cron_call(self.env, OVERDUE_CRON, batch_size=3), (2, 0))
                self.assertEqual(cron_call(self.env, OVERDUE_CRON, batch_size=3), (0, 0))
        self.assertIn("skipped: bad plan", logs.output[0])
        self.assertEqual((plans - bad).mapped(lambda plan: len(plan.activity_ids)), [1] * 4)
        self.assertFalse(bad.activity_ids)
        self.assertFalse(bad.overdue_notified, "tried again by a later run")

    def test_form_creates_a_plan(self):
        form = Form(self.Plan.with_user(self.stp_user))
        form.name = "Thăm nhà máy mới"
        form.partner_id = self.customer
        form.is_important = True
        plan = form.save()
        self.assertEqual(plan.quadrant, "schedule")
        self.assertEqual(plan.user_id, self.stp_user, "the creator is responsible by default")


@tagged("post_install", "-at_install")
class TestWorkPlanAccess(TransactionCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        Plan = cls.env["stp.crm.work.plan"]
        cls.own = Plan.create({"name": "Của tôi", "user_id": cls.stp_user.id})
        cls.unassigned = Plan.create({"name": "Chưa giao", "user_id": False})
        cls.others = Plan.create({"name": "Của người khác", "user_id": cls.stp_user_2.id})
        cls.other_company = cls.env["res.company"].create({"name": "Công ty Khác"})
        cls.foreign = Plan.create({"name": "Công ty khác", "user_id": False, "company_id": cls.other_company.id})
        cls.all_plans = cls.own | cls.unassigned | cls.others | cls.foreign

    @users("stp_user")
    def test_user_sees_own_and_unassigned(self):
        visible = self.env["stp.crm.work.plan"].search([("id", "in", self.all_plans.ids)])
        self.assertEqual(visible, self.own | self.unassigned)
        with self.assertRaises(AccessError):
            self.others.with_env(self.env).read(["name"])
        with self.assertRaises(AccessError):
            self.own.with_env(self.env).unlink()
        self.own.with_env(self.env).quadrant = "do_first"

    @users("stp_manager")
    def test_manager_sees_all_of_the_company(self):
        visible = self.env["stp.crm.work.plan"].search([("id", "in", self.all_plans.ids)])
        self.assertEqual(visible, self.own | self.unassigned | self.others)
        self.others.with_env(self.env).unlink()

    @users("plain_employee")
    def test_employee_without_group_has_no_access(self):
        with self.assertRaises(AccessError):
            self.env["stp.crm.work.plan"].search([])
