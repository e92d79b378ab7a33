from datetime import date

from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import StpCrmUsersMixin, cron_call, cron_drain, freeze_now, freeze_test_clock

SNAPSHOT_CRON = "stp_crm.ir_cron_stp_forecast_snapshot"


@tagged("post_install", "-at_install")
class ForecastCommon(TransactionCase, StpCrmUsersMixin):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_stp_users()
        cls.stage_open = cls.env["crm.stage"].create({"name": "Khảo sát", "sequence": 1})
        cls.stage_commit = cls.env["crm.stage"].create(
            {"name": "Đàm phán", "sequence": 2, "stp_forecast_category": "commit"}
        )
        cls.stage_won = cls.env["crm.stage"].create({"name": "Thắng", "sequence": 3, "is_won": True})
        cls.team = cls.env["crm.team"].create({"name": "Đội Miền Bắc", "member_ids": [Command.link(cls.sales_own.id)]})
        cls.Report = cls.env["stp.crm.forecast.report"]

    @classmethod
    def _lead(cls, name, amount, user=None, **values):
        return cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "expected_revenue": amount,
                "user_id": (user or cls.sales_own).id,
                "team_id": cls.team.id,
                "stage_id": cls.stage_open.id,
                **values,
            }
        )

    def _rows(self, user=None, domain=None):
        self.env.invalidate_all()  # report rows are cached per transaction like any record: read afresh
        report = self.Report.with_user(user) if user else self.Report
        rows = report.search_read(domain or [("lead_id", "!=", False)], ["lead_id", "category", "date"])
        return {row["lead_id"][0]: (row["category"], row["date"]) for row in rows}

    def _by_quarter(self, domain, measure="expected_revenue", user=None):
        report = self.Report.with_user(user) if user else self.Report
        groups = report._read_group(domain, ["date:quarter"], [f"{measure}:sum"])
        return {quarter: total for quarter, total in groups}


@tagged("post_install", "-at_install")
class TestForecastReport(ForecastCommon):
    def test_open_opportunities_bucketed_by_expected_closing_across_year_end(self):
        freeze_test_clock(self, "2026-12-15 03:00:00")
        last_day = self._lead("Cuối năm", 100.0, date_deadline="2026-12-31")
        first_day = self._lead("Đầu năm", 40.0, date_deadline="2027-01-01")
        domain = [("lead_id", "in", (last_day | first_day).ids)]
        self.assertEqual(self._by_quarter(domain), {date(2026, 10, 1): 100.0, date(2027, 1, 1): 40.0})
        periods = {row["lead_id"][0]: row["period"] for row in self.Report.search_read(domain, ["lead_id", "period"])}
        self.assertEqual(periods, {last_day.id: "current", first_day.id: "next"})
        # This and next quarter, as the menu opens it
        self.assertEqual(self.Report.search_count(domain + [("period", "in", ("current", "next"))]), 2)

    def test_closed_dates_bucketed_in_the_users_time_zone(self):
        """date_closed is UTC; the forecast buckets it by the reader's time zone:
        31 Dec 23:30 in Hà Nội is still Q4, 1 Jan 00:30 there is Q1."""
        late_evening = self._lead("Thắng 23:30", 100.0)
        after_midnight = self._lead("Thắng 00:30", 40.0)
        with freeze_now(self.env, "2026-12-31 16:30:00"):  # 23:30 in Asia/Ho_Chi_Minh
            late_evening.action_set_won()
        with freeze_now(self.env, "2026-12-31 17:30:00"):  # 00:30 on 1 January there
            after_midnight.action_set_won()
        self.assertEqual(late_evening.stp_forecast_category, "won")
        domain = [("lead_id", "in", (late_evening | after_midnight).ids)]
        self.sales_own.tz = "Asia/Ho_Chi_Minh"
        self.assertEqual(
            self._by_quarter(domain, "won_revenue", self.sales_own), {date(2026, 10, 1): 100.0, date(2027, 1, 1): 40.0}
        )
        self.assertEqual(self._rows(self.sales_own, domain)[after_midnight.id], ("won", date(2027, 1, 1)))
        # A reader in UTC sees both on 31 December
        self.sales_own.tz = "UTC"
        self.assertEqual(self._by_quarter(domain, "won_revenue", self.sales_own), {date(2026, 10, 1): 140.0})

    def test_prorated_revenue_is_the_orm_sum(self):
        leads = (
            self._lead("Một", 1234.56, probability=33.3, date_deadline="2026-05-01")
            + self._lead("Hai", 1000.0, probability=12.5, date_deadline="2026-06-01")
            + self._lead("Ba", 999.99, probability=70.0, date_deadline="2026-08-01", user=self.stp_user)
        )
        expected = sum(lead.expected_revenue * lead.probability / 100 for lead in leads)
        [(total,)] = self.Report._read_group([("lead_id", "in", leads.ids)], [], ["prorated_revenue:sum"])
        self.assertAlmostEqual(total, expected, delta=0.02)  # crm.lead rounds each to cents
        self.assertAlmostEqual(total, sum(leads.mapped("prorated_revenue")), places=2)

    def test_category_follows_stage_override_won_and_lost(self):
        lead = self._lead("Máy phát", 500.0, date_deadline="2026-09-30")
        self.assertEqual(self._rows()[lead.id][0], "pipeline")
        lead.stage_id = self.stage_commit
        self.assertEqual(self._rows()[lead.id][0], "commit")
        lead.stp_forecast_override = "best_case"
        self.assertEqual(self._rows()[lead.id][0], "best_case")
        with freeze_now(self.env, "2026-10-02 08:00:00"):
            lead.action_set_lost()
        # Lost (archived) opportunities stay in the forecast, on the day they were lost, prorated 0
        self.assertEqual(self._rows()[lead.id], ("lost", date(2026, 10, 2)))
        [(prorated,)] = self.Report._read_group([("lead_id", "=", lead.id)], [], ["prorated_revenue:sum"])
        self.assertEqual(prorated, 0)
        with freeze_now(self.env, "2026-11-03 08:00:00"):
            lead.action_unarchive()
            lead.action_set_won()
        self.assertEqual(self._rows()[lead.id], ("won", date(2026, 11, 3)))

    def test_leads_are_not_forecast(self):
        lead = self._lead("Khách tiềm năng", 100.0, type="lead")
        self.assertNotIn(lead.id, self._rows())


@tagged("post_install", "-at_install")
class TestSalesTarget(ForecastCommon):
    def _target(self, user=None, **values):
        return (
            self.env["stp.crm.sales.target"]
            .with_user(user or self.stp_manager)
            .create({"user_id": self.sales_own.id, "date_start": "2026-10-01", "amount": 1000.0, **values})
        )

    def test_target_rules(self):
        target = self._target()
        self.assertEqual(target.currency_id, self.env.company.currency_id)
        self.assertEqual(target.display_name, "Q4/2026 – Vũ Bán Hàng")
        for values in (
            {"date_start": "2026-10-02"},
            {"date_start": "2026-11-01"},
            {"team_id": self.team.id},
            {"user_id": False},
            {"amount": -1.0},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self._target(**{"date_start": "2027-01-01", **values})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self._target()
        # A team target for the same quarter is another target
        self._target(user_id=False, team_id=self.team.id)

    def test_the_quarter_cannot_be_cleared(self):
        target = self._target()
        with self.assertRaisesRegex(ValidationError, "needs its quarter"):
            target.write({"date_start": False})
        self.assertEqual(str(target.date_start), "2026-10-01", "nothing written")
        with self.assertRaisesRegex(ValidationError, "needs its quarter"):
            self._target(date_start=False)

    def test_only_managers_write_targets_users_read_their_own_and_their_teams(self):
        own = self._target()
        team = self._target(user_id=False, team_id=self.team.id)
        other = self._target(user_id=self.stp_user_2.id)
        with self.assertRaises(AccessError):
            self._target(user=self.sales_own, date_start="2027-01-01")
        with self.assertRaises(AccessError):
            own.with_user(self.sales_own).amount = 5.0
        Target = self.env["stp.crm.sales.target"]
        self.assertEqual(Target.with_user(self.sales_own).search([("id", "in", (own | team | other).ids)]), own | team)
        self.assertEqual(Target.with_user(self.crm_only).search([("id", "in", (own | team | other).ids)]), Target)

    def test_attainment_is_commit_and_won_against_target(self):
        freeze_test_clock(self, "2026-11-10 03:00:00")
        self._target(amount=2000.0)
        self._lead("Cam kết", 600.0, stage_id=self.stage_commit.id, date_deadline="2026-12-20")
        self._lead("Kênh", 5000.0, date_deadline="2026-12-20")
        self._lead("Thắng", 900.0).action_set_won()
        self._lead("Quý sau", 700.0, stage_id=self.stage_commit.id, date_deadline="2027-01-20")
        groups = self.Report.with_user(self.sales_own).read_group(
            [("period", "=", "current")],
            ["commit_won_revenue:sum", "target_amount:sum", "attainment:sum"],
            ["user_id"],
            lazy=False,
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["commit_won_revenue"], 1500.0)
        self.assertEqual(groups[0]["target_amount"], 2000.0)
        self.assertAlmostEqual(groups[0]["attainment"], 75.0)
        # No target: no attainment (not a division by zero)
        [(attainment,)] = self.Report._read_group(
            [("period", "=", "next"), ("user_id", "=", self.sales_own.id)], [], ["attainment:sum"]
        )
        self.assertFalse(attainment)


@tagged("post_install", "-at_install")
class TestForecastAccess(ForecastCommon):
    def test_salesperson_with_own_documents_sees_own_and_unassigned_rows(self):
        own = self._lead("Của tôi", 100.0)
        own_lost = self._lead("Của tôi, thua", 50.0)
        own_lost.action_set_lost()
        unassigned = self._lead("Chưa giao", 30.0, user=self.env["res.users"])
        others = self._lead("Của người khác", 70.0, user=self.stp_user_2)
        ids = (own | own_lost | unassigned | others).ids
        seen = self._rows(self.sales_own, [("lead_id", "in", ids)])
        self.assertEqual(set(seen), {own.id, own_lost.id, unassigned.id})
        self.assertEqual(seen[own_lost.id][0], "lost")
        [(total,)] = self.Report.with_user(self.sales_own)._read_group(
            [("lead_id", "in", ids)], [], ["expected_revenue:sum"]
        )
        self.assertEqual(total, 180.0)
        self.assertEqual(self.Report.with_user(self.sales_own).browse(others.id * 2).exists(), self.Report)
        # Without crm.lead's rights: no opportunity row and no error, their own targets only
        self.assertFalse(self.env["crm.lead"].with_user(self.crm_only).has_access("read"))
        self.assertEqual(self.Report.with_user(self.crm_only).search_count([("lead_id", "in", ids)]), 0)
        target = self.env["stp.crm.sales.target"].create(
            {"user_id": self.crm_only.id, "date_start": "2026-10-01", "amount": 10.0}
        )
        rows = self.Report.with_user(self.crm_only).search_read([], ["category", "target_amount"])
        self.assertEqual(rows, [{"id": target.id * 2 + 1, "category": "target", "target_amount": 10.0}])
        self.assertEqual(self.env["stp.crm.forecast.accuracy"].with_user(self.crm_only).search_count([]), 0)

    def test_other_company_rows_are_hidden(self):
        other_company = self.env["res.company"].create({"name": "Công ty Chi Nhánh"})
        self.stp_manager.company_ids += other_company
        lead = self._lead("Chi nhánh", 100.0, company_id=other_company.id, user=self.stp_manager, team_id=False)
        visible = self.Report.with_user(self.stp_manager).with_context(allowed_company_ids=[self.env.company.id])
        self.assertFalse(visible.search_count([("lead_id", "=", lead.id)]))
        both = visible.with_context(allowed_company_ids=[self.env.company.id, other_company.id])
        self.assertEqual(both.search_count([("lead_id", "=", lead.id)]), 1)


@tagged("post_install", "-at_install")
class TestForecastHistory(ForecastCommon):
    def test_weekly_snapshot_is_restartable_and_feeds_as_of(self):
        freeze_test_clock(self, "2026-07-08 02:00:00")  # a Wednesday: the week of Monday 6 July
        first = self._lead("Một", 100.0, stage_id=self.stage_commit.id, date_deadline="2026-09-01")
        second = self._lead("Hai", 200.0, date_deadline="2026-12-01", probability=50.0)
        won = self._lead("Đã thắng", 300.0)
        won.action_set_won()
        Snapshot = self.env["stp.crm.forecast.snapshot"]
        open_count = self.env["crm.lead"].search_count(
            [("type", "=", "opportunity"), ("stp_forecast_category", "in", ("pipeline", "best_case", "commit"))]
        )
        done, remaining = cron_call(self.env, SNAPSHOT_CRON, batch_size=1)
        self.assertEqual((done, remaining), (1, open_count - 1))
        cron_drain(self.env, SNAPSHOT_CRON)
        self.assertEqual(cron_call(self.env, SNAPSHOT_CRON), (0, 0))  # restart: nothing twice
        week = Snapshot.search([("lead_id", "in", (first | second | won).ids)])
        self.assertEqual(week.mapped("date"), [date(2026, 7, 6)] * 2)
        self.assertEqual(
            {(s.lead_id, s.category, s.expected_revenue, s.prorated_revenue) for s in week},
            {(first, "commit", 100.0, first.prorated_revenue), (second, "pipeline", 200.0, 100.0)},
        )
        # The next week the opportunity has moved; as of the first week the forecast has not
        first.stp_forecast_override = "pipeline"
        with freeze_now(self.env, "2026-07-13 01:00:00"):
            cron_drain(self.env, SNAPSHOT_CRON)
        asof = self.env["stp.crm.forecast.asof"].with_user(self.sales_own).create({"date": "2026-07-12"})
        action = asof.action_open()
        self.assertEqual(action["domain"], [("date", "=", date(2026, 7, 6))])
        commit = Snapshot.with_user(self.sales_own)._read_group(
            action["domain"] + [("lead_id", "in", first.ids)], ["category"], ["expected_revenue:sum"]
        )
        self.assertEqual(commit, [("commit", 100.0)])
        later = self.env["stp.crm.forecast.asof"].create({"date": "2026-07-20"}).action_open()
        self.assertEqual(later["domain"], [("date", "=", date(2026, 7, 13))])
        self.assertEqual(
            Snapshot.search([("date", "=", date(2026, 7, 13)), ("lead_id", "=", first.id)]).category, "pipeline"
        )
        with self.assertRaises(UserError):
            self.env["stp.crm.forecast.asof"].create({"date": "2020-01-01"}).action_open()
        # Salespeople read the snapshots of their own opportunities only
        theirs = self._lead("Người khác", 10.0, user=self.stp_user_2, date_deadline="2026-09-01")
        with freeze_now(self.env, "2026-07-20 01:00:00"):
            cron_drain(self.env, SNAPSHOT_CRON)
        self.assertFalse(Snapshot.with_user(self.sales_own).search_count([("lead_id", "=", theirs.id)]))
        self.assertTrue(Snapshot.search_count([("lead_id", "=", theirs.id)]))

    def test_accuracy_of_a_closed_quarter(self):
        """Q3 2026 starts with 1,500 in commit (first snapshot of the quarter, week of 6 July);
        1,000 of it and 300 never committed are won in the quarter: accuracy 1,300 / 1,500."""
        freeze_test_clock(self, "2026-06-29 02:00:00")  # the last snapshot of Q2 does not count
        committed = self._lead("Cam kết thắng", 1000.0, stage_id=self.stage_commit.id, date_deadline="2026-08-01")
        slipped = self._lead("Cam kết trượt", 500.0, stage_id=self.stage_commit.id, date_deadline="2026-09-01")
        surprise = self._lead("Bất ngờ", 300.0, date_deadline="2026-12-01")
        others = self._lead("Người khác", 800.0, user=self.stp_user_2, stage_id=self.stage_commit.id)
        cron_drain(self.env, SNAPSHOT_CRON)
        for monday in ("2026-07-06 01:00:00", "2026-07-13 01:00:00"):
            with freeze_now(self.env, monday):
                cron_drain(self.env, SNAPSHOT_CRON)
        with freeze_now(self.env, "2026-08-14 04:00:00"):
            committed.action_set_won()
            surprise.action_set_won()
        with freeze_now(self.env, "2026-10-01 04:00:00"):
            slipped.action_set_won()  # won in Q4: not Q3's
        freeze_test_clock(self, "2026-10-05 03:00:00")
        ids = (committed | slipped | surprise | others).ids
        Accuracy = self.env["stp.crm.forecast.accuracy"].with_user(self.sales_own)
        domain = [("quarter", "=", "2026-07-01"), ("lead_id", "in", ids)]
        groups = Accuracy._read_group(
            domain, ["quarter:quarter", "user_id"], ["committed_amount:sum", "won_amount:sum", "accuracy:sum"]
        )
        self.assertEqual(len(groups), 1)
        quarter, user, committed_amount, won_amount, accuracy = groups[0]
        self.assertEqual((quarter, user), (date(2026, 7, 1), self.sales_own))
        self.assertEqual((committed_amount, won_amount), (1500.0, 1300.0))
        self.assertAlmostEqual(accuracy, 1300.0 / 1500.0 * 100)
        # The manager sees the other salesperson's commit too, per salesperson
        manager = self.env["stp.crm.forecast.accuracy"]
        per_user = dict(manager._read_group(domain, ["user_id"], ["committed_amount:sum"]))
        self.assertEqual(per_user, {self.sales_own: 1500.0, self.stp_user_2: 800.0})
        self.assertEqual(manager.search_count([("period", "=", "current"), ("lead_id", "in", ids)]), 1)
        # Q2's only snapshot is Q2's first: its commit is Q2's, with nothing won (accuracy 0)
        [(q2_committed, q2_accuracy)] = manager._read_group(
            [("quarter", "=", "2026-04-01"), ("lead_id", "in", ids)], [], ["committed_amount:sum", "accuracy:sum"]
        )
        self.assertEqual((q2_committed, q2_accuracy), (2300.0, 0.0))


@tagged("post_install", "-at_install")
class TestForecastQueries(ForecastCommon):
    def test_read_group_cost_does_not_grow_with_rows(self):
        for index in range(20):
            self._lead(f"Cơ hội {index}", 10.0 * index, date_deadline=fields.Date.to_date("2026-10-01"))
        report = self.Report.with_user(self.sales_own)
        report._read_group([], ["date:quarter", "category"], ["expected_revenue:sum"])
        with self.assertQueryCount(1):
            report.with_user(self.sales_own)._read_group(
                [], ["date:quarter", "category"], ["expected_revenue:sum", "attainment:sum"]
            )


@tagged("post_install", "-at_install")
class TestForecastEmptyNotZero(ForecastCommon):
    """Where there is nothing to show, the reports show nothing rather than 0: a pivot cell
    without a target, a quarter without a snapshot at its start."""

    def test_a_cell_without_target_shows_no_target(self):
        freeze_test_clock(self, "2026-11-10 03:00:00")
        self.env["stp.crm.sales.target"].create(
            {"user_id": self.sales_own.id, "date_start": "2026-10-01", "amount": 2000.0}
        )
        self._lead("Cam kết", 600.0, stage_id=self.stage_commit.id, date_deadline="2026-12-20")
        self._lead("Kênh", 5000.0, date_deadline="2026-12-20")
        self._lead("Quý sau", 700.0, stage_id=self.stage_commit.id, date_deadline="2027-01-20")
        report = self.Report.with_user(self.sales_own)
        domain = [("user_id", "=", self.sales_own.id)]
        measures = ["commit_won_revenue:sum", "target_amount:sum", "attainment:sum"]
        cells = {
            (period, category): figures
            for period, category, *figures in report._read_group(domain, ["period", "category"], measures)
        }
        self.assertEqual(cells[("current", "commit")], [600.0, False, False])
        self.assertEqual(cells[("current", "pipeline")], [False, False, False])  # nothing in commit either
        self.assertEqual(cells[("current", "target")], [0.0, 2000.0, 0.0])  # a target, nothing won yet: 0 %
        self.assertEqual(cells[("next", "commit")], [700.0, False, False])
        totals = {period: figures for period, *figures in report._read_group(domain, ["period"], measures)}
        self.assertEqual(totals["current"][:2], [600.0, 2000.0])
        self.assertAlmostEqual(totals["current"][2], 30.0)
        self.assertEqual(totals["next"], [700.0, False, False])

    def test_a_quarter_without_snapshot_shows_no_commitment(self):
        freeze_test_clock(self, "2026-07-01 02:00:00")
        committed = self._lead("Cam kết", 1000.0, stage_id=self.stage_commit.id, date_deadline="2026-08-01")
        with freeze_now(self.env, "2026-07-06 01:00:00"):  # Q3's first snapshot; Q4 has none
            cron_drain(self.env, SNAPSHOT_CRON)
        late = self._lead("Không cam kết", 400.0, date_deadline="2026-11-01")
        with freeze_now(self.env, "2026-08-14 04:00:00"):
            committed.action_set_won()
        with freeze_now(self.env, "2026-11-02 04:00:00"):
            late.action_set_won()
        freeze_test_clock(self, "2027-01-05 03:00:00")
        Accuracy = self.env["stp.crm.forecast.accuracy"]
        domain = [("lead_id", "in", (committed | late).ids)]
        quarters = {
            quarter: (committed_amount, won_amount, accuracy)
            for quarter, committed_amount, won_amount, accuracy in Accuracy._read_group(
                domain, ["quarter:quarter"], ["committed_amount:sum", "won_amount:sum", "accuracy:sum"]
            )
        }
        self.assertEqual(quarters[date(2026, 7, 1)], (1000.0, 1000.0, 100.0))
        self.assertEqual(quarters[date(2026, 10, 1)], (False, 400.0, False))
        rows = Accuracy.search_read(domain, ["quarter", "has_snapshot", "committed_amount"])
        self.assertEqual(
            sorted((row["quarter"], row["has_snapshot"]) for row in rows),
            [(date(2026, 7, 1), False), (date(2026, 7, 1), True), (date(2026, 10, 1), False)],
        )
