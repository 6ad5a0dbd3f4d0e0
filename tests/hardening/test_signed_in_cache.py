"""The per-process memory of signed-in users: a user's next calls skip the sign-in queries;
a role change in this process applies at the next call; entries expire."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from addin_server.caller import CurrentUser
from addin_server.identity.signed_in_cache import SignedInCache
from addin_server.identity.tokens import VerifiedIdentity

if TYPE_CHECKING:
    from tests.conftest import SignedInUser


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs from now on."""
    seen: list[str] = []
    engine = app.extensions["addin.db"].engine

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _user_queries(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM users" in s or "FROM tenant_members" in s]


def test_repeated_calls_skip_the_sign_in_queries(
    client: FlaskClient, tenant_a_member: SignedInUser, statements: list[str]
) -> None:
    assert client.get("/api/v1/me", headers=tenant_a_member.headers).status_code == 200
    first = len(_user_queries(statements))
    assert first > 0
    statements.clear()
    for _ in range(3):
        assert client.get("/api/v1/me", headers=tenant_a_member.headers).status_code == 200
    assert _user_queries(statements) == []


def test_a_role_taken_away_applies_at_the_next_call(
    client: FlaskClient, tenant_a_admin: SignedInUser, sign_in: Callable[..., Any]
) -> None:
    colleague = sign_in(role="member")
    assert client.get("/api/v1/invoices", headers=colleague.headers).status_code == 200
    members = client.get("/api/v1/tenant/members", headers=tenant_a_admin.headers).get_json()
    (entry,) = [m for m in members if m["name"] == colleague.name]
    removed = client.delete(f"/api/v1/tenant/members/{entry['id']}", headers=tenant_a_admin.headers)
    assert removed.status_code == 204
    assert client.get("/api/v1/invoices", headers=colleague.headers).status_code == 403


def test_entries_expire() -> None:
    now = [100.0]
    cache = SignedInCache(ttl=5.0, clock=lambda: now[0])
    identity = VerifiedIdentity("t", "o", "n", "u", frozenset(), expires_at=1)
    user = CurrentUser(
        user_id=1,
        tenant_id="t",
        tid="t",
        oid="o",
        name="n",
        username="u",
        role="member",
        is_personal=False,
    )
    cache.put(identity, user)
    assert cache.get(identity) == user
    now[0] += 5.0
    assert cache.get(identity) is None
    other = VerifiedIdentity("t", "o", "n", "u", frozenset(), expires_at=2)
    assert cache.get(other) is None
