"""Bearer token validation: Entra access tokens and the backend's own session tokens.

``authenticate`` is the one entry point. A token whose (unverified) ``iss`` is our public URL
is a session token from the fallback sign-in dialog; anything else must be an Entra access
token for our API. Each path pins its own algorithm and keys, so claiming to be the other
kind of token gains nothing.

An Entra *ID token* for our app has ``aud`` = our client id but no ``scp``: the scope check
rejects it, as it rejects app-only tokens (``roles`` without ``scp``).
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete
from sqlalchemy.orm import Session

from addin_server.config import Settings, is_guid
from addin_server.identity.models import RevokedSession
from addin_server.identity.signing_keys import SigningKeys
from addin_server.storage import utcnow

log = logging.getLogger(__name__)

MAX_TOKEN_CHARS = 16 * 1024
LEEWAY_SECONDS = 60
PERSONAL_ACCOUNTS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
ADMIN_APP_ROLE = "Invoicing.Admin"
V1_ISSUER = "https://sts.windows.net/{tid}/"

SESSION_LIFETIME_SECONDS = 60 * 60
# A session token may be renewed while valid, but never beyond this age of the sign-in.
SESSION_MAX_AGE_SECONDS = 12 * 60 * 60
_SESSION_ALGORITHM = "HS256"
_SESSION_KEY_INFO = b"addin-server session token v1"
_SESSION_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "jti", "sub", "tid", "oid", "auth_time"]
_ENTRA_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "tid", "oid"]
_SESSION_EMAIL_CLAIMS = ("email", "verified_email", "email_unproven")


class InvalidToken(Exception):
    """The bearer token is not acceptable; ``str(exc)`` is the reason (never the token)."""


class TenantNotAllowed(InvalidToken):
    """A valid token of a tenant ``ADDIN_ALLOWED_TENANTS`` does not admit."""

    def __init__(self, tid: str) -> None:
        super().__init__(f"tenant {tid} is not allowed")
        self.personal = tid == PERSONAL_ACCOUNTS_TENANT


class SessionExpired(InvalidToken):
    """A backend session token that has run out or was revoked: sign in again."""


@dataclass(frozen=True)
class VerifiedIdentity:
    """Who a valid token speaks for. ``session_id`` is set for backend session tokens."""

    tid: str
    oid: str
    name: str
    username: str
    roles: frozenset[str]
    expires_at: int
    session_id: str | None = None
    signed_in_at: int | None = None
    # ``email`` as the token claims it; ``verified_email`` (lower case) only when the token
    # proves the address is the user's (``email_proof``), else ``email_unproven`` says why.
    email: str = ""
    verified_email: str = ""
    email_unproven: str = ""

    @property
    def is_personal(self) -> bool:
        return self.tid == PERSONAL_ACCOUNTS_TENANT


@dataclass(frozen=True)
class IssuedSession:
    token: str
    expires_in: int


def tenant_allowed(tid: str, allowed_tenants: tuple[str, ...]) -> bool:
    """``common`` admits every tenant and personal accounts; ``organizations`` every tenant."""
    if "common" in allowed_tenants:
        return True
    if tid == PERSONAL_ACCOUNTS_TENANT:
        return False
    return "organizations" in allowed_tenants or tid in allowed_tenants


def authenticate(
    token: str, settings: Settings, keys: SigningKeys, session: Session
) -> VerifiedIdentity:
    if len(token) > MAX_TOKEN_CHARS:
        raise InvalidToken(f"token longer than {MAX_TOKEN_CHARS} characters")
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"malformed token: {exc}") from exc
    if unverified.get("iss") == settings.public_url:
        return validate_session_token(token, settings, session)
    return validate_entra_token(token, settings, keys)


def validate_entra_token(token: str, settings: Settings, keys: SigningKeys) -> VerifiedIdentity:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"malformed token: {exc}") from exc
    if header.get("alg") != "RS256":
        raise InvalidToken(f"algorithm {header.get('alg')!r} is not RS256")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("no key id")
    key = keys.get(kid)
    if key is None:
        raise InvalidToken(f"unknown signing key {kid!r}")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=list(settings.accepted_audiences),
            leeway=LEEWAY_SECONDS,
            options={"require": _ENTRA_CLAIMS},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"{type(exc).__name__}: {exc}") from exc

    tid = claims["tid"]
    if not is_guid(tid):
        raise InvalidToken("tid is not a GUID")
    version = claims.get("ver")
    if version == "2.0":
        expected_issuer = f"{settings.authority}/{tid}/v2.0"
        if claims["aud"] != settings.client_id:
            raise InvalidToken("a v2.0 token must have our client id as audience")
    elif version == "1.0":
        expected_issuer = V1_ISSUER.format(tid=tid)
    else:
        raise InvalidToken(f"unknown token version {version!r}")
    if claims["iss"] != expected_issuer:
        raise InvalidToken(f"issuer {claims['iss']!r} is not {expected_issuer!r}")
    if not tenant_allowed(tid, settings.allowed_tenants):
        raise TenantNotAllowed(tid)
    scopes = claims.get("scp")
    if not isinstance(scopes, str) or settings.api_scope not in scopes.split():
        raise InvalidToken(f"scope {settings.api_scope!r} missing")
    _check_client_app(claims, settings)
    return _identity(claims, email=email_proof(claims, settings))


def _check_client_app(claims: dict[str, Any], settings: Settings) -> None:
    """Only tokens our own app or an Office client requested (``azp`` in v2, ``appid`` in
    v1): a token for our API that any other application obtained is refused."""
    client = claims.get("azp" if claims.get("ver") == "2.0" else "appid")
    if not isinstance(client, str) or client.lower() not in settings.accepted_client_apps:
        raise InvalidToken(f"requested by another application: {str(client)[:40]!r}")


def email_proof(claims: dict[str, Any], settings: Settings) -> tuple[str, str, str]:
    """(claimed email, the same lower-cased if the token proves it is the user's, why not).

    An ``email`` claim alone proves nothing: in Entra it is a changeable attribute, and its
    domain need not be the tenant's (nOAuth). Proofs, as ``ADDIN_EMAIL_PROOFS`` allows:
    ``xms_edov`` - Entra's optional claim "email domain owner verified" is true; ``upn`` -
    the email is the user's UPN / ``preferred_username`` in a domain of
    ``ADDIN_VERIFIED_EMAIL_DOMAINS`` (UPN suffixes must be domains the tenant verified)."""
    email = str(claims.get("email") or "")[:320]
    if not email:
        return "", "", "the sign-in carries no email claim (optional claims email, xms_edov)"
    address = email.lower()
    proofs = settings.email_proofs
    if "xms_edov" in proofs and str(claims.get("xms_edov")).lower() in ("true", "1"):
        return email, address, ""
    upn = str(claims.get("upn") or claims.get("preferred_username") or "").lower()
    domain = address.rpartition("@")[2]
    if "upn" in proofs and upn == address and domain in settings.verified_email_domains:
        return email, address, ""
    nor_upn = ", nor is it the UPN in a verified domain" if "upn" in proofs else ""
    return email, "", f"Entra does not vouch that {email} is this user's (xms_edov{nor_upn})"


def _identity(
    claims: dict[str, Any],
    session_id: str | None = None,
    *,
    email: tuple[str, str, str] = ("", "", ""),
) -> VerifiedIdentity:
    oid = claims["oid"]
    if not isinstance(oid, str) or not oid:
        raise InvalidToken("no oid")
    roles = claims.get("roles") or []
    if not isinstance(roles, list):
        raise InvalidToken("roles is not a list")
    username = next(
        (
            str(claims[name])
            for name in ("preferred_username", "upn", "unique_name", "email")
            if claims.get(name)
        ),
        "",
    )
    return VerifiedIdentity(
        tid=claims["tid"].lower(),
        oid=oid,
        name=str(claims.get("name") or ""),
        username=username,
        roles=frozenset(str(r) for r in roles),
        expires_at=int(claims["exp"]),
        session_id=session_id,
        signed_in_at=int(claims["auth_time"]) if session_id else None,
        email=email[0],
        verified_email=email[1],
        email_unproven=email[2],
    )


def _session_key(settings: Settings) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SESSION_KEY_INFO)
    return hkdf.derive(settings.secret_key.encode())


def session_audience(settings: Settings) -> str:
    return f"{settings.public_url}/api"


def issue_session_token(
    settings: Settings, identity: VerifiedIdentity, *, now: int | None = None
) -> IssuedSession:
    """A backend session token for ``identity``; a renewal keeps the original sign-in time."""
    issued_at = int(time.time()) if now is None else now
    signed_in_at = identity.signed_in_at or issued_at
    expires_at = min(issued_at + SESSION_LIFETIME_SECONDS, signed_in_at + SESSION_MAX_AGE_SECONDS)
    claims = {
        "iss": settings.public_url,
        "aud": session_audience(settings),
        "sub": f"{identity.tid}/{identity.oid}",
        "tid": identity.tid,
        "oid": identity.oid,
        "name": identity.name,
        "preferred_username": identity.username,
        "roles": sorted(identity.roles),
        # What the Entra token proved at sign-in, carried as proven (we sign this token).
        "email": identity.email,
        "verified_email": identity.verified_email,
        "email_unproven": identity.email_unproven,
        "jti": secrets.token_urlsafe(24),
        "iat": issued_at,
        "nbf": issued_at,
        "exp": expires_at,
        "auth_time": signed_in_at,
    }
    token = jwt.encode(claims, _session_key(settings), algorithm=_SESSION_ALGORITHM)
    return IssuedSession(token=token, expires_in=expires_at - issued_at)


def validate_session_token(token: str, settings: Settings, session: Session) -> VerifiedIdentity:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            _session_key(settings),
            algorithms=[_SESSION_ALGORITHM],  # any other alg: InvalidAlgorithmError
            audience=session_audience(settings),
            issuer=settings.public_url,
            leeway=LEEWAY_SECONDS,
            options={"require": _SESSION_CLAIMS},
        )
    except jwt.ExpiredSignatureError as exc:
        raise SessionExpired(f"session token {type(exc).__name__}: {exc}") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"session token {type(exc).__name__}: {exc}") from exc
    if claims["exp"] - claims["iat"] > SESSION_LIFETIME_SECONDS:
        raise InvalidToken("session token lifetime too long")
    if not is_guid(claims["tid"]):
        raise InvalidToken("tid is not a GUID")
    if not tenant_allowed(claims["tid"], settings.allowed_tenants):
        raise TenantNotAllowed(claims["tid"])
    jti = str(claims["jti"])
    if session.get(RevokedSession, jti) is not None:
        raise SessionExpired("session token revoked")
    proof = tuple(str(claims.get(name) or "") for name in _SESSION_EMAIL_CLAIMS)
    return _identity(claims, session_id=jti, email=(proof[0], proof[1], proof[2]))


def revoke_session(session: Session, identity: VerifiedIdentity) -> None:
    """Revoke the session token ``identity`` came from (no-op for Entra tokens); purges
    revocations that have expired anyway. Commits."""
    session.execute(delete(RevokedSession).where(RevokedSession.expires_at < utcnow()))
    if identity.session_id is not None and session.get(RevokedSession, identity.session_id) is None:
        session.add(
            RevokedSession(
                jti=identity.session_id,
                expires_at=datetime.fromtimestamp(identity.expires_at + LEEWAY_SECONDS, UTC),
            )
        )
    session.commit()
