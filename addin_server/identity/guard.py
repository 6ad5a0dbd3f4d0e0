"""Authentication of every ``/api/`` request.

``install_authentication`` registers a ``before_request`` hook: a view under ``/api/`` runs only
with a valid bearer token, unless it is marked ``@public`` (``addin_server.caller``). Forgetting
a decorator therefore cannot expose a route; ``require_member``/``require_admin`` narrow it
further by role. The hook signs the user in and sets the request's caller.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

import requests
from flask import Flask, current_app, g, request

from addin_server.cache import shared_cache_for
from addin_server.caller import PUBLIC_ATTR, set_current_user, unauthenticated
from addin_server.config import Settings
from addin_server.context import current_settings, request_session
from addin_server.identity.signed_in_cache import SignedInCache, VerifiedTokens, role_generation
from addin_server.identity.signing_keys import SigningKeys, SigningKeysUnavailable
from addin_server.identity.tokens import (
    InvalidToken,
    SessionExpired,
    TenantNotAllowed,
    VerifiedIdentity,
    authenticate,
)
from addin_server.identity.users import sign_in
from addin_server.problems import ApiProblem

log = logging.getLogger(__name__)

IDENTITY_KEY = "addin.identity"
# flask-smorest's own blueprint serves the OpenAPI document: schemas only, no data.
_OPENAPI_BLUEPRINT = "api-docs"
_MAX_REASON_CHARS = 300


@dataclass(frozen=True)
class IdentityRuntime:
    """Per-process state: the authority's signing keys, and MSAL's cache of the authority's
    discovery documents (so that each sign-in dialog page does not fetch them again)."""

    signing_keys: SigningKeys
    msal_http_cache: dict[str, Any] = field(default_factory=dict)
    signed_in: SignedInCache = field(default_factory=SignedInCache)
    verified_tokens: VerifiedTokens = field(default_factory=VerifiedTokens)


def metadata_url(settings: Settings) -> str:
    return f"{settings.authority}/common/v2.0/.well-known/openid-configuration"


def identity_runtime(app: Flask | None = None) -> IdentityRuntime:
    runtime: IdentityRuntime = (app or current_app).extensions[IDENTITY_KEY]
    return runtime


def _is_public(app: Flask) -> bool:
    if request.blueprint == _OPENAPI_BLUEPRINT:
        return True
    view = app.view_functions.get(request.endpoint or "")
    if view is None:
        return False
    view_class = getattr(view, "view_class", None)  # flask-smorest MethodView
    if view_class is not None:
        view = getattr(view_class, request.method.lower(), None)
    return bool(getattr(view, PUBLIC_ATTR, False))


def _rejection(exc: InvalidToken) -> ApiProblem:
    """A 401 whose ``type`` says which rejection it is where the user can act on it (the
    taskpane explains each in its own words); other reasons stay generic."""
    if isinstance(exc, TenantNotAllowed) and exc.personal:
        return unauthenticated(
            problem_type="/problems/personal-accounts-not-allowed",
            detail="Personal Microsoft accounts cannot use this add-in here.",
        )
    if isinstance(exc, TenantNotAllowed):
        return unauthenticated(
            problem_type="/problems/tenant-not-allowed",
            detail="Your organisation is not allowed to use this add-in.",
        )
    if isinstance(exc, SessionExpired):
        return unauthenticated(
            problem_type="/problems/session-expired", detail="Your session has ended."
        )
    return unauthenticated()


def _authenticate_request(app: Flask) -> None:
    if not request.path.startswith("/api/") or _is_public(app):
        return
    if request.routing_exception is not None:
        return  # 404/405: no view runs; the OpenAPI document lists the routes anyway
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthenticated(error=None)
    runtime = identity_runtime(app)
    keys_version = runtime.signing_keys.version()
    identity = runtime.verified_tokens.get(token, keys_version) or _verify(
        token, runtime, keys_version
    )
    user = runtime.signed_in.get(identity)
    if user is None:
        generation = role_generation()
        user = sign_in(request_session(), identity)
        runtime.signed_in.put(identity, user, generation)
    g.identity = identity
    set_current_user(user)


def _verify(token: str, runtime: IdentityRuntime, keys_version: object | None) -> VerifiedIdentity:
    try:
        identity = authenticate(token, current_settings(), runtime.signing_keys, request_session())
    except InvalidToken as exc:
        # The reason quotes token fields (kid, iss): bounded, as the token is attacker-sized.
        log.warning("access token rejected", extra={"reason": str(exc)[:_MAX_REASON_CHARS]})
        raise _rejection(exc) from None
    except SigningKeysUnavailable as exc:
        log.warning("signing keys unavailable", extra={"reason": str(exc)[:_MAX_REASON_CHARS]})
        raise ApiProblem(503, "Sign-in cannot be checked right now; try again shortly.") from None
    runtime.verified_tokens.put(token, identity, keys_version)
    return identity


def install_authentication(app: Flask, settings: Settings) -> None:
    http = requests.Session()  # honours REQUESTS_CA_BUNDLE
    app.extensions[IDENTITY_KEY] = IdentityRuntime(
        SigningKeys(metadata_url(settings), http, shared=shared_cache_for(settings))
    )
    app.before_request(lambda: _authenticate_request(app))


def current_identity() -> VerifiedIdentity:
    identity = g.get("identity")
    if identity is None:
        raise unauthenticated(error=None)
    return cast(VerifiedIdentity, identity)
