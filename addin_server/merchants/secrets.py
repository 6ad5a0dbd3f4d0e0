"""A profile's secret material: what is sealed in ``credentials_ciphertext``, and the
Cybersource credentials built from it together with the profile's readable fields."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, field

from addin_server.cybersource import (
    Credentials,
    P12Credentials,
    SharedSecretCredentials,
    SharedSecretScheme,
)
from addin_server.merchants.encryption import Keyring, Sealed
from addin_server.merchants.models import AuthScheme, MerchantProfile

# The field name in the associated data of the sealed secret material.
SEALED_FIELD = "credentials"
HINT_CHARS = 4


@dataclass(frozen=True)
class SecretMaterial:
    """Key id + Base64 shared secret (JWT/HTTP Signature), or P12 + password + key alias."""

    key_id: str = ""
    shared_secret: str = field(default="", repr=False)
    p12: bytes = field(default=b"", repr=False)
    p12_password: str = field(default="", repr=False)
    key_alias: str = ""

    def to_bytes(self) -> bytes:
        document = asdict(self)
        document["p12"] = base64.b64encode(self.p12).decode("ascii")
        return json.dumps(document, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> SecretMaterial:
        document = json.loads(data)
        document["p12"] = base64.b64decode(document["p12"])
        return cls(**document)


def seal_secrets(profile: MerchantProfile, plaintext: bytes, keyring: Keyring) -> Sealed:
    """Seal ``plaintext`` as the profile's secret material: bound to its row and field."""
    return keyring.seal(plaintext, row_id=profile.id, field=SEALED_FIELD)


def open_secrets(profile: MerchantProfile, keyring: Keyring) -> bytes:
    """The profile's sealed secret material, opened (see ``seal_secrets``)."""
    sealed = Sealed(profile.credentials_key_id, profile.credentials_ciphertext)
    return keyring.open(sealed, row_id=profile.id, field=SEALED_FIELD)


def build_credentials(
    merchant_id: str, scheme: AuthScheme, material: SecretMaterial
) -> Credentials:
    if scheme.uses_p12:
        return P12Credentials(
            merchant_id=merchant_id,
            p12=material.p12,
            password=material.p12_password,
            key_alias=material.key_alias,
        )
    return SharedSecretCredentials(
        merchant_id=merchant_id,
        key_id=material.key_id,
        shared_secret_b64=material.shared_secret,
        scheme=(
            SharedSecretScheme.HTTP_SIGNATURE
            if scheme is AuthScheme.HTTP_SIGNATURE
            else SharedSecretScheme.JWT
        ),
    )


def hint_for(identifier: str) -> str:
    """The last characters of a non-secret identifier (key id, certificate serial number)."""
    return "…" + identifier[-HINT_CHARS:]
