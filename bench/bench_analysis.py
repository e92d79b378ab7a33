"""Customer analysis at scale: read_group on ``stp.crm.customer.analysis`` next to the same
read_group on Odoo's ``account.invoice.report`` over the same invoice lines, as a ratio
(ours / native). Run in an ``odoo shell`` session on a database of its own (a copy of a
development database; the data is built once and kept):

    createdb -T $DB ${DB}_bench
    STP_BENCH_LINES=1000000 python3 -m odoo shell -d ${DB}_bench --addons-path=... < bench/bench_analysis.py

Data: one posted customer invoice made through the ORM (5 product lines, products with a
cost), then cloned with SQL (INSERT ... SELECT of every column, a few overridden) into
STP_BENCH_LINES / 5 invoices (10% credit notes) over the last two years for 2,000 customers
spread over Vietnam's provinces. Both reports read the very same rows.
"""

import os
import time

from odoo import Command, fields

from bench.timing import medians

LINES = int(os.environ.get("STP_BENCH_LINES", "1000000"))
CUSTOMERS = 2000
LINES_PER_MOVE = 5
TAG = "STP analysis bench"
REPEAT = 5

env = env  # noqa: F821, PLW0127 - given by odoo shell
cr = env.cr


def clone_sql(table, template_where, overrides, source_alias, from_sql):
    """INSERT INTO table SELECT every column of the template rows, ``overrides`` {column: SQL expr}."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'", [table]
    )
    columns = [name for (name,) in cr.fetchall()]
    select = ", ".join(overrides.get(name, f'{source_alias}."{name}"') for name in columns)
    names = ", ".join(f'"{name}"' for name in columns)
    return f"INSERT INTO {table} ({names}) SELECT {select} {from_sql} WHERE {template_where}"


def build():
    cr.execute("SELECT count(*) FROM account_move WHERE ref = %s", [TAG])
    if cr.fetchone()[0] >= LINES // LINES_PER_MOVE:
        return
    started = time.perf_counter()
    vietnam = env.ref("base.vn")
    template_partner = env["res.partner"].create(
        {"name": "Bench customer", "is_company": True, "ref": TAG, "country_id": vietnam.id}
    )
    products = env["product.product"].create(
        [{"name": f"Bench product {n}", "standard_price": 10.0 * n, "list_price": 20.0 * n} for n in range(1, 6)]
    )
    template = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": template_partner.id,
            "invoice_date": fields.Date.today(),
            "ref": TAG,
            "invoice_line_ids": [
                Command.create(
                    {"product_id": product.id, "quantity": 2, "price_unit": product.list_price, "tax_ids": []}
                )
                for product in products
            ],
        }
    )
    template.action_post()
    env.flush_all()
    states = env["res.country.state"].search([("country_id", "=", vietnam.id)]).ids
    # Customers
    cr.execute(
        clone_sql(
            "res_partner",
            "t.id = %(template)s",
            {
                "name": "'Bench customer ' || s.n",
                "state_id": "(%(states)s::int[])[1 + s.n %% %(nstates)s]",
                "stp_founding_date": "CURRENT_DATE - (s.n * 37 %% 9000)",
            },
            "t",
            "FROM res_partner t CROSS JOIN generate_series(1, %(customers)s) AS s(n)",
        )
        + " RETURNING id",
        {"template": template_partner.id, "states": states, "nstates": len(states), "customers": CUSTOMERS},
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
    # Invoices (every 10th a credit note), spread over two years
    moves = LINES // LINES_PER_MOVE
    cr.execute(
        clone_sql(
            "account_move",
            "t.id = %(template)s",
            {
                "name": "'BENCH/' || s.n",
                "partner_id": "(%(partners)s::int[])[1 + s.n %% %(npartners)s]",
                "commercial_partner_id": "(%(partners)s::int[])[1 + s.n %% %(npartners)s]",
                "move_type": "CASE WHEN s.n %% 10 = 0 THEN 'out_refund' ELSE 'out_invoice' END",
                "invoice_date": "CURRENT_DATE - (s.n %% 730)",
                "date": "CURRENT_DATE - (s.n %% 730)",
                "sequence_prefix": "'BENCH/'",
                "sequence_number": "s.n",
            },
            "t",
            "FROM account_move t CROSS JOIN generate_series(1, %(moves)s) AS s(n)",
        ),
        {"template": template.id, "partners": partner_ids, "npartners": len(partner_ids), "moves": moves},
    )
    # Their product lines: the template's, on each new invoice
    cr.execute(
        clone_sql(
            "account_move_line",
            "t.move_id = %(template)s AND t.display_type = 'product' AND m.ref = %(tag)s AND m.id != %(template)s",
            {
                "move_id": "m.id",
                "partner_id": "m.partner_id",
                "date": "m.date",
                "invoice_date": "m.invoice_date",
                "balance": "CASE WHEN m.move_type = 'out_refund' THEN -t.balance ELSE t.balance END",
                "amount_currency": "CASE WHEN m.move_type = 'out_refund' THEN -t.amount_currency ELSE t.amount_currency END",
                "debit": "CASE WHEN m.move_type = 'out_refund' THEN t.credit ELSE t.debit END",
                "credit": "CASE WHEN m.move_type = 'out_refund' THEN t.debit ELSE t.credit END",
            },
            "t",
            "FROM account_move_line t CROSS JOIN account_move m",
        ),
        {"template": template.id, "tag": TAG},
    )
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE res_partner")
    cr.commit()
    print(
        f"built {moves} invoices, {moves * LINES_PER_MOVE} lines in {time.perf_counter() - started:.0f} s", flush=True
    )


def measure():
    admin = env(user=env.ref("base.user_admin").id, su=False)  # a real user: record rules apply to both
    ours, native = admin["stp.crm.customer.analysis"], admin["account.invoice.report"]
    sales = [("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted")]
    cr.execute("SELECT count(*) FROM account_move_line WHERE display_type = 'product'")
    print(f"product lines in the database: {cr.fetchone()[0]}", flush=True)
    pairs = [
        (
            "revenue by product and quarter",
            lambda: ours._read_group([], ["product_id", "date:quarter"], ["revenue:sum", "quantity:sum"]),
            lambda: native._read_group(
                sales, ["product_id", "invoice_date:quarter"], ["price_subtotal:sum", "quantity:sum"]
            ),
        ),
        (
            "revenue by province (ours) / by country (native)",
            lambda: ours._read_group([], ["state_id"], ["revenue:sum"]),
            lambda: native._read_group(sales, ["country_id"], ["price_subtotal:sum"]),
        ),
        (
            "revenue by customer",
            lambda: ours._read_group([], ["commercial_partner_id"], ["revenue:sum"]),
            lambda: native._read_group(sales, ["commercial_partner_id"], ["price_subtotal:sum"]),
        ),
    ]
    for label, our_call, native_call in pairs:
        our_time, native_time = medians(env, our_call, native_call, repeat=REPEAT)
        print(
            f"{label}: ours {our_time:.2f} s, account.invoice.report {native_time:.2f} s, ratio {our_time / native_time:.2f}",
            flush=True,
        )
    (region,) = medians(
        env,
        lambda: ours._read_group([], ["region", "age_group", "date:year"], ["revenue:sum", "margin:sum"]),
        repeat=REPEAT,
    )
    print(f"ours by region x age group x year (no native equivalent): {region:.2f} s", flush=True)


build()
measure()
