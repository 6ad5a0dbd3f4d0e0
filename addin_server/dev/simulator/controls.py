"""The simulator's test and demo controls over HTTP (no authentication; loopback only).

* ``GET|POST /__sim/knobs``: latency, server errors, timeouts, dropped connections, email
  failures (see ``faults``); POST replaces every knob.
* ``POST /__sim/invoices/<number>/payments`` with ``{"amount": "12.50"}``: the customer
  pays in full or in part (``Simulator.pay``); answers the invoice as GET shows it.
* ``POST /__sim/merchants/<merchant id>`` with ``{"invoicing_enabled": false}`` and/or
  ``{"key_revoked": true}``: what Business Center would change (``Simulator.set_*``).

Where the simulator knows several merchants, the invoice controls take ``merchant_id`` in
the body. Refusals come in Cybersource's error body.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from addin_server.dev.simulator.core import Simulator
from addin_server.dev.simulator.replies import invalid
from addin_server.dev.simulator.wire import json_response


def register_controls(app: Flask, simulator: Simulator) -> None:
    @app.get("/__sim/knobs")
    def get_knobs() -> Response:
        return json_response(simulator.knobs.as_json(), 200)

    @app.post("/__sim/knobs")
    def set_knobs() -> Response:
        try:
            simulator.knobs.configure(_control_body())
        except (TypeError, ValueError) as exc:
            return json_response({"error": str(exc)}, 400)
        return json_response(simulator.knobs.as_json(), 200)

    @app.post("/__sim/invoices/<number>/payments")
    def pay(number: str) -> Response:
        data = _control_body()
        paid = simulator.pay(number, str(data.get("amount", "")), data.get("merchant_id"))
        return json_response(paid, 200)

    @app.post("/__sim/merchants/<merchant_id>")
    def change_merchant(merchant_id: str) -> Response:
        data = _control_body()
        controls = {
            "invoicing_enabled": simulator.set_invoicing_enabled,
            "key_revoked": simulator.set_key_revoked,
        }
        for name, value in data.items():
            if name not in controls or not isinstance(value, bool):
                raise invalid(name)
        for name, value in data.items():
            controls[name](value, simulator.merchant(merchant_id))
        return json_response({"merchant_id": merchant_id, **data}, 200)


def _control_body() -> dict[str, Any]:
    data = request.get_json(force=True, silent=True)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise invalid("(body)")
    return data
