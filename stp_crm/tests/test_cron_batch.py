from datetime import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.stp_crm.models.stp_crm_work_plan import StpCrmWorkPlan

from .common import StpCrmUsersMixin, cron_call, freeze_test_clock

OVERDUE_CRON = "stp_crm.ir_cron_stp_work_plan_overdue"
JOB = "_cron_stp_notify_overdue"
NOTIFY = StpCrmWorkPlan._stp_notify_overdue


@tagged("post_install", "-at_install")
class TestCronBatch(TransactionCase, StpCrmUsersMixin):
    """No batch job fails in silence: a record it skips is listed for the administrators
    with its error and a Retry Now button, the CRM managers get one activity per job, and
    a batch of which every record failed is an error, not progress."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.Plan = cls.env["stp.crm.work.plan"]
        cls.Skip = cls.env["stp.crm.job.skip"]
        cls.cron = cls.env.ref(OVERDUE_CRON)

    def setUp(self):
        super().setUp()
        freeze_test_clock(self, "2026-03-10 09:00:00")
        self.Plan.search([]).overdue_notified = True  # only this test's plans are due
        self.Skip.search([("job", "=", JOB)]).unlink()
        self.plans = self.Plan.concat(
            *(
                self.Plan.create(
                    {"name": f"Kế hoạch {index}", "user_id": self.stp_user.id, "date_deadline": "2026-03-09"}
                )
                for index in range(3)
            )
        )

    def _skips(self):
        return self.Skip.search([("job", "=", JOB)])

    def _manager_activities(self):
        return self._skips().activity_ids.filtered(lambda activity: activity.user_id == self.stp_manager)

    def _broken_for(self, bad):
        def broken(plans):
            if plans & bad:
                raise ValueError("dữ liệu hỏng")
            return NOTIFY(plans)

        return patch.object(StpCrmWorkPlan, "_stp_notify_overdue", broken)

    def test_a_job_failing_for_every_record_fails_loudly(self):
        with self._broken_for(self.plans), self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR") as logs:
            # Nothing done: ir.cron ends the run here (no progress) instead of trying every batch.
            self.assertEqual(cron_call(self.env, OVERDUE_CRON, batch_size=2), (0, 1))
        self.assertTrue(
            any("every one of the 2 stp.crm.work.plan records of the batch failed" in line for line in logs.output)
        )
        skips = self._skips()
        self.assertEqual(sorted(skips.mapped("res_id")), sorted(self.plans[:2].ids))
        self.assertEqual(set(skips.mapped("error")), {"dữ liệu hỏng"})
        self.assertEqual(skips.cron_id, self.cron)
        self.assertEqual(skips[0].job_name, self.cron.name)
        self.assertEqual(set(skips.mapped("name")), set(self.plans[:2].mapped("display_name")))
        self.assertEqual(skips.mapped("failure_count"), [1, 1])
        self.assertEqual(set(skips.mapped("date_first")), {datetime(2026, 3, 10, 9, 0)})
        self.assertEqual(len(self._manager_activities()), 1, "one activity for the job, not one per record")
        self.assertIn(self.cron.name, self._manager_activities().summary)

        with self._broken_for(self.plans), self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR"):
            self.assertEqual(cron_call(self.env, OVERDUE_CRON, batch_size=2), (0, 0))
        self.assertEqual(len(self._skips()), 3)
        self.assertEqual(len(self._manager_activities()), 1, "still one activity")
        # Set aside for 12 hours: the next calls do not try them again and again.
        self.assertEqual(cron_call(self.env, OVERDUE_CRON, batch_size=2), (0, 0))
        self.assertFalse(self.plans.filtered("overdue_notified"))

        freeze_test_clock(self, "2026-03-10 21:30:00")
        with self._broken_for(self.plans), self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR"):
            self.assertEqual(cron_call(self.env, OVERDUE_CRON, batch_size=5), (0, 0))
        self.assertEqual(self._skips().mapped("failure_count"), [2, 2, 2], "tried again after 12 hours")
        self.assertEqual(set(self._skips().mapped("date_first")), {datetime(2026, 3, 10, 9, 0)})
        self.assertEqual(set(self._skips().mapped("date_last")), {datetime(2026, 3, 10, 21, 30)})

    def test_one_bad_record_does_not_stop_the_others(self):
        bad = self.plans[1]
        with self._broken_for(bad), self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR") as logs:
            self.assertEqual(cron_call(self.env, OVERDUE_CRON, batch_size=3), (3, 0))
        self.assertFalse([line for line in logs.output if "every one" in line], "progress, not a failed batch")
        self.assertEqual((self.plans - bad).mapped("overdue_notified"), [True, True])
        skip = self._skips()
        self.assertEqual((skip.res_model, skip.res_id, skip.state), ("stp.crm.work.plan", bad.id, "skipped"))
        self.assertEqual(len(self._manager_activities()), 1)
        self.assertFalse(
            skip.activity_ids.filtered(lambda activity: activity.user_id == self.stp_user), "not a manager"
        )

    def test_retry_now_runs_the_job_again_for_the_record(self):
        bad = self.plans[1]
        with self._broken_for(bad), self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR"):
            cron_call(self.env, OVERDUE_CRON)
        skip = self._skips()
        self.assertEqual(cron_call(self.env, OVERDUE_CRON), (0, 0), "set aside")
        # Read by the CRM managers, not by CRM users; written only through the button.
        with self.assertRaises(AccessError):
            skip.with_user(self.stp_user).read(["error"])
        with self.assertRaises(AccessError):
            skip.with_user(self.stp_manager).write({"state": "retry"})
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        skip.with_user(self.stp_manager).action_retry()
        self.assertEqual(skip.state, "retry")
        self.assertGreater(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]), triggers, "job started"
        )
        # The bug fixed, the job handles the record: its skip is over.
        self.assertEqual(cron_call(self.env, OVERDUE_CRON), (1, 0))
        self.assertTrue(bad.overdue_notified)
        self.assertFalse(skip.exists())

    def test_a_skip_whose_record_needs_nothing_any_more_is_over(self):
        bad = self.plans[1]
        with self._broken_for(bad), self.assertLogs("odoo.addons.stp_crm.tools.cron_batch", "ERROR"):
            cron_call(self.env, OVERDUE_CRON)
        skip = self._skips()
        bad.action_mark_done()  # done by hand: nothing overdue to tell any more
        skip.action_retry()
        self.assertEqual(cron_call(self.env, OVERDUE_CRON), (0, 0))
        self.assertFalse(skip.exists())
