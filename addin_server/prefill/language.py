"""Which language an email is written in: the mailbox's locale says how its owner reads,
not what the customer wrote. Chinese, Japanese and Korean go by script; other languages
by their commonest words (``[words] common`` of each lexicon file)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from addin_server.prefill.lexicon import languages

_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE_CHARS = 3000
# Characters only simplified or only traditional Chinese writes.
_SIMPLIFIED = set("这们发为与说对时会后个们开关门间来还过让请单价买卖货")
_TRADITIONAL = set("這們發為與說對時會後個們開關門間來還過讓請單價買賣貨")


@cache
def _common_words() -> dict[str, tuple[str, ...]]:
    """Word -> the languages listing it as common (one-letter words tell nothing)."""
    owners: dict[str, list[str]] = {}
    for lang in languages():
        for word in lang.words.get("common", ()):
            if len(word) > 1:
                owners.setdefault(word.casefold(), []).append(lang.code)
    return {word: tuple(codes) for word, codes in owners.items()}


def _script_language(text: str) -> str | None:
    kana = sum(1 for c in text if "\u3040" <= c <= "\u30ff")
    hangul = sum(1 for c in text if "\uac00" <= c <= "\ud7af")
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if hangul >= 5:
        return "ko"
    if kana >= 5:
        return "ja"
    if han >= 5:
        traditional = sum(c in _TRADITIONAL for c in text)
        simplified = sum(c in _SIMPLIFIED for c in text)
        return "zh-TW" if traditional > simplified else "zh-CN"
    return None


def detect_language(text: str) -> str | None:
    """The language tag of ``text``, or None when it does not say clearly."""
    sample = text[:_SAMPLE_CHARS]
    by_script = _script_language(sample)
    if by_script is not None:
        return by_script
    marks = _common_words()
    scores: dict[str, float] = defaultdict(float)
    for match in _WORD.finditer(sample):
        owners = marks.get(match.group().casefold(), ())
        for code in owners:
            scores[code] += 1 / len(owners)
    ranked = [*sorted(scores.items(), key=lambda pair: -pair[1]), ("", 0.0), ("", 0.0)]
    (best, score), (_, runner_up) = ranked[0], ranked[1]
    return best if score >= 2 and score >= 1.5 * runner_up else None


def reading_locale(mailbox_locale: str, text: str) -> str:
    """The locale to read ``text`` in: the mailbox's when the text is in its language (its
    region then says the date order and the local currency), else the text's language."""
    detected = detect_language(text)
    mailbox_language = mailbox_locale.replace("_", "-").split("-")[0].lower()
    if detected is None or detected.split("-")[0] == mailbox_language:
        return mailbox_locale
    return detected
