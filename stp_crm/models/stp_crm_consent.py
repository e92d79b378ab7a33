from odoo import api, fields, models

CHANNELS = [("email", "Email"), ("sms", "SMS"), ("zalo", "Zalo"), ("phone", "Phone Call")]
PURPOSES = [("advertising", "Advertising"), ("care", "Customer Care"), ("survey", "Survey")]


class StpCrmConsent(models.Model):
    """What a person agreed to receive, on which channel and for which purpose
    (Decree 91/2020/NĐ-CP for advertising, Law 91/2025/QH15 for personal data):
    one record per partner, channel and purpose, whose state changes only through
    ``action_give`` / ``action_withdraw`` and whose history is the chatter's tracking."""

    _name = "stp.crm.consent"
    _inherit = ["mail.thread", "mail.activity.mixin", "stp.crm.guarded.mixin"]
    _description = "Consent"
    _order = "date desc, id desc"
    _rec_names_search = ["partner_id.name", "partner_id.email"]

    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, index=True, ondelete="cascade", tracking=True
    )
    channel = fields.Selection(CHANNELS, required=True, tracking=True)
    purpose = fields.Selection(PURPOSES, required=True, default="advertising", tracking=True)
    state = fields.Selection(
        [("given", "Given"), ("withdrawn", "Withdrawn")],
        string="Status",
        required=True,
        default="given",
        readonly=True,
        tracking=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    source = fields.Selection(
        [
            ("form", "Form"),
            ("reply", "Reply"),
            ("call", "Call"),
            ("in_person", "In Person"),
            ("import", "Import"),
            ("portal", "Portal"),
        ],
        required=True,
        default="form",
        tracking=True,
    )
    evidence = fields.Text(help="What the person said or signed, and where it is kept.")
    evidence_attachment_id = fields.Many2one("ir.attachment", string="Evidence File", ondelete="set null")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)

    _sql_constraints = [
        (
            "partner_channel_purpose_unique",
            "UNIQUE (partner_id, channel, purpose, company_id)",
            "A person has one consent per channel and purpose: give or withdraw it.",
        ),
    ]

    _stp_state_field = "state"

    @api.depends("partner_id", "channel", "purpose")
    def _compute_display_name(self):
        channels, purposes = (
            dict(self._fields["channel"]._description_selection(self.env)),
            dict(self._fields["purpose"]._description_selection(self.env)),
        )
        for consent in self:
            consent.display_name = " · ".join(
                filter(None, [consent.partner_id.name, channels.get(consent.channel), purposes.get(consent.purpose)])
            )

    def action_give(self):
        return self._stp_change_consent("given")

    def action_withdraw(self):
        return self._stp_change_consent("withdrawn")

    def _stp_change_consent(self, state):
        self.check_access("write")
        self.filtered(lambda consent: consent.state != state)._stp_set_state(state, date=fields.Datetime.now())
        return True

    @api.model
    def _stp_consenting_partners(self, partners, channel, purpose):
        """The partners of ``partners`` with a given consent for ``channel`` and
        ``purpose`` in the current company: one query, whatever their number."""
        if not partners:
            return partners
        rows = self._read_group(
            [
                ("partner_id", "in", partners.ids),
                ("channel", "=", channel),
                ("purpose", "=", purpose),
                ("state", "=", "given"),
                ("company_id", "=", self.env.company.id),
            ],
            ["partner_id"],
        )
        return partners.browse([partner.id for (partner,) in rows])
