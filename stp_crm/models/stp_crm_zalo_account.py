import logging
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import zalo_client
from ..tools.groups import SYSTEM

_logger = logging.getLogger(__name__)

# A token expiring within this delay is refreshed before the call.
TOKEN_MARGIN = timedelta(minutes=10)


class StpCrmZaloAccount(models.Model):
    """A Zalo Official Account (OA) and the Zalo app that holds its tokens."""

    _name = "stp.crm.zalo.account"
    _inherit = ["mail.thread", "stp.crm.guarded.mixin"]
    _description = "Zalo Official Account"
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    oa_id = fields.Char(string="OA ID", required=True, tracking=True, help="The Official Account's id on Zalo.")
    app_id = fields.Char(string="App ID", required=True, tracking=True, help="The Zalo app connected to the OA.")
    app_secret = fields.Char(groups=SYSTEM, copy=False, help="The app's secret key (Zalo for Developers).")
    oa_secret_key = fields.Char(
        string="OA Secret Key", groups=SYSTEM, copy=False, help="Signs the webhook events Zalo sends us."
    )
    access_token = fields.Char(groups=SYSTEM, copy=False)
    refresh_token = fields.Char(groups=SYSTEM, copy=False, help="Single use: each refresh gives a new one.")
    token_expires_at = fields.Datetime(copy=False, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True, tracking=True)
    # From the last ZNS answer: Zalo counts the day's messages of the OA.
    daily_quota = fields.Integer(readonly=True, copy=False)
    remaining_quota = fields.Integer(readonly=True, copy=False)
    quota_date = fields.Date(string="Quota Of", readonly=True, copy=False, help="The day of the last answer.")
    template_ids = fields.One2many("stp.crm.zalo.template", "account_id", string="Templates")
    message_count = fields.Integer(compute="_compute_message_count", string="Zalo Messages")

    _sql_constraints = [
        ("oa_id_unique", "UNIQUE (oa_id)", "This Official Account is already connected."),
    ]

    def _compute_message_count(self):
        counts = dict(
            self.env["stp.crm.zalo.message"]._read_group([("account_id", "in", self.ids)], ["account_id"], ["__count"])
        )
        for account in self:
            account.message_count = counts.get(account, 0)

    # ------------------------------------------------------------------
    # Tokens
    # ------------------------------------------------------------------
    def _stp_client(self):
        return zalo_client.ZaloClient(zalo_client.base_urls(self.env))

    def _stp_quota_exhausted(self):
        """Whether the last answer of today left no ZNS to send today."""
        self.ensure_one()
        return bool(
            self.daily_quota and self.quota_date == fields.Date.context_today(self) and self.remaining_quota <= 0
        )

    def _stp_access_token(self):
        """A valid access token, refreshed first when it expires within 10 minutes."""
        self.ensure_one()
        account = self.sudo()
        expires = account.token_expires_at
        if not account.access_token or not expires or expires - TOKEN_MARGIN <= fields.Datetime.now():
            account._stp_refresh_token()
        return account.access_token

    def _stp_refresh_token(self, failed_token=None):
        """Trade the single-use refresh token for a new pair, stored at once in its own
        transaction: whatever happens to the caller's transaction, the new refresh token
        (the only one Zalo accepts from now on) is kept. The account's row is locked in
        that transaction: a second worker refreshing at the same moment waits, then takes
        the pair the first one stored instead of spending the used refresh token again.
        ``failed_token``: the access token Zalo just refused (``-124``)."""
        self.ensure_one()
        # what this transaction changed of the account is read by the other one (in
        # production the callers change nothing of it: the row stays unlocked here)
        self.sudo().flush_recordset()
        with self.env.registry.cursor() as cr:
            account = self.with_env(self.env(cr=cr, su=True))
            # never wait forever: a refresh that cannot lock the row fails, and is tried again
            cr.execute(SQL("SET LOCAL lock_timeout = '20s'"))
            cr.execute(SQL("SELECT id FROM stp_crm_zalo_account WHERE id = %s FOR UPDATE", account.id))
            expires = account.token_expires_at
            if (
                account.access_token
                and account.access_token != failed_token
                and expires
                and expires - TOKEN_MARGIN > fields.Datetime.now()
            ):
                values = {
                    "access_token": account.access_token,
                    "refresh_token": account.refresh_token,
                    "token_expires_at": expires,
                }
            else:
                if not account.refresh_token:
                    raise zalo_client.ZaloPermanentError(
                        self.env._("The Zalo account %(account)s has no refresh token.", account=account.name)
                    )
                access, refresh, expires_in = account._stp_client().refresh_token(
                    account.app_id, account.app_secret, account.refresh_token
                )
                values = {
                    "access_token": access,
                    "refresh_token": refresh,
                    "token_expires_at": fields.Datetime.now() + timedelta(seconds=expires_in or 90000),
                }
                account._stp_system_write(values)
                _logger.info("Zalo account %s: access token refreshed", account.oa_id)
        self._stp_cache_values(values)
        return values["access_token"]

    def _stp_write_apart(self, values):
        """Write ``values`` (tokens, quota) on the account in its own transaction, committed
        at once, and show them to the caller's cache. The caller's transaction never
        writes the account's row itself: the two never wait on each other."""
        self.ensure_one()
        account = self.sudo()
        with self.env.registry.cursor() as cr:
            account.with_env(account.env(cr=cr))._stp_system_write(values)
        self._stp_cache_values(values)

    def _stp_cache_values(self, values):
        """Show ``values`` written by another transaction to this one's cache."""
        account = self.sudo()
        for name, value in values.items():
            field = account._fields[name]
            account.env.cache.update(account, field, [field.convert_to_cache(value, account)])

    def _stp_call(self, method, *args):
        """``method(access_token, *args)`` of the client, with a token refreshed when it
        is about to expire, and once more (then the call retried once) on ``-124``."""
        self.ensure_one()
        client = self._stp_client()
        token = self._stp_access_token()
        try:
            return getattr(client, method)(token, *args)
        except zalo_client.ZaloTokenError:
            return getattr(client, method)(self._stp_refresh_token(failed_token=token), *args)

    def _stp_record_quota(self, quota):
        """Keep the quota of the last ZNS answer (``{"dailyQuota", "remainingQuota"}``)."""
        if not quota:
            return
        try:
            daily, remaining = int(quota.get("dailyQuota") or 0), int(quota.get("remainingQuota") or 0)
        except (TypeError, ValueError):
            return
        self._stp_write_apart(
            {"daily_quota": daily, "remaining_quota": remaining, "quota_date": fields.Date.context_today(self)}
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_stp_refresh_token(self):
        self.check_access("write")
        for account in self:
            try:
                account._stp_refresh_token()
            except zalo_client.ZaloError as error:
                raise UserError(
                    self.env._(
                        "Zalo refused to refresh the token of %(account)s: %(error)s",
                        account=account.name,
                        error=error.message,
                    )
                ) from error
        return True

    def action_stp_open_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stp_crm.stp_crm_zalo_message_action")
        action["domain"] = [("account_id", "=", self.id)]
        return action

    @api.model
    def _stp_for_webhook(self, oa_id=None, app_id=None):
        """The active account of the OA ``oa_id`` (the event's ``recipient.id``), else of the app."""
        accounts = self.sudo().search([("oa_id", "=", oa_id)], limit=1) if oa_id else self.sudo().browse()
        if not accounts and app_id:
            accounts = self.sudo().search([("app_id", "=", str(app_id))], limit=1)
        return accounts

    # ------------------------------------------------------------------
    # Webhook events (signature already checked by the controller)
    # ------------------------------------------------------------------
    def _stp_handle_event(self, event):
        """Apply one event of Zalo: a text from a user becomes an inbound ``zalo``
        interaction on the customer (a new prospect "Zalo <id>" for an unknown user),
        follow/unfollow set the follower flag. An event already handled (same
        ``msg_id``) is ignored."""
        self.ensure_one()
        name = event.get("event_name")
        sender = event.get("sender") if isinstance(event.get("sender"), dict) else {}
        follower = event.get("follower") if isinstance(event.get("follower"), dict) else {}
        if name in ("follow", "unfollow"):
            user_id = follower.get("id") or sender.get("id")
            if user_id:
                partner = self._stp_zalo_partner(str(user_id))
                partner.sudo().stp_zalo_follower = name == "follow"
            return True
        if name == "user_send_text" and sender.get("id"):
            message = event.get("message") if isinstance(event.get("message"), dict) else {}
            msg_id = message.get("msg_id")
            interactions = self.env["stp.crm.interaction"].sudo()
            if msg_id and interactions.with_context(active_test=False).search_count(
                [("zalo_msg_id", "=", str(msg_id))], limit=1
            ):
                return False  # Zalo retried an event already logged
            partner = self._stp_zalo_partner(str(sender["id"]))
            text = message.get("text") or ""
            values = partner._stp_interaction_values() or {"partner_id": partner.commercial_partner_id.id}
            values.update(
                channel="zalo",
                direction="inbound",
                summary=(text.splitlines() or [""])[0][:120] or self.env._("Zalo message"),
                outcome=text,
                zalo_msg_id=msg_id and str(msg_id),
                date=self._stp_event_date(event),
                company_id=(partner.commercial_partner_id.company_id or self.company_id).id,
            )
            interactions.create(values)
            return True
        return False

    def _stp_zalo_partner(self, user_id):
        """The partner of this Zalo user, or a new prospect "Zalo <id>"."""
        partners = self.env["res.partner"].sudo()
        partner = partners.search([("stp_zalo_user_id", "=", user_id)], limit=1)
        if not partner:
            partner = partners.create(
                {
                    "name": f"Zalo {user_id}",
                    "stp_zalo_user_id": user_id,
                    "stp_classification": "prospect",
                    "company_id": self.company_id.id,
                }
            )
        return partner

    @staticmethod
    def _stp_event_date(event):
        try:
            return datetime.utcfromtimestamp(int(event.get("timestamp")) / 1000)
        except (TypeError, ValueError, OverflowError):
            return fields.Datetime.now()

    def _stp_send_text(self, partner, text):
        """Reply to ``partner`` in the OA's chat (a customer-service message: Zalo accepts it
        within 7 days of the customer's last message), logged as an outbound ``zalo``
        interaction. Zalo's refusal is raised as a UserError."""
        self.ensure_one()
        user_id = partner.sudo().stp_zalo_user_id
        if not user_id:
            raise UserError(self.env._("%(partner)s has no Zalo user ID.", partner=partner.display_name))
        try:
            self._stp_call("send_cs_message", user_id, text)
        except zalo_client.ZaloError as error:
            raise UserError(self.env._("Zalo refused the message: %(error)s", error=error.message)) from error
        values = partner._stp_interaction_values()
        if values:
            values.update(
                channel="zalo",
                direction="outbound",
                summary=(text.splitlines() or [""])[0][:120] or self.env._("Zalo message"),
                outcome=text,
            )
            self.env["stp.crm.interaction"]._stp_log_automatically([values])
        return True
