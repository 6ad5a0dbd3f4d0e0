"""The offer a reply accepts: when the reply itself states no amount but accepts the quote
below it ("let's go with option B", "adelante con el presupuesto", "make it 10 instead of
12"), the amounts and items are read from the quoted offer: only the chosen option's
lines, and with the changed quantity. Words come from the lexicon (``[words] accept,
option``; ``[terms] quantity_instead, quantity_rather``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from addin_server.prefill.amounts import find_money
from addin_server.prefill.body import quoted_messages
from addin_server.prefill.lexicon import alternation, ordinals, term_re, word_re, words
from addin_server.prefill.models import LineItem

_QUOTE_MARKS = re.compile(r"^\s*(?:>\s?)+")
_MAX_OFFER_LINES = 200
_MAX_NOTE_CHARS = 4_000


@dataclass(frozen=True)
class Offer:
    text: str  # the quoted lines the reply accepts
    quantity: tuple[Decimal, Decimal | None] | None = None  # (new, old) count
    dropped: bool = False  # the reply left out some of its priced lines


def _option_re() -> re.Pattern[str]:
    """ "Option B", "variantu B"; and the label before the word where the language puts it
    there ("B안", "B案")."""
    return re.compile(
        rf"(?:{alternation(words('option'))})\s?(?P<label>[A-Za-z0-9]{{1,2}})(?![^\W_])"
        rf"|(?<![^\W_])(?P<before>[A-Za-z0-9]{{1,2}})\s?(?:{alternation(words('option_after'))})",
        re.IGNORECASE,
    )


def _label(text: str) -> str | None:
    match = _option_re().search(text)
    return (match["label"] or match["before"]).upper() if match else None


def quantity_change(text: str) -> tuple[Decimal, Decimal | None] | None:
    """(new, old) from "make it 10 instead of 12" / "12 yerine 10"; (new, None) from
    "数量改为 120 套"."""
    for key, new_first in (("quantity_instead", True), ("quantity_rather", False)):
        match = term_re(key).search(text)
        if match:
            first, second = (Decimal(g) for g in match.groups() if g is not None)
            return (first, second) if new_first else (second, first)
    match = term_re("quantity_new").search(text)
    if match:
        return Decimal(next(g for g in match.groups() if g is not None)), None
    return None


_HEAD_WORD = re.compile(r"\s+([^\W\d_][\w-]{2,40})")


def _left_out(current: str) -> list[re.Pattern[str]]:
    """The words naming what a reply leaves out: "drop the A-frame sign" -> "A-frame"."""
    heads = []
    for match in word_re("exclude").finditer(current):
        head = _HEAD_WORD.match(current, match.end())
        if head is not None:
            heads.append(re.compile(rf"(?<![\w-]){re.escape(head[1])}(?![\w-])", re.IGNORECASE))
    return heads


def accepted_offer(current: str, quoted: str) -> Offer | None:
    """The quoted offer the current text accepts, or None if it accepts none."""
    if not quoted.strip():
        return None
    # A note accepting a quote is short: only its start is read (bounded work).
    current = current[:_MAX_NOTE_CHARS]
    change = quantity_change(current)
    label = _label(current)
    if not (change or label or word_re("accept").search(current)):
        return None
    lines = _latest_offer(quoted, label).split("\n")[:_MAX_OFFER_LINES]
    if label is not None:
        lines = _chosen_option(lines, label) or lines
    else:
        lines = _named_option(current, lines) or lines
    left_out = _left_out(current)
    kept = [
        line
        for line in lines
        if not (left_out and find_money(line, "USD", "") and any(p.search(line) for p in left_out))
    ]
    return Offer("\n".join(kept), change, dropped=len(kept) < len(lines))


def _chosen_option(lines: list[str], label: str) -> list[str]:
    """The lines of the chosen option: its own priced line, bought once as a package, or,
    when its label heads a section ("Formule B" on a line of its own), the lines under it
    up to the next option."""
    chosen: list[str] = []
    in_section = False
    for line in lines:
        found = _label(line)
        if found is None:
            if in_section:
                chosen.append(line)
            continue
        in_section = found == label and not find_money(line, "USD", "")
        if found == label and not in_section:
            chosen.append(_as_package(line))
    return chosen


def _latest_offer(quoted: str, label: str | None) -> str:
    """The newest quoted message that prices something (and names the chosen option, if
    one is chosen): a thread's earlier quotes were replaced by the later ones."""
    for message in quoted_messages(quoted):
        lines = message.split("\n")[:_MAX_OFFER_LINES]
        priced = any(find_money(line, "USD", "") for line in lines)
        if priced and (label is None or any(_label(line) == label for line in lines)):
            return message
    return "\n".join(_QUOTE_MARKS.sub("", line) for line in quoted.split("\n"))


_WORD = re.compile(r"[^\W\d_]{3,}")


def _ordinal_re() -> re.Pattern[str]:
    """An ordinal before an option word, a word between at most: "the second option", "das
    zweite Paket", "第二个方案"."""
    return re.compile(
        rf"(?<![^\W_])(?P<ordinal>{alternation(list(ordinals()))})\s?(?:[^\W\d_]{{1,12}}\s)?"
        rf"\s?(?:{alternation(words('option'))})",
        re.IGNORECASE,
    )


def _named_option(current: str, lines: list[str]) -> list[str] | None:
    """The one priced line a reply names without a label: by its place among the priced
    lines ("the second option") or, when it speaks of an option and the priced lines are
    options, by a word no other priced line has ("we'll take the premium package")."""
    priced = [line for line in lines if find_money(line, "USD", "")]
    if len(priced) < 2 or not word_re("option").search(current):
        return None
    ordinal = _ordinal_re().search(current)
    if ordinal is not None:
        place = ordinals().get(ordinal["ordinal"].casefold(), 0)
        return [_as_package(priced[place - 1])] if 0 < place <= len(priced) else None
    # Only alternatives are chosen between by a word: lines that each name an option
    # ("Basic package", "Premium package"), not an order's items ("Hosting plan" beside
    # "Website build").
    if not all(word_re("option").search(line) for line in priced):
        return None
    said = {w.casefold() for w in _WORD.findall(current)}
    vocab = [{w.casefold() for w in _WORD.findall(line)} for line in priced]
    named = [
        line
        for index, line in enumerate(priced)
        if said & (vocab[index] - set().union(*(v for i, v in enumerate(vocab) if i != index)))
    ]
    return [_as_package(named[0])] if len(named) == 1 else None


_COUNTED = re.compile(r"^\s*\d+\s*[x×]", re.IGNORECASE)  # noqa: RUF001 - the multiplication sign


def _as_package(line: str) -> str:
    """ "Option B: Custom design, 8 pages - $3,400" -> "1 x Custom design, 8 pages - $3,400":
    an option is bought once at its price, whatever counts its description holds."""
    match = _option_re().search(line)
    if match is None:
        return line
    rest = line[match.end() :].lstrip(" :.)-\u2013\u2014")  # and en and em dashes
    count = "" if _COUNTED.match(rest) else "1 x "
    return f"{line[: match.start()]}{count}{rest}"


def with_quantity(items: list[LineItem], change: tuple[Decimal, Decimal | None]) -> list[LineItem]:
    """The items with the old count replaced by the new one (the only item's, if no count
    matches)."""
    new, old = change
    if old is not None and any(item.quantity == old for item in items):
        return [replace(i, quantity=new) if i.quantity == old else i for i in items]
    return [replace(items[0], quantity=new)] if len(items) == 1 else items
