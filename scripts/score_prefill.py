"""Per-field accuracy of the invoice pre-fill engine on the email corpus.

Usage: .venv/bin/python scripts/score_prefill.py [--mismatches]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "prefill"))

from prefill_corpus import iter_report, load_corpus, score

from addin_server.prefill import prefill_invoice


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mismatches", action="store_true", help="list every wrong field")
    args = parser.parse_args()
    corpus = load_corpus()
    result = score(corpus, prefill_invoice)
    print(f"{len(corpus)} emails in tests/data/emails")
    for line in iter_report(result):
        print(line)
    if args.mismatches:
        for miss in result.mismatches:
            print(
                f"\n{miss.email} {miss.field}\n  expected {miss.expected}\n  actual   {miss.actual}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
