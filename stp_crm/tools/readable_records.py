from odoo.osv import expression
from odoo.tools import SQL, Query


def readable_query(env, model_name):
    """The ``Query`` of the records of ``model_name`` the user of ``env`` may read: what its
    ``_search([])`` returns (that model's access rights and record rules, archived records
    included). It selects nothing, and raises no AccessError, when the user may not read
    that model at all. The reports built on other models' records share it (forecast,
    forecast accuracy, timeline, CRM ROI, campaign revenue)."""
    source = env[model_name].with_context(active_test=False)
    if source.has_access("read"):
        return source._search([])
    query = Query(env, source._table)
    query.add_where("FALSE")
    return query


def readable_condition(env, model_name, column):
    """SQL condition: the id in ``column`` is a record of ``model_name`` the user of ``env`` may
    read (``readable_query``); always true as superuser, who reads everything."""
    if env.su:
        return SQL("TRUE")
    return SQL("%s IN %s", column, readable_query(env, model_name).subselect())


def readable_rows(env, model_name, sql):
    """The rows of ``sql`` whose ``res_id`` is a record of ``model_name`` the user of ``env``
    may read (``readable_condition``); ``sql`` itself as superuser."""
    if env.su:
        return sql
    return SQL("SELECT * FROM (%s) AS source WHERE %s", sql, readable_condition(env, model_name, SQL("source.res_id")))


def readable_row_condition(env, model_name, alias):
    """SQL condition on the row of ``model_name``'s table under ``alias`` in the caller's query:
    the user of ``env`` may read that record. The same rows as
    ``readable_condition(env, model_name, alias.id)``, but the record rules are written on the
    row itself (``alias``) rather than as ``id IN (SELECT id FROM table WHERE rules)``:
    PostgreSQL filters the rows it reads instead of looking each one up a second time in the
    same table (the timeline's 10,000 invoices of a customer: 10,000 index lookups and most of
    the planning time saved). When a rule needs a join (an ``auto_join`` path), it falls back to
    ``readable_condition``."""
    if env.su:
        return SQL("TRUE")
    model = env[model_name].with_context(active_test=False)
    if not model.has_access("read"):
        return SQL("FALSE")
    table = SQL.identifier(model._table)
    query = Query(env, alias, table)
    domain = env["ir.rule"]._compute_domain(model_name, "read")
    if domain:
        expression.expression(domain, model.sudo(), alias, query)
    if query.from_clause != Query(env, alias, table).from_clause:
        return readable_condition(env, model_name, SQL.identifier(alias, "id"))
    return query.where_clause or SQL("TRUE")
