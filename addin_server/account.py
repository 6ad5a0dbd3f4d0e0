"""``GET /api/v1/me``: the signed-in user, their tenant and role, and the merchant profiles
they may use.

App level: it composes identity's caller with merchants' profiles, so that neither of those
concerns has to know the other for it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from addin_server import merchants
from addin_server.api import ApiBlueprint
from addin_server.caller import current_user
from addin_server.context import request_session

blp = ApiBlueprint("account", __name__, url_prefix="/api/v1", description="The signed-in user")


class UserSchema(Schema):
    id = fields.Integer(required=True)
    oid = fields.String(required=True)
    name = fields.String(required=True)
    username = fields.String(required=True)


class TenantSchema(Schema):
    id = fields.String(required=True)
    tid = fields.String(required=True)
    personal = fields.Boolean(required=True)


class MeSchema(Schema):
    user = fields.Nested(UserSchema, required=True)
    tenant = fields.Nested(TenantSchema, required=True)
    role = fields.String(allow_none=True, required=True)
    invitation_refused = fields.String(
        allow_none=True,
        metadata={"description": "Why an invitation by email was not accepted, if one was."},
    )
    merchant_profiles = fields.List(fields.Dict(), required=True)


@blp.get("/me")
@blp.response(200, MeSchema)
def me() -> dict[str, Any]:
    """The signed-in user, their tenant and role, and the merchant profiles they may use."""
    user = current_user()
    return {
        "user": {"id": user.user_id, "oid": user.oid, "name": user.name, "username": user.username},
        "tenant": {"id": user.tenant_id, "tid": user.tid, "personal": user.is_personal},
        "role": user.role,
        "invitation_refused": user.invitation_refused or None,
        "merchant_profiles": merchants.profiles_visible_to(request_session(), user),
    }
