"""AES-GCM sealing: bound to row, field and key id; clear errors for unknown and wrong keys."""

from __future__ import annotations

import os

import pytest

from addin_server.config import EncryptionKey
from addin_server.merchants.encryption import (
    DecryptionFailedError,
    EncryptionError,
    Keyring,
    Sealed,
    UnknownKeyError,
)

OLD = EncryptionKey("k1", os.urandom(32))
NEW = EncryptionKey("k2", os.urandom(32))
SECRET = b"shared-secret-plaintext"


def test_seals_under_the_newest_key_and_opens_under_any_configured_key() -> None:
    sealed_old = Keyring((OLD,)).seal(SECRET, row_id="row-1", field="credentials")
    keyring = Keyring((NEW, OLD))
    sealed_new = keyring.seal(SECRET, row_id="row-1", field="credentials")

    assert (sealed_old.key_id, sealed_new.key_id) == ("k1", "k2")
    assert SECRET not in sealed_new.blob
    for sealed in (sealed_old, sealed_new):
        assert keyring.open(sealed, row_id="row-1", field="credentials") == SECRET


def test_each_seal_uses_a_fresh_nonce() -> None:
    keyring = Keyring((NEW,))
    first = keyring.seal(SECRET, row_id="row-1", field="credentials")
    second = keyring.seal(SECRET, row_id="row-1", field="credentials")
    assert first.blob[:12] != second.blob[:12]


@pytest.mark.parametrize(
    ("row_id", "field", "key_id"),
    [
        ("row-2", "credentials", "k2"),  # copied to another row
        ("row-1", "other", "k2"),  # copied to another field
        ("row-1", "credentials", "k1"),  # relabelled with another key id
    ],
)
def test_a_ciphertext_moved_or_relabelled_does_not_open(
    row_id: str, field: str, key_id: str
) -> None:
    keyring = Keyring((NEW, OLD))
    sealed = keyring.seal(SECRET, row_id="row-1", field="credentials")
    with pytest.raises(DecryptionFailedError, match="does not decrypt"):
        keyring.open(Sealed(key_id, sealed.blob), row_id=row_id, field=field)


def test_an_unknown_key_id_is_named() -> None:
    sealed = Keyring((OLD,)).seal(SECRET, row_id="row-1", field="credentials")
    with pytest.raises(UnknownKeyError, match="key 'k1' is not in ADDIN_ENCRYPTION_KEYS"):
        Keyring((NEW,)).open(sealed, row_id="row-1", field="credentials")


def test_a_wrong_key_value_under_the_right_id_is_reported() -> None:
    sealed = Keyring((OLD,)).seal(SECRET, row_id="row-1", field="credentials")
    impostor = Keyring((EncryptionKey("k1", os.urandom(32)),))
    with pytest.raises(DecryptionFailedError, match="with key 'k1'"):
        impostor.open(sealed, row_id="row-1", field="credentials")


def test_no_keys_is_an_error() -> None:
    with pytest.raises(EncryptionError, match="ADDIN_ENCRYPTION_KEYS is empty"):
        Keyring(())
