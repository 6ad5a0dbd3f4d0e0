"""``/api/v1`` routes of identity: sign-in configuration, sessions, tenant members.

``/me`` (which shows merchant profiles too) is composed above identity, in ``account``.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Response, url_for
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from addin_server.api import ApiBlueprint
from addin_server.caller import (
    ROLE_ADMIN,
    ROLE_MEMBER,
    current_user,
    public,
    require_admin,
    unauthenticated,
)
from addin_server.config import Settings
from addin_server.context import current_settings, request_session
from addin_server.identity.guard import current_identity
from addin_server.identity.models import TenantMember, User
from addin_server.identity.tokens import (
    SESSION_MAX_AGE_SECONDS,
    issue_session_token,
    revoke_session,
)
from addin_server.identity.users import add_member, list_members, remove_member
from addin_server.input_limits import MAX_INT32
from addin_server.problems import ApiProblem

blp = ApiBlueprint("identity", __name__, url_prefix="/api/v1", description="Sign-in and roles")

# Renewing closer than this to the end of the maximum session age is pointless.
_MIN_RENEWED_SECONDS = 60


def client_authority(settings: Settings) -> str:
    """The authority URL clients sign in through: one tenant, or a multi-tenant alias."""
    allowed = settings.allowed_tenants
    if "common" in allowed:
        tenant = "common"
    elif len(allowed) == 1 and allowed[0] != "organizations":
        tenant = allowed[0]
    else:
        tenant = "organizations"
    return f"{settings.authority}/{tenant}"


def api_scope_uri(settings: Settings) -> str:
    return f"{settings.app_id_uri}/{settings.api_scope}"


class AuthConfigSchema(Schema):
    client_id = fields.String(required=True)
    authority = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    methods = fields.List(
        fields.String(validate=validate.OneOf(["naa", "office_sso", "dialog"])), required=True
    )
    dialog_url = fields.String(required=True)
    session_refresh_url = fields.String(required=True)


class SessionSchema(Schema):
    token = fields.String(required=True)
    expires_in = fields.Integer(required=True)


class MemberSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(allow_none=True, required=True)
    user_id = fields.Integer(allow_none=True, required=True)
    name = fields.String(allow_none=True, required=True)
    role = fields.String(required=True)


class NewMemberSchema(Schema):
    email = fields.Email(load_default=None, validate=validate.Length(max=320))
    user_id = fields.Integer(
        load_default=None, strict=True, validate=validate.Range(min=1, max=MAX_INT32)
    )
    role = fields.String(
        load_default=ROLE_MEMBER, validate=validate.OneOf([ROLE_ADMIN, ROLE_MEMBER])
    )

    @validates_schema
    def _one_identifier(self, data: dict[str, Any], **_: Any) -> None:
        if (data.get("email") is None) == (data.get("user_id") is None):
            raise ValidationError("Give either email or user_id.", field_name="email")


@blp.get("/auth/config")
@blp.response(200, AuthConfigSchema)
@public
def auth_config() -> dict[str, Any]:
    """How the taskpane signs in (no sign-in needed to read this)."""
    settings = current_settings()
    return {
        "client_id": settings.client_id,
        "authority": client_authority(settings),
        "scopes": [api_scope_uri(settings)],
        # The built-in demo provider is reachable only through the backend's dialog.
        "methods": ["dialog"] if settings.is_demo else ["naa", "office_sso", "dialog"],
        "dialog_url": settings.public_url + url_for("identity_pages.dialog_start"),
        "session_refresh_url": settings.public_url + url_for("identity.refresh_session"),
    }


@blp.post("/auth/session/refresh")
@blp.response(200, SessionSchema)
def refresh_session() -> dict[str, Any]:
    """Exchange a valid session token from the sign-in dialog for a fresh one."""
    identity = current_identity()
    if identity.session_id is None or identity.signed_in_at is None:
        raise ApiProblem(400, "Only session tokens from the sign-in dialog are renewed here.")
    if identity.signed_in_at + SESSION_MAX_AGE_SECONDS - time.time() < _MIN_RENEWED_SECONDS:
        raise unauthenticated()
    issued = issue_session_token(current_settings(), identity)
    revoke_session(request_session(), identity)
    return {"token": issued.token, "expires_in": issued.expires_in}


@blp.post("/auth/session/revoke")
@blp.response(204)
def revoke_current_session() -> Response:
    """Sign out: the session token used for this call stops working."""
    revoke_session(request_session(), current_identity())
    return Response(status=204)


def _member_dict(member: TenantMember, user: User | None) -> dict[str, Any]:
    return {
        "id": member.id,
        "email": member.email,
        "user_id": member.user_id,
        "name": user.name if user else None,
        "role": member.role,
    }


@blp.get("/tenant/members")
@blp.response(200, MemberSchema(many=True))
@require_admin
def get_members() -> list[dict[str, Any]]:
    """Everyone with a role in your organisation (admins only)."""
    rows = list_members(request_session(), current_user().tenant_id)
    return [_member_dict(member, user) for member, user in rows]


@blp.post("/tenant/members")
@blp.arguments(NewMemberSchema())
@blp.response(201, MemberSchema)
@require_admin
def post_member(body: dict[str, Any]) -> dict[str, Any]:
    """Give a colleague a role, by email (before their first sign-in) or user id."""
    session = request_session()
    member = add_member(
        session, current_user(), role=body["role"], email=body["email"], user_id=body["user_id"]
    )
    user = session.get(User, member.user_id) if member.user_id else None
    return _member_dict(member, user)


@blp.delete("/tenant/members/<int:member_id>")
@blp.response(204)
@require_admin
def delete_member(member_id: int) -> Response:
    """Take a colleague's role away."""
    remove_member(request_session(), current_user(), member_id)
    return Response(status=204)
