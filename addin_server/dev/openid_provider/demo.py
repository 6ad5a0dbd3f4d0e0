"""Demo mode's provider: two organisations and a personal account, and the settings the app
needs to trust it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from addin_server.config import Settings
from addin_server.dev.loopback import LoopbackServer
from addin_server.dev.openid_provider.endpoints import OpenIdProvider
from addin_server.dev.openid_provider.state import ProviderClient, ProviderUser
from addin_server.devcert import combined_ca_bundle, ensure_tls_certificate
from addin_server.identity.dialog import DIALOG_CALLBACK_PATH
from addin_server.identity.tokens import ADMIN_APP_ROLE, PERSONAL_ACCOUNTS_TENANT

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
