"""Alembic environment: the engine is handed in by ``migrations_api`` (never read from a file)."""

from alembic import context

from addin_server.storage.models import metadata

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    context.run_migrations()
