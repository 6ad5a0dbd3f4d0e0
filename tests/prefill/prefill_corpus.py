"""The pre-fill corpora and their scorer, shared by the corpus tests and
``scripts/score_prefill.py``: the tuning set (``tests/data/emails``), the held-out set
(``tests/data/emails_holdout``) and the fresh set (``tests/data/emails_fresh``); the last two
are only ever scored in aggregate (see ``tests/data/emails/README.md``).

Each email is ``NN-name.email``: RFC 822-style header lines (the input fields: From, To,
Cc, Subject, Date, Mailbox-Owner, Time-Zone, Locale, Mode, Body-Type, Default-Currency,
Due-Days), a blank line, then the body. ``NN-name.expected.json`` holds the draft a person
would fill in after reading the email.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from addin_server.prefill import Address, DraftInvoice, EmailInput, MerchantContext

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "emails"
HOLDOUT_DIR = CORPUS_DIR.with_name("emails_holdout")
FRESH_DIR = CORPUS_DIR.with_name("emails_fresh")
# Fields with an accuracy floor held by the tests.
FLOORS = {
    "customer_email": 0.98,
    "total": 0.92,
    "currency": 0.92,
    "due_date": 0.90,
    "line_items": 0.80,
}


@dataclass(frozen=True)
class CorpusEmail:
    name: str
    email: EmailInput
    context: MerchantContext
    expected: dict[str, Any]


def _addresses(value: str) -> tuple[Address, ...]:
    return tuple(Address(email=e.lower(), name=n) for n, e in getaddresses([value]) if e)


def load_email(path: Path) -> CorpusEmail:
    head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    headers: dict[str, str] = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    sender = _addresses(headers.get("from", ""))
    email = EmailInput(
        body=body,
        body_type="html" if headers.get("body-type") == "html" else "text",
        from_address=sender[0] if sender else None,
        to=_addresses(headers.get("to", "")),
        cc=_addresses(headers.get("cc", "")),
        subject=headers.get("subject", ""),
        item_date=datetime.fromisoformat(headers["date"]),
        mailbox_owner=headers["mailbox-owner"],
        time_zone=headers.get("time-zone", "UTC"),
        locale=headers.get("locale", "en-US"),
        mode="compose" if headers.get("mode") == "compose" else "read",
    )
    context = MerchantContext(
        default_currency=headers.get("default-currency", "USD"),
        due_days=int(headers.get("due-days", "30")),
    )
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return CorpusEmail(path.stem, email, context, expected)


def load_corpus(directory: Path = CORPUS_DIR) -> list[CorpusEmail]:
    return [load_email(path) for path in sorted(directory.glob("*.email"))]


def _name(text: str) -> str:
    """A name as a reader compares it: case, spacing and width aside (a full-width
    parenthesis is the same as a plain one; the engine folds them as NFKC)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" .,:;-")


def _actual(draft: DraftInvoice) -> dict[str, Any]:
    customer = draft.customer
    return {
        "customer_email": customer.email.value if customer.email else None,
        "customer_name": customer.name.value if customer.name else None,
        "company": customer.company.value if customer.company else None,
        "total": str(draft.total.value) if draft.total else None,
        "currency": draft.currency.value,
        "due_date": draft.due_date.value.isoformat(),
        "line_items": [
            [_name(i.name), Decimal(i.quantity), Decimal(i.unit_price)] for i in draft.line_items
        ],
        "references": sorted(r.value for r in draft.references),
    }


def _expected_items(items: list[list[Any]]) -> list[list[Any]]:
    return [[_name(name), Decimal(str(qty)), Decimal(str(price))] for name, qty, price in items]


def _multiset(items: list[list[Any]]) -> Counter[tuple[Any, ...]]:
    """Line items in any order: (name, quantity, unit price) with how often each occurs."""
    return Counter(tuple(item) for item in items)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "customer_email": lambda exp, act: exp == act,
    "customer_name": lambda exp, act: _name(exp or "") == _name(act or ""),
    "company": lambda exp, act: _name(exp or "") == _name(act or ""),
    "total": lambda exp, act: (
        (exp is None and act is None)
        or (exp is not None and act is not None and Decimal(exp) == Decimal(act))
    ),
    "currency": lambda exp, act: exp == act,
    "due_date": lambda exp, act: exp == act,
    "line_items": lambda exp, act: _multiset(_expected_items(exp)) == _multiset(act),
    "references": lambda exp, act: sorted(exp) == act,
}
FIELDS = tuple(_COMPARE)


@dataclass(frozen=True)
class Mismatch:
    email: str
    field: str
    expected: Any
    actual: Any


@dataclass(frozen=True)
class Judged:
    """One email's draft against its expectation."""

    item: CorpusEmail
    actual: dict[str, Any]
    right: dict[str, bool]  # field -> right, for the fields the expectation states


def judge(item: CorpusEmail, draft: DraftInvoice) -> Judged:
    actual = _actual(draft)
    right = {f: _COMPARE[f](item.expected[f], actual[f]) for f in FIELDS if f in item.expected}
    return Judged(item, actual, right)


@dataclass(frozen=True)
class Score:
    accuracy: dict[str, float]  # field -> share of emails right (of those that state it)
    counts: dict[str, int]  # field -> how many emails state it
    mismatches: list[Mismatch]


def tally(judged: list[Judged]) -> Score:
    right = dict.fromkeys(FIELDS, 0)
    counts = dict.fromkeys(FIELDS, 0)
    mismatches: list[Mismatch] = []
    for one in judged:
        for field, ok in one.right.items():
            counts[field] += 1
            if ok:
                right[field] += 1
            else:
                expected = one.item.expected[field]
                mismatches.append(Mismatch(one.item.name, field, expected, one.actual[field]))
    accuracy = {f: right[f] / counts[f] if counts[f] else 1.0 for f in FIELDS}
    return Score(accuracy, counts, mismatches)


def score(
    corpus: list[CorpusEmail], prefill: Callable[[EmailInput, MerchantContext], DraftInvoice]
) -> Score:
    return tally([judge(item, prefill(item.email, item.context)) for item in corpus])


def iter_report(result: Score) -> Iterator[str]:
    yield f"{'field':<16}{'accuracy':>10}{'emails':>8}{'floor':>8}"
    for field in FIELDS:
        floor = FLOORS.get(field)
        floor_text = f"{floor:.0%}" if floor is not None else "-"
        yield f"{field:<16}{result.accuracy[field]:>10.1%}{result.counts[field]:>8}{floor_text:>8}"
