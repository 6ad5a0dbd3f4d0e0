"""What the pre-fill engine knows of each language, as data: one TOML file per language
(``<code>.toml`` beside this module). Adding a language adds a file, not code.

A file has ``locales`` (the CLDR locales Babel reads month, weekday, number and currency
names from, see ``locale_data``), ``[words]`` (phrase lists: total words, due words, units
...), ``[terms]`` (payment-term templates), ``[numbers]`` (number words and scales) and
``[currency]`` (marks CLDR does not know, e.g. ``"S$" = "SGD"``; a value that is no ISO
code is another mark: ``kronor = "kr"``), ``[preferred]`` (an ambiguous mark's reading
when nothing in the email settles it) and ``[eras]`` (a calendar era and the Gregorian
year before its first: ``"令和" = 2018``, ``"民國" = 1911``).

Phrases are literal text, matched case-insensitively; a space matches any run of spaces.
A phrase ending in ``*`` is a stem (``deliver*`` matches "delivery"). Words of spaced
scripts match whole words only; Chinese, Japanese and Korean phrases match anywhere.
Templates add placeholders, each read as one capture group: ``{n}`` a count of days,
``{d}`` a day of the month (``10th``, ``10.``), ``{o}`` one with an ordinal suffix
(``15th``), ``{w}`` a weekday name, ``{m}`` a month name (both checked against
``locale_data`` by the caller), ``{p}`` a percentage, ``{x}`` one word ("10 chairs
instead of 12") and ``{any}`` a short stretch of text (the last three not captured). In a
template a space may follow a colon, as labels are written ("Betalingsfrist: 14 dager"
matches ``betalingsfrist {n} dager``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

from addin_server.prefill.lexicon import locale_data

_DIR = Path(__file__).resolve().parent
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_PLACEHOLDERS = {
    # A count never starts inside a longer number: a run of digits fails at its first step.
    "{n}": r"(?<!\d)(\d{1,3})(?!\d)",
    "{d}": r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|e|º|\.|:e|:a)?",
    "{o}": r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)",
    "{w}": r"([^\W\d_]{2,12}\.?)",
    "{m}": r"([^\W\d_]{3,12}\.?)",
    "{p}": r"\d{1,2}(?:[.,]\d{1,2})?\s?%",
    "{x}": r"[^\W\d_]{1,20}",
    "{any}": r"[^\n]{0,300}?",
}
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in _PLACEHOLDERS))


@dataclass(frozen=True)
class Language:
    code: str
    locales: tuple[str, ...]
    words: dict[str, tuple[str, ...]]
    terms: dict[str, tuple[str, ...]]
    numbers: dict[str, int]
    scales: dict[str, int]
    shares: dict[str, Fraction]
    currency: dict[str, str | list[str]]
    preferred: dict[str, str]
    eras: dict[str, int]


def _load(path: Path) -> Language:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    numbers = data.get("numbers", {})
    return Language(
        code=path.stem,
        locales=tuple(data.get("locales", [path.stem])),
        words={k: tuple(v) for k, v in data.get("words", {}).items()},
        terms={k: tuple(v) for k, v in data.get("terms", {}).items()},
        numbers={k.casefold(): int(v) for k, v in numbers.get("words", {}).items()},
        scales={k.casefold(): int(v) for k, v in numbers.get("scales", {}).items()},
        shares={k.casefold(): Fraction(v) for k, v in numbers.get("shares", {}).items()},
        currency=dict(data.get("currency", {})),
        preferred=dict(data.get("preferred", {})),
        eras={k: int(v) for k, v in data.get("eras", {}).items()},
    )


@cache
def languages() -> tuple[Language, ...]:
    """Every language with a lexicon file, English first (its readings break ties)."""
    paths = sorted(_DIR.glob("*.toml"), key=lambda p: (p.stem != "en", p.stem))
    return tuple(_load(path) for path in paths)


def words(key: str) -> tuple[str, ...]:
    """The phrases filed under ``[words] key`` in every language."""
    return tuple(dict.fromkeys(w for lang in languages() for w in lang.words.get(key, ())))


def terms(key: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for lang in languages() for t in lang.terms.get(key, ())))


def reading_languages(locale: str) -> tuple[str, ...]:
    """The lexicon files an email read in ``locale`` is matched with: English and the
    locale's language. Short words mean other things elsewhere (Polish "termin" is a due
    word, German "Termin" an appointment; Danish "by" is a town)."""
    language = locale.replace("_", "-").split("-")[0].lower()
    return tuple(dict.fromkeys(("en", language)))


@cache
def word_re_in(codes: tuple[str, ...], *keys: str) -> re.Pattern[str]:
    """One pattern for the phrases under ``keys`` in the languages ``codes``."""
    chosen = [lang for lang in languages() if lang.code in codes]
    phrases = [w for key in keys for lang in chosen for w in lang.words.get(key, ())]
    return re.compile(alternation(phrases), re.IGNORECASE)


@cache
def term_re_in(codes: tuple[str, ...], *keys: str) -> re.Pattern[str]:
    """One pattern for the term templates under ``keys`` in the languages ``codes`` (a
    sixth of every language's: the due-date search runs them on every email)."""
    chosen = [lang for lang in languages() if lang.code in codes]
    templates = [t for key in keys for lang in chosen for t in lang.terms.get(key, ())]
    return re.compile(alternation(templates, labels=True), re.IGNORECASE)


@cache
def eras() -> dict[str, int]:
    """ "令和" -> 2018, "民國" -> 1911: year N of an era is this plus N."""
    return {k: v for lang in languages() for k, v in lang.eras.items()}


@cache
def ordinals() -> dict[str, int]:
    """ "second" -> 2, "zweiten" -> 2, "第二" -> 2: each language's ``ordinal`` list in
    order, an entry's forms separated by "|"."""
    return {
        form.casefold(): place
        for lang in reversed(languages())
        for place, entry in enumerate(lang.words.get("ordinal", ()), start=1)
        for form in entry.split("|")
    }


@cache
def weekday_names() -> dict[str, int]:
    """CLDR's weekday names ("friday" -> 4, "金曜日" -> 4, Monday is 0) and the inflected
    forms CLDR does not give, from each language's ``weekday_forms`` (Monday first, an
    entry's forms separated by "|": Polish "do piątku", Czech "do pátku")."""
    names = dict(locale_data.weekday_names())
    for lang in languages():
        for day, entry in enumerate(lang.words.get("weekday_forms", ())):
            names.update(dict.fromkeys((form.casefold() for form in entry.split("|")), day))
    return names


@cache
def weekday_re() -> re.Pattern[str]:
    """A weekday name (``weekday_names``), matched whole."""
    return re.compile(_names(tuple(weekday_names())), re.IGNORECASE)


@cache
def number_words(locale: str) -> dict[str, int]:
    """English number words ("two", "a dozen") and those of the locale's language ("zwei"):
    only those, as one language's number is another's word (Italian "due")."""
    language = locale.replace("_", "-").split("-")[0].lower()
    chosen = [lang for lang in languages() if lang.code in ("en", language)]
    return {k: v for lang in reversed(chosen) for k, v in lang.numbers.items()}


@cache
def number_word_re(locale: str) -> re.Pattern[str]:
    """The locale's number words, or a weekday name: a weekday may be written with a
    number word ("周五", "星期三") and stays a name."""
    weekdays = _names(tuple(weekday_names()))
    numbers = alternation(list(number_words(locale)))
    return re.compile(f"(?P<weekday>{weekdays})|{numbers}", re.IGNORECASE)


def with_digits(text: str, locale: str) -> str:
    """Number words as digits: "within thirty days" -> "within 30 days"."""
    words = number_words(locale)
    return number_word_re(locale).sub(
        lambda m: m.group() if m.group("weekday") else str(words[m.group().casefold()]), text
    )


@cache
def scales() -> dict[str, int]:
    """ "k" -> 1000, "万" -> 10000, "lakh" -> 100000, ... in every language."""
    return scales_in(tuple(lang.code for lang in languages()))


@cache
def scales_in(codes: tuple[str, ...]) -> dict[str, int]:
    """The scales of the languages ``codes`` only: Spanish and Portuguese "mil" is a
    thousand, Czech "mil" a million."""
    chosen = [lang for lang in reversed(languages()) if lang.code in codes]
    return {k: v for lang in chosen for k, v in lang.scales.items()}


@cache
def shares() -> dict[str, Fraction]:
    """ "half" -> 1/2, "a third" -> 1/3, "一半" -> 1/2, ... in every language."""
    return {k: v for lang in reversed(languages()) for k, v in lang.shares.items()}


@cache
def share_re() -> re.Pattern[str]:
    """A share of a whole named in words (``shares``)."""
    return re.compile(alternation(list(shares())), re.IGNORECASE)


@cache
def extra_currency_marks() -> dict[str, str | list[str]]:
    return {k: v for lang in reversed(languages()) for k, v in lang.currency.items()}


def preferred_readings() -> dict[str, str]:
    return {k: v for lang in reversed(languages()) for k, v in lang.preferred.items()}


def is_unspaced(char: str) -> bool:
    """Chinese, Japanese and Korean: words are not set off by spaces or boundaries."""
    return "\u1100" <= char <= "\u11ff" or "\u2e80" <= char <= "\ud7af" or char >= "\uf900"


def _tokens(phrase: str, labels: bool = False) -> tuple[list[str], bool, bool]:
    """A phrase's pieces of pattern (a character, a space, a placeholder each) and whether
    it needs a word boundary before and after it; with ``labels``, a space may follow a
    colon."""
    stem = phrase.endswith("*")
    text = phrase.rstrip("*").strip()
    tokens: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        before_text, after_text = text[position : match.start()], text[match.end() :]
        # Chinese, Japanese and Korean may set a number off by a space: "月结 30 天".
        space_before = r"\s?" if before_text[-1:] and is_unspaced(before_text[-1]) else ""
        space_after = r"\s?" if after_text[:1] and is_unspaced(after_text[0]) else ""
        tokens.extend(_literal(before_text, labels))
        tokens.append(space_before + _placeholder(match.group()) + space_after)
        position = match.end()
    tokens.extend(_literal(text[position:], labels))
    first, last = text[:1], text[-1:]
    before = first.isalpha() and not is_unspaced(first)
    after = last.isalpha() and not is_unspaced(last) and not stem
    return [t for t in tokens if t], before, after


def _placeholder(name: str) -> str:
    """A placeholder's pattern: weekday and month names are CLDR's (``locale_data``), so
    that a template starting with one is not tried as every run of letters."""
    if name == "{w}":
        return f"((?:{_names(tuple(weekday_names()))})\\.?)"
    if name == "{m}":
        return f"((?:{_names(tuple(locale_data.month_names('en')))})\\.?)"
    return _PLACEHOLDERS[name]


@cache
def _names(names: tuple[str, ...]) -> str:
    """Whole names (a name of a spaced script ends where its word does: "Fri" is not
    "Friday", "金曜日" may run on into "まで")."""
    members = []
    for name in sorted(set(names), key=lambda n: (-len(n), n)):
        end = [] if is_unspaced(name[-1]) else [_NOT_LETTER_AFTER]
        members.append(((-len(name), name), [re.escape(c) for c in name] + end))
    # One look at the first letter turns most places away before the names are tried.
    first = {c for name in names for c in (name[0], name[0].upper(), name[0].lower())}
    return f"(?=[{''.join(re.escape(c) for c in sorted(first))}]){_trie(members)}"


def phrase_regex(phrase: str) -> str:
    """One phrase or template as a regular expression (see the module's docstring)."""
    tokens, before, after = _tokens(phrase)
    body = "".join(tokens)
    return f"{_NOT_LETTER_BEFORE if before else ''}{body}{_NOT_LETTER_AFTER if after else ''}"


def _literal(text: str, labels: bool = False) -> list[str]:
    space = r":?\s+" if labels else r"\s+"
    return [space if char == " " else re.escape(char) for char in text]


@dataclass
class _Node:
    """A trie of phrases' pieces: ``order`` is the sort key of the first phrase through
    it in the alternation's order, ``end`` whether a phrase ends here."""

    order: tuple[int, str]
    children: dict[str, tuple[str, _Node]]
    end: bool = False


def _trie(phrases: list[tuple[tuple[int, str], list[str]]]) -> str:
    """Phrases sharing their first pieces share one pattern for them ("within {n} days"
    and "within {n} weeks" try "within" once): tried in the same order as one phrase after
    another, at a fraction of the work at every position of the text."""
    root = _Node((0, ""), {})
    for order, tokens in phrases:
        node = root
        # Pieces are kept as written: a pattern read case-sensitively (legal forms: "s.r.o."
        # beside "S.r.l.") must not lose a phrase to another's capitals.
        for token in tokens:
            if token not in node.children:
                node.children[token] = (token, _Node(order, {}))
            node = node.children[token][1]
        node.end = True
    return _pattern(root)


def _pattern(node: _Node) -> str:
    branches = sorted(node.children.values(), key=lambda pair: pair[1].order)
    options = [token + _pattern(child) for token, child in branches]
    if node.end:
        options.append("")
    if len(options) == 1:
        return options[0]
    return f"(?:{'|'.join(options)})"


def alternation(phrases: tuple[str, ...] | list[str], labels: bool = False) -> str:
    """Longest phrases first, so that "total due" wins over "total". Phrases that share
    their boundary checks are grouped, so each check runs once per position, not once
    per phrase, and a group's phrases share their common beginnings (``_trie``)."""
    return _alternation(tuple(sorted(set(phrases))), labels)


@cache
def _alternation(phrases: tuple[str, ...], labels: bool) -> str:
    groups: dict[tuple[bool, bool], list[tuple[tuple[int, str], list[str]]]] = {}
    for phrase in sorted(phrases, key=lambda p: (-len(p), p)):
        tokens, before, after = _tokens(phrase, labels)
        groups.setdefault((before, after), []).append(((-len(phrase), phrase), tokens))
    alternatives = [
        f"{_NOT_LETTER_BEFORE if before else ''}(?:{_trie(members)})"
        f"{_NOT_LETTER_AFTER if after else ''}"
        for (before, after), members in sorted(groups.items(), reverse=True)
    ]
    return "|".join(alternatives) or r"(?!x)x"


@cache
def word_re(*keys: str) -> re.Pattern[str]:
    """One pattern for the phrases under ``keys`` in every language."""
    return re.compile(alternation([w for key in keys for w in words(key)]), re.IGNORECASE)


@cache
def term_re(*keys: str) -> re.Pattern[str]:
    """One pattern for the term templates under ``keys`` in every language."""
    templates = [t for key in keys for t in terms(key)]
    return re.compile(alternation(templates, labels=True), re.IGNORECASE)


def first_group(match: re.Match[str]) -> str | None:
    """The placeholder a template matched (each template has at most one captured)."""
    return next((g for g in match.groups() if g is not None), None)
