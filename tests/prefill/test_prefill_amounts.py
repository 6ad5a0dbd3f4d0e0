from __future__ import annotations

from decimal import Decimal

import pytest

from addin_server.prefill.amounts import find_money, parse_number, quantize


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("12,5", "12.5"),
        ("1,500", "1500"),
        ("1.500", "1500"),
        ("1,25,000.00", "125000.00"),
        ("42", "42"),
        # Three digits after a lone zero are decimals, never a thousands group.
        ("0,074", "0.074"),
        ("0.125", "0.125"),
    ],
)
def test_number_formats(raw: str, value: str) -> None:
    assert parse_number(raw) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("$25.00", "25.00", "USD"),
        ("US$ 1,200", "1200.00", "USD"),
        ("EUR 1.234,56", "1234.56", "EUR"),
        ("1 234,56 €", "1234.56", "EUR"),
        ("£99", "99.00", "GBP"),
        ("¥12,000", "12000", "JPY"),
        ("12.000円", "12000", "JPY"),
        ("CNY 45,000.00", "45000.00", "CNY"),
        ("¥8,600 RMB", "8600.00", "CNY"),
        ("₹12,500", "12500.00", "INR"),
        ("Rs. 4,500", "4500.00", "INR"),
        ("C$180.00", "180.00", "CAD"),
        ("A$0.80", "0.80", "AUD"),
        ("CHF 12'500.00", "12500.00", "CHF"),
        ("SEK 18 500", "18500.00", "SEK"),
        ("1 200 kr", "1200.00", "SEK"),
        ("12 500:- inkl. moms", "12500.00", "SEK"),
        ("R$ 1.200,00", "1200.00", "BRL"),
        ("MX$1,200.50", "1200.50", "MXN"),
        ("$9,700.00 MXN", "9700.00", "MXN"),
        ("1500 euros", "1500.00", "EUR"),
        ("金額は税込 88,000円です", "88000", "JPY"),
        # A unit price below one, written past the cent, is kept as written.
        ("0,074 €", "0.074", "EUR"),
        ("$0.125", "0.125", "USD"),
    ],
)
def test_currency_marks(text: str, value: str, currency: str) -> None:
    [money] = find_money(text, "USD", "en-US")
    assert (money.value, money.currency) == (Decimal(value), currency)


@pytest.mark.parametrize(
    "text",
    [
        "Call +1 (415) 555-0199",
        "on 03/15/2026 or 15.03.2026",
        "15% off",
        "SW1A 1AA, 75001 Paris, CA 94105",
        "Order #88231, PO 4500012345",
        "3 x Widget, 10 hours",
        "See you at 12 :-) or 5:-)",
        "9" * 100_000,
    ],
)
def test_numbers_that_are_not_money(text: str) -> None:
    assert find_money(text, "USD", "en-US") == []


@pytest.mark.parametrize(
    ("default", "locale", "currency"),
    [
        ("USD", "en-US", "USD"),
        ("CAD", "fr-CA", "CAD"),
        ("EUR", "en-AU", "AUD"),
        ("MXN", "es-MX", "MXN"),
    ],
)
def test_dollar_sign_follows_merchant_and_locale(default: str, locale: str, currency: str) -> None:
    assert find_money("$10", default, locale)[0].currency == currency


def test_minor_units() -> None:
    assert quantize(Decimal("1500.5"), "JPY") == Decimal("1501")
    assert quantize(Decimal("12.345"), "EUR") == Decimal("12.35")
