"""The lexicon: one data file per language, CLDR data from Babel kept in step."""

from __future__ import annotations

import re

import pytest

from addin_server.prefill import lexicon
from addin_server.prefill.lexicon import cldr
from addin_server.prefill.lexicon.locale_data import month_first, region_currency

LANGUAGES = {"en", "de", "fr", "es", "pt", "it", "nl", "sv", "nb", "da", "pl", "cs", "tr"}
LANGUAGES |= {"ja", "zh", "ko"}
# Every language fills the lists that dates, totals and line items read.
REQUIRED_WORDS = ("total", "due", "not_due", "summary", "units", "column_qty", "column_name")
# ... and the lists that find who to bill (forward headers, forms, signatures).
CUSTOMER_WORDS = ("legal_form", "job_title", "form_name", "form_company", "header_from", "closing")
REQUIRED_TERMS = ("net_days", "business_days", "month_end", "next_month_end", "on_receipt")


def test_every_listed_language_has_a_lexicon_file() -> None:
    assert {lang.code for lang in lexicon.languages()} >= LANGUAGES


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_each_language_fills_the_lists_the_engine_reads(language: str) -> None:
    [lang] = [lang for lang in lexicon.languages() if lang.code == language]
    assert all(lang.words.get(key) for key in REQUIRED_WORDS + CUSTOMER_WORDS), language
    assert all(lang.terms.get(key) for key in REQUIRED_TERMS), language
    assert lang.locales


def test_cldr_json_is_what_babel_gives() -> None:
    """Regenerate with ``python -m addin_server.prefill.lexicon.cldr`` after a change."""
    assert cldr.JSON_PATH.read_text(encoding="utf-8") == cldr.dumps(cldr.build())


@pytest.mark.parametrize(
    ("phrase", "text", "matched"),
    [
        ("net {n}", "Terms: Net 30.", "Net 30"),
        ("{n} tage netto", "zahlbar 14  Tage netto", "14  Tage netto"),
        ("{n}日以内", "請求書発行後30日以内にお願いします", "30日以内"),
        ("{d} of next month", "by the 10th of next month", "10th of next month"),
        ("deliver*", "Delivery on Monday", "Deliver"),
    ],
)
def test_phrases_and_templates(phrase: str, text: str, matched: str) -> None:
    match = re.search(lexicon.phrase_regex(phrase), text, re.IGNORECASE)
    assert match is not None
    assert match.group() == matched


def test_words_match_whole_words_only() -> None:
    assert re.search(lexicon.phrase_regex("net"), "network", re.IGNORECASE) is None


@pytest.mark.parametrize(
    ("tag", "first", "currency"),
    [
        ("en-US", True, "USD"),
        ("en-GB", False, "GBP"),
        ("en-IN", False, "INR"),
        ("de-AT", False, "EUR"),
        # Taiwan writes 2026/6/30 and 6/30 (June 30); Hong Kong 30/6/2026; Sweden 2026-06-30
        # and 30/6: a short date that starts with the year is read by the medium date.
        ("zh-TW", True, "TWD"),
        ("zh-HK", False, "HKD"),
        ("ja-JP", True, "JPY"),
        ("sv", False, "SEK"),
        ("en-ZA", False, "ZAR"),
    ],
)
def test_locale_data(tag: str, first: bool, currency: str) -> None:
    assert month_first(tag) is first
    assert region_currency(tag) == currency
