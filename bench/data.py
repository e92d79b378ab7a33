"""Data shared by the bench scripts (run from the repository's root, where ``bench`` is importable)."""


def insert_invoices(env, partners, per_partner, prefix, tag):
    """Posted customer invoices spread over the last 12 months, untaxed amounts of 5 to 250
    million VND, ``ref`` = ``tag``: the columns the tier, the timeline and the lists read. With
    SQL: posting them through the ORM takes hours."""
    company = env.company
    journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    env.cr.execute(
        """
        INSERT INTO account_move (journal_id, currency_id, company_id, state, move_type, auto_post, name, ref,
                                  date, invoice_date, partner_id, commercial_partner_id,
                                  amount_untaxed, amount_total, amount_untaxed_signed, amount_total_signed,
                                  amount_residual, amount_residual_signed, payment_state,
                                  create_date, write_date, create_uid, write_uid)
        SELECT %(journal)s, %(currency)s, %(company)s, 'posted', 'out_invoice', 'no',
               %(prefix)s || '/' || p.id || '/' || s.n, %(tag)s, d.day, d.day, p.id, p.id,
               a.amount, a.amount * 1.1, a.amount, a.amount * 1.1, 0, 0, 'paid',
               now(), now(), 1, 1
          FROM unnest(%(partner_ids)s::int[]) AS p(id)
         CROSS JOIN generate_series(1, %(per_partner)s) AS s(n)
         CROSS JOIN LATERAL (SELECT (CURRENT_DATE - ((p.id * 7 + s.n * 13) %% 360))::date AS day) AS d
         CROSS JOIN LATERAL (SELECT (ARRAY[5, 40, 90, 250])[1 + (p.id + s.n) %% 4] * 1000000.0 AS amount) AS a
        """,
        {
            "journal": journal.id,
            "currency": company.currency_id.id,
            "company": company.id,
            "tag": tag,
            "partner_ids": partners.ids,
            "per_partner": per_partner,
            "prefix": prefix,
        },
    )
