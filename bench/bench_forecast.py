"""Forecast at 100,000 opportunities: ``stp.crm.forecast.report``'s read_group by
quarter x category next to Odoo's own ``crm.lead`` read_group by stage on the same
data, as a ratio (ours / native; the target is <= 1.2). Run in an ``odoo shell``
session (``env`` is given) on a database of its own, copied from a database with
stp_crm installed::

    createdb -T $DB ${DB}_bench
    python3 -m odoo shell -d ${DB}_bench ... < bench/bench_forecast.py

The opportunities are inserted with one INSERT ... SELECT (kept for later runs):
through the ORM 100,000 leads take many minutes. They spread over 12 quarters, the
demo stages, 3 salespeople and every forecast category (a tenth won, a tenth lost,
i.e. archived), with 40 sales targets. Both reads run as a salesperson who sees all
leads (admin: crm.lead's rules, the company rule, apply), median of REPEAT\nrounds, ours and native interleaved in each round.

Measured (30 Nov 2026, 100,000 opportunities, the shared 2-core machine under load):
quarter x category 0.076-0.092 s against crm.lead by stage 0.098-0.108 s, ratio 0.70-0.94;
attainment by quarter x salesperson 0.23-0.28 s against crm.lead by salesperson
0.10-0.11 s, ratio 2.3-2.5 (36 groups against 3, each salesperson's name sorted).
"""

import os

from odoo import fields

from bench.timing import medians

N = int(os.environ.get("STP_BENCH_LEADS", "100000"))
REPEAT = int(os.environ.get("STP_BENCH_REPEAT", "15"))
TAG = "STP forecast bench"

env = env  # noqa: F821, PLW0127 - given by odoo shell
cr = env.cr


def build():
    if env["crm.lead"].with_context(active_test=False).search_count([("name", "=like", f"{TAG}%")]) >= N:
        return
    stages = env["crm.stage"].search([])
    won = stages.filtered("is_won")[:1] or env["crm.stage"].create({"name": f"{TAG} won", "is_won": True})
    open_stages = (stages - won).ids or env["crm.stage"].create({"name": f"{TAG} open"}).ids
    users = env["res.users"].search([("share", "=", False)], limit=3).ids
    team = env["crm.team"].search([], limit=1).id
    company = env.company.id
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, stage_id, user_id, team_id, company_id, expected_revenue,
                              probability, prorated_revenue, date_deadline, date_closed, stp_forecast_category,
                              priority, create_uid, write_uid, create_date, write_date)
        SELECT %(tag)s || ' ' || g, 'opportunity', g %% 10 != 1,
               CASE WHEN g %% 10 = 0 THEN %(won)s ELSE (%(open)s::int[])[1 + g %% array_length(%(open)s::int[], 1)] END,
               (%(users)s::int[])[1 + g %% array_length(%(users)s::int[], 1)], %(team)s, %(company)s,
               (g %% 997) * 1000, CASE WHEN g %% 10 = 0 THEN 100 ELSE (g %% 9) * 10 END,
               (g %% 997) * 1000 * (CASE WHEN g %% 10 = 0 THEN 100 ELSE (g %% 9) * 10 END) / 100.0,
               CURRENT_DATE - 540 + (g %% 1080),
               CASE WHEN g %% 10 IN (0, 1) THEN (CURRENT_DATE - 540 + (g %% 1080))::timestamp END,
               CASE WHEN g %% 10 = 0 THEN 'won' WHEN g %% 10 = 1 THEN 'lost'
                    ELSE (ARRAY['pipeline', 'best_case', 'commit'])[1 + g %% 3] END,
               '0', 1, 1, now(), now()
          FROM generate_series(1, %(n)s) AS g
        """,
        {
            "tag": TAG,
            "won": won.id,
            "open": open_stages,
            "users": users,
            "team": team,
            "company": company,
            "n": N,
        },
    )
    quarter = fields.Date.today().replace(day=1, month=(fields.Date.today().month - 1) // 3 * 3 + 1)
    targets = []
    for offset in range(-6, 6):
        start = fields.Date.add(quarter, months=3 * offset)
        for user in users:
            targets.append({"user_id": user, "date_start": start, "amount": 5e7})
    existing = env["stp.crm.sales.target"].search([])
    env["stp.crm.sales.target"].create(
        [
            t
            for t in targets
            if not existing.filtered(lambda x, t=t: x.user_id.id == t["user_id"] and x.date_start == t["date_start"])
        ]
    )
    cr.execute("ANALYZE crm_lead")
    cr.commit()


build()
admin = env.ref("base.user_admin")
report = env["stp.crm.forecast.report"].with_user(admin)
leads = env["crm.lead"].with_user(admin)
count = leads.with_context(active_test=False).search_count([])
print(f"{count} opportunities (archived included), {REPEAT} runs each, median:")
ours, native, with_attainment, native_user = medians(
    env,
    lambda: report.read_group(
        [], ["expected_revenue:sum", "prorated_revenue:sum"], ["date:quarter", "category"], lazy=False
    ),
    lambda: leads.read_group([], ["expected_revenue:sum", "prorated_revenue:sum"], ["stage_id"], lazy=False),
    lambda: report.read_group(
        [],
        ["commit_won_revenue:sum", "target_amount:sum", "attainment:sum"],
        ["date:quarter", "user_id"],
        lazy=False,
    ),
    lambda: leads.read_group([], ["expected_revenue:sum"], ["user_id"], lazy=False),
    repeat=REPEAT,
)
print(f"  forecast read_group by quarter x category: {ours:.3f} s")
print(f"  crm.lead read_group by stage (native):     {native:.3f} s")
print(f"  ratio: {ours / native:.2f}")
print(f"  forecast attainment by quarter x salesperson: {with_attainment:.3f} s")
print(f"  crm.lead read_group by salesperson (native):  {native_user:.3f} s")
print(f"  ratio: {with_attainment / native_user:.2f}")
cr.rollback()
