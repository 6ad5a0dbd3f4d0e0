"""``GET /api/v1/audit``: the tenant's audit log for its admins, newest first."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from addin_server.api import ApiBlueprint
from addin_server.audit.log import list_events
from addin_server.caller import current_user, require_admin
from addin_server.context import request_session
from addin_server.input_limits import MAX_INT64

MAX_PAGE = 200

blp = ApiBlueprint(
    "audit",
    __name__,
    url_prefix="/api/v1/audit",
    description="Who changed credentials and invoices, and when (admins only).",
)


class AuditQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))
    before = fields.Integer(validate=validate.Range(min=1, max=MAX_INT64))


class AuditEventSchema(Schema):
    id = fields.Integer()
    occurred_at = fields.DateTime()
    actor_user_id = fields.Integer(allow_none=True)
    actor = fields.String(attribute="actor_label")
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String()
    details = fields.Dict()


class AuditPageSchema(Schema):
    events = fields.List(fields.Nested(AuditEventSchema))
    next_before = fields.Integer(
        allow_none=True, metadata={"description": "Pass as ``before`` for the next page."}
    )


@blp.get("")
@require_admin
@blp.arguments(AuditQuerySchema(), location="query")
@blp.response(200, AuditPageSchema)
def list_audit_events(query: dict[str, Any]) -> dict[str, Any]:
    limit = query["limit"]
    events = list_events(
        request_session(), current_user().tenant_id, limit=limit, before_id=query.get("before")
    )
    return {
        "events": events,
        "next_before": events[-1].id if len(events) == limit else None,
    }
