"""Key checks and rotation of the encryption keys that seal merchant secrets.

Rotation re-encrypts, in batches of ``batch_size`` rows each committed on its own, every
profile not yet under the newest key. A row is rewritten in one UPDATE of ciphertext and
key id together, so whenever it stops (error, crash, Ctrl-C) each row is whole under its
old key or its new one; running it again carries on with the rows still under old keys.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session

from addin_server.merchants.encryption import EncryptionError, Keyring
from addin_server.merchants.models import MerchantProfile
from addin_server.merchants.secrets import open_secrets, seal_secrets
from addin_server.storage import Database

log = logging.getLogger(__name__)
DEFAULT_BATCH_SIZE = 100


def rows_per_key(session: Session) -> dict[str, int]:
    counts = session.execute(
        select(MerchantProfile.credentials_key_id, func.count()).group_by(
            MerchantProfile.credentials_key_id
        )
    )
    return dict(counts.all())


def key_problems(session: Session, keyring: Keyring) -> list[str]:
    """Why the stored secrets cannot all be opened: a key id in use that is not configured,
    or a configured key that does not open a row sealed under its id (wrong key value)."""
    problems: list[str] = []
    for key_id, count in sorted(rows_per_key(session).items()):
        if key_id not in keyring:
            problems.append(
                f"ADDIN_ENCRYPTION_KEYS: key {key_id!r} is not configured but seals the "
                f"credentials of {count} merchant profile(s)"
            )
            continue
        sample = session.scalars(
            select(MerchantProfile).where(MerchantProfile.credentials_key_id == key_id).limit(1)
        ).one()
        try:
            open_secrets(sample, keyring)
        except EncryptionError as exc:
            problems.append(f"ADDIN_ENCRYPTION_KEYS: {exc}")
    return problems


def startup_key_problems(db: Database, keyring: Keyring) -> list[str]:
    """``key_problems`` for the app factory; nothing to check before the table exists."""
    if not inspect(db.engine).has_table(MerchantProfile.__tablename__):
        return []
    with db.session() as session:
        return key_problems(session, keyring)


@dataclass(frozen=True)
class RotationResult:
    rotated: int
    batches: int
    newest_key_id: str


def rotate_keys(
    db: Database,
    keyring: Keyring,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    before_commit: Callable[[int], None] = lambda _batch_number: None,
) -> RotationResult:
    """Re-encrypt every profile's secrets under the newest key; safe to interrupt and re-run.

    ``before_commit`` is called with the batch number (from 1) before each commit; tests
    raise from it to interrupt a run in the middle.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    newest = keyring.newest_key_id
    rotated = batches = 0
    while True:
        with db.session() as session:
            rows = session.scalars(
                select(MerchantProfile)
                .where(MerchantProfile.credentials_key_id != newest)
                .order_by(MerchantProfile.id)
                .limit(batch_size)
                .with_for_update()
            ).all()
            if not rows:
                break
            for row in rows:
                resealed = seal_secrets(row, open_secrets(row, keyring), keyring)
                # Core UPDATE: leaves updated_at alone (rotation is not a change of the profile).
                session.execute(
                    update(MerchantProfile)
                    .where(MerchantProfile.id == row.id)
                    .values(
                        credentials_ciphertext=resealed.blob,
                        credentials_key_id=resealed.key_id,
                        updated_at=MerchantProfile.updated_at,
                    )
                )
            batches += 1
            before_commit(batches)
        rotated += len(rows)
        log.info(
            "merchant secrets re-encrypted",
            extra={"batch": batches, "rows": len(rows), "key_id": newest},
        )
    return RotationResult(rotated=rotated, batches=batches, newest_key_id=newest)
