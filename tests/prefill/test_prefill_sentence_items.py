# ruff: noqa: RUF001 - multilingual email text: full-width brackets are meant
"""Items in prose: a sentence naming a second item after "and"/"plus" in each language,
with its price after its name or before it, told apart from a total, tax, discount or
deposit said the same way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.prefill.test_prefill_lexicon_items import items, total


@pytest.mark.parametrize(
    ("body", "locale", "currency", "expected"),
    [
        # The total in a sentence of its own after the items.
        (
            "We'd like 3 workshops at $450 each and 20 workbooks at $12.50 each. "
            "That comes to $1,600.",
            "en-US",
            "USD",
            [("workshops", 3, "450"), ("workbooks", 20, "12.50")],
        ),
        # The price first: "plus £85 for travel", "más 15 € de transporte".
        (
            "Please invoice 2 days of facilitation at £650 per day, plus £85 for travel? Thanks",
            "en-GB",
            "GBP",
            [("facilitation", 2, "650"), ("travel", 1, "85")],
        ),
        (
            "Te confirmo 40 cojines a 22,50 € la unidad, más 15 € de transporte. Total 915 €.",
            "es-ES",
            "EUR",
            [("cojines", 40, "22.50"), ("transporte", 1, "15")],
        ),
        # A name without a count after an article or a repeated "za", its price after it.
        (
            "Facturadme dos talleres a 450 € cada uno y el material didáctico, 80 €. Total 980 €.",
            "es-ES",
            "EUR",
            [("talleres", 2, "450"), ("material didáctico", 1, "80")],
        ),
        (
            "Prosím o fakturu za 3 hodiny konzultací po 800 Kč a za zpracování přiznání 2 500 Kč.",
            "cs-CZ",
            "CZK",
            [("konzultací", 3, "800"), ("zpracování přiznání", 1, "2500")],
        ),
        # A tax mark between the price and its unit ("600 € HT par jour").
        (
            "Merci de facturer 3 jours de formation à 600 € HT par jour, ainsi que les "
            "supports imprimés pour 120 € HT.",
            "fr-FR",
            "EUR",
            [("formation", 3, "600"), ("supports imprimés", 1, "120")],
        ),
        # A name and its comma after "samt", and Danish "to" counts.
        (
            "I må gerne fakturere to workshops à 4.500 kr. samt transport, 600 kr. I alt 9.600 kr.",
            "da-DK",
            "DKK",
            [("workshops", 2, "4500"), ("transport", 1, "600")],
        ),
    ],
)
def test_a_second_item_in_a_sentence(
    body: str, locale: str, currency: str, expected: list[tuple[str, int, str]]
) -> None:
    want = [(name, Decimal(qty), Decimal(price)) for name, qty, price in expected]
    assert items(body, locale, currency) == want


@pytest.mark.parametrize(
    ("body", "locale", "currency"),
    [
        ("Please bill 5 chairs at $80 each and the deposit of $100 we agreed.", "en-US", "USD"),
        ("Please bill 5 chairs at $80 each plus $100 in total for the rest.", "en-US", "USD"),
        ("Bitte 4 Stühle zu je 90 € und die Anzahlung, 100 €, verrechnen.", "de-DE", "EUR"),
        ("Merci de facturer 2 jours à 500 € par jour et la remise de 50 €.", "fr-FR", "EUR"),
    ],
)
def test_a_deposit_total_or_discount_after_and_is_no_item(
    body: str, locale: str, currency: str
) -> None:
    assert len(items(body, locale, currency)) == 1


def test_an_amount_joined_to_a_whole_priced_in_prose_is_no_line() -> None:
    """The layout priced as a whole and the retouching beside it: the sentence bills a
    sum, and one line of it alone would be a wrong draft."""
    body = (
        "Nous confirmons la mise en page du catalogue pour CHF 4'800.- et la retouche de "
        "40 photos à CHF 25.- pièce."
    )
    assert items(body, "fr-CH", "CHF") == []


def test_number_words_after_a_count_stay_in_the_name() -> None:
    body = "- 8 x Nepeta 'Six Hills Giant' @ £6.50\n- 6 x Sage 'Purple' @ £3.75"
    assert items(body, "en-GB", "GBP")[0] == (
        "Nepeta 'Six Hills Giant'",
        Decimal(8),
        Decimal("6.50"),
    )
    assert total(body, "en-GB", "GBP") == Decimal("74.50")


@pytest.mark.parametrize(
    ("body", "locale", "currency", "expected"),
    [
        # Japanese: the object particle after the name, the unit price in brackets.
        (
            "A4チラシを500枚（単価12円）と、B2ポスターを20枚（単価300円）お願いいたします。",
            "ja-JP",
            "JPY",
            [("A4チラシ", 500, "12"), ("B2ポスター", 20, "300")],
        ),
        # Korean: particles after the count and the price; the name is the word before
        # the count, not the sentence before it.
        (
            "지난번 통화에서 말씀드린 대로 요가매트 15개를 개당 32,000원에, "
            "폼롤러 10개를 개당 18,000원에 주문하고 싶습니다.",
            "ko-KR",
            "KRW",
            [("요가매트", 15, "32000"), ("폼롤러", 10, "18000")],
        ),
    ],
)
def test_particles_in_japanese_and_korean_sentences(
    body: str, locale: str, currency: str, expected: list[tuple[str, int, str]]
) -> None:
    want = [(name, Decimal(qty), Decimal(price)) for name, qty, price in expected]
    assert items(body, locale, currency) == want
