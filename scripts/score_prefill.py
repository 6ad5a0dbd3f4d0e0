"""Accuracy of the invoice pre-fill engine on the tuning set (tests/data/emails), the
held-out set (tests/data/emails_holdout) and the fresh set (tests/data/emails_fresh), per
field and per language.

The held-out and fresh sets are only scored: this prints their aggregate figures, never their
emails or which of them were missed. Whoever tunes the engine must not pass
--show-holdout-misses or --show-fresh-misses (each reveals only its own set).

Usage: .venv/bin/python scripts/score_prefill.py [--mismatches] [--show-holdout-misses]
       [--show-fresh-misses]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

# The corpus tools live with the tests (tests/prefill/prefill_corpus.py); tests is a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addin_server.prefill import prefill_invoice
from tests.prefill.prefill_corpus import (
    CORPUS_DIR,
    FRESH_DIR,
    HOLDOUT_DIR,
    CorpusEmail,
    Judged,
    Mismatch,
    iter_report,
    judge,
    load_corpus,
    tally,
)

ROOT = CORPUS_DIR.parents[2]
# The figures: customer, total with its currency, due date and exact line items on
# the emails with something to bill; on the emails with nothing to bill, an empty draft.
METRICS = ("customer_email", "total+currency", "due_date", "line_items", "empty_draft")
GULF = {"AE", "SA", "QA", "KW", "BH", "OM"}
TRADITIONAL_CHINESE = {"TW", "HK", "MO"}
REGIONAL = {"en", "pt"}  # languages reported per region


def language_group(tag: str) -> str:
    """The group an email's language tag is reported in: English and Portuguese per region
    (the Gulf as one), Chinese per script, every other language as one group."""
    parts = tag.replace("_", "-").split("-")
    language, subtags = parts[0].lower(), parts[1:]
    region = next((p.upper() for p in subtags if len(p) == 2), "")
    if language == "zh":
        hant = "Hant" in subtags or region in TRADITIONAL_CHINESE
        return "zh-Hant" if hant else "zh-Hans"
    if language == "en" and region in GULF:
        return "en-Gulf"
    if language in REGIONAL and region:
        return f"{language}-{region}"
    return language


def language_of(item: CorpusEmail) -> str:
    """The expectation's "language" tag, else the mailbox locale the email came with."""
    return language_group(str(item.expected.get("language") or item.email.locale))


def is_negative(item: CorpusEmail) -> bool:
    """Nothing to bill: the right draft has no total and no line items."""
    return item.expected["total"] is None and not item.expected["line_items"]


def outcomes(one: Judged) -> dict[str, bool]:
    """Which of METRICS this email scores, and whether the draft got each right."""
    right = one.right
    result = {"customer_email": right["customer_email"]}
    if is_negative(one.item):
        invented = one.actual["total"] is not None or bool(one.actual["line_items"])
        result["empty_draft"] = not invented and right["due_date"] and right["currency"]
    else:
        result["total+currency"] = right["total"] and right["currency"]
        result["due_date"] = right["due_date"]
        result["line_items"] = right["line_items"]
    return result


Counts = dict[str, tuple[int, int]]  # metric -> (right, scored)


def count(results: Iterable[dict[str, bool]]) -> Counts:
    right = dict.fromkeys(METRICS, 0)
    scored = dict.fromkeys(METRICS, 0)
    for result in results:
        for metric, ok in result.items():
            scored[metric] += 1
            right[metric] += ok
    return {m: (right[m], scored[m]) for m in METRICS}


def _cell(right: int, scored: int) -> str:
    return f"{right / scored:.0%} {right}/{scored}" if scored else "-"


def iter_metrics(judged: list[Judged]) -> Iterator[str]:
    """The metrics over the whole set, then one row per language group."""
    per_email = [(language_of(one.item), outcomes(one)) for one in judged]
    yield f"{'':<10}{'emails':>7}" + "".join(f"{m:>16}" for m in METRICS)
    rows = [("all", [r for _, r in per_email])]
    for group in sorted({g for g, _ in per_email}):
        rows.append((group, [r for g, r in per_email if g == group]))
    for name, results in rows:
        counts = count(results)
        cells = "".join(f"{_cell(*counts[m]):>16}" for m in METRICS)
        yield f"{name:<10}{len(results):>7}{cells}"


def iter_mismatches(mismatches: list[Mismatch]) -> Iterator[str]:
    for miss in mismatches:
        yield f"\n{miss.email} {miss.field}\n  expected {miss.expected}\n  actual   {miss.actual}"


def report(title: str, directory: Path, show_misses: bool) -> None:
    corpus = load_corpus(directory)
    judged = [judge(item, prefill_invoice(item.email, item.context)) for item in corpus]
    negatives = sum(is_negative(item) for item in corpus)
    where = directory.relative_to(ROOT)
    print(f"== {title}: {len(corpus)} emails ({negatives} with nothing to bill) in {where}")
    for line in iter_metrics(judged):
        print(line)
    print()
    result = tally(judged)
    for line in iter_report(result):
        print(line)
    if show_misses:
        for line in iter_mismatches(result.mismatches):
            print(line)
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mismatches", action="store_true", help="list every wrong field")
    parser.add_argument(
        "--show-holdout-misses",
        action="store_true",
        help="also list the held-out set's wrong fields (never while tuning the engine)",
    )
    parser.add_argument(
        "--show-fresh-misses",
        action="store_true",
        help="also list the fresh set's wrong fields (never while tuning the engine)",
    )
    args = parser.parse_args()
    report("tuning set", CORPUS_DIR, args.mismatches)
    report("held-out set", HOLDOUT_DIR, args.show_holdout_misses)
    report("fresh set", FRESH_DIR, args.show_fresh_misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
