"""Campaigns record who launched them (``launched_by_id``) from 18.0.1.3.0: their background
jobs act with that user's rights. Campaigns launched before it get the user who created them."""

from odoo.tools import SQL


def migrate(cr, version):
    set_campaign_launchers(cr)


def set_campaign_launchers(cr):
    """Returns the ids of the campaigns it changed."""
    cr.execute(
        SQL(
            """UPDATE stp_crm_campaign SET launched_by_id = create_uid
                WHERE launched_by_id IS NULL AND create_uid IS NOT NULL AND state IN ('running', 'done')
            RETURNING id"""
        )
    )
    return sorted(campaign_id for (campaign_id,) in cr.fetchall())
