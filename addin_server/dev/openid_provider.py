"""A small OpenID provider shaped like Microsoft Entra, served over HTTPS on loopback.

Demo mode signs users in through it and the tests use it, so the real validation code (PyJWT,
the signing key cache, MSAL's auth-code flow) runs against real HTTP endpoints:

- ``/{tenant}/v2.0/.well-known/openid-configuration`` and the v1 ``/{tenant}/.well-known/...``
- ``/{tenant}/discovery/v2.0/keys`` (and v1 ``/discovery/keys``): the JWKS, with rotation
- ``/{tenant}/oauth2/v2.0/authorize``: picks the user by ``login_hint``, or shows a chooser
- ``/{tenant}/oauth2/v2.0/token``: auth code + PKCE (S256) + client secret -> ID and access token

Tests also mint tokens directly: ``provider.issue_access_token(tid, oid, version=1, ...)``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, abort, jsonify, redirect, render_template, request
from jwt.algorithms import RSAAlgorithm
from werkzeug.wrappers import Response as BaseResponse

from addin_server.config import Settings
from addin_server.dev.loopback import LoopbackServer
from addin_server.devcert import TlsFiles, combined_ca_bundle, ensure_tls_certificate
from addin_server.identity.dialog import DIALOG_CALLBACK_PATH
from addin_server.identity.tokens import ADMIN_APP_ROLE, PERSONAL_ACCOUNTS_TENANT, V1_ISSUER

CODE_LIFETIME_SECONDS = 300
TOKEN_LIFETIME_SECONDS = 3600
_MULTI_TENANT = {"common", "organizations", "consumers"}


@dataclass(frozen=True)
class ProviderUser:
    tid: str
    oid: str
    name: str
    username: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderClient:
    """An app registration: the API's client id is also its access tokens' audience."""

    client_id: str
    client_secret: str
    app_id_uri: str
    redirect_uris: tuple[str, ...]


@dataclass(frozen=True)
class _PendingCode:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    scope: str
    user: ProviderUser
    expires_at: float


@dataclass
class OpenIdProvider:
    """Signing keys, users, registered clients and pending codes; ``app`` serves them."""

    base_url: str = ""
    jwks_fetches: int = 0
    available: bool = True  # tests simulate an outage of the authority with False
    _keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    _active_kid: str = ""
    _users: dict[str, ProviderUser] = field(default_factory=dict)
    _clients: dict[str, ProviderClient] = field(default_factory=dict)
    _codes: dict[str, _PendingCode] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.rotate_key()
        self.app = _provider_app(self)

    # --- keys -------------------------------------------------------------------------------

    @property
    def active_kid(self) -> str:
        return self._active_kid

    def rotate_key(self) -> str:
        """Publish a new signing key and sign with it from now on; older keys stay published."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = uuid.uuid4().hex
        with self._lock:
            self._keys[kid] = key
            self._active_kid = kid
        return kid

    def retire_key(self, kid: str) -> None:
        with self._lock:
            if kid == self._active_kid:
                raise ValueError("rotate to a new key before retiring the active one")
            del self._keys[kid]

    def private_key(self, kid: str | None = None) -> rsa.RSAPrivateKey:
        with self._lock:
            return self._keys[kid or self._active_kid]

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            keys = list(self._keys.items())
        published = []
        for kid, key in keys:
            jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
            published.append({**jwk, "kid": kid, "use": "sig"})
        return {"keys": published}

    # --- registrations ----------------------------------------------------------------------

    def add_user(self, user: ProviderUser) -> ProviderUser:
        with self._lock:
            self._users[user.username.lower()] = user
        return user

    def register_client(self, client: ProviderClient) -> ProviderClient:
        with self._lock:
            self._clients[client.client_id] = client
        return client

    def users(self) -> list[ProviderUser]:
        with self._lock:
            return list(self._users.values())

    def find_user(self, username: str) -> ProviderUser | None:
        with self._lock:
            return self._users.get(username.lower())

    def find_client(self, client_id: str) -> ProviderClient | None:
        with self._lock:
            return self._clients.get(client_id)

    # --- tokens -----------------------------------------------------------------------------

    def issuer(self, tid: str, version: int = 2) -> str:
        return f"{self.base_url}/{tid}/v2.0" if version == 2 else V1_ISSUER.format(tid=tid)

    def sign(
        self,
        claims: Mapping[str, Any],
        *,
        kid: str | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> str:
        """RS256 over ``claims`` with the active key (or ``kid``)."""
        kid = kid or self._active_kid
        return jwt.encode(
            dict(claims),
            self.private_key(kid),
            algorithm="RS256",
            headers={"kid": kid, "typ": "JWT", **(headers or {})},
        )

    def access_token_claims(
        self,
        tid: str,
        oid: str,
        *,
        audience: str,
        version: int = 2,
        scp: str | None = "access_as_user",
        roles: tuple[str, ...] | list[str] = (),
        name: str = "Test User",
        username: str = "user@example.com",
        lifetime: int = TOKEN_LIFETIME_SECONDS,
        now: int | None = None,
        client_id: str | None = None,
    ) -> dict[str, Any]:
        """Claims as Entra puts them in an access token of ``version`` 1 or 2."""
        issued_at = int(time.time()) if now is None else now
        claims: dict[str, Any] = {
            "aud": audience,
            "iss": self.issuer(tid, version),
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + lifetime,
            "tid": tid,
            "oid": oid,
            "sub": hashlib.sha256(f"{tid}/{oid}/{audience}".encode()).hexdigest()[:43],
            "name": name,
            "ver": f"{version}.0",
        }
        caller = client_id or audience
        if version == 2:
            claims.update(preferred_username=username, azp=caller)
        else:
            claims.update(upn=username, unique_name=username, appid=caller)
        if scp is not None:
            claims["scp"] = scp
        if roles:
            claims["roles"] = list(roles)
        return claims

    def issue_access_token(
        self, tid: str, oid: str, *, audience: str, kid: str | None = None, **claims: Any
    ) -> str:
        """A signed access token; keyword arguments as for ``access_token_claims``."""
        return self.sign(self.access_token_claims(tid, oid, audience=audience, **claims), kid=kid)

    # --- authorization code flow ------------------------------------------------------------

    def new_code(self, pending: _PendingCode) -> str:
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = pending
        return code

    def redeem_code(self, code: str) -> _PendingCode | None:
        with self._lock:
            pending = self._codes.pop(code, None)
        if pending is None or pending.expires_at < time.time():
            return None
        return pending

    def token_response(self, pending: _PendingCode, client: ProviderClient) -> dict[str, Any]:
        user, now = pending.user, int(time.time())
        id_claims: dict[str, Any] = {
            "aud": client.client_id,
            "iss": self.issuer(user.tid),
            "iat": now,
            "nbf": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "tid": user.tid,
            "oid": user.oid,
            "sub": user.oid,
            "name": user.name,
            "preferred_username": user.username,
            "ver": "2.0",
        }
        if pending.nonce:
            id_claims["nonce"] = pending.nonce
        client_info = json.dumps({"uid": user.oid, "utid": user.tid}).encode()
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "id_token": self.sign(id_claims),
            "client_info": base64.urlsafe_b64encode(client_info).decode().rstrip("="),
        }
        prefix = client.app_id_uri + "/"
        api_scopes = [s[len(prefix) :] for s in pending.scope.split() if s.startswith(prefix)]
        if api_scopes:
            body["access_token"] = self.issue_access_token(
                user.tid,
                user.oid,
                audience=client.client_id,
                scp=" ".join(api_scopes),
                roles=user.roles,
                name=user.name,
                username=user.username,
            )
            body["scope"] = " ".join(prefix + s for s in api_scopes)
        return body

    def serve(self, tls: TlsFiles) -> LoopbackServer:
        """Start serving over HTTPS as ``https://localhost:<port>``; sets ``base_url``."""
        context = tls.server_context()
        server = LoopbackServer(self.app, ssl_context=context, hostname="localhost").start()
        self.base_url = server.url
        return server


def _tenant_matches(segment: str, user: ProviderUser) -> bool:
    if segment == "organizations":
        return user.tid != PERSONAL_ACCOUNTS_TENANT
    if segment == "consumers":
        return user.tid == PERSONAL_ACCOUNTS_TENANT
    return segment in ("common", user.tid)


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    response = jsonify(error=error, error_description=description)
    response.status_code = status
    return response


def _provider_app(provider: OpenIdProvider) -> Flask:
    app = Flask(__name__)

    @app.before_request
    def outage() -> Response | None:
        if provider.available:
            return None
        return _oauth_error("temporarily_unavailable", "simulated outage", status=503)

    def metadata(tenant: str, version: int) -> dict[str, Any]:
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

    @app.get("/<tenant>/v2.0/.well-known/openid-configuration")
    def metadata_v2(tenant: str) -> Response:
        return jsonify(metadata(tenant, 2))

    @app.get("/<tenant>/.well-known/openid-configuration")
    def metadata_v1(tenant: str) -> Response:
        return jsonify(metadata(tenant, 1))

    @app.get("/<tenant>/discovery/v2.0/keys")
    @app.get("/<tenant>/discovery/keys")
    def keys(tenant: str) -> Response:
        provider.jwks_fetches += 1
        return jsonify(provider.jwks())

    @app.get("/<tenant>/oauth2/v2.0/authorize")
    def authorize(tenant: str) -> BaseResponse | str:
        args = request.args
        client = provider.find_client(args.get("client_id", ""))
        redirect_uri = args.get("redirect_uri", "")
        if client is None or redirect_uri not in client.redirect_uris:
            abort(400, "unknown client_id or unregistered redirect_uri")

        def back(**params: str) -> BaseResponse | str:
            state = args.get("state")
            fields = {**params, **({"state": state} if state else {})}
            if args.get("response_mode") == "form_post":
                return render_template(
                    "dev/openid_provider_form_post.html", action=redirect_uri, fields=fields
                )
            return redirect(f"{redirect_uri}?{urlencode(fields)}")

        if args.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return back(error="invalid_request", error_description="PKCE S256 is required")
        user = provider.find_user(args.get("login_hint", ""))
        if user is None or not _tenant_matches(tenant, user):
            choices = [u for u in provider.users() if _tenant_matches(tenant, u)]
            links = [(u, f"?{urlencode({**args, 'login_hint': u.username})}") for u in choices]
            return render_template("dev/openid_provider_choose.html", links=links)
        code = provider.new_code(
            _PendingCode(
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                code_challenge=args["code_challenge"],
                nonce=args.get("nonce"),
                scope=args.get("scope", ""),
                user=user,
                expires_at=time.time() + CODE_LIFETIME_SECONDS,
            )
        )
        return back(code=code)

    @app.post("/<tenant>/oauth2/v2.0/token")
    def token(tenant: str) -> Response:
        form = request.form
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
        if form.get("redirect_uri") != pending.redirect_uri:
            return _oauth_error("invalid_grant", "redirect_uri differs from the authorize request")
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if not secrets.compare_digest(challenge.decode(), pending.code_challenge):
            return _oauth_error("invalid_grant", "PKCE verification failed")
        return jsonify(provider.token_response(pending, client))

    app.template_folder = str(Path(__file__).parent / "templates")
    return app


# --- demo mode ------------------------------------------------------------------------------

DEMO_CLIENT_ID = "6d656d6f-0000-4000-8000-00000000a001"
DEMO_TENANT_CONTOSO = "6d656d6f-0000-4000-8000-0000000c0001"
DEMO_TENANT_FABRIKAM = "6d656d6f-0000-4000-8000-0000000fab01"
DEMO_USERS = (
    ProviderUser(
        DEMO_TENANT_CONTOSO,
        "6d656d6f-0000-4000-8000-00000000c0a1",
        "Adele Vance (Contoso admin)",
        "adele@contoso.example",
        (ADMIN_APP_ROLE,),
    ),
    ProviderUser(
        DEMO_TENANT_CONTOSO,
        "6d656d6f-0000-4000-8000-00000000c0a2",
        "Alex Wilber (Contoso)",
        "alex@contoso.example",
    ),
    ProviderUser(
        DEMO_TENANT_FABRIKAM,
        "6d656d6f-0000-4000-8000-0000000fab0a",
        "Megan Bowen (Fabrikam admin)",
        "megan@fabrikam.example",
        (ADMIN_APP_ROLE,),
    ),
    ProviderUser(
        PERSONAL_ACCOUNTS_TENANT,
        "00000000-0000-0000-6d65-6d6f00000001",
        "Pat Doe (personal account)",
        "pat@outlook.example",
    ),
)


@dataclass(frozen=True)
class DemoProvider:
    provider: OpenIdProvider
    server: LoopbackServer
    settings_overrides: dict[str, Any]
    ca_bundle: Path


def start_demo_provider(settings: Settings) -> DemoProvider:
    """Serve the demo provider and say how the app must be configured to trust it.

    The caller applies ``settings_overrides`` (``dataclasses.replace(settings, **...)``) and
    points ``REQUESTS_CA_BUNDLE`` at ``ca_bundle`` (public CAs plus the instance's local CA)
    before creating the app; ``server.stop()`` at exit.
    """
    tls = ensure_tls_certificate(settings.instance_dir / "tls")
    ca_bundle = combined_ca_bundle(tls.ca_cert, settings.instance_dir / "tls" / "ca-bundle.pem")
    client_id = settings.client_id or DEMO_CLIENT_ID
    app_id_uri = settings.app_id_uri or f"api://{settings.public_host}/{client_id}"
    client_secret = secrets.token_urlsafe(32)
    provider = OpenIdProvider()
    for user in DEMO_USERS:
        provider.add_user(user)
    provider.register_client(
        ProviderClient(
            client_id=client_id,
            client_secret=client_secret,
            app_id_uri=app_id_uri,
            redirect_uris=(settings.public_url + DIALOG_CALLBACK_PATH,),
        )
    )
    server = provider.serve(tls)
    overrides: dict[str, Any] = {
        "authority": server.url,
        "client_id": client_id,
        "client_secret": client_secret,
        "app_id_uri": app_id_uri,
        "allowed_tenants": ("common",),
    }
    return DemoProvider(provider, server, overrides, ca_bundle)
