"""18.0.1.3.0: Vietnam's 2025 map (34 provinces, 3,321 wards) is loaded by the module's data;
the partners' addresses are not moved inside the upgrade (100,000 partners would hold it for
minutes): the conversion cron is scheduled to run now, in bounded batches."""

from odoo import SUPERUSER_ID, api


def schedule_address_conversion(env):
    cron = env.ref("stp_crm.ir_cron_stp_update_address_2025", raise_if_not_found=False)
    if cron:
        cron._trigger()
    return cron


def migrate(cr, version):
    schedule_address_conversion(api.Environment(cr, SUPERUSER_ID, {}))
