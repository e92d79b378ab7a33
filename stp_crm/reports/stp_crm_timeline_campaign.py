from odoo import fields, models
from odoo.tools import SQL


class StpCrmTimeline(models.Model):
    """Source 9 of the customer timeline: the care campaigns that reached the customer."""

    _inherit = "stp.crm.timeline"
    _depends = {
        "stp.crm.campaign.line": ["campaign_id", "partner_id", "state", "date_sent", "company_id"],
        "stp.crm.campaign": ["name", "user_id"],
    }

    event_type = fields.Selection(selection_add=[("campaign", "Care Campaign")])

    def _timeline_queries(self):
        return dict(super()._timeline_queries(), **{"stp.crm.campaign.line": self._timeline_query_campaign()})

    def _timeline_query_campaign(self):
        """Gifts and messages of care campaigns, when they were sent."""
        return SQL("""
            SELECT l.id::bigint * 16 + 9 AS id, p.commercial_partner_id AS partner_id,
                   l.date_sent AS date, 'campaign' AS event_type, c.name AS name,
                   NULL::numeric AS amount, NULL::integer AS currency_id, c.user_id AS user_id,
                   l.company_id AS company_id, 'stp.crm.campaign.line'::varchar AS res_model, l.id AS res_id
              FROM stp_crm_campaign_line l
              JOIN stp_crm_campaign c ON c.id = l.campaign_id
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.state IN ('sent', 'delivered', 'responded')
        """)
