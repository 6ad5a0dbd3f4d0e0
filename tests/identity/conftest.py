"""Fixtures of the identity tests."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from addin_server.dev.openid_provider import OpenIdProvider
from tests.identity.identity_support import Forger


@pytest.fixture(scope="session")
def stranger_key() -> rsa.RSAPrivateKey:
    """An RSA key the provider never published."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def forger(
    oidc_provider: OpenIdProvider,
    identity_settings: dict[str, Any],
    stranger_key: rsa.RSAPrivateKey,
) -> Forger:
    return Forger(oidc_provider, identity_settings, stranger_key)
