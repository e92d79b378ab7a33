"""The crons and the contract and ticket sequences are records an admin tunes (schedule,
batch size, prefix, padding, next number): the data files declare them ``noupdate`` so that
an upgrade keeps those changes. Databases installed by older versions may still hold their
ir.model.data rows with ``noupdate = False``: flag them, with the server action behind each
cron (ir.cron inherits ir.actions.server and has its own xml id for it)."""

from odoo.tools import SQL

TUNED_MODELS = ("ir.cron", "ir.sequence")


def migrate(cr, version):
    set_tuned_records_noupdate(cr)


def set_tuned_records_noupdate(cr):
    """Returns the names of the xml ids it changed."""
    cr.execute(
        SQL(
            """UPDATE ir_model_data SET noupdate = TRUE
                WHERE module = 'stp_crm' AND noupdate IS NOT TRUE
                  AND (model IN %s
                       OR (model = 'ir.actions.server'
                           AND res_id IN (SELECT ir_actions_server_id FROM ir_cron)))
            RETURNING name""",
            TUNED_MODELS,
        )
    )
    return sorted(name for (name,) in cr.fetchall())
