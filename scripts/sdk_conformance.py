"""How the simulator fares against the official Cybersource SDK: the figures of issue 15.

Runs the SDK (``.venv-sdk``, made by scripts/setup-sdk) through every Invoicing and
invoice-settings operation under JWT (shared secret), JWT (P12) and HTTP Signature
against the simulator on loopback, then replays every captured request and every
single-field forgery of it against a fresh simulator. Prints, per scheme, the originals
accepted and the forgeries refused for the right reason, the SDK's own results, and every
failure. Exits 1 if any original was refused or any forgery accepted.

    .venv/bin/python scripts/sdk_conformance.py
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections import Counter
from pathlib import Path

from addin_server.dev.conformance.recording import AppSlot
from addin_server.dev.conformance.sdk import SCHEMES, capture, check, sdk_merchants
from addin_server.dev.loopback import LoopbackServer

ROOT = Path(__file__).resolve().parent.parent
SDK_PYTHON = ROOT / ".venv-sdk" / "bin" / "python"
SCENARIO = ROOT / "scripts" / "sdk_scenario.py"


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    subprocess.run([str(ROOT / "scripts" / "setup-sdk")], check=True)
    merchants = sdk_merchants()
    slot = AppSlot()
    with LoopbackServer(slot) as server:
        captured, results = capture(SDK_PYTHON, SCENARIO, slot, server.url, merchants)
        figures = check(captured, slot, server.url, merchants)
    outcomes = Counter((r["scheme"], str(r["status"])) for r in results)
    print("SDK calls per scheme and outcome (ok = 2xx answer the SDK read without error):")
    for (scheme, status), count in sorted(outcomes.items()):
        print(f"  {scheme:15} {status:6} {count}")
    for result in results:
        if result["error"]:
            print(f"  SDK error: {result['scheme']} {result['operation']}: {result['error']}")
    print(f"{'scheme':15} {'originals accepted':>20} {'forgeries refused':>20}")
    for scheme in SCHEMES:
        accepted = f"{figures.accepted[scheme]}/{figures.originals[scheme]}"
        refused = f"{figures.refused[scheme]}/{figures.mutations[scheme]}"
        print(f"{scheme:15} {accepted:>20} {refused:>20}")
    total_accepted = f"{sum(figures.accepted.values())}/{sum(figures.originals.values())}"
    total_refused = f"{sum(figures.refused.values())}/{sum(figures.mutations.values())}"
    print(f"{'all':15} {total_accepted:>20} {total_refused:>20}")
    for failure in figures.failures:
        print(f"FAILURE {failure}")
    return 1 if figures.failures else 0


if __name__ == "__main__":
    sys.exit(main())
