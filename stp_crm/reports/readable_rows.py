from odoo.tools import SQL


def readable_rows(env, model_name, sql):
    """The rows of ``sql`` whose ``res_id`` the user of ``env`` may read in ``model_name``:
    the records its ``_search([])`` returns (that model's access rights and record rules,
    archived records included). No row, and no AccessError, when the user may not read
    that model at all. The reports built on several source models share it (timeline, ROI)."""
    source = env[model_name].with_context(active_test=False)
    if not source.has_access("read"):
        return SQL("SELECT * FROM (%s) AS source WHERE FALSE", sql)
    return SQL("SELECT * FROM (%s) AS source WHERE source.res_id IN %s", sql, source._search([]).subselect())
