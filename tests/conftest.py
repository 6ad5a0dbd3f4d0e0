"""Shared fixtures: the app on SQLite and on PostgreSQL, and a test client.

In CI (``CI=true``) a skipped test is a failure: no service or browser may be missing there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from addin_server import create_app
from addin_server.storage import Base, migrate
from addin_server.storage.database import Database

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "ADDIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is a failure: {report.longrepr}"


@pytest.fixture(autouse=True)
def _clean_addin_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their configuration explicitly; the developer's ADDIN_* never leak in."""
    for name in list(os.environ):
        if name.startswith("ADDIN_") and name != "ADDIN_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database created for this test run and dropped after it."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"addin_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure means the server is unusable
        admin.dispose()
        pytest.skip(f"PostgreSQL not available at {POSTGRES_ADMIN_URL}: {exc}")
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_all(url: str) -> None:
    db = Database(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    if tables:
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a fresh SQLite file, or the run's PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
        db = Database(url)
        migrate(db.engine)
        db.dispose()
        yield url
    else:
        url = request.getfixturevalue("postgres_database")
        yield url
        _truncate_all(url)


@pytest.fixture
def app_config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    """Settings overrides for ``create_app``; fixtures of other concerns extend this dict."""
    return {
        "mode": "demo",
        "instance_dir": tmp_path / "instance",
        "database_url": database_url,
    }


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    yield app
    app.extensions["addin.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
