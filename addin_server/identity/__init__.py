"""Microsoft identity: who is calling the API, in which tenant, with which role.

Every ``/api/`` request is authenticated before its view runs (``init_app``): a bearer
token must be either an Entra access token for our API (RS256, keys from the authority's
OpenID metadata, exact issuer for the token's own tenant, allowed tenant, our audience and
scope) or a session token the backend issued after the fallback sign-in dialog. Failures are
401 problems with ``WWW-Authenticate: Bearer error="invalid_token"``. The signed-in caller is
then ``addin_server.caller.current_user()``.

Surface for other concerns:

- ``grant_admin_for_first_profile(session, user) -> CurrentUser``: call when creating the
  tenant's first merchant profile (same transaction; the calling service commits).
- ``Tenant``, ``User``: the models (``tenants.id`` string, ``users.id`` integer).
- ``init_app(app, settings)`` authenticates ``/api/`` requests; ``blueprint``: the API
  routes; ``pages``: the sign-in dialog.

Demo mode and tests sign in through ``addin_server.dev.openid_provider``.
"""

from __future__ import annotations

from flask import Flask

from addin_server.config import Settings
from addin_server.identity.dialog import pages
from addin_server.identity.guard import install_authentication
from addin_server.identity.models import Tenant, User
from addin_server.identity.routes import blp as blueprint
from addin_server.identity.users import grant_admin_for_first_profile


def init_app(app: Flask, settings: Settings) -> None:
    """Authenticate ``/api/`` requests (before ``init_api``, so that authentication runs
    before any other check of a request)."""
    install_authentication(app, settings)


__all__ = [
    "Tenant",
    "User",
    "blueprint",
    "grant_admin_for_first_profile",
    "init_app",
    "pages",
]
