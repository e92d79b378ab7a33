"""The forecast category of crm.stage is new in 18.0.1.2.0: databases installed before it get
the categories a new installation gives Odoo's own stages (data/crm_stage_data.xml only loads
at installation). Stages an admin deleted are skipped."""

from odoo import SUPERUSER_ID, api

STAGE_CATEGORIES = {
    "crm.stage_lead1": "pipeline",
    "crm.stage_lead2": "best_case",
    "crm.stage_lead3": "commit",
}


def migrate(cr, version):
    set_stage_forecast_categories(api.Environment(cr, SUPERUSER_ID, {}))


def set_stage_forecast_categories(env):
    for xmlid, category in STAGE_CATEGORIES.items():
        stage = env.ref(xmlid, raise_if_not_found=False)
        if stage:
            stage.stp_forecast_category = category
