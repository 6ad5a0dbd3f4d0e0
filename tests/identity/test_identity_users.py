"""Users, tenants and roles: /me, member management, tenant isolation, route guards."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from addin_server.api import API_KEY, ApiBlueprint
from addin_server.audit import list_events
from addin_server.caller import current_user, public, require_admin, require_member
from addin_server.context import request_session
from addin_server.identity import User, grant_admin_for_first_profile
from addin_server.identity.tokens import ADMIN_APP_ROLE, PERSONAL_ACCOUNTS_TENANT
from tests.identity.identity_support import OID, Forger, bearer, identity_row_counts

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

SignIn = Callable[..., Any]


def me(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_first_call_creates_the_user_and_later_calls_update_them(
    app: Flask, client: FlaskClient, forger: Forger
) -> None:
    first = me(client, bearer(forger.sign(name="Ada", preferred_username="ada@a.example")))
    assert first["role"] is None
    assert first["merchant_profiles"] == []
    assert identity_row_counts(app) == (1, 1, 0)
    renamed = me(client, bearer(forger.sign(name="Ada L.", preferred_username="ada@a.example")))
    assert renamed["user"]["id"] == first["user"]["id"]
    assert renamed["user"]["name"] == "Ada L."
    assert identity_row_counts(app) == (1, 1, 0)


def test_a_renamed_user_is_committed_before_the_request_goes_on(
    app: Flask, client: FlaskClient, forger: Forger
) -> None:
    """Another connection sees the new name at once: nothing is left uncommitted (on SQLite
    an uncommitted write would hold the database's write lock for the whole request)."""

    @app.get("/api/v1/test-name-seen-elsewhere")
    def name_seen_elsewhere() -> dict[str, Any]:
        with app.extensions["addin.db"].session() as other:
            names = [u.name for u in other.scalars(select(User))]
        return {"names": names, "open": request_session().in_transaction()}

    me(client, bearer(forger.sign(name="Ada", preferred_username="ada@a.example")))
    response = client.get(
        "/api/v1/test-name-seen-elsewhere",
        headers=bearer(forger.sign(name="Ada L.", preferred_username="ada@a.example")),
    )
    assert response.get_json() == {"names": ["Ada L."], "open": False}


def test_same_oid_in_two_tenants_is_two_users(
    client: FlaskClient, forger: Forger, make_token: Callable[..., str]
) -> None:
    in_a = me(client, bearer(make_token(forger.tenant_a, OID)))
    in_b = me(client, bearer(make_token(forger.tenant_b, OID)))
    assert in_a["user"]["id"] != in_b["user"]["id"]
    assert (in_a["tenant"]["id"], in_b["tenant"]["id"]) == (forger.tenant_a, forger.tenant_b)


def test_app_role_makes_an_admin_without_a_stored_role(
    client: FlaskClient, make_token: Callable[..., str]
) -> None:
    assert me(client, bearer(make_token(roles=[ADMIN_APP_ROLE])))["role"] == "admin"


class TestPersonalAccounts:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return {**app_config, "allowed_tenants": ("common",)}

    def test_each_personal_account_is_its_own_tenant_and_its_admin(
        self, client: FlaskClient, make_token: Callable[..., str]
    ) -> None:
        oids = ["00000000-0000-0000-aaaa-000000000001", "00000000-0000-0000-aaaa-000000000002"]
        bodies = [me(client, bearer(make_token(PERSONAL_ACCOUNTS_TENANT, oid))) for oid in oids]
        assert [b["tenant"] for b in bodies] == [
            {"id": f"msa-{oid}", "tid": PERSONAL_ACCOUNTS_TENANT, "personal": True} for oid in oids
        ]
        assert [b["role"] for b in bodies] == ["admin", "admin"]

    def test_a_personal_account_cannot_add_members(
        self, client: FlaskClient, make_token: Callable[..., str]
    ) -> None:
        headers = bearer(
            make_token(PERSONAL_ACCOUNTS_TENANT, "00000000-0000-0000-aaaa-00000000000f")
        )
        response = client.post(
            "/api/v1/tenant/members", json={"email": "x@y.example"}, headers=headers
        )
        assert response.status_code == 409


def test_admin_adds_a_colleague_by_email_before_their_first_sign_in(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    forger: Forger,
    make_token: Callable[..., str],
) -> None:
    added = client.post(
        "/api/v1/tenant/members",
        json={"email": "Grace@A.example", "role": "member"},
        headers=tenant_a_admin.headers,
    )
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["email"] == "grace@a.example"
    grace = me(client, bearer(make_token(forger.tenant_a, username="grace@a.example")))
    assert grace["role"] == "member"
    members = client.get("/api/v1/tenant/members", headers=tenant_a_admin.headers).get_json()
    linked = next(m for m in members if m["email"] == "grace@a.example")
    assert linked["user_id"] == grace["user"]["id"]


def test_same_email_in_another_tenant_gets_no_role(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    forger: Forger,
    make_token: Callable[..., str],
) -> None:
    client.post(
        "/api/v1/tenant/members", json={"email": "eve@x.example"}, headers=tenant_a_admin.headers
    )
    assert me(client, bearer(make_token(forger.tenant_b, username="eve@x.example")))["role"] is None


def test_admin_promotes_by_user_id_and_removes(
    client: FlaskClient, tenant_a_admin: SignedInUser, sign_in: SignIn
) -> None:
    colleague = sign_in(tenant_a_admin.tid, role=None)
    colleague_id = me(client, colleague.headers)["user"]["id"]
    added = client.post(
        "/api/v1/tenant/members",
        json={"user_id": colleague_id, "role": "admin"},
        headers=tenant_a_admin.headers,
    ).get_json()
    assert me(client, colleague.headers)["role"] == "admin"
    removed = client.delete(f"/api/v1/tenant/members/{added['id']}", headers=tenant_a_admin.headers)
    assert removed.status_code == 204
    assert me(client, colleague.headers)["role"] is None


def test_the_last_admin_cannot_be_removed(
    client: FlaskClient, tenant_a_admin: SignedInUser
) -> None:
    members = client.get("/api/v1/tenant/members", headers=tenant_a_admin.headers).get_json()
    assert [m["role"] for m in members] == ["admin"]
    response = client.delete(
        f"/api/v1/tenant/members/{members[0]['id']}", headers=tenant_a_admin.headers
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "a@b.example", "user_id": 1},
        {"email": "nope"},
        {"email": "a@b.example", "role": "owner"},
    ],
)
def test_bad_member_requests_are_400(
    client: FlaskClient, tenant_a_admin: SignedInUser, body: dict[str, Any]
) -> None:
    response = client.post("/api/v1/tenant/members", json=body, headers=tenant_a_admin.headers)
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["member", None])
def test_non_admins_cannot_manage_members(
    client: FlaskClient, sign_in: SignIn, tenant_a_admin: SignedInUser, role: str | None
) -> None:
    user = sign_in(tenant_a_admin.tid, role=role)
    members = client.get("/api/v1/tenant/members", headers=tenant_a_admin.headers).get_json()
    requests = [
        client.get("/api/v1/tenant/members", headers=user.headers),
        client.post("/api/v1/tenant/members", json={"email": "z@a.example"}, headers=user.headers),
        client.delete(f"/api/v1/tenant/members/{members[0]['id']}", headers=user.headers),
    ]
    assert [r.status_code for r in requests] == [403, 403, 403]
    assert client.get("/api/v1/tenant/members", headers=tenant_a_admin.headers).get_json() == (
        members
    )


def test_tenant_b_sees_and_changes_nothing_of_tenant_a(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    tenant_a_member: SignedInUser,
    tenant_b_admin: SignedInUser,
) -> None:
    a_members = client.get("/api/v1/tenant/members", headers=tenant_a_admin.headers).get_json()
    b_members = client.get("/api/v1/tenant/members", headers=tenant_b_admin.headers).get_json()
    assert {m["id"] for m in a_members}.isdisjoint({m["id"] for m in b_members})
    for member in a_members:
        response = client.delete(
            f"/api/v1/tenant/members/{member['id']}", headers=tenant_b_admin.headers
        )
        assert response.status_code == 404
    a_member_id = me(client, tenant_a_member.headers)["user"]["id"]
    response = client.post(
        "/api/v1/tenant/members",
        json={"user_id": a_member_id, "role": "admin"},
        headers=tenant_b_admin.headers,
    )
    assert response.status_code == 404
    assert client.get("/api/v1/tenant/members", headers=tenant_a_admin.headers).get_json() == (
        a_members
    )
    assert me(client, tenant_a_member.headers)["role"] == "member"


def test_me_on_the_shared_fixtures(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    tenant_a_member: SignedInUser,
    tenant_b_member: SignedInUser,
) -> None:
    assert me(client, tenant_a_admin.headers)["role"] == "admin"
    assert me(client, tenant_a_member.headers)["role"] == "member"
    body = me(client, tenant_b_member.headers)
    assert (body["role"], body["tenant"]["id"]) == ("member", tenant_b_member.tid)
    assert body["user"]["username"] == tenant_b_member.username


@pytest.fixture
def guarded_client(app: Flask) -> FlaskClient:
    """The app plus routes using each decorator, as other concerns will."""
    blp = ApiBlueprint("guard_probe", __name__, url_prefix="/api/v1/guard-probe")

    @blp.get("/open")
    @public
    def open_route() -> dict[str, str]:
        return {"ok": "yes"}

    @blp.get("/plain")
    def plain() -> dict[str, Any]:
        return {"role": current_user().role}

    @blp.get("/invoices")
    @require_member
    def invoices() -> dict[str, str]:
        return {"ok": "yes"}

    @blp.post("/first-profile")
    @require_admin
    def admin_only() -> dict[str, str]:
        return {"ok": "yes"}

    @blp.post("/claim")
    def claim() -> dict[str, Any]:
        session = request_session()
        grant_admin_for_first_profile(session, current_user())
        session.commit()
        return {"role": current_user().role}

    app.extensions[API_KEY].register_blueprint(blp)
    return app.test_client()


def test_routes_need_a_user_unless_public(guarded_client: FlaskClient) -> None:
    assert guarded_client.get("/api/v1/guard-probe/open").status_code == 200
    assert guarded_client.get("/api/v1/guard-probe/plain").status_code == 401
    assert guarded_client.get("/api/v1/auth/config").status_code == 200


@pytest.mark.parametrize(
    ("role", "invoices", "admin"), [("admin", 200, 200), ("member", 200, 403), (None, 403, 403)]
)
def test_role_guards(
    guarded_client: FlaskClient, sign_in: SignIn, role: str | None, invoices: int, admin: int
) -> None:
    user = sign_in(role=role)
    assert guarded_client.get("/api/v1/guard-probe/invoices", headers=user.headers).status_code == (
        invoices
    )
    response = guarded_client.post("/api/v1/guard-probe/first-profile", headers=user.headers)
    assert response.status_code == admin
    if admin == 403:
        assert response.get_json()["type"] == "/problems/forbidden"


def test_creating_the_first_profile_makes_an_admin(
    guarded_client: FlaskClient, sign_in: SignIn
) -> None:
    user = sign_in(role=None)
    claimed = guarded_client.post("/api/v1/guard-probe/claim", headers=user.headers)
    assert claimed.get_json() == {"role": "admin"}
    assert me(guarded_client, user.headers)["role"] == "admin"


def test_auth_config_for_the_taskpane(client: FlaskClient, forger: Forger) -> None:
    body = client.get("/api/v1/auth/config").get_json()
    assert body == {
        "client_id": forger.client_id,
        "authority": f"{forger.provider.base_url}/organizations",
        "scopes": [f"{forger.app_id_uri}/access_as_user"],
        "methods": ["dialog"],
        "dialog_url": "https://localhost:3000/auth/dialog/start",
        "session_refresh_url": "https://localhost:3000/api/v1/auth/session/refresh",
    }


def test_every_role_change_is_in_the_audit_log(
    client: FlaskClient, tenant_a_admin: SignedInUser, sign_in: SignIn
) -> None:
    """Invite, promote, remove: each is an audit event by the admin, with the role it left."""
    invited = client.post(
        "/api/v1/tenant/members", json={"email": "Ivy@A.example"}, headers=tenant_a_admin.headers
    ).get_json()
    promoted = client.post(
        "/api/v1/tenant/members",
        json={"email": "ivy@a.example", "role": "admin"},
        headers=tenant_a_admin.headers,
    ).get_json()
    assert promoted["id"] == invited["id"]
    client.post(  # the same role again changes nothing, so nothing is audited
        "/api/v1/tenant/members",
        json={"email": "ivy@a.example", "role": "admin"},
        headers=tenant_a_admin.headers,
    )
    removed = client.delete(
        f"/api/v1/tenant/members/{invited['id']}", headers=tenant_a_admin.headers
    )
    assert removed.status_code == 204
    events = client.get("/api/v1/audit", headers=tenant_a_admin.headers).get_json()["events"]
    described = [
        (e["action"], e["target_type"], e["target_id"], e["actor"], e["details"])
        for e in reversed(events)
    ]
    ivy = {"email": "ivy@a.example", "user_id": None}
    target = ("tenant_member", str(invited["id"]), tenant_a_admin.username)
    assert described == [
        ("member.added", *target, {**ivy, "role": "member"}),
        ("member.role_changed", *target, {**ivy, "role": "admin", "previous_role": "member"}),
        ("member.removed", *target, {**ivy, "role": "admin"}),
    ]


def test_the_bootstrap_admin_grant_is_audited(
    guarded_client: FlaskClient, app: Flask, sign_in: SignIn
) -> None:
    user = sign_in(role=None)
    guarded_client.post("/api/v1/guard-probe/claim", headers=user.headers)
    with app.app_context(), app.extensions["addin.db"].session() as session:
        events = list_events(session, user.tid, limit=10)
    assert [(e.action, e.actor_label, e.details["role"]) for e in events] == [
        ("member.added", user.username, "admin")
    ]
