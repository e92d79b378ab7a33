"""Care campaigns: generating the recipients of a 50,000-customer segment, next to a native
Odoo operation on the same customers (``res.partner.search_read`` of the same ids), as a ratio.

Run in an ``odoo shell`` session (``env`` is given), e.g.
    python3 -m odoo shell --addons-path=... -d DB --no-http < bench/bench_campaign.py
Everything happens in one transaction that is rolled back at the end: the database is left
as it was. The customers are written with fast SQL (execute_values); the generation runs
exactly the cron job's code, one bounded batch per call (without ir.cron's commit between
calls), until it reports nothing left.

Measured 2026-11-30 13:00 UTC on the shared 2-core machine (load ~0.7), base demo database:
50,000 recipients generated in 10.4 s (10 cron calls of 5,000), against 1.49 s for the native
search_read of the same 50,000 partners: ratio 6.95. Launching (deliveries and mails per
recipient) is not measured here.

2026-12-03, the recipients created by ``stp.crm.campaign.line.create`` (its checks, the private
path for the comparison group) instead of a raw INSERT, same database, the two codes run one
after the other on a machine shared with four other sessions (see docs/scaling.md):

    UTC    load   raw INSERT (before)   ORM create (after)
    09:04   2.4        3.55 s            -
    09:09   2.3        -                16.9 s (first ORM version: precomputed company, check_company)
    09:31   4.9-10    32.2 s, 30.9 s     60.1 s, 44.1 s
    09:47   8-11      19.8 s, 30.1 s     45.3 s, 48.4 s (company in the INSERT, one company query)
    09:58   2.8-3.2   10.7 s, 8.2 s      17.0 s, 21.3 s, 14.1 s

About 1.6 to 2.3 times the raw INSERT at the same load; 9 queries a batch whatever its size
(test_campaign.test_generation_queries_do_not_grow_with_the_recipients).
"""

import os
import time

from psycopg2.extras import execute_values

N = int(os.environ.get("STP_BENCH_RECIPIENTS", "50000"))
TAG = "STP bench campaign"

env = env  # noqa: F821, PLW0127 - given by odoo shell


def insert_customers(count):
    execute_values(
        env.cr._obj,
        """INSERT INTO res_partner (name, complete_name, ref, active, is_company, type, autopost_bills,
                                    create_date, write_date)
           VALUES %s""",
        [(f"Khách hàng {i}", f"Khách hàng {i}", TAG, True, True, "contact", "ask") for i in range(count)],
        template="(%s, %s, %s, %s, %s, %s, %s, now(), now())",
        page_size=5000,
    )
    env.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE ref = %s", [TAG])
    env.invalidate_all()


def main():
    insert_customers(N)
    campaign = env["stp.crm.campaign"].create(
        {"name": "Bench 20/11", "occasion": "teachers_day", "segment_domain": f"[('ref', '=', '{TAG}')]"}
    )
    env.flush_all()
    started = time.perf_counter()
    campaign.write({"generation_pending": True})
    calls = 0
    while True:
        calls += 1
        _done, remaining = env["stp.crm.campaign"]._cron_stp_campaign_generate()
        if not remaining:
            break
    env.flush_all()
    generate = time.perf_counter() - started
    recipients = env["stp.crm.campaign.line"].search_count([("campaign_id", "=", campaign.id)])
    assert recipients == N, recipients

    ids = env["res.partner"].search([("ref", "=", TAG)]).ids
    env.invalidate_all()
    started = time.perf_counter()
    env["res.partner"].search_read([("id", "in", ids)], ["name", "email", "phone", "city"])
    native = time.perf_counter() - started

    print(f"care campaign recipients generated: {recipients} in {generate:.2f} s ({calls} cron calls)")
    print(f"native res.partner search_read of the same {len(ids)} ids: {native:.2f} s")
    print(f"ratio generate / search_read: {generate / native:.2f}")


try:
    main()
finally:
    env.cr.rollback()
