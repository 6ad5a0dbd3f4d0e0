"""Run and inspect Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

SCRIPT_LOCATION = "addin_server.storage:migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["engine"] = engine
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


def migration_status(engine: Engine) -> MigrationStatus:
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return MigrationStatus(current=tuple(current), head=tuple(script.get_heads()))
