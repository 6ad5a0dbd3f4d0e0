"""Language knowledge from CLDR, through Babel, for every locale a lexicon file lists:
month and weekday names, whether short dates put the month first, each region's
currency, and currency symbols and names; and, for every region, its weekend.

Loading some fifty CLDR locales takes seconds, so this runs when the lexicon changes
(``python -m addin_server.prefill.lexicon.cldr`` writes ``cldr.json``; a test checks the
file is what Babel gives) and the engine reads the JSON (``locale_data``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Literal

from babel import Locale, UnknownLocaleError, localedata
from babel.core import get_global
from babel.dates import get_date_format, get_day_names, get_month_names
from babel.numbers import get_currency_name, get_currency_symbol, get_territory_currencies

from addin_server.currencies import MINOR_UNITS
from addin_server.prefill.lexicon import (
    extra_currency_marks,
    is_unspaced,
    languages,
    preferred_readings,
)

JSON_PATH = Path(__file__).with_name("cldr.json")

# Currencies whose names and symbols are read in every language (besides each locale's own).
WIDELY_USED = [
    *("USD", "EUR", "GBP", "JPY", "CNY", "INR", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK"),
    *("PLN", "CZK", "TRY", "KRW", "BRL", "MXN", "HKD", "SGD", "NZD", "ZAR", "AED", "SAR"),
    *("TWD", "HUF", "ILS", "THB", "MYR"),
]


def _locales() -> list[Locale]:
    found = []
    for name in dict.fromkeys(n for lang in languages() for n in lang.locales):
        try:
            found.append(Locale.parse(name))
        except (UnknownLocaleError, ValueError):
            continue
    return found


def _key(name: str) -> str:
    return name.casefold().rstrip(".")


def month_names(
    locales: list[Locale], width: Literal["wide", "abbreviated"]
) -> dict[str, dict[str, int]]:
    """Per language: "march" -> 3, "märz" -> 3, "jänner" -> 1, "stycznia" -> 1 (wide);
    "mar" -> 3, "sty" -> 1 (abbreviated)."""
    names: dict[str, dict[str, int]] = defaultdict(dict)
    for locale in locales:
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale).items():
                if not any(c.isdigit() for c in name) and len(_key(name)) >= 3:
                    names[locale.language].setdefault(_key(name), number)
    return dict(sorted(names.items()))


def weekday_names(locales: list[Locale]) -> dict[str, int]:
    """ "friday" -> 4, "freitag" -> 4, "vendredi" -> 4, "金曜日" -> 4, ... (Monday is 0)."""
    names: dict[str, int] = {}
    for locale in locales:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_day_names(width, context, locale).items():
                    key = _key(name)
                    # One-character abbreviations (金, 월) are ordinary words too.
                    if len(key) >= 3 or (len(key) == 2 and is_unspaced(key[0])):
                        names.setdefault(key, number)
    return names


def month_first(locale: Locale) -> bool:
    """Whether the locale reads a short date month first (en-US: 3/4 is March 4). A short
    date that starts with the year (sv "y-MM-dd", ja "y/MM/dd") says nothing of how a
    day and month alone are written; the medium date does (sv "d MMM y", ja "y/MM/dd")."""
    pattern = get_date_format("short", locale=locale).pattern
    if pattern.lstrip("'").startswith("y"):
        pattern = get_date_format("medium", locale=locale).pattern
    pattern = re.sub(r"'[^']*'", "", pattern)
    return pattern.find("M") < pattern.find("d")


def weekends() -> dict[str, list[int]]:
    """Region -> its weekend days (Monday is 0), for the regions whose weekend is not
    Saturday and Sunday: "SA" -> [4, 5] (Friday, Saturday), "IN" -> [6]. The UAE moved to
    Saturday and Sunday in 2022, and CLDR with it."""
    found: dict[str, list[int]] = {}
    for name in localedata.locale_identifiers():
        locale = Locale.parse(name)
        if locale.territory and locale.territory not in found:
            start, end = locale.weekend_start, locale.weekend_end
            found[locale.territory] = [(start + i) % 7 for i in range((end - start) % 7 + 1)]
    return {region: days for region, days in sorted(found.items()) if days != [5, 6]}


def region_currency(locale: Locale) -> str | None:
    """The currency of the locale's region: its own, else its language's likeliest."""
    territory = locale.territory
    if territory is None:
        likely = get_global("likely_subtags").get(locale.language, "")
        territory = next((p for p in likely.split("_")[1:] if p.isupper() and len(p) == 2), None)
    if territory is None:
        return None
    currencies = get_territory_currencies(territory)
    return currencies[0] if currencies else None


def currency_marks(locales: list[Locale]) -> dict[str, list[str]]:
    """Symbol or name -> the currencies it may stand for: "$" -> {USD, CAD, AUD, ...},
    "zł" -> {PLN}, "kr" -> {SEK, NOK, DKK}, "euros" -> {EUR}, "hong kong dollars" -> {HKD}.
    Names are folded to lower case; symbols keep their case."""
    marks: dict[str, set[str]] = defaultdict(set)
    for locale in locales:
        own = get_territory_currencies(locale.territory) if locale.territory else []
        for code in dict.fromkeys([*own[:1], *WIDELY_USED]):
            symbol = get_currency_symbol(code, locale)
            if symbol != code and (not symbol.isascii() or symbol.endswith("$") or code in own):
                marks[symbol].add(code)
            for count in (1, 2, 5):
                marks[get_currency_name(code, count, locale).casefold()].add(code)
    for mark, meaning in extra_currency_marks().items():
        # A code, several codes ("元" is also the Taiwan and Hong Kong dollar), or another mark.
        meanings = meaning if isinstance(meaning, list) else [meaning]
        codes = {m for m in meanings if m in MINOR_UNITS}
        key = mark if codes or not mark.isalpha() else mark.casefold()
        marks[key] |= codes or marks[meanings[0]]
    return {mark: sorted(codes) for mark, codes in sorted(marks.items()) if mark and codes}


def preferred_reading() -> dict[str, str]:
    """The reading of an ambiguous symbol when neither the merchant nor the email's region
    settles it: the one English gives it ("$" -> USD, "¥" -> JPY)."""
    english = Locale.parse("en")
    readings = {get_currency_symbol(code, english): code for code in reversed(WIDELY_USED)}
    return readings | preferred_readings()


def world_locales(locales: list[Locale]) -> dict[str, Locale]:
    """ "en_001": how a language is written in the regions the lexicon does not list (en-SA
    and en-QA write 5/3 for March 5, as en_001 does, not month first as bare "en")."""
    found = {}
    for language in dict.fromkeys(locale.language for locale in locales):
        if f"{language}_001" in localedata.locale_identifiers():
            found[f"{language}_001"] = Locale.parse(f"{language}_001")
    return found


def build() -> dict[str, Any]:
    locales = _locales()
    tags = {str(locale): locale for locale in locales}
    tags.update({locale.language: Locale.parse(locale.language) for locale in locales})
    world = world_locales(locales)
    return {
        "world_locales": sorted(world),
        "months": month_names(locales, "wide"),
        "month_abbreviations": month_names(locales, "abbreviated"),
        "weekdays": weekday_names(locales),
        "month_first": sorted(tag for tag, locale in (tags | world).items() if month_first(locale)),
        "region_currency": {
            tag: code for tag, locale in sorted(tags.items()) if (code := region_currency(locale))
        },
        "currency_marks": currency_marks(locales),
        "preferred_reading": preferred_reading(),
        "weekends": weekends(),
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


if __name__ == "__main__":
    JSON_PATH.write_text(dumps(build()), encoding="utf-8")
