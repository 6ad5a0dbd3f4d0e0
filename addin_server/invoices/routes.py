"""``/api/v1/invoices`` and ``/api/v1/customers/<email>/invoices``: thin views over the
service functions (``creation``, ``actions``, ``customers``), which commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app

from addin_server.api import ApiBlueprint, ProblemSchema, as_documented, links
from addin_server.caller import current_user, require_member
from addin_server.context import current_db, current_settings, request_session
from addin_server.invoices import actions, creation, customers
from addin_server.invoices.currency_list import invoice_currencies
from addin_server.invoices.presenting import present
from addin_server.invoices.schemas import (
    CurrencyListSchema,
    CustomerInvoicesSchema,
    CustomerQuerySchema,
    IdempotencyHeaderSchema,
    InvoiceCreateSchema,
    InvoiceFieldsSchema,
    InvoiceListQuerySchema,
    InvoicePageSchema,
    InvoiceSchema,
)
from addin_server.invoices.service import InvoiceContext, record_for, shared_transport
from addin_server.ratelimits import costly

F = TypeVar("F", bound=Callable[..., Any])

blp = ApiBlueprint(
    "invoices",
    __name__,
    url_prefix="/api/v1/invoices",
    description="Create invoices exactly once in four modes; send, publish, update, cancel.",
)
currencies_blp = ApiBlueprint(
    "currencies",
    __name__,
    url_prefix="/api/v1/currencies",
    description="The ISO 4217 currencies invoices may be in, with their minor units.",
)
customers_blp = ApiBlueprint(
    "customers",
    __name__,
    url_prefix="/api/v1/customers",
    description="One customer's invoices and what they still owe, for the customer panel.",
)

_ERRORS = {
    400: "Invalid input: the errors name each field (dotted paths of the body).",
    403: "Signed in, but not a member of the organisation.",
    404: "No such invoice or merchant profile in your organisation.",
    409: "Not allowed in the invoice's status (/problems/action-not-allowed), or the first "
    "request with this Idempotency-Key is still running (Retry-After).",
    422: "Cybersource refused fields (named as ours), the total is not the items' sum, or "
    "the Idempotency-Key was used for another body.",
    502: "Cybersource refused the merchant's credentials "
    "(/problems/merchant-credentials-rejected: ask an admin to re-verify) or failed.",
    503: "Cybersource unavailable (/problems/upstream-unavailable, Retry-After); nothing lost.",
    504: "Cybersource did not answer in time (Retry-After); the invoice is checked again.",
}
_READ_ERRORS = (403, 404)
_CALL_ERRORS = (403, 404, 409, 422, 502, 503, 504)


def _problems(*codes: int) -> Callable[[F], F]:
    def document(view: F) -> F:
        for code in codes:
            view = blp.alt_response(
                code,
                schema=ProblemSchema,
                description=_ERRORS[code],
                content_type="application/problem+json",
            )(view)
        return view

    return document


_BY_ID = {"invoice_id": "$response.body#/id"}
_ACTIONS = ("send", "publish", "cancel", "refresh")
# Where a client goes with an invoice it was given: by its id to every invoice operation.
_NEXT = {
    "get": {"operationId": "getInvoice", "parameters": _BY_ID},
    "update": {"operationId": "updateInvoice", "parameters": _BY_ID},
    **{action: {"operationId": f"{action}Invoice", "parameters": _BY_ID} for action in _ACTIONS},
}


def _context() -> InvoiceContext:
    settings = current_settings()
    return InvoiceContext(
        session=request_session(),
        db=current_db(),
        settings=settings,
        caller=current_user(),
        transport=shared_transport(current_app, settings),
    )


@blp.post("")
@costly
@require_member
@blp.arguments(IdempotencyHeaderSchema(), location="headers")
@blp.arguments(InvoiceCreateSchema())
@blp.response(201, InvoiceSchema, description="Created now.")
@blp.alt_response(200, schema=InvoiceSchema, description="The same key and body again.")
@_problems(400, *_CALL_ERRORS)
@links((201, 200), **_NEXT)
@blp.doc(operationId="createInvoice")
def create_invoice(headers: dict[str, str], data: dict[str, Any]) -> Response:
    """Create an invoice exactly once per ``Idempotency-Key``."""
    outcome = creation.create_invoice(_context(), data, headers["idempotency_key"])
    return as_documented(present(outcome.record), 201 if outcome.created_now else 200)


@blp.get("")
@require_member
@blp.arguments(InvoiceListQuerySchema(), location="query")
@blp.response(200, InvoicePageSchema)
@_problems(400, 403)
@links(
    (200,),
    get={"operationId": "getInvoice", "parameters": {"invoice_id": "$response.body#/items/0/id"}},
)
def list_invoices(query: dict[str, Any]) -> Response:
    """The organisation's invoices, newest first."""
    page = actions.list_invoices(_context(), query)
    return as_documented({**page, "items": [present(record) for record in page["items"]]})


@blp.get("/<invoice_id>")
@require_member
@blp.response(200, InvoiceSchema)
@_problems(*_READ_ERRORS)
@links((200,), **_NEXT)
@blp.doc(operationId="getInvoice")
def get_invoice(invoice_id: str) -> Response:
    return as_documented(present(record_for(request_session(), current_user(), invoice_id)))


@blp.put("/<invoice_id>")
@require_member
@blp.arguments(InvoiceFieldsSchema())
@blp.response(200, InvoiceSchema)
@_problems(400, *_CALL_ERRORS)
@links((200,), **_NEXT)
@blp.doc(operationId="updateInvoice")
def update_invoice(data: dict[str, Any], invoice_id: str) -> Response:
    """Replace the whole invoice (until a payment arrives); number and mode stay."""
    return as_documented(present(actions.update_invoice(_context(), invoice_id, data)))


def _action_view(action: str, summary: str) -> None:
    def view(invoice_id: str) -> Response:
        return as_documented(present(actions.perform(_context(), invoice_id, action)))

    view.__name__ = f"{action}_invoice"
    view.__doc__ = summary
    blp.post(f"/<invoice_id>/{action}")(
        require_member(
            blp.response(200, InvoiceSchema)(
                _problems(*_CALL_ERRORS)(
                    links((200,), **_NEXT)(blp.doc(operationId=f"{action}Invoice")(view))
                )
            )
        )
    )


_action_view("send", "Email the invoice (or again); a draft without email is published.")
_action_view("publish", "Publish a draft without email: it gets a payment link.")
_action_view("cancel", "Cancel an unpaid invoice.")
_action_view("refresh", "Read the invoice again from Cybersource (settles an unknown one).")


@customers_blp.get("/<email>/invoices")
@require_member
@customers_blp.arguments(CustomerQuerySchema(), location="query")
@customers_blp.response(200, CustomerInvoicesSchema)
@_problems(400, 403)
def customer_invoices(query: dict[str, str], email: str) -> dict[str, Any]:
    """This customer's invoices, totals per currency, and those made from this email."""
    panel = customers.customer_invoices(_context(), email, query)
    return {**panel, "invoices": [present(record) for record in panel["invoices"]]}


@currencies_blp.get("")
@currencies_blp.response(200, CurrencyListSchema)
def list_currencies() -> dict[str, Any]:
    """One ISO 4217 table: code, minor units (0 for JPY) and English name."""
    return {"currencies": invoice_currencies()}
