"""PostgreSQL connections killed (pg_terminate_backend, as in a restart or failover): while
the pool sat idle it replaces them unseen; in steady use, or under a request, the answer is a
503 problem, nothing is half-written, and the retry does the work once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, Response, g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from addin_server.storage import database as database_module

# PostgreSQL only: SQLite has no server to lose.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]


@pytest.fixture
def admin_engine(postgres_database: str) -> Iterator[Engine]:
    engine = create_engine(postgres_database, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _terminate_app_connections(admin: Engine) -> int:
    with admin.connect() as connection:
        return len(
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
        )


def test_connections_killed_while_idle_are_replaced(
    client: FlaskClient,
    auth_headers: dict[str, str],
    admin_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(database_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert client.get("/api/v1/me", headers=auth_headers).status_code == 200
    assert _terminate_app_connections(admin_engine) >= 1
    for _ in range(3):
        assert client.get("/api/v1/me", headers=auth_headers).status_code == 200


def test_connections_killed_in_steady_use_cost_one_retried_request(
    client: FlaskClient,
    auth_headers: dict[str, str],
    admin_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(database_module, "PING_AFTER_IDLE_SECONDS", 3600.0)  # never idle
    assert client.get("/api/v1/me", headers=auth_headers).status_code == 200
    assert _terminate_app_connections(admin_engine) >= 1
    failed = client.get("/api/v1/me", headers=auth_headers)
    assert failed.status_code == 503
    assert failed.headers["Retry-After"]
    assert failed.get_json()["type"].endswith("/problems/database-unavailable")
    for _ in range(3):
        assert client.get("/api/v1/me", headers=auth_headers).status_code == 200


def _kill_on_statement(app: Flask, admin: Engine, marker: str) -> list[bool]:
    """Terminate the app's own connection when it is about to run a statement containing
    ``marker`` (once): the connection dies in the middle of the request's transaction."""
    fired: list[bool] = []
    engine = app.extensions["addin.db"].engine

    def kill(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if marker in statement and not fired:
            fired.append(True)
            pid = cursor.connection.info.backend_pid
            with admin.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(engine, "before_cursor_execute", kill)
    return fired


def test_connection_killed_under_a_write_is_a_503_and_the_retry_writes_once(
    app: Flask, client: FlaskClient, auth_headers: dict[str, str], admin_engine: Engine
) -> None:
    assert client.get("/api/v1/me", headers=auth_headers).status_code == 200
    fired = _kill_on_statement(app, admin_engine, "INSERT INTO tenant_members")
    body = {"email": "new.colleague@example.com", "role": "member"}
    response = client.post("/api/v1/tenant/members", json=body, headers=auth_headers)
    assert fired == [True]
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == "/problems/database-unavailable"
    assert response.headers["Retry-After"] == "2"
    members = client.get("/api/v1/tenant/members", headers=auth_headers).get_json()
    assert [m for m in members if m["email"] == body["email"]] == []  # nothing half-written
    retried = client.post("/api/v1/tenant/members", json=body, headers=auth_headers)
    assert retried.status_code == 201
    members = client.get("/api/v1/tenant/members", headers=auth_headers).get_json()
    assert len([m for m in members if m["email"] == body["email"]]) == 1


def test_connection_killed_after_the_answer_leaves_the_answer_alone(
    app: Flask, client: FlaskClient, auth_headers: dict[str, str], admin_engine: Engine
) -> None:
    killed: list[int] = []

    @app.after_request
    def kill_the_request_connection(response: Response) -> Response:
        """The answer is made; the connection dies before the session's closing rollback."""
        session = g.get("db_session")
        if session is not None and session.in_transaction() and not killed:
            pid = session.connection().connection.dbapi_connection.info.backend_pid
            with admin_engine.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            killed.append(pid)
        return response

    response = client.get("/api/v1/me", headers=auth_headers)
    assert killed
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers=auth_headers).status_code == 200
