"""Opportunity smart buttons and history, against sale_crm's own buttons on the same leads.

Run: python3 -m odoo shell -d DB --addons-path=... < bench/bench_opportunity.py
Builds N opportunities (STP_BENCH_LEADS, default 300) with 2 work plans, 2 interactions,
1 contract, 1 ticket and 1 confirmed sales order each, measures as admin (not superuser,
so record rules and the timeline's per-user table apply), then rolls everything back.
"""

import os
import time

from odoo import Command, sql_db

N = int(os.environ.get("STP_BENCH_LEADS", "300"))
env = env  # noqa: F821, PLW0127 - given by odoo shell


def timed(user_env, func, repeat=5):
    runs = []
    for _i in range(repeat):
        user_env.invalidate_all()
        queries, started = sql_db.sql_counter, time.perf_counter()
        func()
        runs.append((time.perf_counter() - started, sql_db.sql_counter - queries))
    return sorted(runs)[repeat // 2]


customer = env["res.partner"].create({"name": "Bench khách hàng", "is_company": True})
product = env["product.product"].create({"name": "Bench dịch vụ", "type": "service", "list_price": 10})
leads = env["crm.lead"].create(
    [{"name": f"Bench cơ hội {i}", "type": "opportunity", "partner_id": customer.id} for i in range(N)]
)
env["stp.crm.work.plan"].create([{"name": "KH", "lead_id": lead.id} for lead in leads for _i in range(2)])
env["stp.crm.interaction"].create(
    [{"summary": "Gọi", "partner_id": customer.id, "lead_id": lead.id} for lead in leads for _i in range(2)]
)
env["stp.crm.contract"].create([{"name": "HĐ", "partner_id": customer.id, "lead_id": lead.id} for lead in leads])
env["stp.crm.ticket"].create([{"name": "Phiếu", "partner_id": customer.id, "lead_id": lead.id} for lead in leads])
orders = env["sale.order"].create(
    [
        {
            "partner_id": customer.id,
            "opportunity_id": lead.id,
            "order_line": [Command.create({"product_id": product.id})],
        }
        for lead in leads
    ]
)
orders.action_confirm()
env.flush_all()

admin = env(user=env.ref("base.user_admin").id, su=False)
user_leads = admin["crm.lead"].browse(leads.ids)
ours = timed(
    admin,
    lambda: user_leads.mapped(
        lambda lead: (
            lead.stp_work_plan_count,
            lead.stp_interaction_count,
            lead.stp_contract_count,
            lead.stp_ticket_count,
        )
    ),
)
native = timed(admin, lambda: user_leads.mapped(lambda lead: (lead.sale_order_count, lead.quotation_count)))
print(f"{N} opportunities, 4 STP counts: {ours[0]:.3f} s, {ours[1]} queries")
print(f"{N} opportunities, sale_crm's 2 counts (native): {native[0]:.3f} s, {native[1]} queries")
print(f"ratio counts: {ours[0] / native[0]:.2f}")

lead = user_leads[N // 2]
history = timed(admin, lambda: admin["stp.crm.timeline"].search_read([("lead_id", "=", lead.id)], ["name"]))
native_orders = timed(admin, lambda: admin["sale.order"].search_read([("opportunity_id", "=", lead.id)], ["name"]))
print(f"history of one opportunity (timeline): {history[0]:.3f} s, {history[1]} queries")
print(f"its sales orders (native search_read): {native_orders[0]:.3f} s, {native_orders[1]} queries")
print(f"ratio history: {history[0] / native_orders[0]:.2f}")
by_customer = timed(
    admin, lambda: admin["stp.crm.timeline"].search_read([("partner_id", "=", customer.id)], ["name"], limit=80)
)
print(f"for scale, the customer's timeline page (80 rows): {by_customer[0]:.3f} s, {by_customer[1]} queries")
env.cr.rollback()
