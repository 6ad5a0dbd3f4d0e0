"""The Invoicing API's routes (notes §1): thin views over the book and the settings store."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request

from addin_server.cybersource.limits import MAX_PAGE_SIZE
from addin_server.dev.simulator.core import Simulator
from addin_server.dev.simulator.replies import utc_timestamp
from addin_server.dev.simulator.shapes import Answer, StoredInvoice, summary_json
from addin_server.dev.simulator.wire import int_query, json_body, json_response, product_type

INVOICES = "/invoicing/v2/invoices"


def _merchant_id() -> str:
    merchant_id: str = g.merchant.merchant_id
    return merchant_id


def register_invoices(app: Flask, simulator: Simulator) -> None:
    book = simulator.book

    def answer(stored: StoredInvoice, status: int = 200, kind: Answer = "write") -> Response:
        return json_response(book.to_json(stored, kind), status)

    @app.post(INVOICES)
    def create_invoice() -> Response:
        email_fails = simulator.knobs.email_fails
        stored = book.create(_merchant_id(), json_body(), email_fails=email_fails)
        if email_fails and stored.by_email and stored.info.get("sendImmediately"):
            return json_response(_email_failed(stored), 202)
        return answer(stored, 201)

    @app.get(INVOICES)
    def list_invoices() -> Response:
        offset = int_query("offset", minimum=0, maximum=None)
        limit = int_query("limit", minimum=1, maximum=MAX_PAGE_SIZE)
        status = request.args.get("status", "").upper() or None
        total, page = book.list(_merchant_id(), offset, limit, status)
        return json_response(
            {
                "_links": _list_links(offset, limit, total, status),
                "submitTimeUtc": utc_timestamp(simulator.clock()),
                "totalInvoices": total,
                "invoices": [summary_json(stored) for stored in page],
            },
            200,
        )

    @app.get(f"{INVOICES}/<number>")
    def get_invoice(number: str) -> Response:
        return answer(book.get(_merchant_id(), number), kind="get")

    @app.put(f"{INVOICES}/<number>")
    def update_invoice(number: str) -> Response:
        return answer(book.update(_merchant_id(), number, json_body()))

    @app.post(f"{INVOICES}/<number>/delivery")
    def send_invoice(number: str) -> Response:
        return answer(book.send(_merchant_id(), number), kind="action")

    @app.post(f"{INVOICES}/<number>/publication")
    def publish_invoice(number: str) -> Response:
        return answer(book.publish(_merchant_id(), number), kind="action")

    @app.post(f"{INVOICES}/<number>/cancelation")
    def cancel_invoice(number: str) -> Response:
        return answer(book.cancel(_merchant_id(), number), kind="action")


def register_settings(app: Flask, simulator: Simulator) -> None:
    settings = simulator.settings

    @app.get("/invoicing/v2/invoiceSettings")
    def get_settings() -> Response:
        return json_response(settings.get(_merchant_id(), product_type()), 200)

    @app.put("/invoicing/v2/invoiceSettings")
    def update_settings() -> Response:
        return json_response(settings.update(_merchant_id(), product_type(), json_body()), 200)


def _email_failed(stored: StoredInvoice) -> dict[str, str]:
    return {
        "submitTimeUtc": stored.submit_time,
        "status": "ACCEPTED",
        "reason": "ACCEPTED",
        "message": f"Invoice ID {stored.number} created but failed to send an email. "
        "Send the invoice separately.",
    }


def _list_links(offset: int, limit: int, total: int, status: str | None) -> dict[str, Any]:
    """``self``, and ``next``/``previous`` where there are more (the spec's list example)."""
    pages = {"self": offset}
    if offset + limit < total:
        pages["next"] = offset + limit
    if offset > 0:
        pages["previous"] = max(offset - limit, 0)
    suffix = f"&status={status.lower()}" if status else ""
    return {
        name: {"href": f"/v2/invoices/?offset={start}&limit={limit}{suffix}", "method": "GET"}
        for name, start in pages.items()
    }
