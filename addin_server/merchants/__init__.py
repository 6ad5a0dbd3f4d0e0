"""Merchant profiles: Cybersource credentials sealed at rest, verified before use, per tenant.

Public surface for other concerns:

- ``profiles_visible_to(session, user) -> list[dict]``: the profiles ``user`` (the
  ``addin_server.caller.CurrentUser``) may use, as the API shows them (no secrets); empty
  without a role.
- ``profile_for(session, user, profile_id, manage=False) -> MerchantProfile``: one profile
  through the tenant/role scope (404 for another tenant's, 403 for a member managing).
- ``client_for(profile, settings, transport=None) -> CybersourceClient``: a client acting
  as the profile's merchant in its environment; ``credentials_of(profile, keyring)`` for the
  decrypted credentials themselves (``keyring_for(settings)``, a ``Keyring`` that seals
  other concerns' secrets too, as ``Sealed`` values); ``transport_for(settings)``
  for one transport shared by many clients, ``endpoint_for(environment, settings)`` for the
  configured URL and signing host of an environment.
- ``init_app(app, settings)``: refuses to start when a stored secret's key is missing/wrong.
- ``blueprint``: the ``/api/v1/merchants`` routes; ``rotate_keys_command``: the CLI's
  ``addin-server rotate-keys``.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from addin_server.caller import CurrentUser
from addin_server.config import ConfigError, Settings
from addin_server.context import DATABASE_KEY
from addin_server.merchants.cli import rotate_keys_command
from addin_server.merchants.encryption import Keyring, Sealed
from addin_server.merchants.models import AuthScheme, MerchantProfile
from addin_server.merchants.profiles import client_for, credentials_of, keyring_for
from addin_server.merchants.rotation import startup_key_problems
from addin_server.merchants.routes import blp as blueprint
from addin_server.merchants.schemas import MAX_DUE_DAYS, ProfileSchema
from addin_server.merchants.scope import list_visible, profile_for
from addin_server.merchants.upstream import endpoint_for, transport_for

__all__ = [
    "MAX_DUE_DAYS",
    "AuthScheme",
    "Keyring",
    "MerchantProfile",
    "Sealed",
    "blueprint",
    "client_for",
    "credentials_of",
    "endpoint_for",
    "init_app",
    "keyring_for",
    "profile_for",
    "profiles_visible_to",
    "rotate_keys_command",
    "transport_for",
]

log = logging.getLogger(__name__)
# Built once: a schema's construction copies its fields, a cost per request otherwise.
_PROFILES = ProfileSchema(many=True)


def profiles_visible_to(session: Session, user: CurrentUser) -> list[dict[str, Any]]:
    dumped: list[dict[str, Any]] = _PROFILES.dump(list_visible(session, user))
    return dumped


def init_app(app: Flask, settings: Settings) -> None:
    """Check at start-up that every key sealing a stored secret is configured and right.

    An unreachable database does not stop the start (``/readyz`` reports it); the keys are
    checked again by ``rotate-keys`` and fail clearly on first use.
    """
    database = app.extensions[DATABASE_KEY]
    try:
        problems = startup_key_problems(database, keyring_for(settings))
    except SQLAlchemyError as exc:
        log.warning(
            "encryption keys not checked: database not reachable",
            extra={"error_type": type(exc).__name__},
        )
        return
    if problems:
        database.dispose()  # the app will not start: release its connections
        raise ConfigError(problems)
