"""The corpus holds the engine to its accuracy floors (``scripts/score_prefill.py`` prints
the same figures)."""

from __future__ import annotations

import pytest

from addin_server.prefill import prefill_invoice
from tests.prefill.prefill_corpus import FLOORS, Score, iter_report, load_corpus, score

MIN_CORPUS_EMAILS = 200
LANGUAGES = "en de fr es pt it nl sv nb da pl cs tr ja zh ko"
# Currencies the corpus must show being read (any ISO 4217 code is accepted).
CORE_CURRENCIES = {
    "USD",
    "EUR",
    "GBP",
    "JPY",
    "CNY",
    "INR",
    "CAD",
    "AUD",
    "CHF",
    "SEK",
    "BRL",
    "MXN",
}


def test_corpus_is_large_and_varied() -> None:
    corpus = load_corpus()
    assert len(corpus) >= MIN_CORPUS_EMAILS
    languages = {item.email.locale.split("-")[0] for item in corpus}
    assert set(LANGUAGES.split()) <= languages
    currencies = {item.expected["currency"] for item in corpus}
    assert currencies >= CORE_CURRENCIES
    assert any(item.email.body_type == "html" for item in corpus)
    assert any(item.expected["total"] is None for item in corpus), "emails with nothing to bill"


@pytest.fixture(scope="module")
def result() -> Score:
    """The corpus scored once for every field's floor."""
    return score(load_corpus(), prefill_invoice)


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_accuracy_floor(result: Score, field: str) -> None:
    report = "\n".join(iter_report(result))
    misses = [m for m in result.mismatches if m.field == field]
    assert result.accuracy[field] >= FLOORS[field], f"{report}\n{misses}"
