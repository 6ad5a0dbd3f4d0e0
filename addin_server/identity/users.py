"""Users, tenants and roles: plain functions over a SQLAlchemy session.

Role of a signed-in user in their tenant, first match wins:
1. the Entra app role ``Invoicing.Admin`` in the token -> admin;
2. a personal Microsoft account is alone in its own tenant -> admin;
3. a ``tenant_members`` row for the user (``user_id``: their ``tid`` + ``oid``) -> its role;
4. an invitation: a row for an email address, added before the person signed in -> its role,
   only if the token proves the address is theirs (``tokens.email_proof``: Entra's
   ``xms_edov``, or the UPN in a verified domain). The row is then linked to the user, so a
   later change of their email claim neither moves nor loses it. An address the token only
   claims is refused (nOAuth: an ``email`` claim is changeable and unverified): the person
   signs in without a role, and the audit log and their 403 say why;
5. otherwise no role: the user may call ``/me`` but not use the tenant's invoices.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from addin_server.audit import AuditAction, AuditEvent, record_event
from addin_server.caller import (
    ROLE_ADMIN,
    ROLE_MEMBER,
    CurrentUser,
    Role,
    replace_current_user,
)
from addin_server.identity.models import Tenant, TenantMember, User
from addin_server.identity.tokens import ADMIN_APP_ROLE, VerifiedIdentity
from addin_server.problems import ApiProblem
from addin_server.storage import Base, utcnow

log = logging.getLogger(__name__)
_LAST_SEEN_GRANULARITY = timedelta(minutes=5)
_Row = TypeVar("_Row", bound=Base)


@dataclass(frozen=True)
class _Invitation:
    """The pending invitation a sign-in matched, and why it was refused ("": accepted)."""

    member: TenantMember | None = None
    refused: str = ""


_NO_INVITATION = _Invitation()


def tenant_key(identity: VerifiedIdentity) -> str:
    """Our tenant id: the Entra tenant, or the personal account itself."""
    return f"msa-{identity.oid}" if identity.is_personal else identity.tid


def _insert_or_get(session: Session, row: _Row, find: Select[_Row]) -> _Row:
    """Insert ``row`` unless a concurrent request inserted the same key first."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return session.scalars(find).one()
    return row


def sign_in(session: Session, identity: VerifiedIdentity) -> CurrentUser:
    """Create or refresh the tenant and user of a valid token and work out their role.
    Commits only when something changed."""
    now = utcnow()
    key = tenant_key(identity)
    inserted = False
    tenant = session.get(Tenant, key)
    if tenant is None:
        tenant = _insert_or_get(
            session,
            Tenant(id=key, entra_tenant_id=identity.tid, personal=identity.is_personal),
            select(Tenant).where(Tenant.id == key),
        )
        inserted = True
    find_user = select(User).where(User.tenant_id == tenant.id, User.oid == identity.oid)
    user = session.scalars(find_user).one_or_none()
    if user is None:
        user = _insert_or_get(
            session,
            User(
                tenant_id=tenant.id,
                oid=identity.oid,
                name=identity.name,
                preferred_username=identity.username,
                created_at=now,
                last_seen_at=now,
            ),
            find_user,
        )
        inserted = True
    changed = inserted
    if (user.name, user.preferred_username) != (identity.name, identity.username):
        user.name, user.preferred_username = identity.name, identity.username
        changed = True
    if now - user.last_seen_at >= _LAST_SEEN_GRANULARITY:
        user.last_seen_at = now
        changed = True
    # No autoflush while the role is worked out: a flush would empty ``dirty`` and the
    # change would stay uncommitted, holding SQLite's write lock for the whole request.
    with session.no_autoflush:
        role, invitation = _resolve_role(session, tenant, user, identity)
        signed_in = CurrentUser(
            user_id=user.id,
            tenant_id=tenant.id,
            tid=identity.tid,
            oid=identity.oid,
            name=user.name,
            username=user.preferred_username,
            role=role,
            is_personal=tenant.personal,
            invitation_refused=invitation.refused,
        )
        _audit_invitation(session, signed_in, invitation)
    if changed or session.new or session.dirty:
        session.commit()
    return signed_in


def _membership(
    session: Session, tenant_id: str, *conditions: ColumnElement[bool]
) -> TenantMember | None:
    return session.scalars(
        select(TenantMember).where(TenantMember.tenant_id == tenant_id, *conditions)
    ).one_or_none()


def _resolve_role(
    session: Session, tenant: Tenant, user: User, identity: VerifiedIdentity
) -> tuple[Role | None, _Invitation]:
    if ADMIN_APP_ROLE in identity.roles or tenant.personal:
        return ROLE_ADMIN, _NO_INVITATION
    membership = _membership(session, tenant.id, TenantMember.user_id == user.id)
    invitation = _NO_INVITATION
    if membership is None:
        invitation = _invitation_for(session, tenant.id, identity)
        if invitation.member is not None and not invitation.refused:
            membership = invitation.member
            membership.user_id = user.id
    if membership is None:
        return None, invitation
    return (ROLE_ADMIN if membership.role == ROLE_ADMIN else ROLE_MEMBER), invitation


def _pending(session: Session, tenant_id: str, email: str) -> TenantMember | None:
    return _membership(
        session, tenant_id, TenantMember.email == email, TenantMember.user_id.is_(None)
    )


def _invitation_for(session: Session, tenant_id: str, identity: VerifiedIdentity) -> _Invitation:
    """The invitation for the address this sign-in proves; else one for an address it only
    claims (``email``, username), refused with the reason."""
    proven = identity.verified_email
    if proven and (member := _pending(session, tenant_id, proven)) is not None:
        return _Invitation(member)
    for claimed in dict.fromkeys(a.lower() for a in (identity.email, identity.username)):
        if claimed and claimed != proven and (member := _pending(session, tenant_id, claimed)):
            why = f"the sign-in proves {proven}, not {claimed}" if proven else ""
            return _Invitation(member, why or identity.email_unproven or "no proven email")
    return _NO_INVITATION


def _audit_invitation(session: Session, user: CurrentUser, invitation: _Invitation) -> None:
    """An accepted invitation is a role change; a refused one is recorded once per user."""
    member = invitation.member
    if member is None:
        return
    if not invitation.refused:
        _audit(session, user, AuditAction.MEMBER_INVITATION_ACCEPTED, member)
        return
    seen = session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.tenant_id == user.tenant_id,
            AuditEvent.action == str(AuditAction.MEMBER_INVITATION_REFUSED),
            AuditEvent.target_id == str(member.id),
            AuditEvent.actor_user_id == user.user_id,
        )
        .limit(1)
    )
    if seen is None:
        log.warning("invitation refused", extra={"member": member.id, "user": user.log_key})
        _audit(
            session, user, AuditAction.MEMBER_INVITATION_REFUSED, member, reason=invitation.refused
        )


def set_role(session: Session, user: CurrentUser, role: Role) -> CurrentUser:
    """Store ``role`` for ``user`` in their tenant, in the calling service's transaction."""
    _set_membership(session, user.tenant_id, user_id=user.user_id, role=role, actor=user)
    return replace(user, role=role)


def grant_admin_for_first_profile(session: Session, user: CurrentUser) -> CurrentUser:
    """Make ``user`` an admin of their tenant. Merchants calls this when it creates the
    tenant's first merchant profile, in the same transaction (its service commits); the rest
    of the request sees the new role through ``current_user()``."""
    admin = set_role(session, user, ROLE_ADMIN)
    replace_current_user(user, admin)
    return admin


def list_members(session: Session, tenant_id: str) -> list[tuple[TenantMember, User | None]]:
    rows = session.execute(
        select(TenantMember, User)
        .outerjoin(User, User.id == TenantMember.user_id)
        .where(TenantMember.tenant_id == tenant_id)
        .order_by(TenantMember.id)
    ).all()
    return [(member, linked) for member, linked in rows]


def add_member(
    session: Session,
    actor: CurrentUser,
    *,
    role: Role,
    email: str | None = None,
    user_id: int | None = None,
) -> TenantMember:
    """Give a colleague (by email, or by user id once they have signed in) a role in the
    actor's tenant; an existing entry gets the new role. Commits."""
    if actor.is_personal:
        raise ApiProblem(409, "A personal Microsoft account cannot have other members.")
    if user_id is not None:
        colleague = session.get(User, user_id)
        if colleague is None or colleague.tenant_id != actor.tenant_id:
            raise ApiProblem(404, "No such user in your organisation.")
    member = _set_membership(
        session,
        actor.tenant_id,
        email=email.strip().lower() if email else None,
        user_id=user_id,
        role=role,
        actor=actor,
    )
    session.commit()
    return member


def _set_membership(
    session: Session,
    tenant_id: str,
    *,
    role: Role,
    actor: CurrentUser,
    email: str | None = None,
    user_id: int | None = None,
) -> TenantMember:
    """Create or change a membership, and audit the role change (if any) with it."""
    member = None
    if user_id is not None:
        member = _membership(session, tenant_id, TenantMember.user_id == user_id)
    if member is None and email is not None:
        member = _membership(session, tenant_id, TenantMember.email == email)
    if member is None:
        member = TenantMember(
            tenant_id=tenant_id,
            email=email,
            user_id=user_id,
            role=role,
            added_by_user_id=actor.user_id,
        )
        session.add(member)
        session.flush()
        _audit(session, actor, AuditAction.MEMBER_ADDED, member)
        return member
    previous = member.role
    member.role = role
    member.user_id = member.user_id or user_id
    member.email = member.email or email
    session.flush()
    if previous != role:
        _audit(session, actor, AuditAction.MEMBER_ROLE_CHANGED, member, previous_role=previous)
    return member


def _audit(
    session: Session,
    actor: CurrentUser,
    action: AuditAction,
    member: TenantMember,
    **details: str,
) -> None:
    described = {"email": member.email, "user_id": member.user_id, "role": member.role}
    record_event(session, actor, action, "tenant_member", str(member.id), described | details)


def remove_member(session: Session, actor: CurrentUser, member_id: int) -> None:
    """Remove a membership of the actor's tenant; refuses to remove the last admin entry.
    Commits."""
    member = session.get(TenantMember, member_id)
    if member is None or member.tenant_id != actor.tenant_id:
        raise ApiProblem(404, "No such member.")
    if member.role == ROLE_ADMIN:
        admins = session.scalar(
            select(func.count())
            .select_from(TenantMember)
            .where(TenantMember.tenant_id == actor.tenant_id, TenantMember.role == ROLE_ADMIN)
        )
        if admins == 1:
            raise ApiProblem(409, "This is the last admin of your organisation; add another first.")
    _audit(session, actor, AuditAction.MEMBER_REMOVED, member)
    session.delete(member)
    session.commit()
