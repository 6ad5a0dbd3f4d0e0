"""The provider over HTTP: discovery, keys, the authorize page and the token endpoint."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, abort, current_app, jsonify, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from addin_server.dev.loopback import LoopbackServer
from addin_server.dev.openid_provider.state import (
    CODE_LIFETIME_SECONDS,
    PendingCode,
    ProviderState,
    tenant_matches,
)
from addin_server.devcert import TlsFiles

_PROVIDER_KEY = "openid_provider"
_MULTI_TENANT = {"common", "organizations", "consumers"}
_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


class OpenIdProvider(ProviderState):
    """The provider's state, and ``serve`` to put it on the network."""

    def serve(self, tls: TlsFiles) -> LoopbackServer:
        """Start serving over HTTPS as ``https://localhost:<port>``; sets ``base_url``."""
        context = tls.server_context()
        app = provider_app(self)
        server = LoopbackServer(app, ssl_context=context, hostname="localhost").start()
        self.base_url = server.url
        return server


def provider_app(provider: ProviderState) -> Flask:
    app = Flask(__name__, template_folder=str(_TEMPLATES))
    app.extensions[_PROVIDER_KEY] = provider
    app.before_request(_outage)
    app.add_url_rule("/<tenant>/v2.0/.well-known/openid-configuration", view_func=_metadata_v2)
    app.add_url_rule("/<tenant>/.well-known/openid-configuration", view_func=_metadata_v1)
    app.add_url_rule("/<tenant>/discovery/v2.0/keys", view_func=_keys)
    app.add_url_rule("/<tenant>/discovery/keys", view_func=_keys, endpoint="keys_v1")
    app.add_url_rule("/<tenant>/oauth2/v2.0/authorize", view_func=_authorize)
    app.add_url_rule("/<tenant>/oauth2/v2.0/token", view_func=_token, methods=["POST"])
    return app


def _provider() -> ProviderState:
    provider: ProviderState = current_app.extensions[_PROVIDER_KEY]
    return provider


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    response = jsonify(error=error, error_description=description)
    response.status_code = status
    return response


def _outage() -> Response | None:
    if _provider().available:
        return None
    return _oauth_error("temporarily_unavailable", "simulated outage", status=503)


def _metadata(tenant: str, version: int) -> dict[str, Any]:
    provider = _provider()
    base = f"{provider.base_url}/{tenant}"
    issuer_tenant = "{tenantid}" if tenant in _MULTI_TENANT else tenant
    return {
        "issuer": provider.issuer(issuer_tenant, version),
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "jwks_uri": f"{base}/discovery/v2.0/keys" if version == 2 else f"{base}/discovery/keys",
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "code_challenge_methods_supported": ["S256"],
    }


def _metadata_v2(tenant: str) -> Response:
    return jsonify(_metadata(tenant, 2))


def _metadata_v1(tenant: str) -> Response:
    return jsonify(_metadata(tenant, 1))


def _keys(tenant: str) -> Response:
    provider = _provider()
    provider.jwks_fetches += 1
    return jsonify(provider.jwks())


def _back(redirect_uri: str, **params: str) -> BaseResponse | str:
    """Answer the client at its redirect URI, by query string or by a posted form."""
    state = request.args.get("state")
    fields = {**params, **({"state": state} if state else {})}
    if request.args.get("response_mode") == "form_post":
        return render_template(
            "dev/openid_provider_form_post.html", action=redirect_uri, fields=fields
        )
    return redirect(f"{redirect_uri}?{urlencode(fields)}")


def _authorize(tenant: str) -> BaseResponse | str:
    provider, args = _provider(), request.args
    client = provider.find_client(args.get("client_id", ""))
    redirect_uri = args.get("redirect_uri", "")
    if client is None or redirect_uri not in client.redirect_uris:
        abort(400, "unknown client_id or unregistered redirect_uri")
    if args.get("response_type") != "code":
        return _back(redirect_uri, error="unsupported_response_type")
    if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
        return _back(
            redirect_uri, error="invalid_request", error_description="PKCE S256 is required"
        )
    user = provider.find_user(args.get("login_hint", ""))
    if user is None or not tenant_matches(tenant, user):
        choices = [u for u in provider.users() if tenant_matches(tenant, u)]
        links = [(u, f"?{urlencode({**args, 'login_hint': u.username})}") for u in choices]
        return render_template("dev/openid_provider_choose.html", links=links)
    code = provider.new_code(
        PendingCode(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            code_challenge=args["code_challenge"],
            nonce=args.get("nonce"),
            scope=args.get("scope", ""),
            user=user,
            expires_at=time.time() + CODE_LIFETIME_SECONDS,
        )
    )
    return _back(redirect_uri, code=code)


def _token(tenant: str) -> Response:
    provider, form = _provider(), request.form
    client = provider.find_client(form.get("client_id", ""))
    if client is None or not secrets.compare_digest(
        form.get("client_secret", ""), client.client_secret
    ):
        return _oauth_error("invalid_client", "unknown client or wrong secret")
    if form.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "only authorization_code")
    pending = provider.redeem_code(form.get("code", ""))
    if pending is None or pending.client_id != client.client_id:
        return _oauth_error("invalid_grant", "unknown, used or expired code")
    problem = _code_problem(pending)
    if problem:
        return _oauth_error("invalid_grant", problem)
    return jsonify(provider.token_response(pending, client))


def _code_problem(pending: PendingCode) -> str | None:
    """Why the token request does not match its authorize request (PKCE, redirect URI)."""
    form = request.form
    if form.get("redirect_uri") != pending.redirect_uri:
        return "redirect_uri differs from the authorize request"
    verifier = form.get("code_verifier", "").encode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
    if not secrets.compare_digest(challenge.decode(), pending.code_challenge):
        return "PKCE verification failed"
    return None
