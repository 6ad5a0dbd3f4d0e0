"""What an update sends: the invoice as Cybersource has it, with the caller's changes over it.

Cybersource's update replaces the whole invoice: a field left out of the body is erased. So
the body starts from the invoice as just read (its raw JSON) and only the fields an
``InvoiceDraft`` models change:

- decided by the draft (its value, or removed when it has none): customer name, email and
  company; description, due date, delivery flags, partial payments and their minimum;
  total, currency and sub-amount;
- changed only when the draft has one (kept otherwise): the customer's merchant id, the
  expiration date, the header discount, tax and freight;
- line items are the draft's; a line at the same position with the same product name keeps
  the fields the draft does not model (a tax or discount rate stays while its amount does);
- everything else is sent back as it was: merchant-defined field values (read as
  ``merchantDefinedFieldValuesWithDefinition``, sent as ``merchantDefinedFieldValues``),
  processing options, fields this client does not know. Fields only responses carry (links,
  status, history, payment link, balance) are left out.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

_RESPONSE_ONLY = frozenset(
    {"_links", "id", "submitTimeUtc", "status", "invoiceHistory", "createdDate"}
)
_FIELD_VALUES = "merchantDefinedFieldValues"
_FIELD_VALUES_READ = "merchantDefinedFieldValuesWithDefinition"
# section -> (keys the draft decides, keys only responses carry)
_SECTIONS: dict[tuple[str, ...], tuple[frozenset[str], frozenset[str]]] = {
    ("customerInformation",): (frozenset({"name", "email", "company"}), frozenset()),
    ("invoiceInformation",): (
        frozenset(
            {"description", "dueDate", "sendImmediately", "deliveryMode", "allowPartialPayments"}
        ),
        frozenset({"invoiceNumber", "paymentLink", "customLabels"}),
    ),
    ("orderInformation", "amountDetails"): (
        frozenset({"totalAmount", "currency", "subAmount", "minimumPartialAmount"}),
        frozenset({"balanceAmount"}),
    ),
}
# An amount and the rate it was computed from: a changed or dropped amount drops the rate.
_RATES = {"discountAmount": "discountPercent", "taxAmount": "taxRate"}
_LINE_OWNED = frozenset(
    {
        "productSku",
        "productName",
        "quantity",
        "unitPrice",
        "totalAmount",
        "taxAmount",
        "discountAmount",
    }
)


def update_body(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The body of an update: ``current`` (an invoice as returned) with ``changes`` (an
    update request built from a draft) applied as described above."""
    body = {k: copy.deepcopy(v) for k, v in current.items() if k not in _RESPONSE_ONLY}
    values = body.pop(_FIELD_VALUES_READ, None)
    if isinstance(values, list) and _FIELD_VALUES not in body:
        body[_FIELD_VALUES] = [_field_value(item) for item in values if isinstance(item, Mapping)]
    for path, (owned, response_only) in _SECTIONS.items():
        _apply(_section(body, path), _lookup(changes, path), owned | response_only)
    order = _section(body, ("orderInformation",))
    order.pop("lineItems", None)
    new_lines = _lookup(changes, ("orderInformation",)).get("lineItems")
    if new_lines:
        old_lines = _lookup(current, ("orderInformation",)).get("lineItems") or []
        order["lineItems"] = _merged_lines(old_lines, new_lines)
    if not body.get("customerInformation"):
        body.pop("customerInformation", None)
    return body


def _field_value(item: Mapping[str, Any]) -> dict[str, Any]:
    return {"definitionId": item.get("definitionId"), "value": item.get("value")}


def _apply(target: dict[str, Any], source: Mapping[str, Any], dropped: frozenset[str]) -> None:
    """``source`` over ``target`` after removing ``dropped``; a rate whose amount the source
    changes goes too (the header's discount percentage)."""
    for amount, rate in _RATES.items():
        if amount in source and not _same_amount(source[amount], target.get(amount)):
            target.pop(rate, None)
    for key in dropped:
        target.pop(key, None)
    target.update(copy.deepcopy(dict(source)))


def _merged_lines(old: list[Any], new: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    merged: list[dict[str, Any]] = []
    for index, line in enumerate(new):
        before = old[index] if index < len(old) and isinstance(old[index], Mapping) else {}
        if before.get("productName") != line.get("productName"):
            before = {}
        kept = {k: v for k, v in before.items() if k not in _LINE_OWNED}
        for amount, rate in _RATES.items():
            if line.get(amount) is None or not _same_amount(line[amount], before.get(amount)):
                kept.pop(rate, None)
        merged.append({**kept, **copy.deepcopy(dict(line))})
    return merged


def _same_amount(one: object, other: object) -> bool:
    """``"0.0"`` and ``"0.00"`` (and the JSON number 0) are the same amount."""
    try:
        return Decimal(str(one)) == Decimal(str(other))
    except InvalidOperation:
        return one == other


def _section(body: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """The object at ``path`` in ``body``, made if missing."""
    node = body
    for key in path:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    return node


def _lookup(data: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    node: Any = data
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}
