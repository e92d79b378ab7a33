"""18.0.1.0.0 numbered contracts and tickets with one sequence per company, created by code
without an xml id, counting forever. From 18.0.1.1.0 the main company's sequences are the
noupdate records of data/stp_crm_sequence_data.xml and every counter restarts each year.

Before the data is loaded: adopt the main company's existing sequences as those records (so the
update creates no twin that would hand out the same numbers again) and move every existing
sequence to yearly ranges, this year's range continuing from the number it had reached."""

from odoo import SUPERUSER_ID, api, fields

XMLIDS = {"stp.crm.contract": "stp_crm_sequence_contract", "stp.crm.ticket": "stp_crm_sequence_ticket"}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    main_company = env.ref("base.main_company")
    for code, name in XMLIDS.items():
        sequences = env["ir.sequence"].search([("code", "=", code), ("use_date_range", "=", False)])
        for sequence in sequences:
            _count_per_year(env, sequence)
        main = sequences.filtered(lambda sequence: sequence.company_id == main_company)[:1]
        if main and not env.ref(f"stp_crm.{name}", raise_if_not_found=False):
            env["ir.model.data"].create(
                {"module": "stp_crm", "name": name, "model": "ir.sequence", "res_id": main.id, "noupdate": True}
            )


def _count_per_year(env, sequence):
    today = fields.Date.today()
    next_number = sequence.number_next_actual
    sequence.write({"use_date_range": True, "prefix": (sequence.prefix or "").replace("%(year)s", "%(range_year)s")})
    env["ir.sequence.date_range"].create(
        {
            "sequence_id": sequence.id,
            "date_from": today.replace(month=1, day=1),
            "date_to": today.replace(month=12, day=31),
            "number_next_actual": next_number,
        }
    )
