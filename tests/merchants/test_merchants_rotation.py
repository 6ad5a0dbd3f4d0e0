"""Key rotation in batches, interrupted and resumed; key checks at start-up and in the CLI."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from addin_server import create_app
from addin_server.cli import main
from addin_server.config import ConfigError, EncryptionKey
from addin_server.identity import Tenant
from addin_server.merchants.encryption import Keyring
from addin_server.merchants.models import AuthScheme, MerchantProfile
from addin_server.merchants.rotation import key_problems, rotate_keys
from addin_server.merchants.secrets import SecretMaterial, open_secrets, seal_secrets
from addin_server.storage import Database

OLD = EncryptionKey("k1", os.urandom(32))
NEW = EncryptionKey("k2", os.urandom(32))
ROWS = 5


class Interrupted(Exception):
    pass


def env_keys(*keys: EncryptionKey) -> str:
    return ",".join(f"{k.key_id}:{base64.b64encode(k.key).decode()}" for k in keys)


def material(number: int) -> SecretMaterial:
    return SecretMaterial(key_id=str(uuid.UUID(int=number)), shared_secret=f"c2VjcmV0{number}")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    keyring = Keyring((OLD,))
    now = datetime.now(UTC)
    with database.session() as session:
        session.add(Tenant(id="tenant-r", entra_tenant_id=str(uuid.uuid4())))
        session.flush()
        for number in range(ROWS):
            profile = MerchantProfile(
                id=str(uuid.uuid4()),
                tenant_id="tenant-r",
                display_name=f"Profile {number}",
                environment="sandbox",
                merchant_id=f"merchant_{number}",
                auth_scheme=AuthScheme.JWT_SHARED_SECRET.value,
                default_currency="EUR",
                credentials_hint="…0000",
                credentials_changed_at=now,
                credentials_verified_at=now,
            )
            sealed = seal_secrets(profile, material(number).to_bytes(), keyring)
            profile.credentials_ciphertext, profile.credentials_key_id = sealed.blob, sealed.key_id
            session.add(profile)
    yield database
    database.dispose()


def opened_key_id(profile: MerchantProfile, keyring: Keyring) -> str:
    return SecretMaterial.from_bytes(open_secrets(profile, keyring)).key_id


def stored(db: Database) -> dict[str, tuple[str, str]]:
    """merchant id -> (encryption key id, decrypted Cybersource key id)."""
    keyring = Keyring((NEW, OLD))
    with db.session() as session:
        return {
            p.merchant_id: (p.credentials_key_id, opened_key_id(p, keyring))
            for p in session.scalars(select(MerchantProfile))
        }


def test_an_interrupted_rotation_loses_nothing_and_a_rerun_finishes(db: Database) -> None:
    expected = {f"merchant_{n}": str(uuid.UUID(int=n)) for n in range(ROWS)}

    def crash_in_second_batch(batch: int) -> None:
        if batch == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        rotate_keys(db, Keyring((NEW, OLD)), batch_size=2, before_commit=crash_in_second_batch)

    halfway = stored(db)
    assert sorted(key for key, _ in halfway.values()) == ["k1", "k1", "k1", "k2", "k2"]
    assert {m: secret for m, (_, secret) in halfway.items()} == expected

    result = rotate_keys(db, Keyring((NEW, OLD)), batch_size=2)
    assert (result.rotated, result.batches, result.newest_key_id) == (3, 2, "k2")
    # Every row now opens with the new key alone: the old one can be removed.
    new_only = Keyring((NEW,))
    with db.session() as session:
        profiles = session.scalars(select(MerchantProfile)).all()
        assert {p.credentials_key_id for p in profiles} == {"k2"}
        assert {p.merchant_id: opened_key_id(p, new_only) for p in profiles} == expected
        assert key_problems(session, new_only) == []

    assert rotate_keys(db, Keyring((NEW, OLD))).rotated == 0


def test_key_problems_name_missing_and_wrong_keys(db: Database) -> None:
    with db.session() as session:
        assert key_problems(session, Keyring((OLD,))) == []
        (missing,) = key_problems(session, Keyring((NEW,)))
        assert "key 'k1' is not configured" in missing
        assert "5 merchant profile(s)" in missing
        (wrong,) = key_problems(session, Keyring((EncryptionKey("k1", os.urandom(32)),)))
        assert "does not decrypt with key 'k1'" in wrong


def test_the_app_refuses_to_start_without_a_key_in_use(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    config = {"mode": "demo", "instance_dir": tmp_path / "instance", "database_url": database_url}
    with pytest.raises(ConfigError, match="key 'k1' is not configured"):
        create_app({**config, "encryption_keys": env_keys(NEW)})
    app = create_app({**config, "encryption_keys": env_keys(NEW, OLD)})
    app.extensions["addin.db"].dispose()


def test_rotate_keys_command(db: Database, database_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"ADDIN_DATABASE_URL": database_url, "ADDIN_INSTANCE_DIR": str(tmp_path)}

    refused = runner.invoke(
        main, ["rotate-keys"], env={**env, "ADDIN_ENCRYPTION_KEYS": env_keys(NEW)}
    )
    assert refused.exit_code == 2
    assert "key 'k1' is not configured" in refused.output
    assert {key for key, _ in stored(db).values()} == {"k1"}

    env["ADDIN_ENCRYPTION_KEYS"] = env_keys(NEW, OLD)
    rotated = runner.invoke(main, ["rotate-keys", "--batch-size", "2"], env=env)
    assert rotated.exit_code == 0, rotated.output
    assert "re-encrypted 5 merchant profile(s) under key 'k2'" in rotated.output
    assert {key for key, _ in stored(db).values()} == {"k2"}

    checked = runner.invoke(main, ["rotate-keys", "--check"], env=env)
    assert checked.exit_code == 0, checked.output
    assert "k2: 5" in checked.output
