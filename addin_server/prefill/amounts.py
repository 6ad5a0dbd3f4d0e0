"""Money in email text: currency symbols, ISO codes and words; the number formats
1,234.56 / 1.234,56 / 1 234,56 / 1'234.56; each currency's minor units.

Only numbers marked with a currency are amounts; bare numbers (phone numbers, dates,
quantities, postcodes, order numbers, percentages) are not. Every pattern is linear:
a number starts only where no digit or separator precedes it, and its integer part is
bounded, so 100,000 digits in a row cost one failed attempt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from addin_server.currencies import MINOR_UNITS

SUPPORTED_CURRENCIES = frozenset(
    ["USD", "EUR", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF", "SEK", "BRL", "MXN"]
)
# Largest amount taken as money: above this a "number" is an id or noise.
MAX_AMOUNT = Decimal("1000000000")

# Symbols and words -> currency; "$", "¥" and "kr" depend on the merchant and locale.
_DOLLAR = "$"
_YEN_OR_YUAN = "¥"
_PREFIX_MARKS: dict[str, str] = {
    "US$": "USD",
    "USD$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "CAD$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "AUD$": "AUD",
    "MX$": "MXN",
    "MEX$": "MXN",
    "R$": "BRL",
    "CN¥": "CNY",
    "RMB": "CNY",
    "Rs.": "INR",
    "Rs": "INR",
    "₹": "INR",
    "€": "EUR",
    "£": "GBP",
    "Fr.": "CHF",
    "SFr.": "CHF",
    "$": _DOLLAR,
    "¥": _YEN_OR_YUAN,
    "kr": "SEK",
}
_SUFFIX_MARKS: dict[str, str] = {
    "€": "EUR",
    "円": "JPY",
    "元": "CNY",
    "人民币": "CNY",
    "kr": "SEK",
    "kr.": "SEK",
    "Fr.": "CHF",
    "$": _DOLLAR,
    "£": "GBP",
    "₹": "INR",
    "dollars": _DOLLAR,
    "dollar": _DOLLAR,
    "euros": "EUR",
    "euro": "EUR",
    "Euro": "EUR",
    "pounds": "GBP",
    "yen": "JPY",
    "rupees": "INR",
    "francs": "CHF",
    "kronor": "SEK",
    "reais": "BRL",
    "pesos": "MXN",
    "dólares": _DOLLAR,
    "yuan": "CNY",
}


def _alternation(tokens: list[str]) -> str:
    return "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))


_CODES = "|".join(sorted(SUPPORTED_CURRENCIES | {"RMB"}))
# Integer part: grouped by one separator kind, or at most 12 plain digits.
NUMBER = (
    r"(?<![\d.,'])"
    r"(?:\d{1,2}(?:,\d{2}){1,3},\d{3}(?:\.\d{1,2})?"  # Indian lakh grouping: 1,25,000.00
    r"|\d{1,3}(?:(?:,\d{3}){1,4}|(?:\.\d{3}){1,4}|(?: \d{3}){1,4}|(?:'\d{3}){1,4})"
    r"(?:[.,]\d{1,2})?|\d{1,12}(?:[.,]\d{1,2})?)"
    r"(?![\d%]|[.,']\d)"
)
_LETTER_BEFORE = r"(?<![^\W\d_])"
_LETTER_AFTER = r"(?![^\W\d_])"
_PREFIX = (
    rf"(?P<pre>{_LETTER_BEFORE}(?:{_CODES}){_LETTER_AFTER}|"
    rf"{_LETTER_BEFORE}(?:{_alternation(list(_PREFIX_MARKS))}))"
)
_CJK_SUFFIXES = [mark for mark in _SUFFIX_MARKS if not mark.isascii()]
_SUFFIX = (
    rf"(?P<post>(?:{_CODES}){_LETTER_AFTER}"
    # Latin words and symbols end at a word boundary; 円 and 元 run on into the sentence.
    rf"|(?:{_alternation([m for m in _SUFFIX_MARKS if m not in _CJK_SUFFIXES])}){_LETTER_AFTER}"
    rf"|{_alternation(_CJK_SUFFIXES)})"
)
MONEY_RE = re.compile(
    rf"{_PREFIX} ?(?P<n1>-?{NUMBER})(?: ?(?P<code>(?:{_CODES})){_LETTER_AFTER})?"
    rf"|(?P<n2>{NUMBER}) ?{_SUFFIX}"
)
NUMBER_RE = re.compile(NUMBER)


@dataclass(frozen=True)
class Money:
    value: Decimal
    currency: str
    start: int
    end: int


def resolve_currency(mark: str, default_currency: str, locale: str) -> str:
    """The currency a symbol, code or word stands for, given the merchant and locale."""
    code = mark.upper()
    if code in SUPPORTED_CURRENCIES:
        return code
    if code == "RMB":
        return "CNY"
    meaning = (
        _PREFIX_MARKS.get(mark) or _SUFFIX_MARKS.get(mark) or _SUFFIX_MARKS.get(mark.lower(), "")
    )
    region = locale.replace("_", "-").split("-")[-1].upper()
    if meaning == _DOLLAR:
        if default_currency in ("USD", "CAD", "AUD", "MXN"):
            return default_currency
        return {"CA": "CAD", "AU": "AUD", "MX": "MXN"}.get(region, "USD")
    if meaning == _YEN_OR_YUAN:
        if default_currency == "CNY" or locale.lower().startswith("zh"):
            return "CNY"
        return "JPY"
    return meaning


def parse_number(raw: str) -> Decimal | None:
    """``1,234.56``, ``1.234,56``, ``1 234,56``, ``1'234.56``, ``12,5`` -> Decimal."""
    text = raw.replace(" ", "").replace("'", "")
    negative = text.startswith("-")
    text = text.lstrip("-")
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    decimal_at = max(last_dot, last_comma)
    if decimal_at >= 0:
        separator = text[decimal_at]
        decimals = len(text) - decimal_at - 1
        # One separator followed by three digits groups thousands (1,500 / 1.500).
        if text.count(separator) > 1 or (decimals == 3 and (last_dot < 0 or last_comma < 0)):
            decimal_at = -1
    if decimal_at >= 0:
        whole, fraction = text[:decimal_at], text[decimal_at + 1 :]
    else:
        whole, fraction = text, ""
    digits = whole.replace(",", "").replace(".", "")
    try:
        value = Decimal(f"{digits or '0'}.{fraction}" if fraction else digits or "0")
    except InvalidOperation:
        return None
    return -value if negative else value


def quantize(value: Decimal, currency: str) -> Decimal:
    exponent = Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2))
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def find_money(text: str, default_currency: str, locale: str) -> list[Money]:
    """Every currency-marked amount in ``text``, in order."""
    found: list[Money] = []
    for match in MONEY_RE.finditer(text):
        # "¥8,600 RMB", "$12,500.00 MXN": a code after the amount says more than a symbol.
        mark = match.group("code") or match.group("pre") or match.group("post")
        raw = match.group("n1") or match.group("n2")
        value = parse_number(raw)
        if value is None or abs(value) > MAX_AMOUNT:
            continue
        currency = resolve_currency(mark, default_currency, locale)
        found.append(Money(quantize(value, currency), currency, match.start(), match.end()))
    return found


def find_plain_number(text: str) -> tuple[Decimal, int, int] | None:
    """The first bare number in ``text`` (for amounts whose currency is said elsewhere)."""
    match = NUMBER_RE.search(text)
    if match is None:
        return None
    value = parse_number(match.group())
    if value is None or value > MAX_AMOUNT:
        return None
    return value, match.start(), match.end()
