"""Invitations by email (nOAuth): an email only invites; a token must prove the address is
the user's before the invitation becomes their role, and from then on the role follows the
user (tid + oid), never the email claim."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from addin_server import create_app
from addin_server.audit import list_events
from addin_server.config import load_settings
from addin_server.identity.tokens import ADMIN_APP_ROLE, email_proof
from tests.identity.identity_support import Forger, bearer

MakeToken = Callable[..., str]
INVITED = "grace@a.example"


def invite(client: FlaskClient, admin: Any, email: str = "Grace@A.example") -> dict[str, Any]:
    response = client.post(
        "/api/v1/tenant/members", json={"email": email, "role": "member"}, headers=admin.headers
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def me(client: FlaskClient, token: str) -> dict[str, Any]:
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def member_row(client: FlaskClient, admin: Any, member_id: int) -> dict[str, Any]:
    members = client.get("/api/v1/tenant/members", headers=admin.headers).get_json()
    return next(m for m in members if m["id"] == member_id)


def actions(app: Flask, tid: str) -> list[tuple[str, str, dict[str, Any]]]:
    with app.app_context(), app.extensions["addin.db"].session() as session:
        events = list_events(session, tid, limit=50)
    return [(e.action, e.target_id, e.details) for e in reversed(events)]


def test_a_verified_email_accepts_the_invitation(
    app: Flask, client: FlaskClient, tenant_a_admin: Any, make_token: MakeToken
) -> None:
    invited = invite(client, tenant_a_admin)
    grace = me(client, make_token(tenant_a_admin.tid, username=INVITED, xms_edov=True))
    assert (grace["role"], grace["invitation_refused"]) == ("member", None)
    assert member_row(client, tenant_a_admin, invited["id"])["user_id"] == grace["user"]["id"]
    accepted = ("member.invitation_accepted", str(invited["id"]))
    assert accepted in [(a, t) for a, t, _ in actions(app, tenant_a_admin.tid)]


@pytest.mark.parametrize(
    "claims",
    [
        {"xms_edov": False},
        {"xms_edov": None},  # the optional claim not configured
        {"xms_edov": "false"},
        {"email": None},  # only preferred_username names the invited address
    ],
    ids=["xms_edov false", "no xms_edov", "xms_edov 'false'", "no email claim"],
)
def test_an_unverified_email_is_refused_and_says_why(
    app: Flask,
    client: FlaskClient,
    tenant_a_admin: Any,
    make_token: MakeToken,
    claims: dict[str, Any],
) -> None:
    invited = invite(client, tenant_a_admin)
    token = make_token(tenant_a_admin.tid, username=INVITED, **claims)
    for _ in range(2):  # signed in twice: refused twice, audited once
        mallory = me(client, token)
        assert mallory["role"] is None
        assert mallory["invitation_refused"]
    assert member_row(client, tenant_a_admin, invited["id"])["user_id"] is None
    forbidden = client.get("/api/v1/invoices", headers=bearer(token))
    assert forbidden.status_code == 403
    assert "invitation by email was not accepted" in forbidden.get_json()["detail"]
    refused = [
        details
        for action, target, details in actions(app, tenant_a_admin.tid)
        if (action, target) == ("member.invitation_refused", str(invited["id"]))
    ]
    assert len(refused) == 1
    assert refused[0]["reason"] == mallory["invitation_refused"]


def test_once_linked_a_changed_email_neither_moves_nor_loses_the_role(
    client: FlaskClient, tenant_a_admin: Any, make_token: MakeToken
) -> None:
    invited = invite(client, tenant_a_admin)
    oid = str(uuid.uuid4())
    first = me(client, make_token(tenant_a_admin.tid, oid, username=INVITED))
    assert first["role"] == "member"
    renamed = make_token(tenant_a_admin.tid, oid, username="grace.hopper@a.example", xms_edov=False)
    assert me(client, renamed)["role"] == "member"
    unclaimed = make_token(tenant_a_admin.tid, oid, username="g@a.example", email=None)
    assert me(client, unclaimed)["role"] == "member"
    row = member_row(client, tenant_a_admin, invited["id"])
    assert (row["user_id"], row["email"]) == (first["user"]["id"], INVITED)


def test_someone_else_claiming_a_linked_email_gets_nothing(
    client: FlaskClient, tenant_a_admin: Any, make_token: MakeToken, forger: Forger
) -> None:
    invited = invite(client, tenant_a_admin)
    grace = me(client, make_token(tenant_a_admin.tid, username=INVITED))
    impostors = [
        make_token(tenant_a_admin.tid, username=INVITED, xms_edov=True),  # another oid
        make_token(tenant_a_admin.tid, username="x@a.example", email=INVITED),
        make_token(forger.tenant_b, username=INVITED, xms_edov=True),  # another tenant
    ]
    for token in impostors:
        impostor = me(client, token)
        assert impostor["role"] is None
        assert impostor["user"]["id"] != grace["user"]["id"]
        assert client.get("/api/v1/invoices", headers=bearer(token)).status_code == 403
    assert member_row(client, tenant_a_admin, invited["id"])["user_id"] == grace["user"]["id"]


def test_a_verified_email_does_not_take_an_invitation_for_another_address(
    client: FlaskClient, tenant_a_admin: Any, make_token: MakeToken
) -> None:
    """Proving one address (the email claim) accepts nothing sent to the username."""
    invite(client, tenant_a_admin)
    token = make_token(tenant_a_admin.tid, username=INVITED, email="other@a.example")
    refused = me(client, token)
    assert refused["role"] is None
    assert refused["invitation_refused"] == f"the sign-in proves other@a.example, not {INVITED}"


@pytest.fixture
def upn_proof(app_config: dict[str, Any]) -> dict[str, Any]:
    """The other proof: the email is the UPN, in a domain the tenant verified."""
    return {**app_config, "email_proofs": ("upn",), "verified_email_domains": ("a.example",)}


def test_the_upn_proof_in_a_verified_domain(
    upn_proof: dict[str, Any], make_token: MakeToken, forger: Forger
) -> None:
    app = create_app(upn_proof)
    client = app.test_client()
    settings = load_settings({}, upn_proof)
    v1 = forger.claims(ver="1.0", upn=INVITED, email=INVITED, xms_edov=None)
    assert email_proof(v1, settings) == (INVITED, INVITED, "")
    other_domain = forger.claims(preferred_username="g@b.example", email="g@b.example")
    assert email_proof(other_domain, settings)[1] == ""  # and xms_edov is not accepted here
    admin = make_token(forger.tenant_a, roles=[ADMIN_APP_ROLE])
    client.post("/api/v1/tenant/members", json={"email": INVITED}, headers=bearer(admin))
    not_upn = make_token(forger.tenant_a, username="g2@a.example", email=INVITED)
    assert me(client, not_upn)["role"] is None
    assert me(client, make_token(forger.tenant_a, username=INVITED, xms_edov=None))["role"] == (
        "member"
    )
    app.extensions["addin.db"].dispose()
