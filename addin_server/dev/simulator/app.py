"""The sandbox simulator: Cybersource's Invoicing endpoints as a Flask app.

Used by the tests over real loopback HTTP and by demo mode. As strict as Cybersource:
every request is authenticated (``verification``), invoices follow the status machine
and field limits (``book``), errors come in Cybersource's bodies, and every answer
carries a ``v-c-correlation-id``.

Test and demo endpoints (no authentication; the simulator only ever listens on loopback):

* ``GET|POST /__sim/knobs``: latency, server errors, timeouts, dropped connections, email
  failures (see ``faults``);
* ``POST /__sim/invoices/<number>/pay`` with ``{"amount": "12.50"}`` (and ``merchant_id``
  when the simulator has several merchants): the customer pays in full or in part.

A 401 carries Cybersource's body plus an ``x-simulator-auth-failure`` header naming the
check that failed, which Cybersource itself never reveals.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, request

from addin_server.cybersource.errors import FieldIssue
from addin_server.cybersource.limits import INVALID_DATA, MAX_PAGE_SIZE, MISSING_FIELD
from addin_server.cybersource.models import InvoiceStatus
from addin_server.cybersource.requestor import CORRELATION_HEADER
from addin_server.dev.simulator.book import (
    SANDBOX_PAYMENT_LINK_BASE,
    CybersourceReply,
    InvoiceBook,
    StoredInvoice,
    utc_timestamp,
    validation_failed,
)
from addin_server.dev.simulator.faults import Fault, Knobs
from addin_server.dev.simulator.verification import (
    AuthPolicy,
    AuthRejected,
    AuthVerifier,
    ReceivedRequest,
    SimulatorMerchant,
)

EXTENSION_KEY = "cybersource_simulator"
AUTH_FAILURE_HEADER = "x-simulator-auth-failure"  # test aid; Cybersource says only "Failed"
API_PREFIX = "/invoicing/v2/"
PRODUCT_TYPES = frozenset({"INVOICING", "PAYBYLINK"})


@dataclass
class Simulator:
    """The simulator's state, reachable from tests as ``app.extensions[EXTENSION_KEY]``."""

    book: InvoiceBook
    verifier: AuthVerifier
    knobs: Knobs
    clock: Callable[[], float]


def _json(body: Any, status: int) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _reply_error(reply: CybersourceReply, simulator: Simulator) -> Response:
    return _json(reply.body(simulator.clock()), reply.status)


def create_simulator_app(
    merchants: Mapping[str, SimulatorMerchant],
    *,
    clock: Callable[[], float] = time.time,
    policy: AuthPolicy | None = None,
    payment_link_base: str = SANDBOX_PAYMENT_LINK_BASE,
    draft_without_email_status: InvoiceStatus = InvoiceStatus.DRAFT,
) -> Flask:
    """A simulator for ``merchants`` (by merchant id); see ``AuthPolicy`` and ``InvoiceBook``."""
    app = Flask(__name__)
    simulator = Simulator(
        book=InvoiceBook(
            clock,
            payment_link_base=payment_link_base,
            draft_without_email_status=draft_without_email_status,
        ),
        verifier=AuthVerifier(dict(merchants), policy or AuthPolicy(), clock),
        knobs=Knobs(),
        clock=clock,
    )
    app.extensions[EXTENSION_KEY] = simulator
    _register_api(app, simulator)
    _register_knobs(app, simulator)
    return app


def _register_api(app: Flask, simulator: Simulator) -> None:
    book = simulator.book

    @app.before_request
    def _authenticate_and_inject_faults() -> Response | None:
        if not request.path.startswith(API_PREFIX):
            return None
        if simulator.knobs.latency:
            time.sleep(simulator.knobs.latency)
        fault = simulator.knobs.take_fault(request.method)
        if fault is not None and not fault.after_commit:
            return _fault_before_work(fault, simulator)
        g.fault = fault
        try:
            g.merchant = simulator.verifier.verify(_received_request())
        except AuthRejected as rejected:
            response = _json({"response": {"rmsg": "Authentication Failed"}}, 401)
            response.headers[AUTH_FAILURE_HEADER] = rejected.why
            return response
        return None

    @app.after_request
    def _correlate_and_apply_faults(response: Response) -> Response:
        response.headers[CORRELATION_HEADER] = str(uuid.uuid4())
        fault: Fault | None = g.pop("fault", None)
        if fault is not None and fault.kind == "timeout":
            time.sleep(fault.seconds)
        elif fault is not None and fault.kind == "drop":
            _drop_connection()
        return response

    @app.errorhandler(CybersourceReply)
    def _cybersource_error(reply: CybersourceReply) -> Response:
        return _reply_error(reply, simulator)

    def merchant_id() -> str:
        merchant: SimulatorMerchant = g.merchant
        return merchant.merchant_id

    def invoice(stored: StoredInvoice, status: int = 200) -> Response:
        return _json(book.to_json(stored), status)

    @app.post("/invoicing/v2/invoices")
    def create_invoice() -> Response:
        email_fails = simulator.knobs.email_fails
        stored = book.create(merchant_id(), _body(), email_fails=email_fails)
        if email_fails and stored.by_email and stored.info.get("sendImmediately"):
            return _json(
                {
                    "submitTimeUtc": stored.submit_time,
                    "status": "ACCEPTED",
                    "reason": "ACCEPTED",
                    "message": f"Invoice ID {stored.number} created but failed to send an "
                    "email. Send the invoice separately.",
                },
                202,
            )
        return invoice(stored, 201)

    @app.get("/invoicing/v2/invoices")
    def list_invoices() -> Response:
        offset = _int_query("offset", minimum=0, maximum=None)
        limit = _int_query("limit", minimum=1, maximum=MAX_PAGE_SIZE)
        status = request.args.get("status")
        total, page = book.list(merchant_id(), offset, limit, status.upper() if status else None)
        base = f"/v2/invoices/?offset={offset}&limit={limit}"
        return _json(
            {
                "_links": {"self": {"href": base, "method": "GET"}},
                "submitTimeUtc": utc_timestamp(simulator.clock()),
                "totalInvoices": total,
                "invoices": [book.summary_json(stored) for stored in page],
            },
            200,
        )

    @app.get("/invoicing/v2/invoices/<number>")
    def get_invoice(number: str) -> Response:
        return invoice(book.get(merchant_id(), number))

    @app.put("/invoicing/v2/invoices/<number>")
    def update_invoice(number: str) -> Response:
        return invoice(book.update(merchant_id(), number, _body()))

    @app.post("/invoicing/v2/invoices/<number>/delivery")
    def send_invoice(number: str) -> Response:
        return invoice(book.send(merchant_id(), number))

    @app.post("/invoicing/v2/invoices/<number>/publication")
    def publish_invoice(number: str) -> Response:
        return invoice(book.publish(merchant_id(), number))

    @app.post("/invoicing/v2/invoices/<number>/cancelation")
    def cancel_invoice(number: str) -> Response:
        return invoice(book.cancel(merchant_id(), number))

    @app.get("/invoicing/v2/invoiceSettings")
    def get_settings() -> Response:
        return _json(book.settings(merchant_id(), _product_type()), 200)

    @app.put("/invoicing/v2/invoiceSettings")
    def update_settings() -> Response:
        return _json(book.update_settings(merchant_id(), _product_type(), _body()), 200)


def _register_knobs(app: Flask, simulator: Simulator) -> None:
    @app.get("/__sim/knobs")
    def get_knobs() -> Response:
        return _json(simulator.knobs.as_json(), 200)

    @app.post("/__sim/knobs")
    def set_knobs() -> Response:
        try:
            simulator.knobs.configure(request.get_json(force=True) or {})
        except (TypeError, ValueError) as exc:
            return _json({"error": str(exc)}, 400)
        return _json(simulator.knobs.as_json(), 200)

    @app.post("/__sim/invoices/<number>/pay")
    def pay(number: str) -> Response:
        """``{"amount": "12.50", "merchant_id": "..."}``; merchant_id optional with one merchant."""
        data = request.get_json(force=True) or {}
        merchant_ids = simulator.verifier.merchant_ids
        merchant_id = data.get("merchant_id") or (merchant_ids[0] if len(merchant_ids) == 1 else "")
        stored = simulator.book.pay(merchant_id, number, str(data.get("amount", "")))
        return _json(simulator.book.to_json(stored), 200)


def _received_request() -> ReceivedRequest:
    # The raw request line is what the client signed; werkzeug would decode %XX in ``path``.
    raw_uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    path = raw_uri or request.full_path.rstrip("?")
    return ReceivedRequest(
        method=request.method,
        path=path,
        host_header=request.headers.get("Host", ""),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=request.get_data(cache=True),
    )


def _fault_before_work(fault: Fault, simulator: Simulator) -> Response:
    if fault.kind == "timeout":
        time.sleep(fault.seconds)
        reply = CybersourceReply(504, "SERVER_TIMEOUT", "Request timed out.")
    elif fault.kind == "drop":
        _drop_connection()
        reply = CybersourceReply(502, "SYSTEM_ERROR", "Connection dropped.")
    else:
        reply = CybersourceReply(fault.status, "SYSTEM_ERROR", "Internal server error.")
    return _reply_error(reply, simulator)


def _drop_connection() -> None:
    """Close the client's connection without an answer (werkzeug's server exposes the socket)."""
    connection = request.environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):
        connection.shutdown(socket.SHUT_RDWR)


def _body() -> Any:
    try:
        return json.loads(request.get_data(cache=True) or b"null")
    except ValueError as exc:
        raise validation_failed([FieldIssue("(body)", INVALID_DATA)]) from exc


def _int_query(name: str, *, minimum: int, maximum: int | None) -> int:
    value = request.args.get(name)
    if value is None:
        raise validation_failed([FieldIssue(name, MISSING_FIELD)])
    if (
        not value.isdigit()
        or int(value) < minimum
        or (maximum is not None and int(value) > maximum)
    ):
        raise validation_failed([FieldIssue(name, INVALID_DATA)])
    return int(value)


def _product_type() -> str:
    product_type = request.args.get("productType", "INVOICING")
    if product_type not in PRODUCT_TYPES:
        raise validation_failed([FieldIssue("productType", INVALID_DATA)])
    return product_type
