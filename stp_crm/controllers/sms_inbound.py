import hmac
import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.exceptions import UserError
from odoo.http import request

from ..models.res_config_settings import SMS_INBOUND_TOKEN_PARAM

_logger = logging.getLogger(__name__)

# The names SMS gateways give the sender and the text of a mobile-originated (MO) message.
SENDER_KEYS = ("from", "sender", "phone", "msisdn")
TEXT_KEYS = ("text", "message", "content", "body", "sms")
MAX_TEXT = 1600  # a long SMS is 10 parts at most: keep the evidence, not whatever is posted


class StpCrmSmsInbound(http.Controller):
    """The company's SMS gateway forwards the replies customers send to its brandname or
    short code (MO messages): an opt-out keyword withdraws their SMS advertising consent."""

    @http.route("/stp_crm/sms/inbound", type="http", auth="none", methods=["POST"], csrf=False, save_session=False)
    def stp_sms_inbound(self, **params):
        if request.httprequest.mimetype == "application/json":
            try:
                params = json.loads(request.httprequest.get_data() or b"null")
            except ValueError:
                return self._answer(400, "not JSON")
            if not isinstance(params, dict):
                return self._answer(400, "not a JSON object")
        expected = request.env["ir.config_parameter"].sudo().get_param(SMS_INBOUND_TOKEN_PARAM) or ""
        given = request.httprequest.headers.get("X-STP-Token") or params.get("token") or ""
        if not expected or not isinstance(given, str) or not hmac.compare_digest(expected.encode(), given.encode()):
            _logger.warning("SMS inbound webhook: refused (wrong or missing token)")
            return self._answer(403, "forbidden")
        sender = next((params[key] for key in SENDER_KEYS if params.get(key)), None)
        text = next((params[key] for key in TEXT_KEYS if params.get(key)), None)
        if not isinstance(sender, str | int) or not isinstance(text, str):
            return self._answer(400, "sender and text are required")
        env = request.env(user=SUPERUSER_ID, su=True)  # no user: the gateway's call
        vietnam = env.ref("base.vn")
        try:
            number = env["res.partner"]._phone_format_number(
                str(sender), country=env.company.country_id or vietnam, force_format="E164", raise_exception=True
            )
        except UserError:
            return self._answer(200, "unknown")
        result = env["stp.crm.consent"]._stp_sms_reply(number, text.strip()[:MAX_TEXT])
        return self._answer(200, result)

    @staticmethod
    def _answer(status, result):
        return request.make_json_response({"result": result}, status=status)
