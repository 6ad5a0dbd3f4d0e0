"""Payment terms ("net 30", "10 business days", "end of next month", "30 days after month
end", "the 10th of next month", "mid next month", "end of the quarter", "by next Friday",
"by the end of next week", "upon receipt", "on delivery"): the first a text states,
counted from the email's date.

Templates come from the lexicon (``[terms]``), weekday names and each region's weekend
(for business days: Friday and Saturday in Saudi Arabia, Saturday and Sunday in the UAE
since 2022) from CLDR (``lexicon.locale_data``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from addin_server.prefill.lexicon import (
    first_group,
    reading_languages,
    term_re_in,
    weekday_names,
    word_re_in,
)
from addin_server.prefill.lexicon.locale_data import month_names, weekend
from addin_server.prefill.snippets import snippet

# How far before a date or term a word that makes it no due date may stand.
WINDOW = 60
_NEAR = 30


@dataclass(frozen=True)
class DueDate:
    value: date
    confidence: float
    source: str


@dataclass(frozen=True)
class Reading:
    """How an email's dates are read: counted from its date, with the words of its
    languages, and its region's weekend."""

    sent: date
    locale: str
    languages: tuple[str, ...]
    weekend: frozenset[int]

    @classmethod
    def of(cls, sent: date, locale: str) -> Reading:
        return cls(sent, locale, reading_languages(locale), weekend(locale))

    def words(self, key: str) -> re.Pattern[str]:
        return word_re_in(self.languages, key)

    def due_word(self, text: str) -> bool:
        """Whether ``text`` has a word of paying or of a deadline ("pay", "bis", "まで")."""
        return bool(word_re_in(self.languages, "due", "due_after").search(text))


def line_before(text: str, start: int, earliest: int = 0) -> str:
    """The text before ``start`` on its line, at most ``WINDOW`` long, from ``earliest``."""
    line_start = max(text.rfind("\n", 0, start) + 1, earliest)
    return text[max(line_start, start - WINDOW) : start]


def clause_end(before: str) -> str:
    """The last few words of ``before``, from its last comma (or "、"), semicolon or
    bracket; a label before a colon stays ("送貨日期: 8月20日前" is a delivery date)."""
    return re.split(r"[,;(\u3001]", before[-_NEAR:])[-1]


def not_a_payment_date(before: str, reading: Reading) -> bool:
    """Delivery, event and meeting dates, a quote's expiry, and the early-payment
    discount's date or term."""
    near = clause_end(before)
    return bool(reading.words("not_due").search(near) or is_discount(near, reading))


def is_discount(text: str, reading: Reading) -> bool:
    """Whether ``text`` speaks of an early-payment discount ("2 % Skonto"), not of its
    absence ("zahlbar ohne Abzug")."""
    taken = reading.words("no_discount").sub(" ", text)
    return bool(reading.words("early_payment").search(taken))


def valid_date(year: int | None, month: int, day: int, sent: date) -> date | None:
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


def add_business_days(day: date, days: int, weekend_days: frozenset[int]) -> date:
    if len(weekend_days) >= 7:
        return add_days(day, days)
    while days > 0:
        day = add_days(day, 1)
        days -= day.weekday() not in weekend_days and day < date.max
    return day


def _end_of_week(sent: date, weekend_days: frozenset[int]) -> date:
    """The week's last working day, the day before the region's weekend starts."""
    for offset in range(7):
        day = add_days(sent, offset)
        if day.weekday() not in weekend_days and (day.weekday() + 1) % 7 in weekend_days:
            return day
    return sent


def _last_day(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(day: date) -> date:
    return add_days(_last_day(day), 1)


def _day_of_next_month(sent: date, day: int) -> date | None:
    first = _next_month(sent)
    return valid_date(first.year, first.month, min(day, 28) if day > 31 else day, sent)


def _next_day_of_month(sent: date, day: int) -> date | None:
    """ "due on the 15th": this month's 15th, or next month's once it has passed."""
    this_month = valid_date(sent.year, sent.month, day, sent)
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


def _quarter_end(sent: date) -> date:
    """The last day of the calendar quarter ``sent`` falls in."""
    return _last_day(sent.replace(month=(sent.month - 1) // 3 * 3 + 3, day=1))


def _named_month_end(sent: date, word: str) -> date | None:
    """ "end of May", "5月末": the last day of the next such month."""
    named = month_names("en").get(word.rstrip(".").casefold())
    month = int(word) if word.isdigit() and 1 <= int(word) <= 12 else named
    first = valid_date(None, month, 1, sent.replace(day=1)) if month else None
    return _last_day(first) if first else None


# Each term: its lexicon key, the due date it gives (from the reading and the value of its
# placeholder), and how sure that reading is.
_Rule = tuple[str, Callable[[Reading, str], date | None], float]
_RULES: tuple[_Rule, ...] = (
    # Counted from the delivery date when the email states one (``dates``), else today.
    ("days_after_delivery", lambda r, n: add_days(r.sent, int(n)), 0.85),
    ("net_days", lambda r, n: add_days(r.sent, int(n)), 0.85),
    ("business_days", lambda r, n: add_business_days(r.sent, int(n), r.weekend), 0.85),
    ("days_after_month_end", lambda r, n: add_days(_last_day(r.sent), int(n)), 0.85),
    # "30 jours fin de mois", "60 gg df fm": N days on, then to that month's end.
    ("days_then_month_end", lambda r, n: _last_day(add_days(r.sent, int(n))), 0.85),
    ("second_month_end", lambda r, _: _last_day(_next_month(_next_month(r.sent))), 0.8),
    ("next_month_end", lambda r, _: _last_day(_next_month(r.sent)), 0.8),
    ("month_end", lambda r, _: _last_day(r.sent), 0.8),
    ("day_of_next_month", lambda r, d: _day_of_next_month(r.sent, int(d)), 0.8),
    ("mid_next_month", lambda r, _: _day_of_next_month(r.sent, 15), 0.75),
    ("quarter_end", lambda r, _: _quarter_end(r.sent), 0.8),
    ("named_month_end", lambda r, m: _named_month_end(r.sent, m), 0.8),
    ("on_receipt", lambda r, _: r.sent, 0.8),
    # The delivery date when the email states one (``dates`` looks for it), else today.
    ("on_delivery", lambda r, _: r.sent, 0.8),
    ("tomorrow", lambda r, _: add_days(r.sent, 1), 0.75),
    ("one_week", lambda r, _: add_days(r.sent, 7), 0.75),
    ("two_weeks", lambda r, _: add_days(r.sent, 14), 0.75),
    ("week_end", lambda r, _: _end_of_week(r.sent, r.weekend), 0.75),
    ("next_week_end", lambda r, _: _end_of_week(add_days(r.sent, 7), r.weekend), 0.7),
    ("day_of_month", lambda r, d: _next_day_of_month(r.sent, int(d)), 0.7),
    ("in_weeks", lambda r, n: add_days(r.sent, 7 * int(n)), 0.75),
    ("next_weekday", lambda r, w: _weekday(r.sent, w, next_week=True), 0.75),
    ("this_weekday", lambda r, w: _weekday(r.sent, w, next_week=False), 0.75),
)
# Longer terms that contain a shorter one: "end of next month" is not "end of month".
_SHADOWED_BY = {
    "month_end": (
        "day_of_next_month",
        "next_month_end",
        "second_month_end",
        "days_after_month_end",
        "days_then_month_end",
    ),
    "net_days": (
        "days_after_month_end",
        "days_then_month_end",
        "business_days",
        "days_after_delivery",
    ),
    "this_weekday": ("next_weekday",),
    "day_of_month": ("day_of_next_month",),
}


# Terms that name a day without a word of paying ("next Friday", "下周二", "tomorrow") are
# payment dates only in a sentence that speaks of paying: "let's meet next Friday" is not.
_NEEDS_DUE_WORD = frozenset({"this_weekday", "next_weekday", "tomorrow"})
# A sentence ends at ". ! ?" before a space, at "。" or at its line's end (the engine folds
# text as NFKC: full-width marks are plain).
_SENTENCE_END = re.compile(r"[.!?]\s|[。\n]")
_SENTENCE_REACH = 120


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]``, at most ``_SENTENCE_REACH`` each side."""
    ends_before = list(_SENTENCE_END.finditer(text, max(0, start - _SENTENCE_REACH), start))
    first = ends_before[-1].end() if ends_before else max(0, start - _SENTENCE_REACH)
    end_after = _SENTENCE_END.search(text, end, end + _SENTENCE_REACH)
    return text[first : end_after.start() if end_after else end + _SENTENCE_REACH]


def first_term(text: str, reading: Reading) -> tuple[str, DueDate] | None:
    """The payment term stated first in the text (later mentions are usually reminders
    of it), with its rule's key; at one place, the first rule that reads it."""
    anywhere = term_re_in(reading.languages, *(key for key, _, _ in _RULES))
    position = 0
    # One pass finds where any term starts; only there is each rule tried.
    while (match := anywhere.search(text, position)) is not None:
        position = match.start() + 1
        for rule in _RULES:
            due = _rule_at(text, match.start(), reading, rule)
            if due is not None:
                return rule[0], due
    return None


def _rule_at(text: str, start: int, reading: Reading, rule: _Rule) -> DueDate | None:
    key, compute, confidence = rule
    match = term_re_in(reading.languages, key).match(text, start)
    if match is None or not_a_payment_date(line_before(text, start), reading):
        return None
    shadows = (term_re_in(reading.languages, other) for other in _SHADOWED_BY.get(key, ()))
    if any(_inside(shadow, text, match) for shadow in shadows):
        return None
    if key in _NEEDS_DUE_WORD and not reading.due_word(_sentence(text, match.start(), match.end())):
        return None
    value = compute(reading, first_group(match) or "")
    if value is None:
        return None
    return DueDate(value, confidence, snippet(text, match.start(), match.end()))


def _inside(pattern: re.Pattern[str], text: str, match: re.Match[str]) -> bool:
    """Whether a match of ``pattern`` overlaps ``match`` and is longer (a longer term
    containing it: "à 45 jours" in "45 jours fin de mois")."""
    lo = max(0, match.start() - 40)
    return any(
        m.start() < match.end() and m.end() > match.start() and m.end() > match.end()
        for m in pattern.finditer(text, lo, match.end() + 40)
    )
