import json
import logging
import uuid
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import zalo_client
from ..tools.cron_batch import run_batch
from .mailing_mailing import AD_LIMIT, AD_LIMIT_HOURS

_logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 100
# Transient failures (HTTP 5xx, timeouts) are tried again after 5, 10, 20… minutes, up to this many times.
MAX_TRANSIENT_TRIES = 5
RETRY_BASE_DELAY = timedelta(minutes=5)
CRON_XMLID = "stp_crm.ir_cron_stp_zalo_send"


class StpCrmZaloMessage(models.Model):
    """One ZNS message to one customer, and what Zalo answered."""

    _name = "stp.crm.zalo.message"
    _inherit = ["mail.thread", "stp.crm.guarded.mixin"]
    _description = "Zalo Message"
    _order = "id desc"
    _rec_name = "tracking_id"
    _rec_names_search = ["tracking_id", "partner_id.name", "phone", "zalo_msg_id"]

    account_id = fields.Many2one(
        "stp.crm.zalo.account", string="Zalo Account", required=True, index=True, readonly=True, ondelete="restrict"
    )
    template_id = fields.Many2one("stp.crm.zalo.template", index=True, readonly=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, readonly=True, ondelete="cascade")
    phone = fields.Char(
        readonly=True, index="btree_not_null", help="84 + the national number without its leading 0, as Zalo wants it."
    )
    template_data = fields.Text(string="Parameters Sent", readonly=True)
    tracking_id = fields.Char(
        string="Tracking ID", required=True, readonly=True, copy=False, default=lambda self: uuid.uuid4().hex
    )
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("error", "Failed"), ("cancel", "Cancelled")],
        string="Status",
        required=True,
        default="queued",
        readonly=True,
        index=True,
        tracking=True,
    )
    zalo_msg_id = fields.Char(string="Zalo Message ID", readonly=True, copy=False)
    error_code = fields.Char(readonly=True, copy=False)
    error_message = fields.Char(string="Reason", readonly=True, copy=False)
    error_transient = fields.Boolean(
        string="Retried Automatically", readonly=True, copy=False, help="Zalo could not be reached: tried again later."
    )
    try_count = fields.Integer(string="Tries", readonly=True, copy=False)
    date_retry = fields.Datetime(string="Next Try", readonly=True, copy=False)
    date_sent = fields.Datetime(readonly=True, copy=False)
    res_model = fields.Char(string="Document Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True, index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)

    _sql_constraints = [
        ("tracking_id_unique", "UNIQUE (tracking_id)", "The tracking ID of a Zalo message is unique."),
    ]

    _stp_state_field = "state"

    # ------------------------------------------------------------------
    # Queuing
    # ------------------------------------------------------------------
    @api.model
    def _stp_zalo_phone(self, partner, vietnam=None):
        """The partner's mobile (else phone) as Zalo wants it: ``84`` + the national number
        without its leading 0; False for no number or a number outside Vietnam. A number
        without country reads as Vietnamese (``vietnam``: res.country, looked up once by a
        caller formatting many)."""
        number = partner.mobile or partner.phone
        if not number:
            return False
        country = partner.country_id or vietnam or self.env.ref("base.vn")
        e164 = partner._phone_format_number(number, country=country, force_format="E164")
        if not e164 or not e164.startswith("+84"):
            return False
        return e164[1:]

    @api.model
    def _stp_queue(self, vals_list):
        """Create the messages (queued or cancelled) as the system, and trigger the cron."""
        messages = self._stp_system().create(vals_list).with_env(self.env)
        if any(message.state == "queued" for message in messages):
            self._stp_trigger_send()
        return messages

    @api.model
    def _stp_advertising_counts(self, phones, pending=True):
        """``{phone: advertising ZNS to that number}`` sent in the last 24 hours and, with
        ``pending``, still to go (queued, or failed and waiting for an automatic retry), across
        every account and campaign: one query. Decree 91/2020/NĐ-CP allows 3 a channel a day."""
        phones = [phone for phone in phones if phone]
        if not phones:
            return {}
        states = [("state", "=", "sent"), ("date_sent", ">=", fields.Datetime.now() - timedelta(hours=AD_LIMIT_HOURS))]
        if pending:
            states = [
                "|",
                "|",
                "&",
                *states,
                ("state", "=", "queued"),
                "&",
                "&",
                ("state", "=", "error"),
                ("error_transient", "=", True),
                ("try_count", "<", MAX_TRANSIENT_TRIES),
            ]
        rows = self.sudo()._read_group(
            [("phone", "in", phones), ("template_id.purpose", "=", "advertising"), *states], ["phone"], ["__count"]
        )
        return dict(rows)

    @api.model
    def _stp_ad_limit_reason(self):
        return self.env._(
            "This number already got %(limit)s advertising Zalo messages in the last 24 hours "
            "(Decree 91/2020/NĐ-CP): not sent.",
            limit=AD_LIMIT,
        )

    @api.model
    def _stp_trigger_send(self):
        self.env.ref(CRON_XMLID)._trigger()

    def action_retry(self):
        """Queue failed messages again (cancelled ones stay: their reason still holds)."""
        self.check_access("write")
        failed = self.filtered(lambda message: message.state == "error")
        if not failed:
            raise UserError(self.env._("Only failed Zalo messages can be retried."))
        failed._stp_set_state(
            "queued", error_code=False, error_message=False, error_transient=False, try_count=0, date_retry=False
        )
        self._stp_trigger_send()
        return True

    def action_cancel(self):
        self.check_access("write")
        self.filtered(lambda message: message.state in ("queued", "error"))._stp_set_state("cancel")
        return True

    def action_stp_open_document(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [[False, "form"]],
        }

    # ------------------------------------------------------------------
    # Sending (the cron)
    # ------------------------------------------------------------------
    @api.model
    def _stp_send_domains(self):
        """Queued messages, and failed ones due for an automatic retry, of the active
        accounts whose daily quota (from Zalo's last answer) is not spent."""
        accounts = self.env["stp.crm.zalo.account"].sudo().search([("active", "=", True)])
        ready = accounts.filtered(lambda account: not account._stp_quota_exhausted())
        base = [("account_id", "in", ready.ids)]
        return [
            base + [("state", "=", "queued")],
            base
            + [
                ("state", "=", "error"),
                ("error_transient", "=", True),
                ("try_count", "<", MAX_TRANSIENT_TRIES),
                ("date_retry", "<=", fields.Datetime.now()),
            ],
        ]

    @api.model
    def _cron_stp_zalo_send(self, batch_size=SEND_BATCH_SIZE):
        return run_batch(
            self,
            [(domain, lambda messages: messages._stp_send_batch()) for domain in self._stp_send_domains()],
            batch_size,
            "_cron_stp_zalo_send",
        )

    def _stp_send_batch(self):
        """Send each message in its own savepoint: one Zalo refuses never undoes the others
        (nor sends them twice). A message of an account whose quota ran out waits, and leaves
        the job's domain by the next call. An advertising message to a number that already got
        3 advertising ZNS in the last 24 hours is cancelled, saying why (as the 4th advertising
        e-mail or SMS is)."""
        advertising = set(self.filtered(lambda message: message.template_id.purpose == "advertising").ids)
        counts = self._stp_advertising_counts(self.browse(advertising).mapped("phone"), pending=False)
        for message in self:
            if message.account_id._stp_quota_exhausted():
                continue
            if message.id in advertising and counts.get(message.phone, 0) >= AD_LIMIT:
                message._stp_set_state("cancel", error_message=self._stp_ad_limit_reason(), date_retry=False)
                continue
            with self.env.cr.savepoint():
                sent = message._stp_send()
            if sent and message.id in advertising:
                counts[message.phone] = counts.get(message.phone, 0) + 1

    def _stp_send(self):
        self.ensure_one()
        account = self.account_id
        try:
            data = account._stp_call(
                "send_zns",
                self.phone,
                self.template_id.zalo_template_id,
                json.loads(self.template_data or "{}"),
                self.tracking_id,
            )
        except zalo_client.ZaloTransientError as error:
            tries = self.try_count + 1
            self._stp_set_state(
                "error",
                error_code=str(error.code or ""),
                error_message=error.message,
                error_transient=True,
                try_count=tries,
                date_retry=fields.Datetime.now() + RETRY_BASE_DELAY * 2 ** (tries - 1),
            )
            return False
        except zalo_client.ZaloError as error:
            self._stp_set_state(
                "error",
                error_code=str(error.code or ""),
                error_message=error.message,
                error_transient=False,
                try_count=self.try_count + 1,
                date_retry=False,
            )
            return False
        sent_time = data.get("sent_time")
        try:
            date_sent = datetime.utcfromtimestamp(int(sent_time) / 1000) if sent_time else fields.Datetime.now()
        except (TypeError, ValueError):
            date_sent = fields.Datetime.now()
        self._stp_set_state(
            "sent",
            zalo_msg_id=str(data.get("msg_id") or ""),
            date_sent=date_sent,
            error_code=False,
            error_message=False,
            error_transient=False,
            try_count=self.try_count + 1,
            date_retry=False,
        )
        account._stp_record_quota(data.get("quota"))
        values = self.partner_id._stp_interaction_values() if self.partner_id else {}
        if values:  # a customer, not a colleague
            values.update(
                channel="zalo",
                direction="outbound",
                summary=self.env._("Zalo: %(template)s", template=self.template_id.name or self.tracking_id),
                outcome=self.template_data,
                date=date_sent,
            )
            self.env["stp.crm.interaction"]._stp_log_automatically([values])
        return True
