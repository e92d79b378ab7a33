"""Receivables per customer: reading the aging figures of a page of customers next to
Odoo's own ``credit`` (total receivable) of the same page, as a ratio (ours / native).
Run in an ``odoo shell`` session (``env`` is given); everything is rolled back.

    python3 -m odoo shell -d DB --addons-path=... < bench/bench_receivables.py

Scale: STP_BENCH_CUSTOMERS customers (default 200) with 2 posted invoices each
(ORM), one page of 80 customers read, median of 5 runs.

Measured on the shared 2-core machine (200 customers, 400 invoices, page of 80): ours
26 ms / 6 queries, native ``credit`` 34 ms / 83 queries, ratio 0.77 (0.61 to 0.77 over runs
under load).
"""

import os
import time
from datetime import timedelta

from odoo import Command, fields, sql_db

N = int(os.environ.get("STP_BENCH_CUSTOMERS", "200"))
PAGE = 80
REPEAT = 5
RECEIVABLE_FIELDS = ["stp_receivable_due", "stp_receivable_overdue", "stp_aging_1_30", "stp_aging_over_90"]

env = env  # noqa: F821, PLW0127 - given by odoo shell


def timed(func):
    env.invalidate_all()
    queries, started = sql_db.sql_counter, time.perf_counter()
    func()
    return time.perf_counter() - started, sql_db.sql_counter - queries


def median(func):
    runs = sorted(timed(func) for _run in range(REPEAT))
    return runs[len(runs) // 2]


try:
    today = fields.Date.context_today(env["res.partner"])
    customers = env["res.partner"].create([{"name": f"STP bench {n}", "is_company": True} for n in range(N)])
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=days),
                "invoice_date_due": today - timedelta(days=days),
                "invoice_line_ids": [Command.create({"name": "bench", "quantity": 1, "price_unit": 100.0})],
            }
            for customer in customers
            for days in (10, 95)
        ]
    )
    moves.action_post()
    env.flush_all()
    page = customers[:PAGE]
    ours = median(lambda: page.read(RECEIVABLE_FIELDS))
    native = median(lambda: page.read(["credit"]))
    print(f"customers={N} page={PAGE}")
    print(f"  ours (aging of a page): {ours[0] * 1000:.1f} ms, {ours[1]} queries")
    print(f"  native (credit of a page): {native[0] * 1000:.1f} ms, {native[1]} queries")
    print(f"  ratio ours/native: {ours[0] / native[0]:.2f}")
    assert page[:1].stp_aging_1_30 == 100.0
finally:
    env.cr.rollback()
