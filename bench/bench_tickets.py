"""Issue 27: 50,000 service tickets and the timeline of a customer with 10,000 events, each
figure next to a native Odoo operation on the same database in the same run.

Run in an ``odoo shell`` session (``env`` is given) on a database of its own; the data is
built once and kept (``STP_BENCH_TICKETS``, default 50,000):

  * customers: ``STP_BENCH_PARTNERS`` companies (default 20,000), plain SQL;
  * tickets: 500 created through the ORM (stored computes, SLA deadlines, followers), some
    moved to every stage and closed, then cloned with SQL up to ``STP_BENCH_TICKETS`` over
    the customers and the last 12 months (their followers cloned too);
  * CRM leads, the native side: the same number of opportunities, built the same way
    (500 through the ORM, cloned with SQL);
  * one customer with 10,000 posted invoices (SQL), 500 work plans and 200 tickets: its
    timeline against its invoice list.

Everything is measured as the web client calls it, as a CRM user who sees their own, their
team's, followed and unrouted tickets (``group_stp_crm_user``), and as a salesman with his own
and unassigned opportunities on the native side (the same user: he sees about 90% of the
tickets and a third of the opportunities); the pivot and the kanban again as managers, who
see every ticket and every opportunity:

  * kanban (the action's default, grouped by stage): ``web_read_group`` of the columns, then
    for each open column ``web_search_read`` of its first 40 cards with the kanban's fields
    (``count_limit`` 10,001, as the client sends it);
  * list: ``web_search_read`` of the first 80 rows with the list's fields, ``count_limit``;
  * pivot (the analysis action: months by ticket type): the four ``read_group`` of a pivot;
  * timeline: first page of 80 rows with its count, against the invoice list of that customer.
"""

import os
import statistics
import time

from lxml import etree

from odoo import Command, fields, sql_db

from bench.data import insert_invoices

N_TICKETS = int(os.environ.get("STP_BENCH_TICKETS", "50000"))
N_PARTNERS = int(os.environ.get("STP_BENCH_PARTNERS", "100000"))
INVOICES_PER_PARTNER = 3
SEED = 500  # records created through the ORM, then cloned
HEAVY_EVENTS = 10_000
TAG = "STP ticket bench"
REPEAT = int(os.environ.get("STP_BENCH_REPEAT", "7"))
ONLY = os.environ.get("STP_BENCH_ONLY", "")  # measure only the rows whose label contains it
KANBAN_LIMIT = 40  # cards per column the kanban loads
LIST_LIMIT = 80
COUNT_LIMIT = 10_001  # what the web client sends (its count limit 10,000, plus one)

env = env  # noqa: F821, PLW0127 - given by odoo shell
rows = []


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def bench_user(login, name, *groups):
    """The bench's user ``login`` (created once) with the groups of those xmlids."""
    users = env["res.users"].with_context(no_reset_password=True)
    return users.search([("login", "=", login)]) or users.create(
        {"name": name, "login": login, "groups_id": [Command.link(env.ref(group).id) for group in groups]}
    )


def bench_users():
    agent_groups = ("stp_crm.group_stp_crm_user", "sales_team.group_sale_salesman")
    agent = bench_user("stp_bench_agent", "Nhân viên hỗ trợ (bench)", *agent_groups)
    bench_user("stp_bench_manager", "Quản lý (bench)", "stp_crm.group_stp_crm_manager", "sales_team.group_sale_manager")
    others = env["res.users"].concat(
        *(bench_user(f"stp_bench_other_{i}", f"Nhân viên {i} (bench)", *agent_groups) for i in range(4))
    )
    return agent, others


def build():
    agent, others = bench_users()
    partners = env["res.partner"].search([("ref", "=", TAG)], order="id")
    if len(partners) < N_PARTNERS:
        started = time.perf_counter()
        env.cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, is_company, active, type, lang, customer_rank,
                                     supplier_rank, partner_share, autopost_bills, ref, company_id,
                                     create_date, write_date, create_uid, write_uid)
            SELECT 'Công ty TNHH Bench ' || n, 'Công ty TNHH Bench ' || n, TRUE, TRUE, 'contact', 'en_US', 1,
                   0, TRUE, 'ask', %s, NULL, now(), now(), 1, 1
              FROM generate_series(1, %s) AS n
            """,
            [TAG, N_PARTNERS - len(partners)],
        )
        env.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE ref = %s", [TAG])
        env.invalidate_all()
        partners = env["res.partner"].search([("ref", "=", TAG)], order="id")
        env.cr.commit()
        print(f"built {len(partners)} customers in {time.perf_counter() - started:.0f} s", flush=True)
    heavy = partners[0]
    teams = env["stp.crm.ticket.team"].search([])
    if not teams:  # a database without demo data (make bench)
        teams = env["stp.crm.ticket.team"].create([{"name": f"Đội hỗ trợ {i}"} for i in range(3)])
    if agent not in teams[:1].member_ids:
        teams[:1].member_ids = [Command.link(agent.id)]
    staff = [agent, *others]
    if env["stp.crm.ticket"].search_count([("name", "like", TAG)]) < N_TICKETS:
        started = time.perf_counter()
        build_tickets(partners, teams, staff)
        env.cr.commit()
        print(f"built {N_TICKETS} tickets in {time.perf_counter() - started:.0f} s", flush=True)
    if env["crm.lead"].search_count([("name", "like", TAG)]) < N_TICKETS:
        started = time.perf_counter()
        build_leads(partners, staff)
        env.cr.commit()
        print(f"built {N_TICKETS} opportunities in {time.perf_counter() - started:.0f} s", flush=True)
    if not env["account.move"].search_count([("ref", "=", TAG)], limit=1):
        started = time.perf_counter()
        insert_invoices(env, heavy, HEAVY_EVENTS, "INV/TBENCH", TAG)
        build_heavy_customer(heavy, staff, teams)
        env.cr.commit()
        print(f"built the heavy customer's events in {time.perf_counter() - started:.0f} s", flush=True)
    if not env["account.move"].search_count([("name", "=like", "INV/TBENCH3/%")], limit=1):
        started = time.perf_counter()
        insert_invoices(env, partners[1:], INVOICES_PER_PARTNER, "INV/TBENCH3", TAG)
        env.cr.commit()
        print(f"built {INVOICES_PER_PARTNER} invoices a customer in {time.perf_counter() - started:.0f} s", flush=True)
    env.cr.execute("ANALYZE")
    env.cr.commit()
    return agent, heavy


def clone(table, seed_ids, total, overrides, **params):
    """Clone the rows ``seed_ids`` of ``table`` until ``total`` rows: every column copied but
    ``overrides`` ({column: SQL over ``s`` (the seed row) and ``n`` (1..total)})."""
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'",
        [table],
    )
    columns = [column for (column,) in env.cr.fetchall()]
    select = ", ".join(overrides.get(column, f"s.{column}") for column in columns)
    env.cr.execute(
        f"""
        INSERT INTO {table} ({", ".join(columns)})
        SELECT {select}
          FROM generate_series(1, %(clones)s) AS n
          JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, * FROM {table} WHERE id = ANY(%(seed)s)) AS s
            ON s.k = n %% %(seeds)s
         RETURNING id
        """,
        {"clones": total - len(seed_ids), "seed": seed_ids, "seeds": len(seed_ids), **params},
    )
    return [row[0] for row in env.cr.fetchall()]


def build_tickets(partners, teams, staff):
    tickets = env["stp.crm.ticket"].with_context(mail_create_nolog=True, tracking_disable=True)
    seeds = tickets.create(
        [
            {
                "name": f"{TAG} {i}",
                "partner_id": partners[1 + i % (len(partners) - 1)].id,
                "ticket_type": ("warranty", "support", "complaint", "support")[i % 4],
                "priority": ("0", "1", "1", "2", "3")[i % 5],
                "team_id": teams[i % len(teams)].id if i % 7 else False,
                "user_id": staff[i % len(staff)].id if i % 6 else False,
            }
            for i in range(SEED)
        ]
    )
    stages = env["stp.crm.ticket.stage"].search([])
    # Most tickets of a year are closed; the open ones spread over the other stages.
    closed = stages.filtered("is_closed")
    open_stages = stages - closed
    for i, ticket in enumerate(seeds):
        stage = closed[i % len(closed)] if i % 10 < 6 else open_stages[i % len(open_stages)]
        if stage != ticket.stage_id:
            ticket.stage_id = stage
    env.flush_all()
    partner_ids = partners.ids
    new_ids = clone(
        "stp_crm_ticket",
        seeds.ids,
        N_TICKETS,
        {
            "number": "s.number || '-' || n",
            "partner_id": f"(%(partners)s::int[])[1 + (n * 7919) %% {len(partner_ids)}]",
            "commercial_partner_id": f"(%(partners)s::int[])[1 + (n * 7919) %% {len(partner_ids)}]",
            "create_date": "s.create_date - ((n %% 365) || ' days')::interval",
            "date_closed": "s.date_closed - ((n %% 365) || ' days')::interval",
            "date_deadline": "s.date_deadline - ((n %% 365) || ' days')::interval",
            "date_sla_risk": "s.date_sla_risk - ((n %% 365) || ' days')::interval",
            "date_last_stage_update": "s.date_last_stage_update - ((n %% 365) || ' days')::interval",
            "access_token": "NULL",
        },
        partners=partner_ids,
    )
    clone_followers("stp.crm.ticket", "stp_crm_ticket", new_ids)


def build_leads(partners, staff):
    leads = env["crm.lead"].with_context(mail_create_nolog=True, tracking_disable=True)
    crm_teams = env["crm.team"].search([])
    seeds = leads.create(
        [
            {
                "name": f"{TAG} {i}",
                "type": "opportunity",
                "partner_id": partners[1 + i % (len(partners) - 1)].id,
                "expected_revenue": (5, 40, 90, 250)[i % 4] * 1_000_000,
                "priority": ("0", "1", "1", "2", "3")[i % 5],
                "team_id": crm_teams[i % len(crm_teams)].id,
                "user_id": staff[i % len(staff)].id if i % 6 else False,
            }
            for i in range(SEED)
        ]
    )
    stages = env["crm.stage"].search([])
    for i, lead in enumerate(seeds):
        stage = stages[i % len(stages)]
        if stage != lead.stage_id:
            lead.stage_id = stage
    env.flush_all()
    partner_ids = partners.ids
    new_ids = clone(
        "crm_lead",
        seeds.ids,
        N_TICKETS,
        {
            "partner_id": f"(%(partners)s::int[])[1 + (n * 7919) %% {len(partner_ids)}]",
            "commercial_partner_id": f"(%(partners)s::int[])[1 + (n * 7919) %% {len(partner_ids)}]",
            "create_date": "s.create_date - ((n %% 365) || ' days')::interval",
            "date_open": "s.date_open - ((n %% 365) || ' days')::interval",
            "date_last_stage_update": "s.date_last_stage_update - ((n %% 365) || ' days')::interval",
        },
        partners=partner_ids,
    )
    clone_followers("crm.lead", "crm_lead", new_ids)


def clone_followers(model, table, ids):
    """The responsible of each cloned record follows it, as on a record created through the ORM."""
    env.cr.execute(
        f"""
        INSERT INTO mail_followers (res_model, res_id, partner_id)
        SELECT %s, r.id, u.partner_id
          FROM {table} r JOIN res_users u ON u.id = r.user_id
         WHERE r.id = ANY(%s)
        ON CONFLICT DO NOTHING
        """,
        [model, ids],
    )


def build_heavy_customer(heavy, staff, teams):
    """The heavy customer's 500 work plans and 200 tickets (its invoices: insert_invoices)."""
    plans = env["stp.crm.work.plan"].with_context(mail_create_nolog=True, tracking_disable=True)
    plans.create(
        [
            {
                "name": f"Thăm khách hàng {i}",
                "partner_id": heavy.id,
                "user_id": staff[i % len(staff)].id,
                "date_deadline": fields.Datetime.now(),
            }
            for i in range(500)
        ]
    )
    env["stp.crm.ticket"].with_context(mail_create_nolog=True, tracking_disable=True).create(
        [{"name": f"Máy báo lỗi {i}", "partner_id": heavy.id, "team_id": teams[:1].id} for i in range(200)]
    )


# ----------------------------------------------------------------------
# What the web client calls
# ----------------------------------------------------------------------
def view_spec(model, view_type):
    """The specification the web client sends for a view: its fields, many2one with their
    display name, the kanban activity widget with its dependencies."""
    fields_info = env[model].get_views([(False, view_type)])["models"][model]["fields"]
    spec = {}
    for name in fields_info:
        field = env[model]._fields[name]
        if field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field.type in ("one2many", "many2many"):
            spec[name] = {}
        else:
            spec[name] = {}
    if "activity_ids" in spec:
        for name in ("activity_exception_decoration", "activity_exception_icon", "activity_state"):
            spec[name] = {}
        spec["activity_summary"] = {}
        spec["activity_type_icon"] = {}
        spec["activity_type_id"] = {"fields": {"display_name": {}}}
    return spec


def kanban_load(model, domain, user):
    """The kanban as it opens, grouped by stage: the columns (and their progress bars), then
    each open column's cards."""
    records = env[model].with_user(user)
    spec = view_spec(model, "kanban")
    aggregates = [
        f"{name}:{records._fields[name].aggregator}"
        for name in spec
        if name in records._fields
        and records._fields[name].aggregator
        and records._fields[name].store
        and name != "stage_id"
    ]

    arch = etree.fromstring(records.get_views([(False, "kanban")])["views"]["kanban"]["arch"])
    progressbar = arch.find(".//progressbar")

    def load():
        groups = records.web_read_group(domain, aggregates, ["stage_id"], lazy=True)["groups"]
        if progressbar is not None:  # the pipeline's activity bars (our kanban has none)
            records.read_progress_bar(domain, "stage_id", {"field": progressbar.get("field"), "colors": {}})
        for group in groups:
            if group.get("__fold") or not group["stage_id_count"]:
                continue
            records.web_search_read(group["__domain"], spec, limit=KANBAN_LIMIT, count_limit=COUNT_LIMIT)

    return load


def list_load(model, domain, user):
    records = env[model].with_user(user)
    spec = view_spec(model, "list")
    return lambda: records.web_search_read(domain, spec, limit=LIST_LIMIT, count_limit=COUNT_LIMIT)


def pivot_load(model, domain, measures, rows_groupby, cols_groupby, user):
    """The four read_group of a pivot: total, rows, columns, rows x columns."""
    records = env[model].with_user(user)

    def load():
        for groupby in ([], [rows_groupby], [cols_groupby], [rows_groupby, cols_groupby]):
            records.read_group(domain, measures, groupby, lazy=False)

    return load


def medians(*funcs):
    """Median time (and queries) of each function over REPEAT rounds, interleaved in each
    round so that both sides see the same load; a warm-up round first."""
    for func in funcs:
        func()
    runs = [[] for _func in funcs]
    for _round in range(REPEAT):
        for func, times in zip(funcs, runs, strict=True):
            env.invalidate_all()
            queries, started = sql_db.sql_counter, time.perf_counter()
            func()
            times.append((time.perf_counter() - started, sql_db.sql_counter - queries))
    return [(statistics.median(t for t, _q in times), times[0][1]) for times in runs]


def row(label, ours, native_label, native):
    rows.append((label, ours, native_label, native))
    print(f"  {label}: {ours[0] * 1000:.1f} ms / {native_label}: {native[0] * 1000:.1f} ms", flush=True)


def bench(agent, heavy):
    tickets, leads = env["stp.crm.ticket"], env["crm.lead"]
    n_tickets = tickets.search_count([])
    n_leads = leads.search_count([("type", "=", "opportunity")])
    print(
        f"tickets: {n_tickets} (the agent sees {tickets.with_user(agent).search_count([])}), "
        f"opportunities: {n_leads} (the salesman sees {leads.with_user(agent).search_count([])})",
        flush=True,
    )
    lead_domain = [("type", "=", "opportunity")]
    pairs = [
        (
            f"ticket kanban by stage ({n_tickets} tickets)",
            kanban_load("stp.crm.ticket", [], agent),
            f"crm.lead pipeline kanban by stage ({n_leads})",
            kanban_load("crm.lead", lead_domain, agent),
        ),
        (
            "ticket list, first page",
            list_load("stp.crm.ticket", [], agent),
            "crm.lead list, first page",
            list_load("crm.lead", lead_domain, agent),
        ),
        (
            "ticket analysis pivot (month x type, 4 read_group)",
            pivot_load(
                "stp.crm.ticket",
                [],
                ["__count", "closed_count:sum", "resolution_hours:avg", "sla_success_rate:avg"],
                "create_date:month",
                "ticket_type",
                agent,
            ),
            "crm.lead pivot (month x stage, 4 read_group)",
            pivot_load(
                "crm.lead",
                lead_domain,
                ["__count", "expected_revenue:sum", "prorated_revenue:sum", "probability:avg"],
                "create_date:month",
                "stage_id",
                agent,
            ),
        ),
    ]
    # A manager sees every ticket and every opportunity: both sides aggregate 50,000 rows.
    manager = env["res.users"].search([("login", "=", "stp_bench_manager")])
    pairs.append(
        (
            "ticket analysis pivot, manager (all tickets)",
            pivot_load(
                "stp.crm.ticket",
                [],
                ["__count", "closed_count:sum", "resolution_hours:avg", "sla_success_rate:avg"],
                "create_date:month",
                "ticket_type",
                manager,
            ),
            "crm.lead pivot, sales manager (all opportunities)",
            pivot_load(
                "crm.lead",
                lead_domain,
                ["__count", "expected_revenue:sum", "prorated_revenue:sum", "probability:avg"],
                "create_date:month",
                "stage_id",
                manager,
            ),
        )
    )
    pairs.append(
        (
            "ticket kanban by stage, manager (all tickets)",
            kanban_load("stp.crm.ticket", [], manager),
            "crm.lead pipeline kanban, sales manager",
            kanban_load("crm.lead", lead_domain, manager),
        )
    )
    admin = env.ref("base.user_admin")
    timeline_spec = {
        name: {} for name in ("date", "event_type", "name", "amount", "res_model", "res_id", "currency_id")
    }
    invoice_spec = {
        name: {} for name in ("name", "invoice_date", "amount_untaxed_signed", "amount_total_signed", "state")
    }
    pairs.append(
        (
            f"timeline of one customer ({HEAVY_EVENTS}+ events, first page)",
            lambda: env["stp.crm.timeline"]
            .with_user(admin)
            .web_search_read([("partner_id", "=", heavy.id)], timeline_spec, limit=LIST_LIMIT, count_limit=COUNT_LIMIT),
            "invoice list of that customer",
            lambda: env["account.move"]
            .with_user(admin)
            .web_search_read(
                [("partner_id", "=", heavy.id), ("move_type", "in", ("out_invoice", "out_refund"))],
                invoice_spec,
                limit=LIST_LIMIT,
                count_limit=COUNT_LIMIT,
            ),
        )
    )
    for label, ours, native_label, native in pairs:
        if ONLY not in label:
            continue
        ours_t, native_t = medians(ours, native)
        row(label, ours_t, native_label, native_t)


def report():
    print(f"\nload average: {os.getloadavg()}")
    print(
        f"| {'STP CRM operation':<56} | {'ms':>7} | {'queries':>7} | {'native Odoo operation':<48} | {'ms':>7} | {'ratio':>6} |"
    )
    print(f"|{'-' * 58}|{'-' * 9}|{'-' * 9}|{'-' * 50}|{'-' * 9}|{'-' * 8}|")
    for label, ours, native_label, native in rows:
        ratio = ours[0] / native[0] if native[0] else float("inf")
        print(
            f"| {label:<56} | {ours[0] * 1000:7.1f} | {ours[1]:7d} | {native_label:<48} | {native[0] * 1000:7.1f} | {ratio:5.2f}x |"
        )


def main():
    agent, heavy = build()
    print(f"load average: {os.getloadavg()}", flush=True)
    bench(agent, heavy)
    report()
    env.cr.rollback()


main()
