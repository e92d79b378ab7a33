"""The partner list page with STP CRM's columns against the same page with Odoo's columns only:
``web_search_read`` of the list view's fields (hidden optional columns included, as the web
client asks for them), 80 rows, as the admin user (record rules apply), interleaved rounds, the
median of each, with the columns' groups apart (interaction figures, company-dependent, plain).
Read-only (rolled back). Run in an ``odoo shell`` on any database with stp_crm:

    STP_BENCH_LIST_ROUNDS=80 python3 -m odoo shell -d DB --no-http < bench/bench_partner_list.py
"""

import os
import statistics
import time

from odoo import sql_db

env = env  # noqa: F821, PLW0127 - given by odoo shell
MODEL = "res.partner"
ROUNDS = int(os.environ.get("STP_BENCH_LIST_ROUNDS", "40"))
INTERACTIONS = ("stp_last_interaction_date", "stp_interaction_count_90d")
COMPANY_DEPENDENT = ("stp_tier", "stp_ltv", "stp_lifetime_revenue", "stp_last_purchase_date")

user = env.ref("base.user_admin")
fields_info = env[MODEL].get_views([(False, "list")])["models"][MODEL]["fields"]


def spec(keep):
    return {
        name: {"fields": {"display_name": {}}} if env[MODEL]._fields[name].type == "many2one" else {}
        for name in fields_info
        if keep(name)
    }


variants = {
    "Odoo's columns": spec(lambda name: not name.startswith("stp_")),
    "ours": spec(lambda name: True),
    "ours without the interaction columns": spec(lambda name: name not in INTERACTIONS),
    "Odoo's + interaction columns": spec(lambda name: not name.startswith("stp_") or name in INTERACTIONS),
    "Odoo's + company-dependent columns": spec(lambda name: not name.startswith("stp_") or name in COMPANY_DEPENDENT),
}
partners = env[MODEL].with_user(user)
times = {label: [] for label in variants}
queries = {}
for _round in range(ROUNDS):
    for label, fields_spec in variants.items():
        env.invalidate_all()
        before, started = sql_db.sql_counter, time.perf_counter()
        partners.web_search_read([], fields_spec, limit=80, count_limit=10001)
        times[label].append(time.perf_counter() - started)
        queries[label] = sql_db.sql_counter - before
native = statistics.median(times["Odoo's columns"])
print(f"partners: {partners.search_count([]):,}; rounds: {ROUNDS}; load average {os.getloadavg()}")
for label in variants:
    median = statistics.median(times[label])
    print(f"{label:40} {median * 1000:7.1f} ms {queries[label]:3d} queries {median / native:5.2f}x")
env.cr.rollback()
