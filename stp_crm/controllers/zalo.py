import json
import logging

from odoo import http
from odoo.http import request

from ..tools import zalo_client

_logger = logging.getLogger(__name__)


class StpCrmZaloWebhook(http.Controller):
    """Zalo calls us: the events of our Official Account (messages, follows)."""

    @http.route("/stp_crm/zalo/webhook", type="http", auth="none", methods=["POST"], csrf=False, save_session=False)
    def stp_zalo_webhook(self, **_kwargs):
        raw = request.httprequest.get_data()
        try:
            event = json.loads(raw)
        except ValueError:
            return self._answer(400, "not JSON")
        if not isinstance(event, dict):
            return self._answer(400, "not a JSON object")
        recipient = event.get("recipient") if isinstance(event.get("recipient"), dict) else {}
        accounts = request.env["stp.crm.zalo.account"].sudo()
        account = accounts._stp_for_webhook(recipient.get("id") or event.get("oa_id"), event.get("app_id"))
        signature = request.httprequest.headers.get("X-ZEvent-Signature")
        if not account or not zalo_client.check_signature(
            event.get("app_id"), raw, event.get("timestamp"), account.oa_secret_key, signature
        ):
            _logger.warning("Zalo webhook: event refused (unknown OA or wrong signature)")
            return self._answer(403, "forbidden")
        account.with_company(account.company_id)._stp_handle_event(event)
        return self._answer(200, "ok")

    @staticmethod
    def _answer(status, message):
        return request.make_json_response({"message": message}, status=status)
