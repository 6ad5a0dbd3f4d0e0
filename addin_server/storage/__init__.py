"""Storage: one SQLAlchemy engine per app, sessions per request, Alembic migrations.

Public surface: ``Base`` for models, ``Database`` (engine + sessions), ``migrate``,
``migration_status``. Each concern keeps its models in its own ``models.py``.
"""

from addin_server.storage.database import Base, Database, UtcDateTime, utcnow
from addin_server.storage.migrations_api import MigrationStatus, migrate, migration_status

__all__ = [
    "Base",
    "Database",
    "MigrationStatus",
    "UtcDateTime",
    "migrate",
    "migration_status",
    "utcnow",
]
