"""``addin-server rotate-keys``: re-encrypt merchant secrets under the newest key."""

from __future__ import annotations

import click

from addin_server.config import ConfigError, load_settings
from addin_server.merchants.profiles import keyring_for
from addin_server.merchants.rotation import (
    DEFAULT_BATCH_SIZE,
    key_problems,
    rotate_keys,
    rows_per_key,
)
from addin_server.storage import Database


@click.command("rotate-keys")
@click.option(
    "--batch-size",
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    type=click.IntRange(min=1),
    help="Profiles re-encrypted per transaction.",
)
@click.option("--check", is_flag=True, help="Only report which keys seal how many profiles.")
def rotate_keys_command(batch_size: int, check: bool) -> None:
    """Re-encrypt every merchant profile's secrets under the newest ADDIN_ENCRYPTION_KEYS key.

    Put the new key first and keep the old ones after it; run this; remove an old key once
    it seals no profile (see --check). Interrupted, it loses nothing: run it again.
    """
    settings = load_settings()
    database = Database(settings.database_url)
    try:
        keyring = keyring_for(settings)
        with database.session() as session:
            problems = key_problems(session, keyring)
            counts = rows_per_key(session)
        if problems:
            raise ConfigError(problems, heading="Encryption key problems (nothing was changed):")
        if check:
            for key_id, count in sorted(counts.items()):
                click.echo(f"{key_id}: {count} merchant profile(s)")
            click.echo(f"newest key: {keyring.newest_key_id}")
            return
        result = rotate_keys(database, keyring, batch_size=batch_size)
        click.echo(
            f"re-encrypted {result.rotated} merchant profile(s) under key "
            f"'{result.newest_key_id}' in {result.batches} batch(es); none remain under older keys"
        )
    finally:
        database.dispose()
