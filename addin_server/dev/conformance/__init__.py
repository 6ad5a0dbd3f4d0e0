"""Conformance of the simulator with the official Cybersource SDK (dev only).

``sdk.capture`` records what the SDK signs for every Invoicing and invoice-settings
operation under each authentication scheme; ``sdk.check`` replays every request and every
single-field forgery of it (``mutations``) against a fresh simulator. Used by
tests/simulator/test_sim_sdk.py and scripts/sdk_conformance.py.
"""
