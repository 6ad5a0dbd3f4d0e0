"""What the simulator accepts in an invoice body beyond the shared field rules, and what it keeps.

``limits.check_invoice_payload`` (shared with the client) checks lengths, kinds and required
fields. The simulator adds what only the receiving side sees: a customer email that is not
an address, amounts with more decimals than the currency has (``"10.50"`` in JPY), and the
email an emailed invoice needs. It then keeps exactly the fields the spec's request schema
allows, matching names case-insensitively as Cybersource's JSON reader does (the SDK sends
``productSKU`` for ``productSku``, notes §9); unknown fields and JSON nulls are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from addin_server.currencies import MINOR_UNITS
from addin_server.cybersource.errors import FieldIssue
from addin_server.cybersource.limits import INVALID_DATA, MISSING_FIELD, check_invoice_payload
from addin_server.dev.simulator.replies import validation_failed

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

# The spec's CreateInvoiceRequest (UpdateInvoiceRequest is the same without the invoice number
# and clientReferenceInformation, which is never stored): a leaf is None, a list of objects [{}].
_AMOUNTS: dict[str, Any] = {
    "totalAmount": None,
    "currency": None,
    "discountAmount": None,
    "discountPercent": None,
    "subAmount": None,
    "minimumPartialAmount": None,
    "taxDetails": {"type": None, "amount": None, "rate": None},
    "freight": {"amount": None, "taxable": None, "taxRate": None},
}
_LINE_ITEM: dict[str, Any] = dict.fromkeys(
    (
        "productSku",
        "productName",
        "quantity",
        "unitPrice",
        "discountAmount",
        "discountPercent",
        "taxAmount",
        "taxRate",
        "totalAmount",
    )
)
INVOICE_FIELDS: dict[str, Any] = {
    "customerInformation": {
        "name": None,
        "email": None,
        "merchantCustomerId": None,
        "company": {"name": None},
    },
    "processingInformation": {"requestPhone": None, "requestShipping": None},
    "invoiceInformation": dict.fromkeys(
        (
            "invoiceNumber",
            "description",
            "dueDate",
            "expirationDate",
            "sendImmediately",
            "allowPartialPayments",
            "deliveryMode",
        )
    ),
    "orderInformation": {"amountDetails": _AMOUNTS, "lineItems": [_LINE_ITEM]},
    "merchantDefinedFieldValues": [{"definitionId": None, "value": None}],
}
# Money fields (not rates or percentages): at most the currency's minor units of decimals.
_MONEY_FIELDS = ("totalAmount", "discountAmount", "subAmount", "minimumPartialAmount")
_LINE_MONEY_FIELDS = ("unitPrice", "discountAmount", "taxAmount", "totalAmount")


def checked_invoice(payload: Any, *, for_update: bool) -> dict[str, Any]:
    """The body as stored, or a 400 ``CybersourceReply`` naming every field at fault."""
    issues = check_invoice_payload(payload, for_update=for_update)
    if not issues:
        issues = _receiving_side_issues(payload)
    if issues:
        raise validation_failed(issues)
    kept: dict[str, Any] = kept_fields(payload, INVOICE_FIELDS)
    for item in kept["orderInformation"].get("lineItems", ()):
        if "quantity" in item:  # the spec's examples send "20"; the schema answers an integer
            item["quantity"] = int(item["quantity"])
    return kept


def kept_fields(value: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """``value`` reduced to ``fields``, keys matched case-insensitively, nulls dropped."""
    by_lower = {name.lower(): name for name in fields}
    kept: dict[str, Any] = {}
    for key, item in value.items():
        name = by_lower.get(key.lower())
        if name is None or item is None:
            continue
        shape = fields[name]
        if isinstance(shape, dict):
            kept[name] = kept_fields(item, shape)
        elif isinstance(shape, list):
            kept[name] = [kept_fields(entry, shape[0]) for entry in item]
        else:
            kept[name] = item
    return kept


def by_email(info: Mapping[str, Any]) -> bool:
    """``deliveryMode`` is checked as none/email in any case; absent or null means none."""
    return str(info.get("deliveryMode")).lower() == "email"


def has_more_decimals(amount: Decimal, currency: str) -> bool:
    exponent = amount.normalize().as_tuple().exponent
    return isinstance(exponent, int) and -exponent > MINOR_UNITS[currency]


def _receiving_side_issues(payload: Mapping[str, Any]) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    customer = payload.get("customerInformation") or {}
    email = customer.get("email")
    if email and not _EMAIL.fullmatch(email):
        issues.append(FieldIssue("customerInformation.email", INVALID_DATA, "is not an address"))
    if by_email(payload["invoiceInformation"]) and not email:
        issues.append(FieldIssue("customerInformation.email", MISSING_FIELD, "is required"))
    order = payload["orderInformation"]
    currency = order["amountDetails"]["currency"]
    money = [
        (f"orderInformation.amountDetails.{name}", order["amountDetails"].get(name))
        for name in _MONEY_FIELDS
    ]
    for part in ("taxDetails", "freight"):
        amount = (order["amountDetails"].get(part) or {}).get("amount")
        money.append((f"orderInformation.amountDetails.{part}.amount", amount))
    for index, item in enumerate(order.get("lineItems") or ()):
        prefix = f"orderInformation.lineItems[{index}]"
        money.extend((f"{prefix}.{name}", item.get(name)) for name in _LINE_MONEY_FIELDS)
    issues.extend(
        FieldIssue(field, INVALID_DATA, f"has more decimals than {currency} allows")
        for field, amount in money
        if amount is not None and has_more_decimals(Decimal(amount), currency)
    )
    return issues
