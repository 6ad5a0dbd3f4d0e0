"""Storage: one SQLAlchemy engine per app, sessions per request, Alembic migrations.

Ground floor: storage imports no concern. Public surface: ``Base`` for models, ``Database``
(engine + sessions), ``migrate``, ``migration_status``, ``alembic_config``. Each concern keeps
its models in its own ``models.py``; ``addin_server.schema`` gathers them for Alembic.
"""

from addin_server.storage.database import Base, Database, UtcDateTime, utcnow
from addin_server.storage.migrations_api import (
    MigrationStatus,
    alembic_config,
    migrate,
    migration_status,
)

__all__ = [
    "Base",
    "Database",
    "MigrationStatus",
    "UtcDateTime",
    "alembic_config",
    "migrate",
    "migration_status",
    "utcnow",
]
