"""Microsoft identity: who is calling the API, in which tenant, with which role.

Every ``/api/`` request is authenticated before its view runs (``install_authentication``):
a bearer token must be either an Entra access token for our API (RS256, keys from the
authority's OpenID metadata, exact issuer for the token's own tenant, allowed tenant, our
audience and scope) or a session token the backend issued after the fallback sign-in dialog.
Failures are 401 problems with ``WWW-Authenticate: Bearer error="invalid_token"``.

Surface for other concerns:

- ``public``: decorator letting an ``/api/`` view run without a signed-in user.
- ``current_user() -> CurrentUser``: frozen ``(user_id, tenant_id, tid, oid, name, username,
  role, is_personal)``; ``role`` is "admin", "member" or None (signed in, not a member).
  ``tenant_id`` is the key of ``tenants.id``: scope every query of tenant data by it.
- ``require_member``: decorator for invoicing routes (403 for users without a role).
- ``require_admin``: decorator for admin routes (credentials, members).
- ``grant_admin_for_first_profile(session, user) -> CurrentUser``: call when creating the
  tenant's first merchant profile (same transaction; the caller commits).
- ``Tenant``, ``User``: the models (``tenants.id`` string, ``users.id`` integer).
- ``init_app(app, settings)`` wires authentication and the dialog pages; ``api_blueprint``
  goes into ``init_api``'s list.

Demo mode and tests sign in through ``addin_server.dev.openid_provider``.
"""

from __future__ import annotations

from flask import Flask

from addin_server.config import Settings
from addin_server.identity.dialog import pages
from addin_server.identity.guard import (
    current_user,
    grant_admin_for_first_profile,
    install_authentication,
    public,
    require_admin,
    require_member,
)
from addin_server.identity.models import Tenant, User
from addin_server.identity.routes import blp as api_blueprint
from addin_server.identity.users import CurrentUser


def init_app(app: Flask, settings: Settings) -> None:
    """Authenticate ``/api/`` requests (register before ``init_api``) and serve the dialog."""
    install_authentication(app, settings)
    app.register_blueprint(pages)


__all__ = [
    "CurrentUser",
    "Tenant",
    "User",
    "api_blueprint",
    "current_user",
    "grant_admin_for_first_profile",
    "init_app",
    "public",
    "require_admin",
    "require_member",
]
