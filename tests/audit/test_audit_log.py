"""The audit log: written with the change, append-only in the database, listed to admins."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from addin_server.audit import AuditAction, AuditEvent, record_event
from addin_server.audit.models import AuditLogIsAppendOnlyError
from addin_server.caller import CurrentUser
from addin_server.identity import User

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

URL = "/api/v1/audit"


def current(session: Session, signed_in: SignedInUser) -> CurrentUser:
    user = session.scalars(select(User).where(User.oid == signed_in.oid)).one()
    return CurrentUser(
        user_id=user.id,
        tenant_id=user.tenant_id,
        tid=signed_in.tid,
        oid=signed_in.oid,
        name=user.name,
        username=user.preferred_username,
        role=signed_in.role,
        is_personal=False,
    )


def record_invoices(session: Session, actor: CurrentUser, count: int) -> None:
    for number in range(count):
        record_event(
            session, actor, AuditAction.INVOICE_SENT, "invoice", f"INV-{number}", {"n": number}
        )
    session.commit()


def test_an_event_names_actor_action_and_target_and_hides_secrets(
    session: Session, tenant_a_admin: SignedInUser
) -> None:
    actor = current(session, tenant_a_admin)
    record_event(
        session,
        actor,
        AuditAction.INVOICE_CREATED,
        "invoice",
        "INV-1",
        {"amount": "10.00", "shared_secret": "c2VjcmV0", "note": "password=hunter2"},
    )
    session.commit()

    event = session.scalars(select(AuditEvent)).one()
    assert (event.tenant_id, event.actor_user_id, event.actor_label) == (
        actor.tenant_id,
        actor.user_id,
        actor.username,
    )
    assert (event.action, event.target_type, event.target_id) == (
        "invoice.created",
        "invoice",
        "INV-1",
    )
    assert event.details == {
        "amount": "10.00",
        "shared_secret": "[REDACTED]",
        "note": "password=[REDACTED]",
    }
    assert event.occurred_at.tzinfo is not None


def test_events_cannot_be_changed_or_deleted(
    app: Flask, session: Session, tenant_a_admin: SignedInUser
) -> None:
    record_invoices(session, current(session, tenant_a_admin), 1)
    event = session.scalars(select(AuditEvent)).one()

    event.action = "invoice.cancelled"
    with pytest.raises(AuditLogIsAppendOnlyError):
        session.flush()
    session.rollback()
    session.delete(event)
    with pytest.raises(AuditLogIsAppendOnlyError):
        session.flush()
    session.rollback()

    # Below the ORM, the database refuses too.
    engine = app.extensions["addin.db"].engine
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert session.scalars(select(AuditEvent.action)).all() == ["invoice.sent"]


def test_admins_page_through_their_tenants_events_newest_first(
    client: FlaskClient,
    session: Session,
    tenant_a_admin: SignedInUser,
    tenant_b_admin: SignedInUser,
) -> None:
    record_invoices(session, current(session, tenant_a_admin), 3)
    record_invoices(session, current(session, tenant_b_admin), 1)

    first = client.get(f"{URL}?limit=2", headers=tenant_a_admin.headers)
    assert first.status_code == 200
    assert [e["target_id"] for e in first.get_json()["events"]] == ["INV-2", "INV-1"]
    assert first.get_json()["events"][0]["actor"] == tenant_a_admin.username
    assert first.get_json()["events"][0]["details"] == {"n": 2}

    before = first.get_json()["next_before"]
    rest = client.get(f"{URL}?limit=2&before={before}", headers=tenant_a_admin.headers)
    assert [e["target_id"] for e in rest.get_json()["events"]] == ["INV-0"]
    assert rest.get_json()["next_before"] is None

    other = client.get(URL, headers=tenant_b_admin.headers).get_json()["events"]
    assert [e["target_id"] for e in other] == ["INV-0"]


@pytest.mark.parametrize("role", ["member", None])
def test_only_admins_read_the_log(
    client: FlaskClient, sign_in: Callable[..., SignedInUser], role: str | None
) -> None:
    response = client.get(URL, headers=sign_in(role=role).headers)
    assert response.status_code == 403


def test_bad_paging_names_the_parameter(client: FlaskClient, tenant_a_admin: SignedInUser) -> None:
    response = client.get(f"{URL}?limit=0", headers=tenant_a_admin.headers)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["limit"]
