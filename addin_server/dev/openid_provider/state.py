"""The provider's state: signing keys, users, registered clients, pending codes, and the
tokens it mints (shaped like Entra's v1 and v2 tokens). No HTTP here: see ``endpoints``."""

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
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from addin_server.identity.tokens import PERSONAL_ACCOUNTS_TENANT, V1_ISSUER

CODE_LIFETIME_SECONDS = 300
TOKEN_LIFETIME_SECONDS = 3600


@dataclass(frozen=True)
class ProviderUser:
    tid: str
    oid: str
    name: str
    username: str
    roles: tuple[str, ...] = ()
    # Emitted as Entra's optional claim xms_edov with the email claim (= username): whether
    # Entra vouches for the email's domain. False plays an unverified (nOAuth) address.
    email_verified: bool = True


@dataclass(frozen=True)
class ProviderClient:
    """An app registration: the API's client id is also its access tokens' audience."""

    client_id: str
    client_secret: str
    app_id_uri: str
    redirect_uris: tuple[str, ...]


@dataclass(frozen=True)
class PendingCode:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    scope: str
    user: ProviderUser
    expires_at: float


@dataclass
class ProviderState:
    """Signing keys, users, registered clients and pending codes; ``endpoints`` serves them."""

    base_url: str = ""
    jwks_fetches: int = 0
    available: bool = True  # tests simulate an outage of the authority with False
    _keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    _active_kid: str = ""
    _users: dict[str, ProviderUser] = field(default_factory=dict)
    _clients: dict[str, ProviderClient] = field(default_factory=dict)
    _codes: dict[str, PendingCode] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.rotate_key()

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
        email: str | None = "",
        xms_edov: bool | None = True,
    ) -> dict[str, Any]:
        """Claims as Entra puts them in an access token of ``version`` 1 or 2, with the
        optional claims ``email`` (default: the username; None: left out) and ``xms_edov``
        (None: left out, as Entra does when it is not configured or there is no email)."""
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
        if email is not None:
            claims["email"] = email or username
            if xms_edov is not None:
                claims["xms_edov"] = xms_edov
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

    def new_code(self, pending: PendingCode) -> str:
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = pending
        return code

    def redeem_code(self, code: str) -> PendingCode | None:
        with self._lock:
            pending = self._codes.pop(code, None)
        if pending is None or pending.expires_at < time.time():
            return None
        return pending

    def token_response(self, pending: PendingCode, client: ProviderClient) -> dict[str, Any]:
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
            "email": user.username,
            "xms_edov": user.email_verified,
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
                xms_edov=user.email_verified,
            )
            body["scope"] = " ".join(prefix + s for s in api_scopes)
        return body


def tenant_matches(segment: str, user: ProviderUser) -> bool:
    if segment == "organizations":
        return user.tid != PERSONAL_ACCOUNTS_TENANT
    if segment == "consumers":
        return user.tid == PERSONAL_ACCOUNTS_TENANT
    return segment in ("common", user.tid)
