"""Alembic environment: the engine (and, to compare or autogenerate, the models' metadata)
are handed in by ``migrations_api``, never read from a file or imported from the concerns."""

from alembic import context

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=config.attributes.get("target_metadata"),
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    context.run_migrations()
