from odoo import api, fields, models
from odoo.tools import SQL

from .stp_crm_timeline import TimelineSource


class StpCrmTimeline(models.Model):
    """Source 9 of the customer timeline: the care campaigns that reached the customer."""

    _inherit = "stp.crm.timeline"
    _depends = {
        "stp.crm.campaign.line": ["campaign_id", "partner_id", "state", "date_sent", "company_id"],
        "stp.crm.campaign": ["name", "user_id"],
    }

    event_type = fields.Selection(selection_add=[("campaign", "Care Campaign")])

    @api.model
    def _timeline_sources(self):
        # Gifts and messages of care campaigns, when they were sent.
        campaign = TimelineSource(
            number=9,
            event_type="campaign",
            alias="l",
            from_=SQL("""stp_crm_campaign_line l
                     JOIN stp_crm_campaign c ON c.id = l.campaign_id
                     JOIN res_partner p ON p.id = l.partner_id"""),
            where=SQL("l.state IN ('sent', 'delivered', 'responded')"),
            partner_id=SQL("p.commercial_partner_id"),
            date=SQL("l.date_sent"),
            name=SQL("c.name"),
            user_id=SQL("c.user_id"),
        )
        return dict(super()._timeline_sources(), **{"stp.crm.campaign.line": campaign})
