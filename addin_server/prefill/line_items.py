# ruff: noqa: RUF001, RUF003 - multilingual text: the multiplication sign is meant
"""Line items: every priced line of a request, read by the reader that fits it: a table
with named columns (``item_tables``), labelled fields on one line, or a list line or a
sentence (``item_lines``, split per item by ``item_sentences``). The quoted offer a reply
accepts is chosen in ``offer``."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from addin_server.prefill.item_lines import item_from_line
from addin_server.prefill.item_parts import FoundItem, ScannedLine
from addin_server.prefill.item_sentences import (
    joined_item,
    segments,
    sentences,
    with_unmarked_price,
)
from addin_server.prefill.item_tables import (
    item_from_field_block,
    item_from_fields,
    table_columns,
    table_rows,
)
from addin_server.prefill.lexicon import alternation, words
from addin_server.prefill.models import LineItem

# Every item of a long order is returned (the draft flags more than Cybersource accepts);
# this bounds the work on a hostile list, far above any order written by hand.
MAX_ITEMS_READ = 200
# "Olivenöl nativ extra, 5 l" over "4 × 45,00 €": a line that holds only a count and its
# price prices the name on the line above it.
_COUNT_ONLY = re.compile(
    rf"^\s*(?P<count>\d{{1,5}}(?:[.,]\d{{1,3}})?(?:\s*(?:{alternation(words('units'))})\.?)?)"
    r"\s*(?:x|×|\*|@)\s*$",
    re.IGNORECASE,
)
_MAX_NAME_LINE_WORDS = 12


def find_line_items(lines: list[ScannedLine], currency: str, locale: str) -> list[FoundItem]:
    """Every item of the request, up to ``MAX_ITEMS_READ``."""
    items: list[FoundItem] = []
    index = 0
    while index < len(lines) and len(items) < MAX_ITEMS_READ:
        columns = table_columns(lines[index])
        if columns is not None:
            rows, index = table_rows(lines, index + 1, columns, currency, locale)
            items.extend(FoundItem(row) for row in rows)
            continue
        fields = item_from_fields(lines[index], currency, locale)
        after = index + 1
        if fields is None:
            fields, after = item_from_field_block(lines, index, currency, locale)
        if fields is not None:
            items.append(FoundItem(fields))
            index = after
            continue
        line = _with_name_above(lines, index)
        items.extend(_sentence_items(with_unmarked_price(line, currency), locale))
        index += 1
    return items[:MAX_ITEMS_READ]


def _with_name_above(lines: list[ScannedLine], index: int) -> ScannedLine:
    """The line, or the item it completes when it holds only a count and a price under a
    name (a line of a few words, no amount and no colon closing it), read as "4 name @
    45,00 €"."""
    line = lines[index]
    first = line.money[0] if line.money else None
    counted = _COUNT_ONLY.match(line.text[: first.start]) if first is not None else None
    if index == 0 or first is None or counted is None:
        return line
    name = lines[index - 1].text.strip()
    if (
        lines[index - 1].money
        or not name
        or name.endswith(":")
        or len(name.split()) > _MAX_NAME_LINE_WORDS
    ):
        return line
    head = f"{counted['count']} {name} @ "
    shift = len(head) - first.start
    money = [replace(m, start=m.start + shift, end=m.end + shift) for m in line.money]
    return ScannedLine(head + line.text[first.start :], money, line.joined)


def _sentence_items(line: ScannedLine, locale: str) -> list[FoundItem]:
    """The items of a list line or of each sentence of prose; a piece joined by "and",
    "plus" ... names one only when the piece before it named one."""
    items: list[FoundItem] = []
    for sentence in sentences(line):
        previous: FoundItem | None = None
        for number, piece in enumerate(segments(sentence)):
            if not piece.joined:
                previous = item_from_line(piece, locale)
            elif previous is not None:
                previous = joined_item(piece, locale)
            elif number == 0:
                previous = item_from_line(piece, locale)
            # else: joined to an amount that is no item ("la mise en page pour CHF
            # 4'800.- et la retouche de 40 photos à CHF 25.- pièce"): the sentence
            # prices a whole, so neither is a line of its own.
            if previous is not None:
                items.append(previous)
    return items


def read_with_total(found: list[FoundItem], total: Decimal | None) -> list[LineItem]:
    """The items as read; but when their sum misses the stated total and reading every
    unmarked price the other way (unit price for line amount, or back) meets it exactly,
    the total settles how the prices were meant."""
    items = [f.item for f in found]
    if total is None or not any(f.other for f in found) or items_sum(items) == total:
        return items
    others = [f.other or f.item for f in found]
    return others if items_sum(others) == total else items


def items_sum(items: list[LineItem]) -> Decimal:
    return sum((i.quantity * i.unit_price for i in items), Decimal(0))
