"""Per-merchant credentials: plain frozen values, parsed into keys by ``auth.auth_for``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SharedSecretScheme(StrEnum):
    """How a REST shared secret (key id + Base64 secret) authenticates requests."""

    JWT = "jwt"
    """JWT signed HS256 with the secret: Cybersource's recommended scheme, the default."""
    HTTP_SIGNATURE = "http_signature"
    """HTTP Signature (HmacSHA256): deprecated by Cybersource, for merchants not yet migrated."""


@dataclass(frozen=True)
class SharedSecretCredentials:
    """Business Center → Key Management → "REST - Shared Secret"."""

    merchant_id: str
    key_id: str
    shared_secret_b64: str = field(repr=False)
    scheme: SharedSecretScheme = SharedSecretScheme.JWT


@dataclass(frozen=True)
class P12Credentials:
    """A REST certificate (.p12) for JWT RS256.

    ``key_alias`` selects the certificate whose subject CN matches it (case-insensitively);
    Cybersource issues it with the merchant id as CN.
    """

    merchant_id: str
    p12: bytes = field(repr=False)
    password: str = field(repr=False)
    key_alias: str = ""

    @property
    def alias(self) -> str:
        return self.key_alias or self.merchant_id


Credentials = SharedSecretCredentials | P12Credentials
