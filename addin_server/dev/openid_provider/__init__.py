"""A small OpenID provider shaped like Microsoft Entra, served over HTTPS on loopback.

Demo mode signs users in through it and the tests use it, so the real validation code (PyJWT,
the signing key cache, MSAL's auth-code flow) runs against real HTTP endpoints:

- ``/{tenant}/v2.0/.well-known/openid-configuration`` and the v1 ``/{tenant}/.well-known/...``
- ``/{tenant}/discovery/v2.0/keys`` (and v1 ``/discovery/keys``): the JWKS, with rotation
- ``/{tenant}/oauth2/v2.0/authorize``: picks the user by ``login_hint``, or shows a chooser
- ``/{tenant}/oauth2/v2.0/token``: auth code + PKCE (S256) + client secret -> ID and access token

Tests also mint tokens directly: ``provider.issue_access_token(tid, oid, version=1, ...)``.
"""

from addin_server.dev.openid_provider.demo import (
    DEMO_CLIENT_ID,
    DEMO_TENANT_CONTOSO,
    DEMO_TENANT_FABRIKAM,
    DEMO_USERS,
    DemoProvider,
    start_demo_provider,
)
from addin_server.dev.openid_provider.endpoints import OpenIdProvider, provider_app
from addin_server.dev.openid_provider.state import (
    CODE_LIFETIME_SECONDS,
    TOKEN_LIFETIME_SECONDS,
    ProviderClient,
    ProviderUser,
)

__all__ = [
    "CODE_LIFETIME_SECONDS",
    "DEMO_CLIENT_ID",
    "DEMO_TENANT_CONTOSO",
    "DEMO_TENANT_FABRIKAM",
    "DEMO_USERS",
    "TOKEN_LIFETIME_SECONDS",
    "DemoProvider",
    "OpenIdProvider",
    "ProviderClient",
    "ProviderUser",
    "provider_app",
    "start_demo_provider",
]
