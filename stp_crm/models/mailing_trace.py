from odoo import fields, models


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    # Why an advertising message of a care campaign was not sent (Decree 91/2020/NĐ-CP).
    failure_type = fields.Selection(
        selection_add=[
            ("stp_no_consent", "No advertising consent on this channel"),
            ("stp_ad_limit", "Advertising limit: 3 messages in 24 hours"),
        ],
        ondelete={"stp_no_consent": "set null", "stp_ad_limit": "set null"},
    )
