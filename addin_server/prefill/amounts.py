"""Money in email text: a number as people write it (1,234.56 · 1.234,56 · 1 234,56 ·
1'234.56 · 12,34,567.00 · $1.2k · 15万円 · ₹3 lakh) with a currency mark before or after
it: an ISO 4217 code, or a symbol or name CLDR knows in any lexicon language ("zł",
"Kč", "kr", "R$", "hong kong dollars") or a lexicon adds ("S$", "Rs.").

Only numbers marked with a currency are amounts; bare numbers (phone numbers, dates,
quantities, postcodes, order numbers, percentages) are not. Every number is found by one
linear pattern (a number starts only where no digit or separator precedes it, and its
integer part is bounded); the marks around it are looked up in tables, a constant amount
of work per number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from addin_server.currencies import MINOR_UNITS
from addin_server.prefill.lexicon import is_unspaced, reading_languages, scales, scales_in
from addin_server.prefill.lexicon.locale_data import (
    currency_marks,
    preferred_reading,
    region_currency,
)

# Every ISO 4217 currency: any may be the merchant's or the email's.
SUPPORTED_CURRENCIES = frozenset(MINOR_UNITS)
# Upper-case words that are also codes: read as a currency only next to a symbol-free
# number in an email that is otherwise about that currency would be guesswork.
_WORD_CODES = frozenset({"ALL", "TOP", "CUP", "PEN", "SOS", "BOB", "MOP", "GEL", "NAD", "MAD"})
# Largest amount taken as money: above this a "number" is an id or noise.
MAX_AMOUNT = Decimal("1000000000")
# Codes also written in lower case ("500 eur"); "try", "all" ... are words first.
_LOWER_CASE_CODES = frozenset(
    {"USD", "EUR", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK"}
    | {"PLN", "CZK", "KRW", "BRL", "MXN", "HKD", "SGD", "NZD", "ZAR", "AED", "SAR", "HUF"}
)

# Integer part: grouped by one separator kind, or at most 12 plain digits.
NUMBER = (
    # "1张,600元" (a full-width comma, folded): a comma after a word starts a number.
    r"(?<![\d.'])(?<![\d.'],)"
    r"(?:\d{1,2}(?:,\d{2}){1,3},\d{3}(?:\.\d{1,2})?"  # Indian lakh grouping: 1,25,000.00
    r"|\d{1,3}(?:(?:,\d{3}){1,4}|(?:\.\d{3}){1,4}|(?: \d{3}){1,4}|(?:'\d{3}){1,4})"
    r"(?:[.,]\d{1,2})?|\d{1,12}(?:[.,]\d{1,2})?)"
    r"(?![\d%]|[.,']\d)"
)
NUMBER_RE = re.compile(NUMBER)
_RUN_AFTER = re.compile(r"[^\s\d]{1,14}")
_RUN_BEFORE = re.compile(r"[^\s\d]{1,14}$")
_WORDS_AFTER = re.compile(r"[^\W\d_]{1,20}(?: [^\W\d_]{1,20}){1,2}")
_THREE_DECIMALS = re.compile(r"\d{1,3}[.,]\d{3}")
_NO_CENTS = re.compile(r"(?:[.,/][-\u2013\u2014]{1,2}(?![\d-]))?")
_MINUS = ("-", "\u2212")  # hyphen-minus, minus sign
_PLAIN_DIGITS = re.compile(r"\d{1,4}")
_EMOTICON_ENDS = frozenset(")(DPp/|")
_MAX_SCALE_PARTS = 3


@dataclass(frozen=True)
class Money:
    value: Decimal
    currency: str
    start: int
    end: int


def _is_boundary(run: str, length: int) -> bool:
    """A mark of ``length`` characters may end there: not inside a word ("kr" in "krabs")."""
    last = run[length - 1]
    inside_word = length < len(run) and run[length].isalpha()
    return not (inside_word and last.isalpha() and not is_unspaced(last))


def _lookup(token: str) -> str | None:
    """The mark ``token`` is, as a key of the marks table or an ISO code; else None."""
    if token in SUPPORTED_CURRENCIES:
        return None if token in _WORD_CODES else token
    if token.upper() in _LOWER_CASE_CODES and token.islower():
        return token.upper()
    marks = currency_marks()
    if token in marks:
        return token
    folded = token.casefold()
    return folded if folded in marks else None


def _mark_after(text: str) -> tuple[str | None, int]:
    """The currency mark at the start of ``text`` (after one optional space), and its end."""
    start = 1 if text[:1] == " " else 0
    words = _WORDS_AFTER.match(text, start)
    if words is not None:
        phrase = words.group().casefold()
        for end in range(len(phrase), 0, -1):
            ends_word = end == len(phrase) or phrase[end] == " "
            if ends_word and " " in phrase[:end] and phrase[:end] in currency_marks():
                return phrase[:end], start + end
    run = _RUN_AFTER.match(text, start)
    if run is None:
        return None, 0
    token = run.group()
    for length in range(len(token), 0, -1):
        mark = _lookup(token[:length])
        if mark is not None and _is_boundary(token, length) and _attached(token, length, start):
            return mark, start + length
    return None, 0


def _attached(token: str, length: int, space: int) -> bool:
    """A mark of punctuation alone ("12 500:-"; no letter or currency sign) is written on
    the number, and is no emoticon ("kl 12 :-)")."""
    if any(char.isalnum() or unicodedata.category(char) == "Sc" for char in token[:length]):
        return True
    return not space and token[length : length + 1] not in _EMOTICON_ENDS


def _mark_before(text: str) -> tuple[str | None, int]:
    """The currency mark that ends ``text`` (before one optional space), and how many
    characters before the end it starts."""
    space = 1 if text.endswith(" ") else 0
    run = _RUN_BEFORE.search(text[: len(text) - space])
    if run is None:
        return None, 0
    token = run.group()
    for start in range(len(token)):
        piece = token[start:]
        # Not inside a word: "HK$" in "每盒HK$128" follows a Chinese word, which needs
        # no space before the next.
        before = token[start - 1] if start else ""
        if before.isalpha() and piece[0].isalpha() and not is_unspaced(before):
            continue
        mark = _lookup(piece)
        if mark is not None:
            return mark, len(piece) + space
    return None, 0


@cache
def _scales(locale: str) -> dict[str, int]:
    """The scales of the language an amount is read in and English's; with no language,
    every language's."""
    return scales_in(reading_languages(locale)) if locale else scales()


def _scale_after(text: str, table: dict[str, int]) -> tuple[int, int]:
    """ "k", "万", " lakh" right after a number: (multiplier, characters used)."""
    start = 1 if text[:1] == " " else 0
    run = _RUN_AFTER.match(text, start)
    if run is None:
        return 1, 0
    token = run.group()
    for length in range(len(token), 0, -1):
        piece = token[:length].casefold()
        if piece in table and (_is_boundary(token, length) or is_unspaced(piece[-1])):
            return table[piece], start + length
    return 1, 0


def _readings(mark: str) -> int:
    return 1 if mark in SUPPORTED_CURRENCIES else len(currency_marks().get(mark, ()))


def resolve_currency(mark: str, default_currency: str, locale: str) -> str:
    """The currency a code, symbol or name stands for. An ambiguous one ("$", "kr", "¥")
    is the merchant's currency if it may be that, else the email region's, else the
    reading English gives it."""
    if mark in SUPPORTED_CURRENCIES:
        return mark
    readings = currency_marks().get(mark, frozenset())
    if len(readings) == 1:
        return next(iter(readings))
    for candidate in (default_currency, region_currency(locale) if locale else None):
        if candidate in readings:
            return candidate
    preferred = preferred_reading().get(mark)
    return preferred if preferred in readings else min(readings, default="")


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
        # One separator followed by three digits groups thousands (1,500 / 1.500), never
        # after a lone zero ("0,074 €" a flyer).
        grouped = decimals == 3 and (last_dot < 0 or last_comma < 0) and text[:decimal_at] != "0"
        if text.count(separator) > 1 or grouped:
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
    for match in NUMBER_RE.finditer(text):
        if found and match.start() < found[-1].end:
            continue  # a part of the amount before ("12万3千円")
        money = _money_at(text, match, default_currency, locale)
        if money is not None:
            found.append(money)
    return found


def _money_at(text: str, match: re.Match[str], default_currency: str, locale: str) -> Money | None:
    start, end = match.span()
    # "1 500,- Kč", "CHF 4'800.-", "5,000/- AED" (or an en dash): a dash for "no cents".
    no_cents = _NO_CENTS.match(text, end)
    end = no_cents.end() if no_cents else end
    table = _scales(locale)
    scale, scale_end = _scale_after(text[end : end + 20], table)
    before, before_length = _mark_before(text[max(0, start - 16) : start])
    parts, parts_end = _smaller_parts(text, end + scale_end, scale, table)
    after, after_end = _mark_after(text[parts_end : parts_end + 40])
    if after is None and before is None and parts:
        # Digits after "10万" that no currency marks are something else ("10万5月末").
        parts, parts_end = Decimal(0), end + scale_end
        after, after_end = _mark_after(text[parts_end : parts_end + 40])
    # "¥8,600 RMB", "$12,500.00 MXN": a code after the amount says more than a symbol.
    mark = (
        after
        if before is None or (after is not None and _readings(after) <= _readings(before))
        else before
    )
    if mark is None and no_cents is not None and no_cents.group():
        # "à 289,-": the dash for no cents is written only on money, in the merchant's
        # currency when nothing else marks it.
        mark = default_currency
    value = parse_number(match.group()) if mark is not None else None
    if mark is None or value is None or abs(value * scale) > MAX_AMOUNT:
        return None
    currency = resolve_currency(mark, default_currency, locale)
    if not currency:
        return None
    if MINOR_UNITS.get(currency) == 3 and _THREE_DECIMALS.fullmatch(match.group()):
        value = Decimal(match.group().replace(",", "."))  # "KWD 12.500" is twelve and a half
    money_start = start - before_length
    # "-$50.00", "$ -50.00", "\u2212 50 €": a discount or a credit.
    if text[max(0, money_start - 1) : money_start] in _MINUS or text[start - 1 : start] in _MINUS:
        value = -value
    stop = parts_end + (after_end if after is not None else 0)
    amount = value * scale + parts
    rounded = quantize(amount, currency)
    # "0,074 €" a flyer: a unit price below one, written past the cent, is kept as written.
    kept = amount if abs(amount) < 1 and rounded != amount else rounded
    return Money(kept, currency, money_start, stop)


def _smaller_parts(
    text: str, position: int, scale: int, table: dict[str, int]
) -> tuple[Decimal, int]:
    """ "12万3千円", "1億2000万円", "3万5000元": after a Chinese or Japanese scale, the
    smaller parts written on without a space (at most three), and where they end."""
    total, last = Decimal(0), scale
    if scale == 1 or not is_unspaced(text[position - 1 : position] or "a"):
        return total, position
    for _ in range(_MAX_SCALE_PARTS):
        # Korean may space the parts ("1억 2천만 원"); a spaced part has its own scale.
        spaced = text[position : position + 1] == " "
        digits = _PLAIN_DIGITS.match(text, position + spaced)
        if digits is None or text[digits.end() : digits.end() + 1] == " ":
            break
        part_scale, part_end = _scale_after(text[digits.end() : digits.end() + 20], table)
        if part_scale >= last or (spaced and part_scale == 1):
            break
        total += int(digits.group()) * part_scale
        position, last = digits.end() + part_end, part_scale
        if part_scale == 1:
            break
    return total, position


def find_plain_number(text: str) -> tuple[Decimal, int, int] | None:
    """The first bare number in ``text`` (for amounts whose currency is said elsewhere)."""
    match = NUMBER_RE.search(text)
    if match is None:
        return None
    value = parse_number(match.group())
    if value is None or value > MAX_AMOUNT:
        return None
    return value, match.start(), match.end()
