"""Cybersource's field paths in OUR body's names, and what an invoice call's failure raises.

The one CybersourceError -> problem handler (``addin_server.upstream_problems``) reports
field errors with ``INVOICE_FIELDS`` (``orderInformation.lineItems[0].unitPrice`` ->
``line_items.0.unit_price``); rejected credentials are a 502 asking for re-verification,
no answer a 503/504 with ``Retry-After``.
"""

from __future__ import annotations

from addin_server.cybersource import (
    CybersourceError,
    FieldNames,
    OutcomeUnknownError,
    UpstreamTimeoutError,
    ValidationFailedError,
)
from addin_server.problems import ApiProblem

ACTION_NOT_ALLOWED = "/problems/action-not-allowed"

INVOICE_FIELDS = FieldNames(
    {
        "customerInformation": "customer",
        "customerInformation.name": "customer.name",
        "customerInformation.email": "customer.email",
        "customerInformation.company": "customer.company",
        "invoiceInformation.description": "description",
        "invoiceInformation.dueDate": "due_date",
        "invoiceInformation.allowPartialPayments": "allow_partial_payments",
        "orderInformation.amountDetails.totalAmount": "total",
        "orderInformation.amountDetails.currency": "currency",
        "orderInformation.amountDetails.minimumPartialAmount": "minimum_partial_amount",
        "orderInformation.lineItems": "line_items",
        "orderInformation.lineItems[]": "line_items.{}",
        "orderInformation.lineItems[].productName": "line_items.{}.name",
        "orderInformation.lineItems[].productSku": "line_items.{}.sku",
        "orderInformation.lineItems[].quantity": "line_items.{}.quantity",
        "orderInformation.lineItems[].unitPrice": "line_items.{}.unit_price",
        "orderInformation.lineItems[].taxAmount": "line_items.{}.tax_amount",
        "orderInformation.lineItems[].discountAmount": "line_items.{}.discount_amount",
    }
)


def to_raise(error: CybersourceError) -> CybersourceError:
    """The error for the problem handler: field errors in our names; an unknown outcome
    after a timeout reported as the timeout (504), otherwise as unavailable (503)."""
    if isinstance(error, ValidationFailedError):
        error.field_names = INVOICE_FIELDS
    if isinstance(error, OutcomeUnknownError) and isinstance(error.cause, UpstreamTimeoutError):
        return error.cause
    return error


def action_not_allowed(detail: str) -> ApiProblem:
    return ApiProblem(409, detail, title="Action not allowed", problem_type=ACTION_NOT_ALLOWED)
