"""Due dates: an absolute date next to a due word ("due", "fällig", "échéance", "期限",
"まで"), else the first payment term the text states (``due_terms``), counted from the
email's date.

Words come from the lexicon of the email's languages (``[words] due, due_after, not_due,
early_payment, delivery``); month names, calendar eras and whether a locale writes the
month first from CLDR and the lexicon (``lexicon.locale_data``). A date that is not a
payment date (delivery, event, meeting, a quote's expiry) is not a due date, nor is the
early-payment discount's date, nor a date already past ("the deposit, due March 2, is
paid"). "On delivery" is due on the delivery date when the email states one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache

from addin_server.prefill.due_terms import (
    DueDate,
    Reading,
    add_days,
    clause_end,
    first_term,
    is_discount,
    line_before,
    not_a_payment_date,
    valid_date,
)
from addin_server.prefill.lexicon import alternation, eras, scales, weekday_re, with_digits
from addin_server.prefill.lexicon.locale_data import month_first, month_names
from addin_server.prefill.snippets import snippet

# Any word where a month name may stand, checked against ``month_names`` afterwards: one
# alternation of all month names in every language would be tried at every digit.
_MONTH_WORD = r"[^\W\d_]{3,12}(?![^\W\d_])\.?"
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
# How far after a date the words that make it due, or a discount's, are looked for.
_AFTER_CHARS = 40
# A date without a year this many days before the email is a date past ("due March 2"
# written on March 23), not next year's.
_RECENT_PAST_DAYS = 90


@cache
def _date_re() -> re.Pattern[str]:
    return re.compile(
        r"(?<![\d.])(?P<iy>\d{4})[-/.]\s?(?P<im>\d{1,2})[-/.]\s?(?P<id>\d{1,2})(?![\d.]?\d)"
        rf"|(?:(?:(?P<jy>\d{{4}})|(?P<era>{alternation(list(eras()))})\s?(?P<ey>\d{{1,3}}|元))"
        r"\s?[年년]\s?)?(?P<jm>\d{1,2})\s?[月월]\s?(?P<jd>\d{1,2})\s?[日일号號]"
        r"|(?<![\d./-])(?P<na>\d{1,2})(?P<sep>[./-])\s?(?P<nb>\d{1,2})(?P=sep)\s?(?P<ny>\d{4}|\d{2})"
        r"(?![\d./-]?\d)"
        # "by 15/04", "bis zum 31.03.": day and month, the year the next such date falls in.
        r"|(?<![\d./-])(?P<sa>\d{1,2})(?P<ssep>[./])(?P<sb>\d{1,2})(?P=ssep)?(?![\d/-]|\.\d)"
        rf"|{_NOT_LETTER_BEFORE}(?P<dd>\d{{1,2}})(?:st|nd|rd|th|er|e|\.|º)?\s?(?:de\s)?"
        rf"(?P<dm>{_MONTH_WORD})(?:,?\s(?:de\s)?(?P<dy>\d{{4}}))?"
        rf"|{_NOT_LETTER_BEFORE}(?P<mm>{_MONTH_WORD})\s(?P<md>\d{{1,2}})(?:st|nd|rd|th)?"
        rf"(?!\d)(?:,?\s(?P<my>\d{{4}}))?",
        re.IGNORECASE,
    )


@cache
def _scale_re() -> re.Pattern[str]:
    return re.compile(rf"\s?(?:{alternation(list(scales()))})", re.IGNORECASE)


# Payment terms stand near the top of a request, in sentences: only this much of it, and
# only lines of at most this length, are read for dates (bounded work on any input).
MAX_DUE_TEXT_CHARS = 8_000
# Terms counted from the delivery date when the email states one: "on delivery", "30 days
# after delivery".
_FROM_DELIVERY = frozenset({"on_delivery", "days_after_delivery"})
MAX_DUE_LINE_CHARS = 1_000


def find_due_date(text: str, sent: date, locale: str) -> DueDate | None:
    """The due date the text asks for, counted from the email's date ``sent``."""
    lines = text[:MAX_DUE_TEXT_CHARS].split("\n")
    text = "\n".join(line if len(line) <= MAX_DUE_LINE_CHARS else "" for line in lines)
    reading = Reading.of(sent, locale)
    absolute = _absolute_due(text, reading)
    if absolute is not None:
        return absolute
    found = first_term(with_digits(text, locale), reading)
    if found is None:
        return None
    key, due = found
    if key in _FROM_DELIVERY:
        delivery = _delivery_date(text, reading)
        if delivery is not None:
            # The term's days, counted from the delivery date instead of the email's.
            value = add_days(delivery.value, (due.value - reading.sent).days)
            return DueDate(value, due.confidence, delivery.source)
    return due


def _dates(text: str, reading: Reading) -> Iterator[tuple[re.Match[str], str, date]]:
    """Each date in the text, not yet past, with the words before it since the date
    before it (a due word belongs to the date it precedes: "delivered by March 27 (the
    show opens March 31)")."""
    position = previous_end = 0
    while (match := _date_re().search(text, position)) is not None:
        position = match.end()
        month_word = match.group("dm") or match.group("mm")
        if month_word and _month(month_word, reading.locale) is None:
            position = match.start() + 1  # "Order 12 March": retry at the number
            continue
        before = line_before(text, match.start(), previous_end)
        previous_end = match.end()
        if (match.group("na") or match.group("sa")) and _scale_re().match(text, match.end()):
            continue  # "5.6万元" is an amount
        value = _to_date(match, reading)
        if value is not None and value >= reading.sent:
            yield match, before, value


def _absolute_due(text: str, reading: Reading) -> DueDate | None:
    for match, before, value in _dates(text, reading):
        after = _after_weekday(text[match.end() : match.end() + _AFTER_CHARS])
        due_before = reading.words("due").search(before)
        if not due_before and not reading.words("due_after").match(after):
            continue
        if not_a_payment_date(before, reading) or _discount_date(after, reading):
            continue
        return DueDate(value, 0.9, snippet(text, match.start(), match.end()))
    return None


def _after_weekday(after: str) -> str:
    """The text after a date, past the date's weekday: "4月15日(水)までに", "15 ... Cuma
    gününe kadar", "June 30 (Tuesday) at the latest"."""
    after = re.sub(r"^,?\s?\([^)]{1,12}\)", "", after).lstrip(" ,")
    weekday = weekday_re().match(after)
    return after[weekday.end() :].lstrip(" ,.") if weekday else after


def _discount_date(after: str, reading: Reading) -> bool:
    """Whether the early-payment discount follows the date in its clause ("Bei Zahlung bis
    10.06. ziehen wir 2 % Skonto ab, ansonsten ...")."""
    return is_discount(re.split(r"[,;\n]", after)[0], reading)


def _delivery_date(text: str, reading: Reading) -> DueDate | None:
    """The delivery date the text states ("Delivery is booked for Friday 15 May")."""
    for match, before, value in _dates(text, reading):
        if reading.words("delivery").search(clause_end(before)):
            return DueDate(value, 0.8, snippet(text, match.start(), match.end()))
    return None


def _to_date(match: re.Match[str], reading: Reading) -> date | None:
    groups = match.groupdict()
    year: int | None = None
    if groups["iy"]:
        year, month, day = int(groups["iy"]), int(groups["im"]), int(groups["id"])
    elif groups["jm"]:
        year = _year_of(groups["jy"], groups["era"], groups["ey"])
        month, day = int(groups["jm"]), int(groups["jd"])
    elif groups["na"] or groups["sa"]:
        return _numeric_date(groups, reading)
    elif groups["dd"]:
        day, month = int(groups["dd"]), _month(groups["dm"], reading.locale) or 0
        year = int(groups["dy"]) if groups["dy"] else None
    else:
        month, day = _month(groups["mm"], reading.locale) or 0, int(groups["md"])
        year = int(groups["my"]) if groups["my"] else None
    return _dated(year, month, day, reading.sent)


def _year_of(digits: str | None, era: str | None, era_year: str | None) -> int | None:
    """ "2026年", or an era's year: "令和8年" is 2026, "民國115年" 2026, "令和元年" 2019."""
    if digits:
        return int(digits)
    if era and era_year:
        return eras().get(era, 0) + (1 if era_year == "元" else int(era_year))
    return None


def _numeric_date(groups: dict[str, str | None], reading: Reading) -> date | None:
    """ "05/03/2026", "15.04.", "6/30": "/" follows the locale (3/4 is March 4 in the US),
    "." is always day.month; an order that gives no date is read the other way round."""
    long_form = bool(groups["na"])
    first = int(groups["na" if long_form else "sa"] or 0)
    second = int(groups["nb" if long_form else "sb"] or 0)
    separator = groups["sep" if long_form else "ssep"]
    year: int | None = None
    if long_form:
        digits = groups["ny"] or ""
        year = int(digits) + (2000 if len(digits) == 2 else 0)
    day, month = first, second
    if separator == "/" and month_first(reading.locale):
        day, month = second, first
    if not 1 <= month <= 12 and 1 <= day <= 12:
        day, month = month, day
    return _dated(year, month, day, reading.sent)


def _dated(year: int | None, month: int, day: int, sent: date) -> date | None:
    """The date; without a year, the next one, unless it was only recently (a date past
    is a date past, not next year's)."""
    if year is None:
        this_year = valid_date(sent.year, month, day, sent)
        if this_year is not None and 0 < (sent - this_year).days <= _RECENT_PAST_DAYS:
            return this_year
    return valid_date(year, month, day, sent)


def _month(word: str, locale: str) -> int | None:
    return month_names(locale).get(word.rstrip(".").casefold())
