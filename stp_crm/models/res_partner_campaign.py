from collections import defaultdict

from odoo import api, fields, models

from ..tools.groups import CRM_USER


class ResPartner(models.Model):
    """Care campaigns that reached a customer: the partner's smart button."""

    _inherit = "res.partner"

    stp_campaign_line_ids = fields.One2many(
        "stp.crm.campaign.line", "partner_id", string="Care Campaigns", groups=CRM_USER
    )
    stp_campaign_count = fields.Integer(
        string="Care Campaign Count", compute="_compute_stp_campaign_count", groups=CRM_USER
    )

    def _compute_stp_campaign_count(self):
        counts = defaultdict(int)
        for recipient, count in self.env["stp.crm.campaign.line"]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        ):
            counts[recipient.commercial_partner_id] += count
        for partner in self:
            partner.stp_campaign_count = counts[partner.commercial_partner_id]

    @api.readonly
    def action_stp_open_campaigns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_campaign_line_action")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action
