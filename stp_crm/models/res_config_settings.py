import secrets

from odoo import fields, models

# The secret the company's SMS gateway sends with the replies it forwards (controllers/sms_inbound.py).
SMS_INBOUND_TOKEN_PARAM = "stp_crm.sms_inbound_token"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    stp_tier_a_threshold = fields.Monetary(
        related="company_id.stp_tier_a_threshold", readonly=False, currency_field="company_currency_id"
    )
    stp_tier_b_threshold = fields.Monetary(
        related="company_id.stp_tier_b_threshold", readonly=False, currency_field="company_currency_id"
    )
    stp_contract_alert_days = fields.Integer(related="company_id.stp_contract_alert_days", readonly=False)
    stp_credit_limit_policy = fields.Selection(related="company_id.stp_credit_limit_policy", readonly=False)
    stp_ltv_retention_rate = fields.Float(related="company_id.stp_ltv_retention_rate", readonly=False)
    stp_ltv_high_threshold = fields.Monetary(
        related="company_id.stp_ltv_high_threshold", readonly=False, currency_field="company_currency_id"
    )
    stp_ltv_medium_threshold = fields.Monetary(
        related="company_id.stp_ltv_medium_threshold", readonly=False, currency_field="company_currency_id"
    )
    stp_collections_user_id = fields.Many2one(
        related="company_id.stp_collections_user_id",
        readonly=False,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    stp_privacy_deadline_days = fields.Integer(related="company_id.stp_privacy_deadline_days", readonly=False)
    stp_sms_inbound_token = fields.Char(
        string="SMS Reply Token",
        config_parameter=SMS_INBOUND_TOKEN_PARAM,
        groups="base.group_system",
        help="The secret your SMS gateway sends (X-STP-Token header or token field) when it forwards "
        "customers' replies to /stp_crm/sms/inbound. Empty: replies are refused.",
    )

    def action_stp_generate_sms_inbound_token(self):
        """A new random token, saved at once (the gateway must then be given it)."""
        self.ensure_one()
        self.stp_sms_inbound_token = secrets.token_urlsafe(32)
        self.env["ir.config_parameter"].set_param(SMS_INBOUND_TOKEN_PARAM, self.stp_sms_inbound_token)
