"""The per-process memories of signed-in users: a user's next calls skip the sign-in queries
and the token's verification; a role change in this process applies at the next call, even one
made while a user was being loaded; entries expire, verified tokens no later than the token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from addin_server.caller import CurrentUser
from addin_server.identity.guard import identity_runtime
from addin_server.identity.models import TenantMember
from addin_server.identity.signed_in_cache import SignedInCache, VerifiedTokens, role_generation
from addin_server.identity.tokens import LEEWAY_SECONDS, VerifiedIdentity

USER = CurrentUser(
    user_id=1,
    tenant_id="t",
    tid="t",
    oid="o",
    name="n",
    username="u",
    role="member",
    is_personal=False,
)

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
    cache.put(identity, USER, role_generation())
    assert cache.get(identity) == USER
    now[0] += 5.0
    assert cache.get(identity) is None
    other = VerifiedIdentity("t", "o", "n", "u", frozenset(), expires_at=2)
    assert cache.get(other) is None


def test_a_role_change_while_a_user_was_loaded_makes_the_entry_stale(
    app: Flask, tenant_a_member: Any
) -> None:
    cache = SignedInCache()
    identity = VerifiedIdentity("t", "o", "n", "u", frozenset(), expires_at=1)
    loading_started = role_generation()
    with app.app_context(), app.extensions["addin.db"].session() as session:
        session.add(
            TenantMember(tenant_id=tenant_a_member.tid, email="late@example.com", role="admin")
        )
        session.flush()  # another request's role change, flushed while ours was loading
        session.rollback()
    cache.put(identity, USER, loading_started)
    assert cache.get(identity) is None
    cache.put(identity, USER, role_generation())
    assert cache.get(identity) == USER


def test_a_verified_token_is_kept_until_its_ttl_its_expiry_or_a_key_refresh() -> None:
    now, wall = [100.0], [1_000.0]
    tokens = VerifiedTokens(ttl=60.0, clock=lambda: now[0], wall_clock=lambda: wall[0])
    identity = VerifiedIdentity("t", "o", "n", "u", frozenset(), expires_at=1_030)
    keys, refreshed = object(), object()
    tokens.put("token-1", identity, keys)
    assert tokens.get("token-1", keys) == identity
    assert tokens.get("token-2", keys) is None
    assert tokens.get("token-1", refreshed) is None  # the key set changed since
    assert tokens.get("token-1", None) is None  # the key set is due for a refresh
    wall[0] = 1_030 + LEEWAY_SECONDS + 1  # the token itself would now be refused
    assert tokens.get("token-1", keys) is None
    wall[0] = 1_000.0
    now[0] += 60.0
    assert tokens.get("token-1", keys) is None
    tokens.put("token-3", identity, None)  # verified before any keys were loaded
    assert tokens.get("token-3", None) is None


def test_session_tokens_are_not_kept() -> None:
    """Each use of a backend session token checks in the database that it was not revoked."""
    tokens = VerifiedTokens()
    keys = object()
    session = VerifiedIdentity("t", "o", "n", "u", frozenset(), 2**40, session_id="jti-1")
    tokens.put("session-token", session, keys)
    assert tokens.get("session-token", keys) is None


def test_a_repeated_token_is_not_verified_again(
    app: Flask, client: FlaskClient, tenant_a_member: Any
) -> None:
    # The first call loads the signing keys: what it verified is kept from the next one on.
    for _ in range(2):
        assert client.get("/api/v1/me", headers=tenant_a_member.headers).status_code == 200
    runtime = identity_runtime(app)
    verified = runtime.verified_tokens.get(tenant_a_member.token, runtime.signing_keys.version())
    assert verified is not None
    assert (verified.tid, verified.oid) == (tenant_a_member.tid, tenant_a_member.oid)
    tampered = tenant_a_member.token[:-4] + (
        "AAAA" if not tenant_a_member.token.endswith("AAAA") else "BBBB"
    )
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tampered}"})
    assert refused.status_code == 401
    assert runtime.verified_tokens.get(tampered, runtime.signing_keys.version()) is None
