from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Decree 91/2020/NĐ-CP: at most 3 advertising messages a recipient a channel in 24 hours,
# advertising SMS only from 07:00 to 22:00 (Vietnam time).
AD_LIMIT = 3
AD_LIMIT_HOURS = 24
SMS_HOURS = (7, 22)
VIETNAM_TZ = pytz.timezone("Asia/Ho_Chi_Minh")
TRACE_TYPES = {"mail": "mail", "sms": "sms"}
CONSENT_CHANNELS = {"mail": "email", "sms": "sms"}
# Messages of the care campaigns' mailings queued a call of Odoo's mailing cron, all mailings
# together: Odoo's queue makes a whole mailing in one call, minutes for 50,000 recipients; a
# campaign's go this many a call (20 to 50 s at 2,500 on the busy 2-core machine), ir.cron calls again.
MAILING_BATCH_SIZE = 2000
MAILING_CRON = "mass_mailing.ir_cron_mass_mailing_queue"
BUDGET_KEY = "stp_mailing_budget"  # the call's budget, in the cursor's cache (the call's transaction)


def next_sms_window(moment):
    """``moment`` (naive UTC) if inside 07:00-22:00 Vietnam time, else the next 07:00 (naive UTC)."""
    local = pytz.utc.localize(moment).astimezone(VIETNAM_TZ)
    start, end = SMS_HOURS
    if start <= local.hour < end:
        return moment
    day = local.date() if local.hour < start else local.date() + timedelta(days=1)
    opening = VIETNAM_TZ.localize(datetime.combine(day, time(start)))
    return opening.astimezone(pytz.utc).replace(tzinfo=None)


class MailingMailing(models.Model):
    """The mailings of STP CRM's care campaigns: Odoo's mailing engine sends them (traces,
    blacklist, unsubscribe, link tracking, UTM); for an advertising campaign it sends only to
    the recipients who consented, at most three a day, and SMS in the day hours."""

    _inherit = "mailing.mailing"

    stp_campaign_id = fields.Many2one(
        "stp.crm.campaign", string="Care Campaign", index="btree_not_null", ondelete="cascade", readonly=True
    )
    stp_lang = fields.Char(
        string="Recipients' Language",
        readonly=True,
        help="A care campaign's mailing is written in one language: its recipients' (or, for those without "
        "one, the campaign company's).",
    )

    def _get_mass_mailing_context(self):
        context = super()._get_mass_mailing_context()
        if self.stp_lang:
            context["lang"] = self.stp_lang  # rendered in the recipients' language, not the sender's
        return context

    def action_send_sms(self, res_ids=None):
        for mailing in self:
            if not mailing.stp_campaign_id:
                super(MailingMailing, mailing).action_send_sms(res_ids=res_ids)
                continue
            super(MailingMailing, mailing.with_context(lang=mailing.stp_lang)).action_send_sms(res_ids=res_ids)
            # Sent as an e-mail mailing is once it has left (Odoo marks an SMS one on the queue's next run).
            # (_action_send_mail sets it back to sending when recipients are left for the next call.)
            mailing.write(
                {"state": "done", "sent_date": fields.Datetime.now(), "kpi_mail_required": not mailing.sent_date}
            )
        return True

    def _action_send_mail(self, res_ids=None):
        """Advertising SMS due outside 07:00-22:00 (Vietnam time) wait for 07:00. The queue's sending of
        a campaign's mailings goes in bounded batches: at most what is left of the call's budget
        (``MAILING_BATCH_SIZE`` messages for all of them, or a batch each outside the cron); a mailing
        with recipients left stays sending, and Odoo's mailing cron is called again for them. Given
        recipients (a test send, a resend of some) are sent as asked."""
        now = fields.Datetime.now()
        waiting = self.filtered(
            lambda m: m.mailing_type == "sms"
            and m.sudo().stp_campaign_id.purpose == "advertising"
            and next_sms_window(now) != now
        )
        for mailing in waiting:
            opening = next_sms_window(now)
            mailing.write({"state": "in_queue", "schedule_type": "scheduled", "schedule_date": opening})
            self.env.ref(MAILING_CRON)._trigger(opening)
        mailings = self - waiting
        batched = self.browse() if res_ids else mailings.filtered(lambda m: m.sudo().stp_campaign_id)
        super(MailingMailing, mailings - batched)._action_send_mail(res_ids=res_ids)
        budget = self.env.cr.cache.get(BUDGET_KEY) or {"left": MAILING_BATCH_SIZE, "more": 0}
        for mailing in batched:
            remaining = mailing._get_remaining_recipients()
            batch = remaining[: max(budget["left"], 0)]
            if not batch and remaining:
                budget["more"] += 1
                continue
            before = {"sent_date": mailing.sent_date, "kpi_mail_required": mailing.kpi_mail_required}
            # Nothing left at all: Odoo's own error (its queue checks before it sends).
            super(MailingMailing, mailing)._action_send_mail(res_ids=batch or None)
            budget["left"] -= len(batch)
            if len(batch) < len(remaining):
                # Not done yet: as before this batch, the KPI mail only after the last one.
                mailing.write({"state": "sending", **before})
                budget["more"] += 1
        if budget["more"]:
            self.env.ref(MAILING_CRON)._trigger()
        return True

    @api.model
    def _process_mass_mailing_queue(self):
        """Odoo's mailing cron, one call: the campaigns' mailings queue at most ``MAILING_BATCH_SIZE``
        messages in it; while some of them have recipients left, the call says so (ir.cron calls
        again at once)."""
        budget = self.env.cr.cache[BUDGET_KEY] = {"left": MAILING_BATCH_SIZE, "more": 0}
        try:
            result = super()._process_mass_mailing_queue()
        finally:
            del self.env.cr.cache[BUDGET_KEY]
        if budget["more"]:
            self.env["ir.cron"]._notify_progress(
                done=max(MAILING_BATCH_SIZE - budget["left"], 1), remaining=budget["more"]
            )
        return result

    def _get_remaining_recipients(self):
        """An advertising campaign's recipients without consent on the channel, or who already got
        three advertising messages on it in the last 24 hours, are not sent to: their trace is
        cancelled with the reason."""
        res_ids = super()._get_remaining_recipients()
        campaign = self.sudo().stp_campaign_id  # the engine's own check, whoever runs its queue
        if campaign.purpose != "advertising" or not res_ids:
            return res_ids
        lines = self.env["stp.crm.campaign.line"].sudo().browse(res_ids)
        channel = CONSENT_CHANNELS[self.mailing_type]
        consenting = (
            self.env["stp.crm.consent"]
            .sudo()
            .with_company(campaign.company_id)
            ._stp_consenting_partners(lines.partner_id, channel, "advertising")
        )
        counts = self._stp_advertising_counts(lines.partner_id)
        refused, limited = [], []
        for line in lines:
            if line.partner_id not in consenting:
                refused.append(line.id)
            elif counts.get(line.partner_id.id, 0) >= AD_LIMIT:
                limited.append(line.id)
        self._stp_cancel_traces(refused, "stp_no_consent")
        self._stp_cancel_traces(limited, "stp_ad_limit")
        return [res_id for res_id in res_ids if res_id not in set(refused + limited)]

    def _stp_advertising_counts(self, partners):
        """{partner id: advertising messages of this mailing's channel not failed in the last 24 hours},
        across every campaign: one query."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT l.partner_id, COUNT(*)
                  FROM mailing_trace t
                  JOIN stp_crm_campaign_line l ON t.model = 'stp.crm.campaign.line' AND l.id = t.res_id
                  JOIN mailing_mailing m ON m.id = t.mass_mailing_id
                  JOIN stp_crm_campaign c ON c.id = m.stp_campaign_id
                 WHERE c.purpose = 'advertising' AND t.trace_type = %(trace_type)s
                   AND t.trace_status NOT IN ('cancel', 'error', 'bounce')
                   AND t.create_date >= %(since)s AND l.partner_id IN %(partners)s
                 GROUP BY l.partner_id
                """,
                trace_type=TRACE_TYPES[self.mailing_type],
                since=self.env.cr.now() - timedelta(hours=AD_LIMIT_HOURS),
                partners=tuple(partners.ids) or (0,),
            )
        )
        return dict(self.env.cr.fetchall())

    def _stp_cancel_traces(self, res_ids, failure_type):
        if not res_ids:
            return
        # The engine's own bookkeeping, as its composers write it (sudo).
        self.env["mailing.trace"].sudo().create(
            [
                {
                    "mass_mailing_id": self.id,
                    "model": "stp.crm.campaign.line",
                    "res_id": res_id,
                    "trace_type": TRACE_TYPES[self.mailing_type],
                    "trace_status": "cancel",
                    "failure_type": failure_type,
                }
                for res_id in res_ids
            ]
        )

    def _stp_opt_out(self, channel, address):
        """An opt-out from this mailing (``channel`` "email" or "sms", ``address`` the e-mail or
        the number): the advertising consents of that channel of the people with that address in the
        campaign's company are withdrawn, and they get the confirmation Decree 91/2020 asks for, in
        their language. Called by the unsubscribe page and the SMS opt-out link (public users): the
        engine's own work, as superuser. (An SMS reply: ``stp.crm.consent._stp_sms_reply``.)"""
        campaign = self.stp_campaign_id
        if not campaign or not address:
            return False
        self = self.sudo()
        consent = self.env["stp.crm.consent"]
        partners = consent._stp_opt_out_partners(channel, address)
        consents = consent._stp_withdraw_advertising(
            partners,
            channel,
            campaign.company_id,
            self.env._("Withdrawn through the opt-out of mailing %(mailing)s.", mailing=self.display_name),
        )
        consent._stp_confirm_opt_out(channel, address, partners, campaign.company_id, email_from=self.email_from)
        return consents

    @api.ondelete(at_uninstall=False)
    def _unlink_except_stp_campaign_sent(self):
        # A sent campaign's mailings are its record of who got what.
        if any(mailing.stp_campaign_id and mailing.state != "draft" for mailing in self):
            raise UserError(self.env._("The mailings of a launched care campaign cannot be deleted."))
