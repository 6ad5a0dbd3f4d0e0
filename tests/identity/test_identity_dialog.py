"""Fallback sign-in: the dialog's auth-code flow end to end over HTTPS (app, MSAL, provider),
and the backend session tokens it hands out."""

from __future__ import annotations

import html
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from addin_server import create_app
from addin_server.context import SETTINGS_KEY
from addin_server.dev.loopback import LoopbackServer
from addin_server.dev.openid_provider import OpenIdProvider, ProviderUser
from addin_server.devcert import TlsFiles
from addin_server.identity.dialog import DIALOG_CALLBACK_PATH
from addin_server.identity.tokens import (
    ADMIN_APP_ROLE,
    SESSION_MAX_AGE_SECONDS,
    VerifiedIdentity,
    issue_session_token,
)
from tests.identity.identity_support import TENANT_C, Forger, bearer, identity_row_counts

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

RESULT = re.compile(r'<script type="application/json" id="dialog-result">(.*?)</script>', re.S)


@dataclass(frozen=True)
class ServedApp:
    app: Flask
    url: str


@pytest.fixture
def served_app(
    app_config: dict[str, Any], oidc_provider: OpenIdProvider, identity_tls: TlsFiles
) -> Iterator[ServedApp]:
    """The app over HTTPS on loopback, its public URL being where it is served."""
    apps: list[Flask] = []
    context = identity_tls.server_context()

    def dispatch(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return apps[0](environ, start_response)  # the app exists once its URL is known

    server = LoopbackServer(dispatch, ssl_context=context, hostname="localhost").start()
    apps.append(create_app({**app_config, "public_url": server.url}))
    registered = oidc_provider.find_client(app_config["client_id"])
    assert registered is not None
    oidc_provider.register_client(
        replace(
            registered,
            redirect_uris=(*registered.redirect_uris, server.url + DIALOG_CALLBACK_PATH),
        )
    )
    yield ServedApp(apps[0], server.url)
    server.stop()
    apps[0].extensions["addin.db"].dispose()


def dialog_user(provider: OpenIdProvider, tid: str, **kwargs: Any) -> ProviderUser:
    oid = str(uuid.uuid4())
    return provider.add_user(
        ProviderUser(tid, oid, "Dana", f"dana-{oid[:8]}@example.com", **kwargs)
    )


def post_form(browser: requests.Session, page: requests.Response) -> requests.Response:
    """What the provider's auto-submitting ``form_post`` page makes a browser do."""
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action, page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    return browser.post(html.unescape(action.group(1)), data=fields)


def sign_in_through_dialog(
    browser: requests.Session, served_app: ServedApp, **params: str
) -> requests.Response:
    return post_form(browser, browser.get(f"{served_app.url}/auth/dialog/start", params=params))


def dialog_result(response: requests.Response) -> dict[str, Any]:
    match = RESULT.search(response.text)
    assert match, response.text
    message: dict[str, Any] = json.loads(match.group(1))
    return message


def test_dialog_sign_in_end_to_end(served_app: ServedApp, oidc_provider: OpenIdProvider) -> None:
    tenant_a = served_app.app.extensions[SETTINGS_KEY].allowed_tenants[0]
    user = dialog_user(oidc_provider, tenant_a, roles=(ADMIN_APP_ROLE,))
    browser = requests.Session()
    at_provider = browser.get(
        f"{served_app.url}/auth/dialog/start", params={"login_hint": user.username}
    )
    assert at_provider.url.startswith(oidc_provider.base_url)
    assert "code=" not in at_provider.url
    response = post_form(browser, at_provider)
    assert response.url == served_app.url + DIALOG_CALLBACK_PATH
    assert response.status_code == 200
    assert response.headers["Cross-Origin-Opener-Policy"] == "unsafe-none"
    assert response.headers["Cache-Control"] == "no-store"
    assert "appsforoffice.microsoft.com" in response.text
    message = dialog_result(response)
    assert message["type"] == "session"
    assert 0 < message["expires_in"] <= 3600

    me = browser.get(f"{served_app.url}/api/v1/me", headers=bearer(message["token"]))
    assert me.status_code == 200
    assert (me.json()["user"]["oid"], me.json()["role"]) == (user.oid, "admin")

    revoked = browser.post(
        f"{served_app.url}/api/v1/auth/session/revoke", headers=bearer(message["token"])
    )
    assert revoked.status_code == 204
    again = browser.get(f"{served_app.url}/api/v1/me", headers=bearer(message["token"]))
    assert again.status_code == 401
    assert again.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_demo_chooser_and_window_mode(served_app: ServedApp, oidc_provider: OpenIdProvider) -> None:
    tenant_b = served_app.app.extensions[SETTINGS_KEY].allowed_tenants[1]
    user = dialog_user(oidc_provider, tenant_b)
    browser = requests.Session()
    chooser = browser.get(f"{served_app.url}/auth/dialog/start", params={"via": "window"})
    link = re.search(
        rf'href="([^"]*login_hint={re.escape(quote(user.username))}[^"]*)"', chooser.text
    )
    assert link, chooser.text
    response = post_form(browser, browser.get(urljoin(chooser.url, html.unescape(link.group(1)))))
    assert dialog_result(response)["type"] == "session"
    assert "appsforoffice.microsoft.com" not in response.text


@pytest.mark.parametrize("verified", [True, False], ids=["xms_edov true", "xms_edov false"])
def test_dialog_sign_in_accepts_an_invitation_only_for_a_verified_email(
    served_app: ServedApp,
    oidc_provider: OpenIdProvider,
    make_token: Callable[..., str],
    verified: bool,
) -> None:
    """The provider's xms_edov reaches the app through MSAL, and the session token carries
    what it proved to every later call."""
    tenant_a = served_app.app.extensions[SETTINGS_KEY].allowed_tenants[0]
    user = dialog_user(oidc_provider, tenant_a, email_verified=verified)
    admin = bearer(make_token(tenant_a, roles=[ADMIN_APP_ROLE]))
    invited = requests.post(
        f"{served_app.url}/api/v1/tenant/members", json={"email": user.username}, headers=admin
    )
    assert invited.status_code == 201, invited.text
    browser = requests.Session()
    message = dialog_result(sign_in_through_dialog(browser, served_app, login_hint=user.username))
    me = browser.get(f"{served_app.url}/api/v1/me", headers=bearer(message["token"])).json()
    assert me["role"] == ("member" if verified else None)
    assert bool(me["invitation_refused"]) is not verified


def test_dialog_refuses_a_tenant_not_allowed(
    served_app: ServedApp, oidc_provider: OpenIdProvider
) -> None:
    user = dialog_user(oidc_provider, TENANT_C)
    response = sign_in_through_dialog(requests.Session(), served_app, login_hint=user.username)
    assert response.status_code == 400
    assert dialog_result(response)["error"] == "not_allowed"
    assert identity_row_counts(served_app.app) == (0, 0, 0)


def test_dialog_callback_checks_state(served_app: ServedApp, oidc_provider: OpenIdProvider) -> None:
    tenant_a = served_app.app.extensions[SETTINGS_KEY].allowed_tenants[0]
    user = dialog_user(oidc_provider, tenant_a)
    browser = requests.Session()
    page = browser.get(f"{served_app.url}/auth/dialog/start", params={"login_hint": user.username})
    forged_page = requests.Response()
    forged_page._content = re.sub(
        r'name="state" value="[^"]*"', 'name="state" value="forged"', page.text
    ).encode()
    response = post_form(browser, forged_page)
    assert response.status_code == 400
    assert dialog_result(response)["error"] == "flow_mismatch"
    assert identity_row_counts(served_app.app) == (0, 0, 0)


def test_dialog_callback_without_the_flow_cookie(served_app: ServedApp) -> None:
    response = requests.post(
        f"{served_app.url}{DIALOG_CALLBACK_PATH}", data={"code": "abc", "state": "def"}
    )
    assert response.status_code == 400
    assert dialog_result(response)["error"] == "flow_expired"


# --- session tokens ---------------------------------------------------------------------------


def session_token(
    app: Flask,
    tid: str,
    *,
    now: int | None = None,
    signed_in_at: int | None = None,
    secret_key: str | None = None,
) -> str:
    settings = app.extensions[SETTINGS_KEY]
    identity = VerifiedIdentity(
        tid=tid,
        oid="5e5510e0-0000-4000-8000-000000000001",
        name="Sam",
        username="sam@example.com",
        roles=frozenset(),
        expires_at=0,
        session_id="previous" if signed_in_at else None,
        signed_in_at=signed_in_at,
    )
    if secret_key:
        settings = replace(settings, secret_key=secret_key)
    return issue_session_token(settings, identity, now=now).token


def test_session_token_is_accepted(app: Flask, client: FlaskClient, forger: Forger) -> None:
    response = client.get("/api/v1/me", headers=bearer(session_token(app, forger.tenant_a)))
    assert response.status_code == 200
    assert response.get_json()["user"]["username"] == "sam@example.com"


SessionTokenMaker = Callable[[Flask, str], str]
BAD_SESSION_TOKENS: dict[str, SessionTokenMaker] = {
    "expired": lambda app, tid: session_token(app, tid, now=int(time.time()) - 7200),
    "tenant not allowed": lambda app, _tid: session_token(app, TENANT_C),
    "signed with another key": lambda app, tid: session_token(app, tid, secret_key="k" * 48),
}


@pytest.mark.parametrize("make", BAD_SESSION_TOKENS.values(), ids=BAD_SESSION_TOKENS.keys())
def test_bad_session_tokens_are_rejected(
    app: Flask, client: FlaskClient, forger: Forger, make: SessionTokenMaker
) -> None:
    response = client.get("/api/v1/me", headers=bearer(make(app, forger.tenant_a)))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert identity_row_counts(app) == (0, 0, 0)


SESSION_PROBLEM_TYPES = {
    "expired": "/problems/session-expired",
    "tenant not allowed": "/problems/tenant-not-allowed",
    "signed with another key": "/problems/unauthenticated",
}


@pytest.mark.parametrize(("name", "problem_type"), SESSION_PROBLEM_TYPES.items())
def test_session_token_rejections_say_which_they_are(
    app: Flask, client: FlaskClient, forger: Forger, name: str, problem_type: str
) -> None:
    token = BAD_SESSION_TOKENS[name](app, forger.tenant_a)
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["type"] == problem_type


def test_revoked_session_token_is_rejected_and_nothing_changes(
    app: Flask, client: FlaskClient, forger: Forger
) -> None:
    token = session_token(app, forger.tenant_a)
    assert client.post("/api/v1/auth/session/revoke", headers=bearer(token)).status_code == 204
    counts = identity_row_counts(app)
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["type"] == "/problems/session-expired"
    assert identity_row_counts(app) == counts


def test_session_refresh_replaces_the_token(
    app: Flask, client: FlaskClient, forger: Forger
) -> None:
    old = session_token(app, forger.tenant_a)
    renewed = client.post("/api/v1/auth/session/refresh", headers=bearer(old))
    assert renewed.status_code == 200
    new = renewed.get_json()["token"]
    assert client.get("/api/v1/me", headers=bearer(new)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(old)).status_code == 401


def test_session_refresh_stops_at_the_maximum_age(
    app: Flask, client: FlaskClient, forger: Forger
) -> None:
    signed_in_at = int(time.time()) - SESSION_MAX_AGE_SECONDS + 30
    token = session_token(app, forger.tenant_a, signed_in_at=signed_in_at)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.post("/api/v1/auth/session/refresh", headers=bearer(token)).status_code == 401


def test_entra_tokens_are_not_refreshed_by_the_backend(client: FlaskClient, forger: Forger) -> None:
    response = client.post("/api/v1/auth/session/refresh", headers=bearer(forger.sign()))
    assert response.status_code == 400
