"""Cybersource Invoicing sandbox simulator (tests over loopback HTTP, demo mode).

Start one with a demo merchant::

    demo = demo_merchant()
    app = create_simulator_app({demo.merchant.merchant_id: demo.merchant})
    with LoopbackServer(app) as server:
        client = CybersourceClient(auth_for(demo.credentials), server.url)

Its state and controls (the customer pays, invoicing off, key revoked, invoice-change
observers) are ``app.extensions[EXTENSION_KEY]``, a ``Simulator``; the same controls are
served over HTTP under ``/__sim/`` (see ``controls``).
"""

from addin_server.dev.simulator.app import AUTH_FAILURE_HEADER, create_simulator_app
from addin_server.dev.simulator.book import InvoiceChange
from addin_server.dev.simulator.core import EXTENSION_KEY, Simulator
from addin_server.dev.simulator.demo import DemoMerchant, demo_merchant
from addin_server.dev.simulator.faults import Fault, Knobs
from addin_server.dev.simulator.replies import AUTH_FAILED_BODY, CybersourceReply
from addin_server.dev.simulator.verification import AuthPolicy, SimulatorMerchant

__all__ = [
    "AUTH_FAILED_BODY",
    "AUTH_FAILURE_HEADER",
    "EXTENSION_KEY",
    "AuthPolicy",
    "CybersourceReply",
    "DemoMerchant",
    "Fault",
    "InvoiceChange",
    "Knobs",
    "Simulator",
    "SimulatorMerchant",
    "create_simulator_app",
    "demo_merchant",
]
