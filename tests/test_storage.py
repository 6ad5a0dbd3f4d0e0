"""Storage on SQLite and PostgreSQL: pragmas, migrations, readiness, surviving a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from addin_server import create_app
from addin_server.storage import Database, migrate, migration_status
from addin_server.storage.models import metadata


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_migrations_are_idempotent_and_current(database_url: str) -> None:
    db = Database(database_url)
    migrate(db.engine)  # already migrated by the fixture: a second run changes nothing
    status = migration_status(db.engine)
    assert status.is_current
    assert status.current == status.head
    db.dispose()


def test_migrations_match_the_models(database_url: str) -> None:
    """Autogenerate finds nothing to do: every model change came with its migration."""
    db = Database(database_url)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    db.dispose()


def test_session_rolls_back_on_error(database_url: str) -> None:
    db = Database(database_url)
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE scratch_rollback (id INTEGER PRIMARY KEY)"))
    try:
        with pytest.raises(RuntimeError, match="half-way"):
            insert_then_fail(db)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM scratch_rollback")).scalar() == 0
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE scratch_rollback"))
        db.dispose()


def insert_then_fail(db: Database) -> None:
    with db.session() as session:
        session.execute(text("INSERT INTO scratch_rollback (id) VALUES (1)"))
        raise RuntimeError("half-way")


@pytest.mark.postgres
def test_connections_survive_a_database_restart(postgres_database: str) -> None:
    """Killing every server connection (as a restart does) costs the pool nothing visible."""
    db = Database(postgres_database)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    admin = create_engine(postgres_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()
    with db.engine.connect() as connection:  # pre-ping replaces the dead pooled connection
        assert connection.execute(text("SELECT 1")).scalar() == 1
    db.dispose()


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_when_ready(client: FlaskClient, database_url: str) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["database"] == ("sqlite" if database_url.startswith("sqlite") else "postgresql")


def test_readyz_reports_pending_migrations(tmp_path: Path) -> None:
    app = create_app(
        {"instance_dir": tmp_path, "database_url": f"sqlite:///{tmp_path / 'new.sqlite3'}"}
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "db upgrade" in response.get_json()["detail"]
    app.extensions["addin.db"].dispose()


def test_readyz_when_database_unreachable(tmp_path: Path) -> None:
    app = create_app(
        {
            "instance_dir": tmp_path,
            "database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "127.0.0.1" not in response.get_data(as_text=True)
    app.extensions["addin.db"].dispose()
