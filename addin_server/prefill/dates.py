"""Due dates: absolute dates next to a due word ("due", "fällig", "échéance", "vence",
"期限", "まで"), payment terms ("net 30", "netto 30 Tage", "30 jours", "30 días",
"30日以内"), weekdays ("by Friday") and month ends ("end of month", "月末"), in
English, German, French, Spanish and Japanese, counted from the email's date."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from addin_server.prefill.snippets import snippet

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janv janvier enero ene",
        "february feb februar fév fev février fevrier febrero",
        "march mar märz mär maerz mars marzo",
        "april apr avril avr abril abr",
        "may mai mayo",
        "june jun juni juin junio",
        "july jul juli juillet juil julio",
        "august aug août aout agosto ago",
        "september sep sept septembre septiembre setiembre",
        "october oct oktober okt octobre octubre",
        "november nov novembre noviembre",
        "december dec dezember dez décembre decembre diciembre dic",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "monday montag lundi lunes 月曜日 月曜",
        "tuesday dienstag mardi martes 火曜日 火曜",
        "wednesday mittwoch mercredi miércoles miercoles 水曜日 水曜",
        "thursday donnerstag jeudi jueves 木曜日 木曜",
        "friday freitag vendredi viernes 金曜日 金曜",
        "saturday samstag samedi sábado sabado 土曜日 土曜",
        "sunday sonntag dimanche domingo 日曜日 日曜",
    )
):
    for _name in _names.split():
        _WEEKDAYS[_name] = _number


def _words(names: dict[str, int]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


# Any word where a month name may stand, checked against ``_MONTHS`` afterwards: one
# alternation of all month names in every language would be tried at every digit.
_MONTH_WORD = r"[^\W\d_]{3,10}(?![^\W\d_])\.?"
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_DATE = re.compile(
    r"(?<!\d)(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?!\d)"
    r"|(?:(?P<jy>\d{4})\s?年\s?)?(?P<jm>\d{1,2})\s?月\s?(?P<jd>\d{1,2})\s?日"
    r"|(?<![\d./-])(?P<na>\d{1,2})(?P<sep>[./])(?P<nb>\d{1,2})(?P=sep)(?P<ny>\d{4}|\d{2})(?![\d./-]?\d)"
    rf"|{_NOT_LETTER_BEFORE}(?P<dd>\d{{1,2}})(?:st|nd|rd|th|er|\.|º)?\s?(?:de\s)?"
    rf"(?P<dm>{_MONTH_WORD})(?:,?\s(?:de\s)?(?P<dy>\d{{4}}))?"
    rf"|{_NOT_LETTER_BEFORE}(?P<mm>{_MONTH_WORD})\s(?P<md>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?!\d)(?:,?\s(?P<my>\d{{4}}))?",
    re.IGNORECASE,
)
_DUE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:due|payable|pay|payment|paid|settle|by|before|no later than|deadline"
    r"|f[äa]llig|zahlbar|zahlung|bezahlen|überweisen|bis(?: zum| spätestens)?|spätestens"
    r"|[ée]ch[ée]ance|payer|paiement|r[èe]glement|avant le|au plus tard|d'ici|jusqu'au"
    r"|vence|vencimiento|pagar|pago|antes del?|a m[áa]s tardar|fecha l[íi]mite|hasta el)"
    # Japanese has no spaces between words: no boundary check.
    r"|期限|期日|支払|振込",
    re.IGNORECASE,
)
_DUE_AFTER = re.compile(r"\s?(?:\([^)]{1,4}\))?\s?(?:まで|迄|期限)")
_NOT_DUE = re.compile(
    r"deliver|ship|arriv|event|meeting|call|liefer|termin|livr|réunion|entreg|env[íi]o|reuni"
    r"|納品|発送|配送|会議",
    re.IGNORECASE,
)
_TERM_DAYS = re.compile(
    r"net\s?-?\s?(?P<a>\d{1,3})(?!\d)"
    r"|(?P<b>\d{1,3})\s(?:days?\snet|tage\snetto|jours\snets?|d[íi]as\snetos?)"
    r"|netto\s(?P<c>\d{1,3})\s?tage"
    r"|(?:within|in)\s(?P<d>\d{1,3})\sdays"
    r"|(?:innerhalb(?:\svon)?|innert|binnen|in|zahlungsziel:?)\s(?P<e>\d{1,3})\s?tag(?:en|e)"
    r"|(?:[àa]|sous|dans\sles|dans\sun\sd[ée]lai\sde|d[ée]lai\sde)\s(?P<f>\d{1,3})\sjours"
    r"|(?:a|en|dentro\sde(?:\slos)?|en\sun\splazo\sde|plazo\sde)\s(?P<g>\d{1,3})\sd[íi]as"
    r"|(?P<h>\d{1,3})\s?日以内"
    r"|payment\sterms?:?\s(?P<i>\d{1,3})\sdays",
    re.IGNORECASE,
)
_NEXT_MONTH_END = re.compile(
    r"end of (?:the )?next month|end of the following month"
    r"|ende (?:des )?(?:n[äa]chsten|folge)monats"
    r"|fin du mois (?:prochain|suivant)|fin del mes (?:pr[óo]ximo|siguiente)"
    r"|final del mes siguiente|翌月末",
    re.IGNORECASE,
)
_EOM = (
    r"end of (?:the |this )?month|\beom\b|monatsende|ende (?:dieses|des) monats"
    r"|fin (?:du|de) mois|fin de(?:l)? mes|final de(?:l)? mes|月末"
)
_MONTH_END = re.compile(_EOM, re.IGNORECASE)
# "30 days end of month", "30 jours fin de mois": the days first, then the month's end.
_DAYS_THEN_MONTH_END = re.compile(
    rf"(?P<days>\d{{1,3}})\s?(?:days?|jours|d[íi]as|tage)\s(?:,\s?)?(?:{_EOM})", re.IGNORECASE
)
# "end of May", "Ende Mai", "fin mai", "finales de mayo", "5月末".
_NAMED_MONTH_END = re.compile(
    rf"(?:end of|ende|fin(?: de)?|finales de|final de)\s(?P<word>{_MONTH_WORD})"
    r"|(?<!\d)(?P<number>\d{1,2})月末",
    re.IGNORECASE,
)
_ON_RECEIPT = re.compile(
    r"(?:due|payable|pay|payment)\s(?:up)?on\s(?:receipt|delivery)|upon receipt|sofort zahlbar"
    r"|zahlbar sofort|[àa] r[ée]ception|d[èe]s r[ée]ception|al recibir|a la recepci[óo]n",
    re.IGNORECASE,
)
_WEEKDAY_DUE = re.compile(
    r"(?:by|before|no later than|bis(?: zum)?|bis spätestens|avant|d'ici|pour"
    r"|jusqu'à|antes del?|para el|hasta el|a m[áa]s tardar)"
    r"\s(?:(?:this|next|coming|kommenden|nächsten|diesen"
    r"|prochain|este|el pr[óo]ximo|el)\s)?"
    rf"(?P<day>{_words(_WEEKDAYS)}){_NOT_LETTER_AFTER}"
    rf"|(?P<jday>{_words({k: v for k, v in _WEEKDAYS.items() if k[0] in '月火水木金土日'})})"
    r"(?:日)?\s?(?:まで|迄)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DueDate:
    value: date
    confidence: float
    source: str


def find_due_date(text: str, sent: date, locale: str) -> DueDate | None:
    """The due date the text asks for, counted from the email's date ``sent``."""
    absolute = _absolute_due(text, sent, locale)
    if absolute is not None:
        return absolute
    relative = [
        found
        for found in (_term_due(text, sent), _month_end_due(text, sent), _weekday_due(text, sent))
        if found is not None
    ]
    if relative:
        # The first stated in the text: later mentions are usually reminders of it.
        return min(relative, key=lambda pair: pair[0])[1]
    return None


def _absolute_due(text: str, sent: date, locale: str) -> DueDate | None:
    month_first = locale.lower().replace("_", "-") in ("en-us", "en-ph", "en")
    position = 0
    while (match := _DATE.search(text, position)) is not None:
        position = match.end()
        month_word = match.group("dm") or match.group("mm")
        if month_word and _month(month_word) is None:
            position = match.start() + 1  # "Order 12 March": retry at the number
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[max(line_start, match.start() - 60) : match.start()]
        after = text[match.end() : match.end() + 12]
        due_word = _last(_DUE_BEFORE, before)
        if due_word is None and not _DUE_AFTER.match(after):
            continue
        if due_word is not None and _NOT_DUE.search(before[max(0, due_word - 25) :]):
            continue
        value = _to_date(match, sent, month_first)
        if value is not None:
            return DueDate(value, 0.9, snippet(text, match.start(), match.end()))
    return None


def _last(pattern: re.Pattern[str], text: str) -> int | None:
    found = None
    for match in pattern.finditer(text):
        found = match.start()
    return found


def _to_date(match: re.Match[str], sent: date, month_first: bool) -> date | None:
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
        if groups["sep"] == "/" and month_first:
            month, day = first, second
        else:
            day, month = first, second
    elif groups["dd"]:
        day, month = int(groups["dd"]), _month(groups["dm"]) or 0
        year = int(groups["dy"]) if groups["dy"] else None
    else:
        month, day = _month(groups["mm"]) or 0, int(groups["md"])
        year = int(groups["my"]) if groups["my"] else None
    return _valid_date(year, month, day, sent)


def _month(word: str) -> int | None:
    return _MONTHS.get(word.rstrip(".").lower())


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


def _term_due(text: str, sent: date) -> tuple[int, DueDate] | None:
    for match in _TERM_DAYS.finditer(text):
        if _NOT_DUE.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        days = int(next(g for g in match.groups() if g))
        source = snippet(text, match.start(), match.end())
        return match.start(), DueDate(add_days(sent, days), 0.85, source)
    receipt = _ON_RECEIPT.search(text)
    if receipt:
        return receipt.start(), DueDate(sent, 0.8, snippet(text, receipt.start(), receipt.end()))
    return None


def _month_end_due(text: str, sent: date) -> tuple[int, DueDate] | None:
    found: list[tuple[int, int, date]] = []  # (start, end, due date)
    if match := _DAYS_THEN_MONTH_END.search(text):
        found.append((match.start(), match.end(), _last_day(add_days(sent, int(match["days"])))))
    elif match := _NEXT_MONTH_END.search(text):
        found.append((match.start(), match.end(), _last_day(add_days(_last_day(sent), 1))))
    elif match := _MONTH_END.search(text):
        found.append((match.start(), match.end(), _last_day(sent)))
    for named in _NAMED_MONTH_END.finditer(text):
        month = _month(named["word"]) if named["word"] else int(named["number"])
        first_day = _valid_date(None, month, 1, sent.replace(day=1)) if month else None
        if first_day is not None:
            found.append((named.start(), named.end(), _last_day(first_day)))
            break
    if not found:
        return None
    start, end, value = min(found)
    return start, DueDate(value, 0.8, snippet(text, start, end))


def _last_day(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _weekday_due(text: str, sent: date) -> tuple[int, DueDate] | None:
    match = _WEEKDAY_DUE.search(text)
    if match is None:
        return None
    name = (match.group("day") or match.group("jday")).lower()
    ahead = (_WEEKDAYS[name] - sent.weekday()) % 7 or 7
    value = add_days(sent, ahead)
    return match.start(), DueDate(value, 0.75, snippet(text, match.start(), match.end()))
