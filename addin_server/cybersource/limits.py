"""Field rules of the Invoicing API (spec ``CreateInvoiceRequest``/``UpdateInvoiceRequest``,
``InvoiceSettingsRequest``), checked on the JSON payload.

The client checks what it is about to send, so bad input fails before any request; the
simulator checks what it receives, as Cybersource does. ``reason`` values are Cybersource's
(``MISSING_FIELD``, ``INVALID_DATA``); ``message`` says what is wrong for people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from addin_server.currencies import is_known_currency
from addin_server.cybersource.errors import FieldIssue

MISSING_FIELD = "MISSING_FIELD"
INVALID_DATA = "INVALID_DATA"
MAX_LINE_ITEMS = 30
MAX_QUANTITY = 999_999_999
# The spec gives no limit for invoiceNumber; the response ``id`` it becomes is at most 26.
MAX_INVOICE_NUMBER_LENGTH = 26
# The invoice list: ``limit`` is 1 to this, ``status`` filters by one of these.
MAX_PAGE_SIZE = 1000
LISTABLE_STATUSES = frozenset({"DRAFT", "CREATED", "SENT", "PARTIAL", "PAID", "CANCELED"})
_AMOUNT = re.compile(r"\d+(\.\d+)?")
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


@dataclass(frozen=True)
class Rule:
    """What one field may hold. ``kind``: text, amount, date, flag, integer, currency, choice."""

    kind: str
    max_length: int | None = None
    required: bool = False
    choices: frozenset[str] = frozenset()
    pattern: re.Pattern[str] | None = None


def _text(max_length: int | None = None, *, required: bool = False) -> Rule:
    return Rule("text", max_length, required)


def _amount(max_length: int | None = None, *, required: bool = False) -> Rule:
    return Rule("amount", max_length, required)


_FLAG = Rule("flag")
_DATE = Rule("date", 10)

_INVOICE_RULES: dict[str, Rule] = {
    "clientReferenceInformation.partner.developerId": _text(8),
    "clientReferenceInformation.partner.solutionId": _text(8),
    "customerInformation.name": _text(100),
    "customerInformation.email": _text(255),
    "customerInformation.merchantCustomerId": _text(100),
    "customerInformation.company.name": _text(60),
    "processingInformation.requestPhone": _FLAG,
    "processingInformation.requestShipping": _FLAG,
    "invoiceInformation": Rule("object", required=True),
    "invoiceInformation.invoiceNumber": _text(MAX_INVOICE_NUMBER_LENGTH),
    "invoiceInformation.description": _text(2000, required=True),
    "invoiceInformation.dueDate": Rule("date", 10, required=True),
    "invoiceInformation.expirationDate": _DATE,
    "invoiceInformation.sendImmediately": _FLAG,
    "invoiceInformation.allowPartialPayments": _FLAG,
    # The spec lists None/Email, examples send none/email: compared case-insensitively.
    "invoiceInformation.deliveryMode": Rule("choice", choices=frozenset({"none", "email"})),
    "orderInformation": Rule("object", required=True),
    "orderInformation.amountDetails": Rule("object", required=True),
    "orderInformation.amountDetails.totalAmount": _amount(19, required=True),
    "orderInformation.amountDetails.currency": Rule("currency", 3, required=True),
    "orderInformation.amountDetails.discountAmount": _amount(15),
    "orderInformation.amountDetails.discountPercent": _amount(7),
    "orderInformation.amountDetails.subAmount": _amount(25),
    "orderInformation.amountDetails.minimumPartialAmount": _amount(),
    "orderInformation.amountDetails.taxDetails.type": _text(),
    "orderInformation.amountDetails.taxDetails.amount": _amount(13),
    "orderInformation.amountDetails.taxDetails.rate": _amount(6),
    "orderInformation.amountDetails.freight.amount": _amount(13),
    "orderInformation.amountDetails.freight.taxable": _FLAG,
    "orderInformation.amountDetails.freight.taxRate": _amount(7),
    "orderInformation.lineItems": Rule("list", MAX_LINE_ITEMS),
    "orderInformation.lineItems[].productSku": _text(255),
    "orderInformation.lineItems[].productName": _text(255),
    "orderInformation.lineItems[].quantity": Rule("integer"),
    "orderInformation.lineItems[].unitPrice": _amount(15),
    "orderInformation.lineItems[].discountAmount": _amount(13),
    "orderInformation.lineItems[].discountPercent": _amount(6),
    "orderInformation.lineItems[].taxAmount": _amount(15),
    "orderInformation.lineItems[].taxRate": _amount(7),
    "orderInformation.lineItems[].totalAmount": _amount(13),
}

_SETTINGS_PREFIX = "invoiceSettingsInformation."
_SETTINGS_RULES: dict[str, Rule] = {
    _SETTINGS_PREFIX + name: rule
    for name, rule in {
        "merchantLogo": _text(10_000_000),
        "merchantDisplayName": _text(100),
        "customEmailMessage": _text(2000),
        "enableReminders": _FLAG,
        "headerStyle.fontColor": Rule("text", 7, pattern=_COLOR),
        "headerStyle.backgroundColor": Rule("text", 7, pattern=_COLOR),
        "deliveryLanguage": Rule(
            "choice",
            choices=frozenset(
                {"zh-cn", "zh-tw", "en-us", "fr-fr", "de-de", "ja-jp", "pt-br", "ru-ru", "es-419"}
            ),
        ),
        "defaultCurrencyCode": Rule("currency", 3),
        "payerAuthenticationInInvoicing": Rule(
            "choice", choices=frozenset({"enable", "update", "disable"})
        ),
        "showVatNumber": _FLAG,
        "vatRegistrationNumber": _text(21),
        "shipTo": _FLAG,
        "phoneNumber": _FLAG,
        "email": _FLAG,
        "enableMerchantEmailNotifications": _FLAG,
        "customLabels": Rule("list"),
        "customLabels[].key": Rule(
            "choice",
            choices=frozenset(
                {
                    "billto",
                    "invoicenumber",
                    "customerid",
                    "companyname",
                    "description",
                    "shipping",
                    "partialpayment",
                    "discount",
                    "tax",
                }
            ),
        ),
        "customLabels[].value": _text(25),
        "customRedirectUrls.paymentAccepted": _text(500),
        "customRedirectUrls.paymentRejected": _text(500),
        "customRedirectUrls.paymentPending": _text(500),
    }.items()
}


@dataclass
class _Node:
    """The rules as a tree, so that one walk over the payload checks every field."""

    rule: Rule
    items: bool = False  # a list whose items have the children below
    children: dict[str, _Node] = field(default_factory=dict)


_OBJECT = Rule("object")


def _tree(rules: Mapping[str, Rule]) -> _Node:
    root = _Node(_OBJECT)
    for path, rule in rules.items():
        node = root
        for part in path.split("."):
            name = part.removesuffix("[]")
            if name not in node.children:
                node.children[name] = _Node(_OBJECT)
            node = node.children[name]
            node.items = node.items or part.endswith("[]")
        node.rule = rule
    return root


def _walk(node: _Node, value: dict[str, Any], prefix: str, issues: list[FieldIssue]) -> None:
    for name, child in node.children.items():
        path = f"{prefix}.{name}" if prefix else name
        child_value = value.get(name)
        # JSON null counts as absent: the SDK's samples send unset fields as null.
        if child_value is None or (child.rule.required and child_value == ""):
            if child.rule.required:
                issues.append(FieldIssue(path, MISSING_FIELD, "is required"))
            continue
        problem = _problem(child.rule, child_value)
        if problem:
            issues.append(FieldIssue(path, INVALID_DATA, problem))
        elif child.items:
            for index, item in enumerate(child_value):
                if isinstance(item, dict):
                    _walk(child, item, f"{path}[{index}]", issues)
                else:
                    issues.append(FieldIssue(f"{path}[{index}]", INVALID_DATA, "must be an object"))
        elif child.children:
            _walk(child, child_value, path, issues)


def _problem(rule: Rule, value: Any) -> str | None:
    if rule.kind == "object":
        return None if isinstance(value, dict) else "must be an object"
    if rule.kind == "list":
        if not isinstance(value, list):
            return "must be a list"
        if rule.max_length is not None and len(value) > rule.max_length:
            return f"at most {rule.max_length} items"
        return None
    if rule.kind == "flag":
        return None if isinstance(value, bool) else "must be true or false"
    if rule.kind == "integer":
        # The spec types quantity as an integer; its own examples send "20".
        text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
        if not text.isdigit() or not 1 <= int(text) <= MAX_QUANTITY:
            return f"must be a whole number from 1 to {MAX_QUANTITY}"
        return None
    if not isinstance(value, str):
        return "must be a string"
    if rule.max_length is not None and len(value) > rule.max_length:
        return f"at most {rule.max_length} characters"
    if rule.kind == "amount" and not _AMOUNT.fullmatch(value):
        return "must be a non-negative decimal number such as 12.50"
    if rule.kind == "date" and not _is_iso_date(value):
        return "must be a date as YYYY-MM-DD"
    if rule.kind == "currency" and not is_known_currency(value):
        return "must be an ISO 4217 currency code"
    if rule.kind == "choice" and value.lower() not in rule.choices:
        return "must be one of " + ", ".join(sorted(rule.choices))
    if rule.pattern is not None and not rule.pattern.fullmatch(value):
        return "has the wrong format"
    return None


def _is_iso_date(value: str) -> bool:
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def check_invoice_payload(payload: Any, *, for_update: bool = False) -> list[FieldIssue]:
    """Issues with a create (or, ``for_update``, an update) request body."""
    if not isinstance(payload, dict):
        return [FieldIssue("(body)", INVALID_DATA, "must be a JSON object")]
    issues: list[FieldIssue] = []
    _walk(_INVOICE_TREE, payload, "", issues)
    info = payload.get("invoiceInformation")
    if for_update and isinstance(info, dict) and "invoiceNumber" in info:
        issues.append(
            FieldIssue("invoiceInformation.invoiceNumber", INVALID_DATA, "cannot be sent on update")
        )
    return issues


def check_settings_payload(payload: Any) -> list[FieldIssue]:
    if not isinstance(payload, dict):
        return [FieldIssue("(body)", INVALID_DATA, "must be a JSON object")]
    issues: list[FieldIssue] = []
    _walk(_SETTINGS_TREE, payload, "", issues)
    return issues


_INVOICE_TREE = _tree(_INVOICE_RULES)
_SETTINGS_TREE = _tree(_SETTINGS_RULES)
