"""Request and response bodies of the Invoices API (``/work/helpers/INVOICES_API.md``).

Money travels as decimal strings ("1234.50") with at most the currency's minor units; dates
as "YYYY-MM-DD". A field that breaks a rule is a 400 naming it as a dotted path of our body
(``line_items.0.unit_price``); a total that is not the items' sum is a 422 from the service.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from addin_server.cybersource import MAX_LINE_ITEMS, MAX_QUANTITY
from addin_server.input_limits import MAX_INT64
from addin_server.invoices.currency_list import invoice_currencies, is_invoice_currency
from addin_server.invoices.money import has_valid_places

MODES = ("draft", "deliverable_draft", "send", "publish")
EMAIL_MODES = frozenset({"deliverable_draft", "send"})
STATUSES = ("DRAFT", "CREATED", "SENT", "PARTIAL", "PAID", "CANCELED", "PENDING")
STATES = ("creating", "created", "unknown", "failed")
ACTIONS = ("send", "publish", "cancel", "update", "refresh")
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{8,255}$"
MAX_PAGE = 100


MONEY_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,3})?$"


class Money(fields.Decimal):
    """A non-negative decimal string ("1234.50"): numbers are refused, since a JSON float
    may not be the amount the sender meant; the currency's places are checked with it."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or not re.fullmatch(MONEY_PATTERN, value):
            raise ValidationError('Must be a decimal string such as "10.00".')
        return super()._deserialize(value, attr, data, **kwargs)


def _money(description: str = "", **kwargs: Any) -> Money:
    metadata = {"type": "string", "pattern": MONEY_PATTERN, "example": "10.00"}
    if description:
        metadata["description"] = description
    return Money(as_string=True, places=None, metadata=metadata, **kwargs)


class PostalAddressSchema(Schema):
    line1 = fields.String(required=True, validate=validate.Length(1, 100))
    line2 = fields.String(load_default="", validate=validate.Length(max=100))
    city = fields.String(load_default="", validate=validate.Length(max=50))
    region = fields.String(load_default="", validate=validate.Length(max=50))
    postal_code = fields.String(load_default="", validate=validate.Length(max=20))
    country = fields.String(load_default="", validate=validate.Length(max=2))


class InvoiceCustomerSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    email = fields.Email(load_default="", validate=validate.Length(max=255))
    company = fields.String(load_default="", validate=validate.Length(max=60))
    address = fields.Nested(
        PostalAddressSchema,
        allow_none=True,
        load_default=None,
        metadata={"description": "Kept on our record (Cybersource's invoice has no address)."},
    )


class InvoiceLineItemSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 255))
    quantity = fields.Integer(required=True, validate=validate.Range(1, MAX_QUANTITY))
    unit_price = _money(required=True)
    sku = fields.String(load_default="", validate=validate.Length(max=255))
    tax_amount = _money(allow_none=True, load_default=None)
    discount_amount = _money(allow_none=True, load_default=None)


class InvoiceSourceEmailSchema(Schema):
    item_id = fields.String(load_default="", validate=validate.Length(max=512))
    conversation_id = fields.String(load_default="", validate=validate.Length(max=512))
    internet_message_id = fields.String(load_default="", validate=validate.Length(max=512))
    subject = fields.String(load_default="", validate=validate.Length(max=255))


class InvoiceFieldsSchema(Schema):
    """The body of ``PUT /invoices/<id>``: everything the invoice holds (full replacement)."""

    customer = fields.Nested(InvoiceCustomerSchema, required=True)
    description = fields.String(required=True, validate=validate.Length(1, 2000))
    line_items = fields.List(
        fields.Nested(InvoiceLineItemSchema),
        required=True,
        validate=validate.Length(1, MAX_LINE_ITEMS),
    )
    currency = fields.String(
        required=True,
        validate=validate.OneOf(
            [currency["code"] for currency in invoice_currencies()],
            error="Must be an ISO 4217 currency code such as EUR.",
        ),
    )
    total = _money(
        "Must equal the sum of quantity x unit_price - discount_amount + tax_amount over "
        "the line items, in the currency's minor units.",
        required=True,
    )
    due_date = fields.Date(required=True)
    allow_partial_payments = fields.Boolean(load_default=False)
    minimum_partial_amount = _money(allow_none=True, load_default=None)
    source_email = fields.Nested(InvoiceSourceEmailSchema, allow_none=True, load_default=None)

    @validates_schema
    def _check_amounts(self, data: dict[str, Any], **_kwargs: Any) -> None:
        currency = data.get("currency")
        if not currency or not is_invoice_currency(currency):
            return
        errors: dict[str, Any] = {}
        for name in ("total", "minimum_partial_amount"):
            if data.get(name) is not None and not has_valid_places(data[name], currency):
                errors[name] = [_places_message(currency)]
        item_errors = {
            index: problems
            for index, item in enumerate(data.get("line_items") or ())
            if (problems := _line_item_problems(item, currency))
        }
        if item_errors:
            errors["line_items"] = item_errors
        if data.get("minimum_partial_amount") is not None and not data["allow_partial_payments"]:
            errors["minimum_partial_amount"] = ["Needs allow_partial_payments."]
        if errors:
            raise ValidationError(errors)


def _places_message(currency: str) -> str:
    return f"Has more decimal places than {currency} allows."


def _line_item_problems(item: dict[str, Any], currency: str) -> dict[str, list[str]]:
    problems = {
        name: [_places_message(currency)]
        for name in ("unit_price", "tax_amount", "discount_amount")
        if item.get(name) is not None and not has_valid_places(item[name], currency)
    }
    subtotal = item["unit_price"] * item["quantity"] + (item.get("tax_amount") or 0)
    if (item.get("discount_amount") or 0) > subtotal:
        problems["discount_amount"] = ["Is more than the line's amount."]
    return problems


class InvoiceCreateSchema(InvoiceFieldsSchema):
    merchant_profile_id = fields.String(required=True, validate=validate.Length(1, 36))
    mode = fields.String(
        required=True,
        validate=validate.OneOf(MODES),
        metadata={
            "description": "draft: no email, no link; deliverable_draft: emailed when sent "
            "later; send: created and emailed now; publish: created without email, share "
            "the payment link."
        },
    )

    @validates_schema
    def _check_email(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("mode") in EMAIL_MODES and not (data.get("customer") or {}).get("email"):
            raise ValidationError({"customer": {"email": ["Required to send by email."]}})


class IdempotencyHeaderSchema(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        required=True,
        validate=validate.Regexp(
            IDEMPOTENCY_KEY_PATTERN, error="Must be 8 to 255 visible ASCII characters."
        ),
        metadata={
            "description": "One per draft: a repeat with the same key and body "
            "answers the same invoice."
        },
    )


class InvoiceListQuerySchema(Schema):
    customer_email = fields.String(validate=validate.Length(max=255))
    status = fields.String(validate=validate.OneOf(STATUSES))
    merchant = fields.String(validate=validate.Length(max=36))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_INT64))


class CustomerQuerySchema(Schema):
    internet_message_id = fields.String(validate=validate.Length(max=512))
    conversation_id = fields.String(validate=validate.Length(max=512))
    item_id = fields.String(validate=validate.Length(max=512))


# --- Responses ------------------------------------------------------------------------------


class InvoiceLineItemOutSchema(Schema):
    name = fields.String()
    quantity = fields.Integer()
    unit_price = fields.String()
    sku = fields.String()
    tax_amount = fields.String(allow_none=True)
    discount_amount = fields.String(allow_none=True)


class InvoiceCustomerOutSchema(Schema):
    name = fields.String()
    email = fields.String()
    company = fields.String()
    address = fields.Dict(allow_none=True)


class InvoiceSchema(Schema):
    id = fields.String(metadata={"example": "inv_3f2a…"})
    merchant_profile_id = fields.String()
    number = fields.String(metadata={"description": "The Cybersource id and invoice number."})
    state = fields.String(metadata={"enum": list(STATES)})
    status = fields.String(allow_none=True, metadata={"enum": list(STATUSES)})
    mode = fields.String(metadata={"enum": list(MODES)})
    customer = fields.Nested(InvoiceCustomerOutSchema)
    description = fields.String()
    line_items = fields.List(fields.Nested(InvoiceLineItemOutSchema))
    currency = fields.String()
    total = fields.String()
    balance = fields.String(metadata={"description": "What is still owed."})
    due_date = fields.String(allow_none=True)
    overdue = fields.Boolean()
    allow_partial_payments = fields.Boolean()
    minimum_partial_amount = fields.String(allow_none=True)
    payment_link = fields.String(allow_none=True)
    next_step = fields.String(metadata={"description": "What happens next, in plain words."})
    allowed_actions = fields.List(fields.String(metadata={"enum": list(ACTIONS)}))
    warning = fields.String(allow_none=True)
    source_email = fields.Nested(InvoiceSourceEmailSchema, allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()


class InvoicePageSchema(Schema):
    items = fields.List(fields.Nested(InvoiceSchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class CustomerTotalSchema(Schema):
    currency = fields.String()
    open = fields.String(metadata={"description": "Still owed on published invoices."})
    overdue = fields.String(metadata={"description": "The part of open past its due date."})
    paid = fields.String(metadata={"description": "Received so far."})


class CustomerInvoicesSchema(Schema):
    customer_email = fields.String()
    invoices = fields.List(fields.Nested(InvoiceSchema))
    totals = fields.List(fields.Nested(CustomerTotalSchema))
    this_email = fields.List(fields.String())


class CurrencySchema(Schema):
    code = fields.String()
    minor_units = fields.Integer()
    name = fields.String()


class CurrencyListSchema(Schema):
    currencies = fields.List(fields.Nested(CurrencySchema))
