"""CLDR knowledge the engine reads (built from Babel by ``cldr``, stored in ``cldr.json``):
month and weekday names, month-first short dates, each region's currency and weekend,
and which currencies a symbol or name may stand for."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PATH = Path(__file__).with_name("cldr.json")


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_PATH.read_text(encoding="utf-8"))
    return data


@cache
def month_names(tag: str) -> dict[str, int]:
    """Month names an email in ``tag`` may use: every language's full names ("march",
    "märz", "jänner", "stycznia"), and abbreviations in English and the email's language
    only ("des." is December in Norwegian and a word in French)."""
    language = _tags(tag)[1]
    full: dict[str, dict[str, int]] = _data()["months"]
    short: dict[str, dict[str, int]] = _data()["month_abbreviations"]
    names = {name: n for table in full.values() for name, n in table.items()}
    for code in ("en", language):
        names.update({k: v for k, v in short.get(code, {}).items() if k not in names})
    return names


def weekday_names() -> dict[str, int]:
    """ "friday" -> 4, "freitag" -> 4, "金曜日" -> 4, ... (Monday is 0)."""
    weekdays: dict[str, int] = _data()["weekdays"]
    return weekdays


@cache
def weekend(tag: str) -> frozenset[int]:
    """The weekend days (Monday is 0) of the locale's region: Friday and Saturday in
    "en-SA", Saturday and Sunday in "en-AE" (since 2022) and where no region is named."""
    region = _tags(tag)[0].rpartition("_")[2]
    days: dict[str, list[int]] = _data()["weekends"]
    return frozenset(days.get(region, (5, 6)))


def _tags(tag: str) -> tuple[str, str]:
    """ "de-AT" -> ("de_AT", "de"): the locale as CLDR names it, and its language."""
    parts = tag.replace("-", "_").split("_")
    language = parts[0].lower()
    return "_".join([language, *(p.upper() if len(p) == 2 else p for p in parts[1:])]), language


@cache
def _month_first_tags() -> frozenset[str]:
    return frozenset(_data()["month_first"])


@cache
def _known_tag(tag: str) -> str:
    """The CLDR locale of the lexicon closest to ``tag``: itself, the same language in
    the same region ("zh-TW" -> "zh_Hant_TW"), else its language."""
    full, language = _tags(tag)
    known: dict[str, str] = _data()["region_currency"]
    if full in known:
        return full
    region = full.rpartition("_")[2] if "_" in full else ""
    same = [t for t in known if t.split("_")[0] == language and t.endswith(f"_{region}")]
    return same[0] if region and same else language


def month_first(tag: str) -> bool:
    """Whether the locale writes short dates month first (en-US: 3/4 is March 4). A region
    the lexicon does not list reads as the language's world form (en-SA as en_001)."""
    known = _known_tag(tag)
    full, language = _tags(tag)
    world = f"{language}_001"
    if known == language and "_" in full and world in _data()["world_locales"]:
        known = world
    return known in _month_first_tags()


def region_currency(tag: str) -> str | None:
    """The currency of the locale's region, else of its language's likeliest region."""
    known: dict[str, str] = _data()["region_currency"]
    return known.get(_known_tag(tag))


@cache
def currency_marks() -> dict[str, frozenset[str]]:
    """Symbol or name -> the currencies it may stand for ("$" -> USD, CAD, AUD, ...)."""
    return {mark: frozenset(codes) for mark, codes in _data()["currency_marks"].items()}


def preferred_reading() -> dict[str, str]:
    """An ambiguous symbol's reading when nothing else settles it ("$" -> USD)."""
    preferred: dict[str, str] = _data()["preferred_reading"]
    return preferred
