"""`make bench`: STP CRM at 100,000 customers, each figure next to a native Odoo
operation on the same data, as a ratio (ours / native). Run in an `odoo shell`
session (`env` is given) on a database of its own; the data is built once and kept.

Data (built once, see build()):
  * customers: the values of our populate factories (``stp_crm/populate``: Vietnamese
    companies and people, provinces, classifications, tiers), written with fast SQL
    (execute_values): through the ORM, 100,000 partners take about 40 minutes here;
  * invoices: fast SQL (one INSERT ... SELECT), 3 posted invoices per customer over the
    last 12 months and 10,000 for one customer (its timeline): posting 300,000
    invoices through the ORM takes hours; the tier code only reads the posted moves;
  * installed products, tickets, work plans and contracts: populate size "medium" (ORM).
"""

import os
import time

from psycopg2.extras import execute_values

from odoo import fields, sql_db

from odoo.addons.stp_crm.populate.tools import generate_values, populate

from bench.data import insert_invoices

N = int(os.environ.get("STP_BENCH_PARTNERS", "100000"))
INVOICES_PER_PARTNER = 3
HEAVY_EVENTS = 10_000
TAG = "STP bench"
REPEAT = 5  # page loads and creates: the median of REPEAT runs

env = env  # noqa: F821, PLW0127 - given by odoo shell
rows = []


def timed(func):
    env.invalidate_all()
    queries, started = sql_db.sql_counter, time.perf_counter()
    func()
    env.flush_all()
    return time.perf_counter() - started, sql_db.sql_counter - queries


def median_timed(func):
    runs = sorted(timed(func) for _i in range(REPEAT))
    return runs[len(runs) // 2]


def row(label, ours, native_label, native):
    rows.append((label, ours, native_label, native))
    print(f"  {label}: {ours[0]:.3f} s / {native_label}: {native[0]:.3f} s", flush=True)


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def build():
    partners = env["res.partner"].search([("ref", "=", TAG)])
    if len(partners) < N:
        started = time.perf_counter()
        insert_partners(N - len(partners))
        env.cr.commit()
        print(
            f"built {N - len(partners)} customers (factories + SQL) in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        partners = env["res.partner"].search([("ref", "=", TAG)])
    if not env["account.move"].search_count([("ref", "=", TAG)], limit=1):
        started = time.perf_counter()
        insert_invoices(env, partners, INVOICES_PER_PARTNER, "INV/BENCH", TAG)
        insert_invoices(env, partners[:1], HEAVY_EVENTS, "INV/BENCH/HEAVY", TAG)
        env.cr.commit()
        print(f"built invoices with SQL in {time.perf_counter() - started:.0f} s", flush=True)
    if not env["stp.crm.ticket"].search_count([], limit=1):
        started = time.perf_counter()
        populate(env, ["stp.crm.ticket", "stp.crm.work.plan", "stp.crm.contract"], "medium", {"res.partner": partners})
        env.cr.commit()
        print(
            f"built tickets, plans and contracts with populate (ORM) in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    return partners


def insert_partners(count):
    """The populate factories' values, inserted in bulk with the columns the ORM would set."""
    company_id = str(env.company.id)
    columns = (
        "name, complete_name, is_company, country_id, state_id, street, phone, email, customer_rank, "
        "stp_classification, stp_potential, stp_development_trend, stp_tier_locked, stp_tier, "
        "ref, active, type, lang, autopost_bills, supplier_rank, partner_share, create_date, write_date, create_uid, write_uid"
    )
    rows = [
        (
            values["name"],
            values["name"],
            values["is_company"],
            values["country_id"],
            values["state_id"],
            values["street"],
            values["phone"],
            values["email"],
            values["customer_rank"],
            values["stp_classification"],
            values["stp_potential"],
            values["stp_development_trend"],
            values["stp_tier_locked"],
            f'{{"{company_id}": "{values["stp_tier"]}"}}',
            TAG,
            True,
            "contact",
            "en_US",
            "ask",
            0,
            True,
            fields.Datetime.now(),
            fields.Datetime.now(),
            1,
            1,
        )
        for values in generate_values(env["res.partner"], count)
    ]
    execute_values(env.cr._obj, f"INSERT INTO res_partner ({columns}) VALUES %s", rows, page_size=5000)
    env.cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE ref = %s AND commercial_partner_id IS NULL", [TAG]
    )
    env.invalidate_all()


# ----------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------
def retier_until_done():
    """What ir.cron does: call the job, commit, again while it reports work left."""
    partners = env["res.partner"]
    while True:
        _done, remaining = partners._cron_stp_retier()
        env.cr.commit()
        if not remaining:
            return


def bench_retier(partners):
    native_group = timed(
        lambda: env["account.move"]._read_group(
            [("state", "=", "posted"), ("move_type", "in", ("out_invoice", "out_refund"))],
            ["commercial_partner_id"],
            ["amount_untaxed_signed:sum"],
        )
    )
    env.cr.execute("UPDATE res_partner SET stp_tier = NULL, stp_tier_date = NULL WHERE ref = %s", [TAG])
    env.cr.commit()
    first = timed(retier_until_done)
    row(
        f"re-tier {len(partners)} customers, first run (tiers change)",
        first,
        "read_group invoices by customer",
        native_group,
    )
    env.cr.execute("UPDATE res_partner SET stp_tier_date = NULL")
    env.cr.commit()
    steady = timed(retier_until_done)
    row(
        f"re-tier {len(partners)} customers, steady (nothing changes)",
        steady,
        "read_group invoices by customer",
        native_group,
    )
    moved = bench_retier_tracked(partners)
    row(
        f"re-tier {len(partners)} customers after a thresholds change (tiers change, tracked)",
        moved,
        "read_group invoices by customer",
        native_group,
    )
    sample = partners[:500]
    native_total = timed(lambda: sample.mapped("total_invoiced"))
    native_total = (native_total[0] * len(partners) / len(sample), native_total[1] * len(partners) // len(sample))
    row("re-tier steady, same", steady, f"res.partner.total_invoiced x{len(partners)} (extrapolated)", native_total)

    company = env.company
    thresholds = (company.stp_tier_a_threshold, company.stp_tier_b_threshold)
    save = timed(lambda: company.write({"stp_tier_b_threshold": thresholds[1] + 1}))
    native_save = timed(lambda: company.write({"phone": "+84 28 3822 0000"}))
    row("save tier thresholds (marks customers, triggers the cron)", save, "save company phone", native_save)
    env.cr.rollback()


def bench_retier_tracked(partners):
    """Thresholds raised so that every customer moves to C: each change gets its chatter
    note (the customers were assessed before). Then the thresholds are restored and the
    notes deleted (the next run starts by resetting the tiers)."""
    company = env.company
    thresholds = {name: company[name] for name in ("stp_tier_a_threshold", "stp_tier_b_threshold")}
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_message")
    last_message = env.cr.fetchone()[0]
    company.write({"stp_tier_a_threshold": 10**13, "stp_tier_b_threshold": 10**12})
    env.cr.commit()
    moved = timed(retier_until_done)
    env.cr.execute(
        "DELETE FROM mail_message WHERE id > %s AND model = 'res.partner' AND message_type = 'notification'",
        [last_message],
    )
    company.write(thresholds)
    env.cr.commit()
    return moved


def list_spec(model, keep):
    fields_info = env[model].get_views([(False, "list")])["models"][model]["fields"]
    spec = {}
    for name in fields_info:
        if keep(name):
            field = env[model]._fields[name]
            spec[name] = {"fields": {"display_name": {}}} if field.type == "many2one" else {}
    return spec


def page(model, domain, spec, user):
    return lambda: env[model].with_user(user).web_search_read(domain, spec, limit=80, count_limit=10001)


def bench_pages(partners, user):
    ours = list_spec("res.partner", lambda name: True)
    native = list_spec("res.partner", lambda name: not name.startswith("stp_"))
    customers = [("customer_rank", ">", 0)]
    row(
        "partner list page with our fields (80 rows)",
        median_timed(page("res.partner", customers, ours, user)),
        "native partner list page",
        median_timed(page("res.partner", customers, native, user)),
    )
    heavy = partners[0]
    timeline_spec = {name: {} for name in ("date", "event_type", "name", "amount", "res_model", "res_id")}
    invoice_spec = {name: {} for name in ("name", "invoice_date", "amount_untaxed_signed", "state")}
    row(
        f"timeline of one customer ({HEAVY_EVENTS}+ events, first page)",
        median_timed(page("stp.crm.timeline", [("partner_id", "=", heavy.id)], timeline_spec, user)),
        "native invoice list of that customer",
        median_timed(page("account.move", [("partner_id", "=", heavy.id)], invoice_spec, user)),
    )
    native_list = median_timed(page("res.partner", customers, native, user))
    for model in ("stp.crm.ticket", "stp.crm.work.plan", "stp.crm.contract"):
        count = env[model].search_count([])
        row(
            f"{model} list page ({count} records)",
            median_timed(page(model, [], list_spec(model, lambda name: True), user)),
            "native partner list page",
            native_list,
        )


def bench_creates(partners, user):
    customer = partners[1]
    products = env["product.product"].search([("sale_ok", "=", True)], limit=3)
    lines = [(0, 0, {"product_id": product.id, "quantity": 2, "price_unit": 1_000_000}) for product in products]
    sale_lines = [
        (0, 0, {"product_id": product.id, "product_uom_qty": 2, "price_unit": 1_000_000}) for product in products
    ]
    as_user = env(user=user)
    creates = [
        (
            "create a ticket",
            lambda: as_user["stp.crm.ticket"].create({"name": "Máy báo lỗi", "partner_id": customer.id}),
            "create a CRM lead",
            lambda: as_user["crm.lead"].create({"name": "Máy báo lỗi", "partner_id": customer.id}),
        ),
        (
            "create a work plan",
            lambda: as_user["stp.crm.work.plan"].create({"name": "Thăm khách hàng", "partner_id": customer.id}),
            "create a project task",
            lambda: as_user["project.task"].create({"name": "Thăm khách hàng", "partner_id": customer.id}),
        ),
        (
            "create a contract with 3 lines",
            lambda: as_user["stp.crm.contract"].create(
                {"name": "Hợp đồng", "partner_id": customer.id, "date_end": fields.Date.today(), "line_ids": lines}
            ),
            "create a sales order with 3 lines",
            lambda: as_user["sale.order"].create({"partner_id": customer.id, "order_line": sale_lines}),
        ),
    ]
    for label, ours, native_label, native in creates:
        row(label, median_timed(ours), native_label, median_timed(native))
    env.cr.rollback()


def report():
    print()
    print(
        f"| {'STP CRM operation':<58} | {'s':>8} | {'queries':>8} | {'native Odoo operation':<45} | {'s':>8} | {'ratio':>7} |"
    )
    print(f"|{'-' * 60}|{'-' * 10}|{'-' * 10}|{'-' * 47}|{'-' * 10}|{'-' * 9}|")
    for label, ours, native_label, native in rows:
        ratio = ours[0] / native[0] if native[0] else float("inf")
        print(
            f"| {label:<58} | {ours[0]:8.3f} | {ours[1]:8d} | {native_label:<45} | {native[0]:8.3f} | {ratio:6.1f}x |"
        )


def main():
    partners = build()
    user = env.ref("base.user_admin")  # an internal user: record rules apply
    print(f"customers: {len(partners)}, invoices: {env['account.move'].search_count([('ref', '=', TAG)])}", flush=True)
    bench_retier(partners)
    bench_pages(partners, user)
    bench_creates(partners, user)
    report()


main()
