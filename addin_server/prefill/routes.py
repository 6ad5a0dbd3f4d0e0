"""``POST /api/v1/prefill``: the draft invoice for the email open in Outlook.

Thin: validate, call ``prefill_invoice``, serialise. Sign-in is enforced for every
``/api/`` route by the identity concern, so no decorator is needed here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from addin_server.api import ApiBlueprint
from addin_server.caller import current_user
from addin_server.context import request_session
from addin_server.merchants import MAX_DUE_DAYS, profile_for
from addin_server.prefill.amounts import SUPPORTED_CURRENCIES
from addin_server.prefill.engine import MAX_BODY_CHARS, BodyTooLargeError, prefill_invoice
from addin_server.prefill.models import (
    Address,
    DraftInvoice,
    EmailInput,
    MerchantContext,
)
from addin_server.problems import ApiProblem
from addin_server.ratelimits import costly

blp = ApiBlueprint("prefill", __name__, url_prefix="/api/v1", description="Invoice pre-fill")

_MAX_ADDRESS_CHARS = 320
_RECIPIENTS = validate.Length(max=500)
# An email's date: far enough from the calendar's ends that time zones and due days fit.
_EARLIEST_ITEM_DATE = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST_ITEM_DATE = datetime(2999, 12, 31, tzinfo=UTC)


class AddressSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(max=_MAX_ADDRESS_CHARS))
    name = fields.String(load_default="", validate=validate.Length(max=_MAX_ADDRESS_CHARS))

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> Address:
        return Address(email=data["email"], name=data["name"])


class PrefillRequestSchema(Schema):
    from_address = fields.Nested(AddressSchema, data_key="from", load_default=None, allow_none=True)
    sender = fields.Nested(AddressSchema, load_default=None, allow_none=True)
    to = fields.List(
        fields.Nested(AddressSchema),
        load_default=list,
        validate=_RECIPIENTS,
    )
    cc = fields.List(
        fields.Nested(AddressSchema),
        load_default=list,
        validate=_RECIPIENTS,
    )
    subject = fields.String(load_default="", validate=validate.Length(max=10_000))
    # Size is checked by the engine before any work: too large is a 413, not a 400.
    body = fields.String(required=True)
    body_type = fields.String(load_default="text", validate=validate.OneOf(["text", "html"]))
    item_date = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=_EARLIEST_ITEM_DATE, max=_LATEST_ITEM_DATE),
    )
    mailbox_owner = fields.String(load_default="", validate=validate.Length(max=_MAX_ADDRESS_CHARS))
    time_zone = fields.String(load_default="UTC", validate=validate.Length(max=64))
    locale = fields.String(load_default="en-US", validate=validate.Length(max=35))
    mode = fields.String(load_default="read", validate=validate.OneOf(["read", "compose"]))
    # The merchant's defaults (currency, payment terms) come from the chosen profile;
    # ``default_currency``/``due_days`` are read only without one (older taskpanes).
    merchant_profile_id = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=64)
    )
    default_currency = fields.String(
        load_default="USD", validate=validate.OneOf(sorted(SUPPORTED_CURRENCIES))
    )
    due_days = fields.Integer(load_default=30, validate=validate.Range(min=0, max=MAX_DUE_DAYS))

    @validates("time_zone")
    def _known_zone(self, value: str, **_: Any) -> None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError("Not a known IANA time zone (e.g. Europe/Berlin).") from exc


def _decimal() -> fields.Decimal:
    """A decimal sent as an exact string ("10.50") and documented as one, not as a number."""
    return fields.Decimal(as_string=True, metadata={"type": "string"})


def _extracted(name: str, value: fields.Field[Any]) -> type[Schema]:
    """The schema of an ``Extracted`` value: the value, its confidence and source text."""
    return Schema.from_dict(
        {"value": value, "confidence": fields.Float(), "source": fields.String()}, name=name
    )


ExtractedTextSchema = _extracted("ExtractedText", fields.String())
ExtractedDecimalSchema = _extracted("ExtractedDecimal", _decimal())
ExtractedDateSchema = _extracted("ExtractedDate", fields.Date())


class CustomerSchema(Schema):
    name = fields.Nested(ExtractedTextSchema, allow_none=True)
    email = fields.Nested(ExtractedTextSchema, allow_none=True)
    company = fields.Nested(ExtractedTextSchema, allow_none=True)


class LineItemSchema(Schema):
    name = fields.String()
    quantity = _decimal()
    unit_price = _decimal()
    confidence = fields.Float()
    source = fields.String()


class ReferenceSchema(Schema):
    kind = fields.String()
    value = fields.String()
    confidence = fields.Float()
    source = fields.String()


class NoticeSchema(Schema):
    field = fields.String()
    code = fields.String()
    message = fields.String()


class DraftInvoiceSchema(Schema):
    customer = fields.Nested(CustomerSchema)
    description = fields.Nested(ExtractedTextSchema, allow_none=True)
    line_items = fields.List(fields.Nested(LineItemSchema))
    total = fields.Nested(ExtractedDecimalSchema, allow_none=True)
    currency = fields.Nested(ExtractedTextSchema)
    due_date = fields.Nested(ExtractedDateSchema)
    references = fields.List(fields.Nested(ReferenceSchema))
    # e.g. more line items than Cybersource accepts: {"field": "line_items",
    # "code": "too_many_line_items", "message": ...}
    notices = fields.List(fields.Nested(NoticeSchema))


@blp.post("/prefill")
@costly
@blp.arguments(PrefillRequestSchema())
@blp.response(200, DraftInvoiceSchema)
def prefill(arguments: dict[str, Any]) -> DraftInvoice:
    """The draft invoice for an email: every field with its confidence and source text."""
    email = EmailInput(
        body=arguments["body"],
        body_type=arguments["body_type"],
        from_address=arguments["from_address"],
        sender=arguments["sender"],
        to=tuple(arguments["to"]),
        cc=tuple(arguments["cc"]),
        subject=arguments["subject"],
        item_date=arguments["item_date"],
        mailbox_owner=arguments["mailbox_owner"],
        time_zone=arguments["time_zone"],
        locale=arguments["locale"],
        mode=arguments["mode"],
    )
    context = _merchant_context(arguments)
    try:
        return prefill_invoice(email, context)
    except BodyTooLargeError:
        raise _too_large() from None


def _merchant_context(arguments: dict[str, Any]) -> MerchantContext:
    """The chosen merchant profile's defaults (404 for a profile the caller may not use),
    else the defaults the request states."""
    profile_id = arguments["merchant_profile_id"]
    if profile_id is None:
        return MerchantContext(
            default_currency=arguments["default_currency"], due_days=arguments["due_days"]
        )
    profile = profile_for(request_session(), current_user(), profile_id)
    return MerchantContext(
        default_currency=profile.default_currency, due_days=profile.default_due_days
    )


def _too_large() -> ApiProblem:
    return ApiProblem(
        413,
        f"The email body is longer than {MAX_BODY_CHARS} characters; pre-fill reads at most that.",
        problem_type="/problems/body-too-large",
    )
