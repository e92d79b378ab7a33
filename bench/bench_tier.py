"""Benchmark: re-tier N customers, each with invoices, next to native Odoo work on
the same data. Run through `make bench` (an `odoo shell` session: `env` is given).

Prints seconds and SQL queries for:
  * stp_crm   the nightly cron re-tiering every customer (first run: tiers change;
              second run: steady state, nothing changes),
  * native    `account.move` read_group of the same invoices by partner (what Odoo's
              invoice analysis does) and the native `res.partner.total_invoiced`
              compute on a sample, extrapolated,
and the ratios stp_crm / native.
"""

import os
import random
import time

from odoo import fields, sql_db

N = int(os.environ.get("STP_BENCH_PARTNERS", "20000"))
INVOICES_PER_PARTNER = int(os.environ.get("STP_BENCH_INVOICES", "3"))
TAG = "STP bench"


def queries():
    return sql_db.sql_counter


def measure(label, func):
    env.invalidate_all()  # noqa: F821 - `env` comes from odoo shell
    q0, t0 = queries(), time.perf_counter()
    func()
    env.flush_all()  # noqa: F821
    seconds, count = time.perf_counter() - t0, queries() - q0
    print(f"{label:<55} {seconds:9.2f} s {count:9d} queries")
    return seconds, count


def make_data():
    Partner = env["res.partner"]  # noqa: F821
    existing = Partner.search_count([("ref", "=", TAG)])
    if existing >= N:
        return Partner.search([("ref", "=", TAG)], limit=N)
    print(f"creating {N - existing} partners with {INVOICES_PER_PARTNER} invoices each ...")
    partners = Partner.search([("ref", "=", TAG)])
    for start in range(existing, N, 2000):
        partners |= Partner.create(
            [{"name": f"Khách hàng {i}", "is_company": True, "ref": TAG} for i in range(start, min(N, start + 2000))]
        )
    company = env.company  # noqa: F821
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)  # noqa: F821
    today = fields.Date.today()
    rows = []
    for partner in partners:
        for _i in range(INVOICES_PER_PARTNER):
            amount = random.choice([5_000_000, 40_000_000, 90_000_000, 250_000_000])
            rows.append(
                (
                    journal.id,
                    company.currency_id.id,
                    "posted",
                    "out_invoice",
                    "no",
                    today,
                    today,
                    company.id,
                    partner.id,
                    partner.id,
                    amount,
                    amount,
                )
            )
    env.cr.executemany(  # noqa: F821 - bulk load: posting 60,000 invoices through the ORM takes an hour
        """INSERT INTO account_move (journal_id, currency_id, state, move_type, auto_post, date, invoice_date,
                                     company_id, partner_id, commercial_partner_id, amount_untaxed_signed, amount_total_signed)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
        rows,
    )
    env.cr.commit()  # noqa: F821
    return partners


def main():
    partners = make_data()
    env.cr.execute("UPDATE res_partner SET stp_tier = NULL, stp_tier_date = NULL WHERE ref = %s", [TAG])  # noqa: F821
    env.invalidate_all()  # noqa: F821
    Partner = env["res.partner"].with_context(tracking_disable=False)  # noqa: F821
    print(f"partners: {len(partners)}, invoices: {len(partners) * INVOICES_PER_PARTNER}")
    first = measure("stp_crm cron re-tier, first run (tiers change)", Partner._cron_stp_retier)
    env.cr.execute("UPDATE res_partner SET stp_tier_date = NULL WHERE ref = %s", [TAG])  # noqa: F821
    steady = measure("stp_crm cron re-tier, steady state (no change)", Partner._cron_stp_retier)
    native_group = measure(
        "native account.move read_group by partner",
        lambda: env["account.move"]._read_group(  # noqa: F821
            [
                ("commercial_partner_id", "in", partners.ids),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["commercial_partner_id"],
            ["amount_untaxed_signed:sum"],
        ),
    )
    sample = partners[:500]
    native_total = measure(
        f"native res.partner.total_invoiced ({len(sample)} sample)",
        lambda: sample.mapped("total_invoiced"),
    )
    native_total_all = native_total[0] * len(partners) / len(sample)
    print(f"native total_invoiced extrapolated to {len(partners)}: {native_total_all:.2f} s")
    print("ratios (stp_crm / native):")
    print(f"  steady re-tier / read_group            : {steady[0] / native_group[0]:8.1f}x time")
    print(f"  steady re-tier / total_invoiced (extr.) : {steady[0] / native_total_all:8.3f}x time")
    print(f"  first re-tier  / total_invoiced (extr.) : {first[0] / native_total_all:8.3f}x time")
    print(f"  queries per 1000 partners, steady      : {steady[1] * 1000 / len(partners):8.1f}")
    env.cr.rollback()  # noqa: F821


main()
