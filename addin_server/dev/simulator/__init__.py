"""Cybersource Invoicing sandbox simulator (tests over loopback HTTP, demo mode).

Start one with a demo merchant::

    demo = demo_merchant()
    app = create_simulator_app({demo.merchant.merchant_id: demo.merchant})
    with LoopbackServer(app) as server:
        client = CybersourceClient(auth_for(demo.credentials), server.url)
"""

from addin_server.dev.simulator.app import (
    AUTH_FAILURE_HEADER,
    EXTENSION_KEY,
    Simulator,
    create_simulator_app,
)
from addin_server.dev.simulator.demo import DemoMerchant, demo_merchant
from addin_server.dev.simulator.faults import Fault, Knobs
from addin_server.dev.simulator.verification import AuthPolicy, SimulatorMerchant

__all__ = [
    "AUTH_FAILURE_HEADER",
    "EXTENSION_KEY",
    "AuthPolicy",
    "DemoMerchant",
    "Fault",
    "Knobs",
    "Simulator",
    "SimulatorMerchant",
    "create_simulator_app",
    "demo_merchant",
]
