"""A small HTTP client of Zalo's documented API (Official Account and ZNS), with ``requests``.

Only what STP CRM uses: the token refresh, the ZNS template message, the OA
customer-service message and the check of a webhook's signature. The base URLs
come from the system parameters ``stp_crm.zalo_oauth_url``, ``stp_crm.zalo_zns_url``
and ``stp_crm.zalo_openapi_url`` (tests point them at a local fake server)."""

import hashlib
import hmac
import logging

import requests

_logger = logging.getLogger(__name__)

TIMEOUT = 15  # seconds, for every call
DEFAULT_URLS = {
    "oauth": "https://oauth.zaloapp.com",
    "zns": "https://business.openapi.zalo.me",
    "openapi": "https://openapi.zalo.me",
}
TOKEN_INVALID = -124  # "access token invalid or expired"


class ZaloError(Exception):
    """A call that failed. ``code`` is Zalo's error code (or the HTTP status)."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code
        self.message = message


class ZaloTransientError(ZaloError):
    """Worth retrying later: HTTP 5xx, a timeout, no connection."""


class ZaloPermanentError(ZaloError):
    """Zalo refused the call (``error`` ≠ 0, HTTP 4xx): the same call fails again."""


class ZaloTokenError(ZaloPermanentError):
    """``-124``: the access token is invalid or expired (refresh it, then retry once)."""


def base_urls(env):
    """The three base URLs, from the system parameters (the documented defaults otherwise)."""
    params = env["ir.config_parameter"].sudo()
    return {
        key: (params.get_param(f"stp_crm.zalo_{key}_url") or default).rstrip("/")
        for key, default in DEFAULT_URLS.items()
    }


def check_signature(app_id, raw_body, timestamp, oa_secret_key, signature):
    """Whether ``signature`` (the ``X-ZEvent-Signature`` header, ``mac=<hex>``) is
    sha256(app_id + raw body + timestamp + OA secret key). Constant-time comparison."""
    if not (signature and oa_secret_key and app_id is not None and timestamp is not None):
        return False
    if isinstance(raw_body, bytes):
        raw_body = raw_body.decode("utf-8", "replace")
    expected = hashlib.sha256(f"{app_id}{raw_body}{timestamp}{oa_secret_key}".encode()).hexdigest()
    given = signature.strip()
    given = given.removeprefix("mac=")
    return hmac.compare_digest(expected, given.lower())


def sign(app_id, raw_body, timestamp, oa_secret_key):
    """The header value Zalo sends for this event (used by the tests and the docs)."""
    if isinstance(raw_body, bytes):
        raw_body = raw_body.decode("utf-8")
    return "mac=" + hashlib.sha256(f"{app_id}{raw_body}{timestamp}{oa_secret_key}".encode()).hexdigest()


class ZaloClient:
    """Calls to Zalo with the given base URLs (``base_urls(env)``)."""

    def __init__(self, urls, timeout=TIMEOUT):
        self.urls = urls
        self.timeout = timeout

    def _post(self, url, **kwargs):
        try:
            response = requests.post(url, timeout=self.timeout, **kwargs)
        except (requests.Timeout, requests.ConnectionError) as error:
            raise ZaloTransientError(f"Zalo could not be reached: {error}") from error
        except requests.RequestException as error:
            raise ZaloPermanentError(f"Zalo call failed: {error}") from error
        if response.status_code >= 500:
            raise ZaloTransientError(f"Zalo answered HTTP {response.status_code}", code=response.status_code)
        try:
            answer = response.json()
        except ValueError as error:
            raise ZaloPermanentError(
                f"Zalo answered HTTP {response.status_code} without JSON", code=response.status_code
            ) from error
        if response.status_code >= 400 and not isinstance(answer, dict):
            raise ZaloPermanentError(f"Zalo answered HTTP {response.status_code}", code=response.status_code)
        if not isinstance(answer, dict):
            raise ZaloPermanentError("Zalo answered an unexpected JSON value")
        return answer

    @staticmethod
    def _check(answer):
        code = answer.get("error", 0)
        try:
            code = int(code or 0)
        except (TypeError, ValueError):
            code = -1
        if code:
            message = answer.get("message") or answer.get("error_description") or f"Zalo error {code}"
            if code == TOKEN_INVALID:
                raise ZaloTokenError(message, code=code)
            raise ZaloPermanentError(message, code=code)
        return answer

    def refresh_token(self, app_id, app_secret, refresh_token):
        """``POST {oauth}/v4/oa/access_token``: the new ``(access_token, refresh_token, expires_in)``
        (the refresh token given is single use: the new one must be stored at once)."""
        answer = self._post(
            f"{self.urls['oauth']}/v4/oa/access_token",
            headers={"secret_key": app_secret or ""},
            data={"app_id": app_id, "grant_type": "refresh_token", "refresh_token": refresh_token},
        )
        if not answer.get("access_token"):
            self._check(answer)
            message = answer.get("error_description") or answer.get("message") or "no access token in the answer"
            raise ZaloPermanentError(message, code=answer.get("error"))
        try:
            expires_in = int(answer.get("expires_in") or 0)
        except (TypeError, ValueError):
            expires_in = 0
        return answer["access_token"], answer.get("refresh_token") or refresh_token, expires_in

    def send_zns(self, access_token, phone, template_id, template_data, tracking_id):
        """``POST {zns}/message/template``: the answer's ``data`` (``msg_id``, ``sent_time``, ``quota``)."""
        answer = self._check(
            self._post(
                f"{self.urls['zns']}/message/template",
                headers={"access_token": access_token or ""},
                json={
                    "phone": phone,
                    "template_id": template_id,
                    "template_data": template_data,
                    "tracking_id": tracking_id,
                },
            )
        )
        return answer.get("data") or {}

    def send_cs_message(self, access_token, user_id, text):
        """``POST {openapi}/v3.0/oa/message/cs``: a reply to a user who wrote within 7 days."""
        answer = self._check(
            self._post(
                f"{self.urls['openapi']}/v3.0/oa/message/cs",
                headers={"access_token": access_token or ""},
                json={"recipient": {"user_id": user_id}, "message": {"text": text}},
            )
        )
        return answer.get("data") or {}
