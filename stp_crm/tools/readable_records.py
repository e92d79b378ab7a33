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
