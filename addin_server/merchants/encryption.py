"""Encryption at rest of merchant secrets: AES-256-GCM under keys from ``ADDIN_ENCRYPTION_KEYS``.

A sealed value is ``nonce (12 bytes) || ciphertext+tag``; the id of the key that sealed it is
stored beside it in its own column. The associated data binds the ciphertext to where it lives:
``b"addin-merchant-secret\\x00" + row id + b"\\x00" + field name + b"\\x00" + key id``. A
ciphertext copied to another row or field, or relabelled with another key id, does not open.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from addin_server.config import EncryptionKey

NONCE_BYTES = 12
_AD_PREFIX = b"addin-merchant-secret"


class EncryptionError(Exception):
    """A secret cannot be sealed or opened; the message says which key or row and why."""


class UnknownKeyError(EncryptionError):
    def __init__(self, key_id: str) -> None:
        super().__init__(
            f"key {key_id!r} is not in ADDIN_ENCRYPTION_KEYS; add it back (after the newest key) "
            "until 'addin-server rotate-keys' has re-encrypted every row under the newest key"
        )
        self.key_id = key_id


class DecryptionFailedError(EncryptionError):
    def __init__(self, key_id: str, row_id: str, field: str) -> None:
        super().__init__(
            f"{field} of row {row_id!r} does not decrypt with key {key_id!r}: the key's value in "
            "ADDIN_ENCRYPTION_KEYS is wrong, or the ciphertext was altered or copied from "
            "another row"
        )
        self.key_id = key_id
        self.row_id = row_id


@dataclass(frozen=True)
class Sealed:
    """What is stored: the id of the key that sealed the value, and nonce + ciphertext."""

    key_id: str
    blob: bytes


def associated_data(row_id: str, field: str, key_id: str) -> bytes:
    return b"\x00".join([_AD_PREFIX, *(part.encode("utf-8") for part in (row_id, field, key_id))])


class Keyring:
    """The configured keys, newest first: seals under the newest, opens under any."""

    def __init__(self, keys: tuple[EncryptionKey, ...]) -> None:
        if not keys:
            raise EncryptionError("ADDIN_ENCRYPTION_KEYS is empty: no key to encrypt secrets with")
        self._keys = {key.key_id: key.key for key in keys}
        self.newest_key_id = keys[0].key_id

    def __contains__(self, key_id: str) -> bool:
        return key_id in self._keys

    def seal(self, plaintext: bytes, *, row_id: str, field: str) -> Sealed:
        key_id = self.newest_key_id
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = AESGCM(self._keys[key_id]).encrypt(
            nonce, plaintext, associated_data(row_id, field, key_id)
        )
        return Sealed(key_id, nonce + ciphertext)

    def open(self, sealed: Sealed, *, row_id: str, field: str) -> bytes:
        key = self._keys.get(sealed.key_id)
        if key is None:
            raise UnknownKeyError(sealed.key_id)
        nonce, ciphertext = sealed.blob[:NONCE_BYTES], sealed.blob[NONCE_BYTES:]
        try:
            return AESGCM(key).decrypt(
                nonce, ciphertext, associated_data(row_id, field, sealed.key_id)
            )
        except InvalidTag as exc:
            raise DecryptionFailedError(sealed.key_id, row_id, field) from exc
