"""Timing of the invoice pre-fill engine: typical emails by size, and hostile input.

Usage: .venv/bin/python scripts/bench_prefill.py [--repeat N] [--corpus]
Prints one table: median (and max) wall milliseconds per case, and the median CPU
milliseconds of this process (what the engine costs on a machine others share). With
--corpus, also the CPU per email of the tuning set and the share of it spent finding the
due date (under cProfile; issue 16 saw that search take a fifth of a worker's CPU).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

# The corpus tools live with the tests (tests/prefill/prefill_corpus.py); tests is a package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addin_server.prefill import (
    MAX_BODY_CHARS,
    Address,
    EmailInput,
    MerchantContext,
    prefill_invoice,
)
from tests.prefill.prefill_corpus import load_corpus

REQUEST = """<p>Hi,</p><p>Please invoice us for the following (PO 4500012345):</p>
<table><tr><th>Item</th><th>Qty</th><th>Unit price</th></tr>
<tr><td>Brand guidelines</td><td>1</td><td>$2,400.00</td></tr>
<tr><td>Icon set</td><td>2</td><td>$600.00</td></tr></table>
<ul><li>3 x Poster design @ $250.00</li><li>Consulting: 10 hours at $150/hr</li></ul>
<p>Total: $5,850.00, payment due by March 31, 2026.</p>
<p>Best regards,<br>Linda Park<br>Globex Corporation<br>Tel. +1 312 555 0100</p>"""
HISTORY = """<div><hr><p><b>From:</b> Bright Pixel &lt;billing@brightpixel.studio&gt;<br>
<b>Sent:</b> Monday, March 2, 2026 10:00 AM<br><b>Subject:</b> Quote</p>
<p>Thanks for your message. The earlier estimate was $6,100.00 for 3 x Poster design and
consulting; see the attached PDF. Our studio is open Monday to Friday, 9:00-17:00, call
+1 212 555 0143 with questions about order #88231 or the 15% discount.</p></div>"""


def typical_email(size: int) -> EmailInput:
    """A request on top of a reply history padded to ``size`` characters."""
    history = HISTORY * (max(0, size - len(REQUEST)) // len(HISTORY) + 1)
    return _email((REQUEST + history)[:size], "html")


def _email(body: str | bytes, body_type: str = "text") -> EmailInput:
    return EmailInput(
        body=body,
        body_type="html" if body_type == "html" else "text",
        from_address=Address("linda.park@globex.com", "Linda Park"),
        to=(Address("billing@brightpixel.studio"),),
        subject="RE: Quote",
        item_date=datetime(2026, 3, 3, 9, tzinfo=UTC),
        mailbox_owner="billing@brightpixel.studio",
        time_zone="America/Chicago",
    )


def hostile_cases() -> dict[str, Callable[[], EmailInput]]:
    rng = random.Random(6)
    limit = MAX_BODY_CHARS
    return {
        "5 MiB of prose": lambda: _email(("Please invoice $12.50 for item 7. " * 200_000)[:limit]),
        "5 MiB HTML": lambda: _email((REQUEST * 10_000)[:limit], "html"),
        "100,000 digits": lambda: _email("Total: $" + "9" * 100_000),
        "1 MiB of 1,1,1,...": lambda: _email("$" + "1," * 500_000),
        "HTML nested 10,000 deep": lambda: _email(
            "<div>" * 10_000 + "$5" + "</div>" * 10_000, "html"
        ),
        "tables nested 10,000 deep": lambda: _email("<table><tr><td>" * 10_000 + "$5", "html"),
        "invalid UTF-8 (5 MiB)": lambda: _email(b"\xff\xfe\xc3(" * (limit // 4)),
        "binary (5 MiB)": lambda: _email(rng.randbytes(limit)),
        "binary as HTML (5 MiB)": lambda: _email(rng.randbytes(limit), "html"),
        "one 5 MiB line of spaces": lambda: _email("Total:" + " " * (limit - 10) + "$1"),
        "5 MiB of '>' quoting": lambda: _email("> On Mon wrote:\n" * (limit // 16)),
        "5 MiB of short lines": lambda: _email("- Item a: $1\nx 2 y\n" * (limit // 19)),
        "5 MiB of dense tags": lambda: _email("<p>hi</p>" * (limit // 9), "html"),
        "unclosed '<!--' 5 MiB": lambda: _email("<!--" + "a<b " * (limit // 4 - 1), "html"),
        "5 MiB of payment terms": lambda: _email(
            ("net 30, 2% 10 days, due on the 15th of next month, bis 15.03. " * 80_000)[:limit]
        ),
        "5 MiB of CJK and numbers": lambda: _email(
            ("合計15万円、翌月末までに3月31日 " * 300_000)[:limit]
        ),
        "5 MiB of words and amounts": lambda: _email(
            ("a dozen mugs at $5 each and two pens at 3 each; " * 110_000)[:limit]
        ),
    }


def _time(email: EmailInput, repeat: int) -> tuple[float, float, float]:
    context = MerchantContext()
    prefill_invoice(email, context)  # lexicon patterns are compiled on first use
    timings, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        prefill_invoice(email, context)
        cpu.append((time.process_time() - start_cpu) * 1000)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), max(timings), statistics.median(cpu)


def corpus_figures() -> None:
    """CPU per email over the tuning set, and the share of it in ``find_due_date``."""
    corpus = load_corpus()
    for item in corpus:  # lexicon patterns are compiled on first use
        prefill_invoice(item.email, item.context)
    start = time.process_time()
    for item in corpus:
        prefill_invoice(item.email, item.context)
    per_email = (time.process_time() - start) * 1000 / len(corpus)
    profile = cProfile.Profile()
    profile.runcall(lambda: [prefill_invoice(i.email, i.context) for i in corpus])
    stats = pstats.Stats(profile).get_stats_profile()
    share = stats.func_profiles["find_due_date"].cumtime / stats.total_tt
    print(f"tuning set: {len(corpus)} emails, {per_email:.2f} CPU ms per email,")
    print(f"  {share:.0%} of the time in find_due_date (cProfile)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=0, help="runs per case (default: by size)")
    parser.add_argument("--corpus", action="store_true", help="also time the tuning set")
    args = parser.parse_args()
    if args.corpus:
        corpus_figures()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"{'case':<30}{'size':>12}{'median ms':>12}{'max ms':>10}{'cpu ms':>10}")
    for size in (10_000, 100_000, 1_000_000):
        email = typical_email(size)
        repeat = args.repeat or max(5, 2_000_000 // size)
        median, worst, cpu = _time(email, repeat)
        print(f"{'typical email':<30}{size:>12,}{median:>12.2f}{worst:>10.2f}{cpu:>10.2f}")
    for name, make in hostile_cases().items():
        email = make()
        median, worst, cpu = _time(email, args.repeat or 3)
        print(f"{name:<30}{len(email.body):>12,}{median:>12.1f}{worst:>10.1f}{cpu:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
