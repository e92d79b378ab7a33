import re
import unicodedata

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import email_normalize

CHANNELS = [("email", "Email"), ("sms", "SMS"), ("zalo", "Zalo"), ("phone", "Phone Call")]
PURPOSES = [("advertising", "Advertising"), ("care", "Customer Care"), ("survey", "Survey")]
# The first word of an SMS reply that opts out of SMS advertising (case and diacritics aside:
# "Từ chối", "tc qc", "Hủy", "Dừng", "stop"), and whether it is a global opt-out (the number
# goes on the phone blacklist: no SMS at all, care messages included).
SMS_OPT_OUT_KEYWORDS = {"STOP": True, "TC": False, "TUCHOI": False, "HUY": False, "DUNG": False}


def sms_opt_out_keyword(text):
    """The opt-out keyword ``text`` starts with (a key of SMS_OPT_OUT_KEYWORDS), else False."""
    plain = unicodedata.normalize("NFKD", (text or "").replace("đ", "d").replace("Đ", "D"))
    words = re.findall(r"[A-Z0-9]+", "".join(c for c in plain if not unicodedata.combining(c)).upper())
    if words[:2] == ["TU", "CHOI"]:
        return "TUCHOI"
    return words[0] if words and words[0] in SMS_OPT_OUT_KEYWORDS else False


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

    # ------------------------------------------------------------------
    # Opt-outs (the unsubscribe page, the SMS opt-out link, an SMS reply)
    # ------------------------------------------------------------------
    @api.model
    def _stp_opt_out_partners(self, channel, address):
        """The people (archived ones too) with that e-mail (``channel`` "email") or that
        sanitized number (the one SMS are sent to and replied from)."""
        partners = self.env["res.partner"].with_context(active_test=False)
        if not address:
            return partners.browse()
        if channel == "email":
            return partners.search([("email_normalized", "=", email_normalize(address))])
        return partners.search([("phone_sanitized", "=", address)])

    @api.model
    def _stp_withdraw_advertising(self, partners, channel, companies, note, evidence=False, source=False):
        """Withdraw the given ``advertising`` consents of ``channel`` of ``partners`` in
        ``companies`` (all companies when empty), each with ``note`` in its chatter; with
        ``evidence`` appended to the consent's evidence and ``source`` as its new source.
        Returns the consents withdrawn (already withdrawn ones are left alone)."""
        domain = [
            ("partner_id", "in", partners.ids),
            ("channel", "=", channel),
            ("purpose", "=", "advertising"),
            ("state", "=", "given"),
        ]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        consents = self.search(domain)
        consents.action_withdraw()
        for consent in consents:
            values = {}
            if source:
                values["source"] = source
            if evidence:
                values["evidence"] = "\n".join(filter(None, [consent.evidence, evidence]))
            if values:
                consent.write(values)
            consent.message_post(body=note, message_type="notification")
        return consents

    @api.model
    def _stp_confirm_opt_out(self, channel, address, partners, companies, email_from=False):
        """The confirmation Decree 91/2020 asks for, to ``address``, in the person's language:
        an e-mail or an SMS saying the advertising of ``companies`` stops."""
        company = companies[:1] or self.env.company
        lang = partners[:1].lang or company.partner_id.lang or self.env.lang
        env = self.with_context(lang=lang).env
        names = ", ".join(companies.mapped("name")) or company.name
        text = env._("You will receive no more advertising from %(company)s.", company=names)
        if channel == "email":
            return self.env["mail.mail"].create(
                {
                    "subject": env._("Unsubscribed from %(company)s's advertising", company=names),
                    "body_html": Markup("<p>%s</p>") % text,
                    "email_to": address,
                    "email_from": company.email_formatted or email_from,
                    "auto_delete": True,
                }
            )
        return self.env["sms.sms"].create({"number": address, "body": text, "partner_id": partners[:1].id})

    @api.model
    def _stp_sms_reply(self, number, text):
        """An SMS reply from ``number`` (sanitized, E.164) to the company's gateway. Its first word an
        opt-out keyword: the ``sms`` ``advertising`` consents of the people with that number are
        withdrawn in every company (the gateway does not say which company the person answered;
        withdrawing more is the safe side of the law), the reply noted on each with its text as
        evidence (source ``reply``) and logged as an inbound interaction; STOP also puts the number
        on the phone blacklist (a global opt-out), even for a number we do not know. The
        confirmation SMS goes once, when something changed: the same reply again changes and sends
        nothing. Returns ``"ignored"`` (not an opt-out), ``"unknown"`` (nobody has that number),
        ``"done"`` (withdrawn or blacklisted now) or ``"already"`` (nothing left to change).
        Runs as the system (the webhook has no user)."""
        keyword = sms_opt_out_keyword(text)
        if not keyword:
            return "ignored"
        blacklisted = False
        if SMS_OPT_OUT_KEYWORDS[keyword]:
            blacklist = self.env["phone.blacklist"].with_context(active_test=False)
            if not blacklist.search_count([("number", "=", number), ("active", "=", True)]):
                blacklist._add([number], message=self.env._("Opt-out by SMS reply: %(text)s", text=text))
                blacklisted = True
        partners = self._stp_opt_out_partners("sms", number)
        if not partners:
            return "unknown"
        now = fields.Datetime.now()
        consents = self._stp_withdraw_advertising(
            partners,
            "sms",
            self.env["res.company"],
            Markup("%s<br/><i>%s</i>")
            % (self.env._("Withdrawn by an SMS reply from %(number)s:", number=number), text),
            evidence=self.env._(
                "%(date)s UTC, SMS reply from %(number)s: %(text)s", date=now, number=number, text=text
            ),
            source="reply",
        )
        if not consents and not blacklisted:
            return "already"
        self._stp_confirm_opt_out("sms", number, partners, consents.company_id or partners[:1].company_id)
        vals_list = []
        for partner in partners:
            values = partner._stp_interaction_values()
            if values:
                values.update(
                    channel="sms",
                    direction="inbound",
                    summary=self.env._("SMS opt-out: %(text)s", text=text[:60]),
                    outcome=text,
                    date=now,
                )
                vals_list.append(values)
        self.env["stp.crm.interaction"]._stp_log_automatically(vals_list)
        return "done"
