"""Due dates: an absolute date next to a due word ("due", "fällig", "échéance", "期限",
"まで"), else the first payment term the text states ("net 30", "10 business days",
"end of next month", "30 days after month end", "the 10th of next month", "by next
Friday", "upon receipt"), counted from the email's date.

Words and templates come from the lexicon (``[words] due, due_after, not_due,
early_payment`` and ``[terms]``); month and weekday names, and whether a locale writes
the month first, from CLDR (``lexicon.locale_data``). A date that is not a payment date
(delivery, event, meeting) is not a due date, nor is the early-payment discount's date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from addin_server.prefill.lexicon import first_group, term_re, with_digits, word_re
from addin_server.prefill.lexicon.locale_data import month_first, month_names, weekday_names
from addin_server.prefill.snippets import snippet

# Any word where a month name may stand, checked against ``month_names`` afterwards: one
# alternation of all month names in every language would be tried at every digit.
_MONTH_WORD = r"[^\W\d_]{3,12}(?![^\W\d_])\.?"
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_DATE = re.compile(
    r"(?<![\d.])(?P<iy>\d{4})[-/.]\s?(?P<im>\d{1,2})[-/.]\s?(?P<id>\d{1,2})(?![\d.]?\d)"
    r"|(?:(?P<jy>\d{4})\s?[年년]\s?)?(?P<jm>\d{1,2})\s?[月월]\s?(?P<jd>\d{1,2})\s?[日일号號]"
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
# How far before a date or term its due word, or a word that makes it no due date, stands.
_WINDOW = 60
_NEAR = 30


@dataclass(frozen=True)
class DueDate:
    value: date
    confidence: float
    source: str


# Payment terms stand near the top of a request, in sentences: only this much of it, and
# only lines of at most this length, are read for dates (bounded work on any input).
MAX_DUE_TEXT_CHARS = 8_000
MAX_DUE_LINE_CHARS = 1_000


def find_due_date(text: str, sent: date, locale: str) -> DueDate | None:
    """The due date the text asks for, counted from the email's date ``sent``."""
    lines = text[:MAX_DUE_TEXT_CHARS].split("\n")
    text = "\n".join(line if len(line) <= MAX_DUE_LINE_CHARS else "" for line in lines)
    absolute = _absolute_due(text, sent, locale)
    if absolute is not None:
        return absolute
    text = with_digits(text, locale)
    relative = [found for rule in _RULES if (found := _first_term(text, sent, rule)) is not None]
    if relative:
        # The first stated in the text: later mentions are usually reminders of it.
        return min(relative, key=lambda pair: pair[0])[1]
    return None


def _line_before(text: str, start: int, width: int = _WINDOW) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    return text[max(line_start, start - width) : start]


def _not_a_payment_date(before: str) -> bool:
    """Delivery, event and meeting dates, and the early-payment discount's date or term."""
    near = re.split(r"[,;:(]", before[-_NEAR:])[-1]
    return bool(word_re("not_due").search(near) or word_re("early_payment").search(near))


def _absolute_due(text: str, sent: date, locale: str) -> DueDate | None:
    position = 0
    while (match := _DATE.search(text, position)) is not None:
        position = match.end()
        month_word = match.group("dm") or match.group("mm")
        if month_word and _month(month_word, locale) is None:
            position = match.start() + 1  # "Order 12 March": retry at the number
            continue
        before = _line_before(text, match.start())
        # "4月15日(水)までに": a weekday in brackets may stand between the date and まで.
        after = re.sub(r"^\s?\([^)]{1,4}\)", "", text[match.end() : match.end() + 16])
        due_words = list(word_re("due").finditer(before))
        if not due_words and not word_re("due_after").match(after.lstrip(" ")):
            continue
        if due_words and _not_a_payment_date(before[: due_words[-1].start()] + before):
            continue
        if not due_words and _not_a_payment_date(before):
            continue
        value = _to_date(match, sent, locale)
        if value is not None:
            return DueDate(value, 0.9, snippet(text, match.start(), match.end()))
    return None


def _to_date(match: re.Match[str], sent: date, locale: str) -> date | None:
    groups = match.groupdict()
    year: int | None
    if groups["iy"]:
        year, month, day = int(groups["iy"]), int(groups["im"]), int(groups["id"])
    elif groups["jm"]:
        year = int(groups["jy"]) if groups["jy"] else None
        month, day = int(groups["jm"]), int(groups["jd"])
    elif groups["na"]:
        first, second = int(groups["na"]), int(groups["nb"])
        year = int(groups["ny"]) + (2000 if len(groups["ny"]) == 2 else 0)
        # "/" follows the locale (3/4 is March 4 in the US); "." is always day.month.
        if groups["sep"] != "." and month_first(locale):
            month, day = first, second
        else:
            day, month = first, second
    elif groups["sa"]:
        first, second = int(groups["sa"]), int(groups["sb"])
        year = None
        day, month = (
            (second, first) if groups["ssep"] == "/" and month_first(locale) else (first, second)
        )
    elif groups["dd"]:
        day, month = int(groups["dd"]), _month(groups["dm"], locale) or 0
        year = int(groups["dy"]) if groups["dy"] else None
    else:
        month, day = _month(groups["mm"], locale) or 0, int(groups["md"])
        year = int(groups["my"]) if groups["my"] else None
    return _valid_date(year, month, day, sent)


def _month(word: str, locale: str) -> int | None:
    return month_names(locale).get(word.rstrip(".").casefold())


def _valid_date(year: int | None, month: int, day: int, sent: date) -> date | None:
    """A date without a year is the next one on or after the email's date."""
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(sent.year, month, day)
        return candidate if candidate >= sent else date(sent.year + 1, month, day)
    except ValueError:
        return None


def add_days(day: date, days: int) -> date:
    """``day`` plus ``days``, kept within the calendar (item dates can be anything)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def add_business_days(day: date, days: int) -> date:
    while days > 0:
        day = add_days(day, 1)
        days -= day.weekday() < 5
    return day


def _last_day(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: date) -> date:
    return add_days(_last_day(day), 1)


def _day_of_next_month(sent: date, day: int) -> date | None:
    first = _next_month(sent)
    return _valid_date(first.year, first.month, min(day, 28) if day > 31 else day, sent)


def _next_day_of_month(sent: date, day: int) -> date | None:
    """ "due on the 15th": this month's 15th, or next month's once it has passed."""
    this_month = _valid_date(sent.year, sent.month, day, sent)
    if this_month is not None and this_month >= sent:
        return this_month
    return _day_of_next_month(sent, day)


def _weekday(sent: date, name: str, *, next_week: bool) -> date | None:
    number = weekday_names().get(name.rstrip(".").casefold())
    if number is None:
        return None
    upcoming = add_days(sent, (number - sent.weekday()) % 7 or 7)
    # "next Friday" said on a Tuesday is the Friday of next week, not this one.
    same_week = upcoming.isocalendar()[:2] == sent.isocalendar()[:2]
    return add_days(upcoming, 7) if next_week and same_week else upcoming


def _named_month_end(sent: date, word: str) -> date | None:
    """ "end of May", "5月末": the last day of the next such month."""
    month = int(word) if word.isdigit() and 1 <= int(word) <= 12 else _month(word, "en")
    first = _valid_date(None, month, 1, sent.replace(day=1)) if month else None
    return _last_day(first) if first else None


# Each term: its lexicon key, the due date it gives (from the email's date and the value
# of its placeholder), and how sure that reading is.
_Rule = tuple[str, Callable[[date, str], date | None], float]
_RULES: tuple[_Rule, ...] = (
    ("net_days", lambda sent, n: add_days(sent, int(n)), 0.85),
    ("business_days", lambda sent, n: add_business_days(sent, int(n)), 0.85),
    ("days_after_month_end", lambda sent, n: add_days(_last_day(sent), int(n)), 0.85),
    # "30 jours fin de mois", "60 gg df fm": N days on, then to that month's end.
    ("days_then_month_end", lambda sent, n: _last_day(add_days(sent, int(n))), 0.85),
    ("next_month_end", lambda sent, _: _last_day(_next_month(sent)), 0.8),
    ("month_end", lambda sent, _: _last_day(sent), 0.8),
    ("day_of_next_month", lambda sent, d: _day_of_next_month(sent, int(d)), 0.8),
    ("named_month_end", _named_month_end, 0.8),
    ("on_receipt", lambda sent, _: sent, 0.8),
    ("tomorrow", lambda sent, _: add_days(sent, 1), 0.75),
    ("one_week", lambda sent, _: add_days(sent, 7), 0.75),
    ("day_of_month", lambda sent, d: _next_day_of_month(sent, int(d)), 0.7),
    ("in_weeks", lambda sent, n: add_days(sent, 7 * int(n)), 0.75),
    ("next_weekday", lambda sent, w: _weekday(sent, w, next_week=True), 0.75),
    ("this_weekday", lambda sent, w: _weekday(sent, w, next_week=False), 0.75),
)
# Longer terms that contain a shorter one: "end of next month" is not "end of month".
_SHADOWED_BY = {
    "month_end": ("next_month_end", "days_after_month_end", "days_then_month_end"),
    "net_days": ("days_after_month_end", "days_then_month_end", "business_days"),
    "this_weekday": ("next_weekday",),
    "day_of_month": ("day_of_next_month",),
}


def _first_term(text: str, sent: date, rule: _Rule) -> tuple[int, DueDate] | None:
    key, compute, confidence = rule
    pattern = term_re(key)
    shadows = [term_re(other) for other in _SHADOWED_BY.get(key, ())]
    position = 0
    while (match := pattern.search(text, position)) is not None:
        position = match.start() + 1
        if _not_a_payment_date(_line_before(text, match.start())):
            continue
        if any(_inside(shadow, text, match) for shadow in shadows):
            continue
        value = compute(sent, first_group(match) or "")
        if value is not None:
            source = snippet(text, match.start(), match.end())
            return match.start(), DueDate(value, confidence, source)
    return None


def _inside(pattern: re.Pattern[str], text: str, match: re.Match[str]) -> bool:
    """Whether a match of ``pattern`` overlaps ``match`` and is longer (a longer term
    containing it: "à 45 jours" in "45 jours fin de mois")."""
    lo = max(0, match.start() - 40)
    return any(
        m.start() < match.end() and m.end() > match.start() and m.end() > match.end()
        for m in pattern.finditer(text, lo, match.end() + 40)
    )
