from odoo import fields, models


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
