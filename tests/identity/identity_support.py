"""Helpers of the identity tests: forged tokens and database counts.

Tenant ids and the client id come from the ``identity_settings`` fixture (tests/conftest.py),
handed to ``Forger``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from sqlalchemy import func, select

from addin_server.dev.openid_provider import OpenIdProvider
from addin_server.identity.models import Tenant, TenantMember, User

TENANT_C = "cccccccc-3333-4000-8000-00000000000c"
OTHER_CLIENT_ID = "0e7e7a99-0000-4000-8000-000000000000"
OID = "0b1d0000-0000-4000-8000-000000000001"
INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"'


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def compact(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    """A JWS in compact form with whatever header, claims and signature bytes we like."""
    parts = (json.dumps(header).encode(), json.dumps(claims).encode(), signature)
    return ".".join(b64url(part) for part in parts)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def identity_row_counts(app: Flask) -> tuple[int, int, int]:
    """(tenants, users, tenant members) in the app's database."""
    with app.app_context(), app.extensions["addin.db"].session() as session:
        return (
            session.scalar(select(func.count()).select_from(Tenant)) or 0,
            session.scalar(select(func.count()).select_from(User)) or 0,
            session.scalar(select(func.count()).select_from(TenantMember)) or 0,
        )


@dataclass(frozen=True)
class Forger:
    """Builds good and bad access tokens for the app configured by ``settings``."""

    provider: OpenIdProvider
    settings: dict[str, Any]
    stranger_key: rsa.RSAPrivateKey

    @property
    def client_id(self) -> str:
        return str(self.settings["client_id"])

    @property
    def app_id_uri(self) -> str:
        return str(self.settings["app_id_uri"])

    @property
    def tenant_a(self) -> str:
        return str(self.settings["allowed_tenants"][0])

    @property
    def tenant_b(self) -> str:
        return str(self.settings["allowed_tenants"][1])

    def claims(self, **overrides: Any) -> dict[str, Any]:
        """A good v2 access token's claims for tenant A; a None override removes the claim."""
        claims = self.provider.access_token_claims(self.tenant_a, OID, audience=self.client_id)
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def sign(self, **overrides: Any) -> str:
        return self.provider.sign(self.claims(**overrides))
