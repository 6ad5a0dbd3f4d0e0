"""Run and inspect Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

SCRIPT_LOCATION = "addin_server.storage:migrations"


def alembic_config(engine: Engine | None = None, metadata: MetaData | None = None) -> Config:
    """Alembic's configuration; ``env.py`` migrates the ``engine`` handed in here. Only
    comparing with the models (autogenerate) needs their ``metadata`` (``addin_server.schema``):
    storage knows no concern's tables."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if engine is not None:
        config.attributes["engine"] = engine
    if metadata is not None:
        config.attributes["target_metadata"] = metadata
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


@dataclass(frozen=True)
class MigrationStatus:
    current: tuple[str, ...]
    head: tuple[str, ...]

    @property
    def is_current(self) -> bool:
        return set(self.current) == set(self.head)


@functools.cache
def head_revisions() -> tuple[str, ...]:
    """The migrations shipped with this code: read from disk once per process, since
    ``/readyz`` asks on every probe and they cannot change while the process runs."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def migration_status(engine: Engine) -> MigrationStatus:
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return MigrationStatus(current=tuple(current), head=head_revisions())
