"""The corpora that are only scored, the held-out set (``tests/data/emails_holdout``) and the
fresh set (``tests/data/emails_fresh``), are well formed and the scorer of
``scripts/score_prefill.py`` reads them as it reads the tuning set.

These tests never run the engine on these emails and never name one in a failure: the sets
are only scored, in aggregate, by the script. Neither set has accuracy floors.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import pytest

from addin_server.prefill import (
    Customer,
    DraftInvoice,
    Extracted,
    LineItem,
    Reference,
)
from tests.prefill.prefill_corpus import FRESH_DIR, HOLDOUT_DIR, CorpusEmail, judge, load_corpus


@dataclass(frozen=True)
class ScoredSet:
    """A corpus that is only scored, with the size and spread it must keep."""

    directory: Path
    min_emails: int
    min_per_group: int


SCORED_SETS = {
    "held-out": ScoredSet(HOLDOUT_DIR, min_emails=130, min_per_group=4),
    "fresh": ScoredSet(FRESH_DIR, min_emails=90, min_per_group=3),
}
GROUPS = {
    *("en-US", "en-GB", "en-IN", "en-SG", "en-ZA", "en-Gulf"),
    *("de", "fr", "es", "pt-BR", "pt-PT", "it", "nl", "sv", "nb", "da", "pl", "cs", "tr"),
    *("ja", "zh-Hans", "zh-Hant", "ko"),
}
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "score_prefill.py"


@pytest.fixture(scope="module")
def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_prefill", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=sorted(SCORED_SETS))
def scored_set(request: pytest.FixtureRequest) -> ScoredSet:
    return SCORED_SETS[request.param]


@pytest.fixture(scope="module")
def corpus(scored_set: ScoredSet) -> list[CorpusEmail]:
    return load_corpus(scored_set.directory)


T = TypeVar("T")


def _extracted(value: T) -> Extracted[T]:
    return Extracted(value, 1.0, "expected")


def oracle(item: CorpusEmail) -> DraftInvoice:
    """The draft the expectation describes, as the engine would return it."""
    exp = item.expected

    def text(key: str) -> Extracted[str] | None:
        return _extracted(exp[key]) if exp.get(key) else None

    items = tuple(
        LineItem(name, Decimal(str(qty)), Decimal(price), 1.0, "expected")
        for name, qty, price in exp["line_items"]
    )
    refs = tuple(Reference("order", r, 1.0, "expected") for r in exp.get("references", []))
    return DraftInvoice(
        customer=Customer(text("customer_name"), text("customer_email"), text("company")),
        description=None,
        line_items=items,
        total=_extracted(Decimal(exp["total"])) if exp["total"] is not None else None,
        currency=_extracted(exp["currency"]),
        due_date=_extracted(date.fromisoformat(exp["due_date"])),
        references=refs,
    )


def test_set_is_large_varied_and_tagged(
    corpus: list[CorpusEmail], scored_set: ScoredSet, scorer: ModuleType
) -> None:
    assert len(corpus) >= scored_set.min_emails
    assert all(isinstance(item.expected.get("language"), str) for item in corpus)
    groups = Counter(scorer.language_of(item) for item in corpus)
    least = scored_set.min_per_group
    thin = {g for g in GROUPS if groups[g] < least}
    assert not thin, f"languages with fewer than {least} emails: {sorted(thin)}"
    negatives = sum(scorer.is_negative(item) for item in corpus)
    assert 0.07 <= negatives / len(corpus) <= 0.15
    assert any(item.email.body_type == "html" for item in corpus)
    assert any(item.email.mode == "compose" for item in corpus)


def test_every_expectation_is_scored_right_when_met(
    corpus: list[CorpusEmail], scorer: ModuleType
) -> None:
    """A draft equal to the expectation is right on every field: the labels are in the
    format the scorer reads (amounts, dates, quantities, names)."""
    wrong = 0
    for item in corpus:
        judged = judge(item, oracle(item))
        wrong += not all(judged.right.values()) or not all(scorer.outcomes(judged).values())
    assert wrong == 0, f"{wrong} expectations the scorer cannot match"


def test_an_invented_total_is_not_an_empty_draft(
    corpus: list[CorpusEmail], scorer: ModuleType
) -> None:
    negative = next(item for item in corpus if scorer.is_negative(item))
    draft = replace(oracle(negative), total=_extracted(Decimal("100.00")))
    assert scorer.outcomes(judge(negative, draft)) == {
        "customer_email": True,
        "empty_draft": False,
    }


def test_line_items_are_a_multiset(corpus: list[CorpusEmail], scorer: ModuleType) -> None:
    item = next(i for i in corpus if len(i.expected["line_items"]) >= 2)
    draft = oracle(item)
    swapped = replace(draft, line_items=draft.line_items[::-1])
    assert scorer.outcomes(judge(item, swapped))["line_items"]
    one_less = replace(draft, line_items=draft.line_items[1:])
    assert not scorer.outcomes(judge(item, one_less))["line_items"]


@pytest.mark.parametrize(
    ("tag", "group"),
    [
        ("en-US", "en-US"),
        ("en_IN", "en-IN"),
        ("en-AE", "en-Gulf"),
        ("en-SA", "en-Gulf"),
        ("pt-PT", "pt-PT"),
        ("de-AT", "de"),
        ("fr-CA", "fr"),
        ("zh-CN", "zh-Hans"),
        ("zh-TW", "zh-Hant"),
        ("zh-Hant-HK", "zh-Hant"),
        ("ko", "ko"),
    ],
)
def test_language_groups(scorer: ModuleType, tag: str, group: str) -> None:
    assert scorer.language_group(tag) == group
