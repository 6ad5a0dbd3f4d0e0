"""Fallback sign-in for clients without Nested App Authentication (Outlook.com mailboxes,
older desktop builds): a page opened with ``Office.context.ui.displayDialogAsync`` (or
``window.open`` outside Office) runs the auth-code flow with MSAL's confidential client, and
hands the taskpane a backend session token via ``messageParent`` / ``postMessage``.

The flow state (state, nonce, PKCE verifier) lives in a signed, short-lived, HttpOnly cookie
bound to the dialog window; MSAL checks state and nonce when the code comes back.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar
from urllib.parse import urlsplit

import msal
from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from msal.authority import WELL_KNOWN_AUTHORITY_HOSTS
from werkzeug.wrappers import Response as BaseResponse

from addin_server.config import Settings
from addin_server.context import current_settings, request_session
from addin_server.identity.guard import identity_runtime
from addin_server.identity.routes import api_scope_uri, client_authority
from addin_server.identity.signing_keys import SigningKeysUnavailable
from addin_server.identity.tokens import InvalidToken, issue_session_token, validate_entra_token
from addin_server.identity.users import sign_in

pages = Blueprint(
    "identity_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/auth/static",
)
log = logging.getLogger(__name__)
_R = TypeVar("_R", bound=BaseResponse)

DIALOG_CALLBACK_PATH = "/auth/dialog/callback"
FLOW_COOKIE = "__Host-addin-sign-in"
FLOW_MAX_AGE_SECONDS = 10 * 60
OFFICE_JS_ORIGIN = "https://appsforoffice.microsoft.com"
OFFICE_JS = f"{OFFICE_JS_ORIGIN}/lib/1/hosted/office.js"
_FLOW_SALT = "addin-sign-in-dialog-flow"
_MSAL_TIMEOUT = 10


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=_FLOW_SALT)


def confidential_client(settings: Settings) -> msal.ConfidentialClientApplication:
    """MSAL for the configured authority; hosts Microsoft does not know (the built-in
    provider, tests) skip instance discovery, which would call login.microsoftonline.com.

    A new client per request keeps MSAL's token cache from collecting every user's tokens;
    the app-wide ``http_cache`` keeps it from fetching the discovery documents each time."""
    known_host = urlsplit(settings.authority).hostname in WELL_KNOWN_AUTHORITY_HOSTS
    return msal.ConfidentialClientApplication(
        settings.client_id,
        client_credential=settings.client_secret,
        authority=client_authority(settings),
        instance_discovery=None if known_host else False,
        timeout=_MSAL_TIMEOUT,
        http_cache=identity_runtime().msal_http_cache,
    )


def _page_headers(response: _R) -> _R:
    # The dialog and the pane must stay able to talk: no same-origin COOP (error 12006).
    response.headers["Cross-Origin-Opener-Policy"] = "unsafe-none"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' {OFFICE_JS_ORIGIN}; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return response


def _result_page(message: dict[str, Any], via: str, status: int = 200) -> Response:
    response = make_response(
        render_template(
            "identity/dialog_result.html",
            message=message,
            office_js=OFFICE_JS if via == "office" else None,
        ),
        status,
    )
    response.delete_cookie(FLOW_COOKIE, path="/", secure=True, httponly=True, samesite="None")
    return _page_headers(response)


def _failure(error: str, text: str, via: str) -> Response:
    return _result_page({"type": "error", "error": error, "message": text}, via, status=400)


@pages.get("/auth/dialog/start")
def dialog_start() -> BaseResponse:
    """First page of the dialog (on our origin, as Office requires): off to the authority."""
    settings = current_settings()
    via = "window" if request.args.get("via") == "window" else "office"
    login_hint = request.args.get("login_hint", "")[:320] or None
    try:
        flow = confidential_client(settings).initiate_auth_code_flow(
            [api_scope_uri(settings)],
            redirect_uri=settings.public_url + url_for("identity_pages.dialog_callback"),
            login_hint=login_hint,
            response_mode="form_post",  # keeps the code out of URLs and browser history
        )
    except (ValueError, OSError) as exc:
        log.warning("sign-in authority unavailable", extra={"reason": str(exc)})
        return _failure("authority_unavailable", "Sign-in is unavailable right now.", via)
    auth_uri = flow.pop("auth_uri")
    response = _page_headers(redirect(auth_uri))
    response.set_cookie(
        FLOW_COOKIE,
        _serializer(settings).dumps({"flow": flow, "via": via}),
        max_age=FLOW_MAX_AGE_SECONDS,
        path="/",
        secure=True,
        httponly=True,
        samesite="None",
    )
    return response


@pages.post(DIALOG_CALLBACK_PATH)
def dialog_callback() -> Response:
    """The authority posts the code here (``form_post``): redeem it, check the access token
    like any other, and hand a session token to the taskpane."""
    settings = current_settings()
    try:
        stored = _serializer(settings).loads(
            request.cookies.get(FLOW_COOKIE, ""), max_age=FLOW_MAX_AGE_SECONDS
        )
    except BadSignature:
        return _failure(
            "flow_expired", "Sign-in took too long or was started elsewhere; try again.", "office"
        )
    via = str(stored.get("via", "office"))
    try:
        result = confidential_client(settings).acquire_token_by_auth_code_flow(
            stored["flow"], request.form.to_dict()
        )
    except ValueError as exc:  # state mismatch, or the authority could not be reached
        log.warning("sign-in callback rejected", extra={"reason": str(exc)[:200]})
        return _failure("flow_mismatch", "Sign-in could not be completed; try again.", via)
    if "access_token" not in result:
        log.warning("sign-in failed at the authority", extra={"reason": result.get("error")})
        return _failure(
            str(result.get("error", "sign_in_failed")), "Sign-in was not completed.", via
        )
    try:
        identity = validate_entra_token(
            result["access_token"], settings, identity_runtime().signing_keys
        )
    except (InvalidToken, SigningKeysUnavailable) as exc:
        log.warning("sign-in token rejected", extra={"reason": str(exc)})
        return _failure("not_allowed", "This account cannot use the add-in.", via)
    sign_in(request_session(), identity)
    issued = issue_session_token(settings, identity)
    return _result_page(
        {"type": "session", "token": issued.token, "expires_in": issued.expires_in}, via
    )
