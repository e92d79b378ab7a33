"""Up to 18.0.1.2.0 the customer timeline and the CRM ROI report were also PostgreSQL views
(read by the superuser). From 18.0.1.3.0 both are built only by their ``_table_query``:
drop the views left behind, so that no stale copy of their SQL stays in the database."""

from odoo.tools import drop_view_if_exists

VIEWS = ("stp_crm_timeline", "stp_crm_roi_report")


def migrate(cr, version):
    for view in VIEWS:
        drop_view_if_exists(cr, view)
