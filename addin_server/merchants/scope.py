"""The one place that decides which merchant profiles a caller may see and manage.

Every merchant-scoped query starts from ``visible_profiles``: a profile of another tenant
does not exist for the caller (404, never 403). Within the tenant, members and admins use
every profile, admins manage them (403 for a member), and a signed-in user without a role
sees none (403 on the routes, an empty list in ``/me``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, exists, false, select
from sqlalchemy.orm import Session

from addin_server.caller import CurrentUser
from addin_server.merchants.models import MerchantProfile
from addin_server.problems import ApiProblem

MANAGE_PROFILES = "manage merchant profiles"


def visible_profiles(caller: CurrentUser) -> Select[MerchantProfile]:
    """The profiles the caller may use: all of their tenant's, none without a role."""
    query = select(MerchantProfile).where(MerchantProfile.tenant_id == caller.tenant_id)
    return query if caller.role is not None else query.where(false())


def list_visible(session: Session, caller: CurrentUser) -> Sequence[MerchantProfile]:
    return session.scalars(
        visible_profiles(caller).order_by(MerchantProfile.display_name, MerchantProfile.id)
    ).all()


def profile_for(
    session: Session, caller: CurrentUser, profile_id: str, *, manage: bool = False
) -> MerchantProfile:
    """The profile if the caller may use it (``manage``: change it); 404 or 403 otherwise."""
    caller.ensure_member()
    profile = session.scalars(
        visible_profiles(caller).where(MerchantProfile.id == profile_id)
    ).one_or_none()
    if profile is None:
        raise ApiProblem(404, "No such merchant profile.")
    if manage:
        caller.ensure_admin(MANAGE_PROFILES)
    return profile


def tenant_has_profiles(session: Session, tenant_id: str) -> bool:
    return bool(session.scalar(select(exists().where(MerchantProfile.tenant_id == tenant_id))))


def authorise_create(session: Session, caller: CurrentUser) -> bool:
    """Admins create profiles; so does anyone signed in while their tenant has none yet
    (bootstrap). True means the bootstrap rule applied: the caller is to become admin."""
    if caller.is_admin:
        return False
    if tenant_has_profiles(session, caller.tenant_id):
        caller.ensure_admin(MANAGE_PROFILES)
    return True
