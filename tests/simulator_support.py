"""The simulator as the tests hold it (imported by name: tests/ has no packages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from flask import Flask

from addin_server.dev.simulator import EXTENSION_KEY, Simulator


class SwappableApp:
    """One loopback server for the run; each test installs a fresh simulator app.

    Stopping a werkzeug server waits for its 0.5 s poll, so a server per test would be slow.
    """

    def __init__(self) -> None:
        self.app: Flask | None = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        assert self.app is not None, "no simulator installed"
        return self.app(environ, start_response)


@dataclass
class RunningSimulator:
    """A simulator on loopback: ``url`` to talk to it, ``state`` for its Python controls."""

    app: Flask
    url: str

    @property
    def state(self) -> Simulator:
        simulator: Simulator = self.app.extensions[EXTENSION_KEY]
        return simulator

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
