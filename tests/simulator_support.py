"""The simulator as the tests hold it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask

from addin_server.cybersource import Credentials, SignableRequest, auth_for
from addin_server.dev.simulator import EXTENSION_KEY, Simulator
from addin_server.dev.simulator.replies import CybersourceReply


@dataclass
class RunningSimulator:
    """A simulator on loopback: ``url`` to talk to it, ``state`` for its Python controls."""

    app: Flask
    url: str

    @property
    def state(self) -> Simulator:
        simulator: Simulator = self.app.extensions[EXTENSION_KEY]
        return simulator

    def invoice_numbers(self, merchant_id: str) -> list[str]:
        """The numbers of the merchant's invoices, counted in the simulator's own book."""
        try:
            _total, page = self.state.book.list(merchant_id, 0, 1000, None)
        except CybersourceReply:  # "No invoices found."
            return []
        return sorted(stored.number for stored in page)

    def knobs(self, **knobs: Any) -> None:
        """Replace every knob over HTTP (``POST /__sim/knobs``)."""
        response = requests.post(f"{self.url}/__sim/knobs", json=knobs, timeout=5)
        assert response.status_code == 200, response.text

    def pay(self, invoice_number: str, amount: str) -> requests.Response:
        """The customer pays, over HTTP (``POST /__sim/invoices/<number>/payments``)."""
        return requests.post(
            f"{self.url}/__sim/invoices/{invoice_number}/payments",
            json={"amount": amount},
            timeout=5,
        )


def signed_call(
    url: str, credentials: Credentials, method: str, path: str, body: Any = None
) -> requests.Response:
    """One request signed as the client signs it (``body``: JSON, sent compact)."""
    data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
    signable = SignableRequest(method, urlsplit(url).netloc, path, data)
    headers = {"Content-Type": "application/json", **auth_for(credentials).headers(signable)}
    return requests.request(method, url + path, data=data, headers=headers, timeout=5)
