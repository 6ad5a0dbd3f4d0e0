"""The sandbox simulator: Cybersource's Invoicing endpoints as a Flask app.

Used by the tests over real loopback HTTP and by demo mode. As strict as Cybersource:
every request is authenticated (``verification``), invoices follow the status machine
and field limits (``book``, ``payloads``), answers have the spec's shapes (``shapes``,
``settings``), errors come in Cybersource's bodies (``replies``), and every answer
carries a ``v-c-correlation-id``. Test and demo controls are under ``/__sim/``
(``controls``; no authentication: the simulator only ever listens on loopback).

A 401 carries Cybersource's body plus an ``x-simulator-auth-failure`` header naming the
check that failed, which Cybersource itself never reveals.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Mapping

from flask import Flask, Response, g, request

from addin_server.cybersource.models import InvoiceStatus
from addin_server.cybersource.requestor import CORRELATION_HEADER
from addin_server.dev.simulator.book import InvoiceBook
from addin_server.dev.simulator.controls import register_controls
from addin_server.dev.simulator.core import EXTENSION_KEY, Simulator
from addin_server.dev.simulator.faults import Fault, Knobs
from addin_server.dev.simulator.replies import AUTH_FAILED_BODY, CybersourceReply
from addin_server.dev.simulator.routes import register_invoices, register_settings
from addin_server.dev.simulator.settings import SettingsStore
from addin_server.dev.simulator.shapes import SANDBOX_PAYMENT_LINK_BASE
from addin_server.dev.simulator.verification import (
    AuthPolicy,
    AuthRejected,
    AuthVerifier,
    SimulatorMerchant,
)
from addin_server.dev.simulator.webhooks import WebhookCenter, register_webhooks
from addin_server.dev.simulator.wire import json_response, received_request

AUTH_FAILURE_HEADER = "x-simulator-auth-failure"  # test aid; Cybersource says only "Failed"
API_PREFIX = "/invoicing/v2/"
# Every authenticated path: invoicing, and the webhook set-up (keys, subscriptions).
AUTHENTICATED_PREFIXES = (API_PREFIX, "/kms/", "/notification-subscriptions/")


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
        settings=SettingsStore(clock),
        verifier=AuthVerifier(dict(merchants), policy or AuthPolicy(), clock),
        knobs=Knobs(),
        clock=clock,
        webhooks=WebhookCenter(clock),
    )
    simulator.on_invoice_changed(simulator.webhooks.on_change)
    app.extensions[EXTENSION_KEY] = simulator
    _register_gate(app, simulator)
    register_invoices(app, simulator)
    register_settings(app, simulator)
    register_controls(app, simulator)
    register_webhooks(app, simulator.webhooks)
    return app


def _register_gate(app: Flask, simulator: Simulator) -> None:
    """Before every API call: latency and faults, authentication, invoicing enabled."""

    @app.before_request
    def _gate() -> Response | None:
        if not request.path.startswith(AUTHENTICATED_PREFIXES):
            return None
        if simulator.knobs.latency:
            time.sleep(simulator.knobs.latency)
        fault = simulator.knobs.take_fault(request.method)
        if fault is not None and not fault.after_commit:
            return _fault_before_work(fault, simulator)
        g.fault = fault
        try:
            g.merchant = simulator.verifier.verify(received_request())
        except AuthRejected as rejected:
            response = json_response(AUTH_FAILED_BODY, 401)
            response.headers[AUTH_FAILURE_HEADER] = rejected.why
            return response
        if request.path.startswith(API_PREFIX):
            simulator.check_invoicing_enabled(g.merchant.merchant_id)
        return None

    @app.after_request
    def _correlate_and_apply_faults(response: Response) -> Response:
        response.headers[CORRELATION_HEADER] = str(uuid.uuid4())
        fault: Fault | None = g.pop("fault", None)
        if fault is not None and fault.kind == "timeout":
            time.sleep(fault.seconds)
        elif fault is not None and fault.kind == "drop":
            _drop_connection()
        elif fault is not None and fault.kind == "status":  # the work is done, then a 5xx
            reply = CybersourceReply(fault.status, "SYSTEM_ERROR", "Internal server error.")
            return json_response(reply.body(simulator.clock()), reply.status)
        return response

    @app.errorhandler(CybersourceReply)
    def _cybersource_error(reply: CybersourceReply) -> Response:
        return json_response(reply.body(simulator.clock()), reply.status)


def _fault_before_work(fault: Fault, simulator: Simulator) -> Response:
    if fault.kind == "timeout":
        time.sleep(fault.seconds)
        reply = CybersourceReply(504, "SERVER_TIMEOUT", "Request timed out.")
    elif fault.kind == "drop":
        _drop_connection()
        reply = CybersourceReply(502, "SYSTEM_ERROR", "Connection dropped.")
    else:
        reply = CybersourceReply(fault.status, "SYSTEM_ERROR", "Internal server error.")
    return json_response(reply.body(simulator.clock()), reply.status)


def _drop_connection() -> None:
    """Close the client's connection without an answer (werkzeug's server exposes the socket)."""
    connection = request.environ.get("werkzeug.socket")
    if isinstance(connection, socket.socket):
        connection.shutdown(socket.SHUT_RDWR)
