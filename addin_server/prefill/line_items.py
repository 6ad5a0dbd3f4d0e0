# ruff: noqa: RUF001 - multilingual text: full-width colons, dashes and multiplication signs are meant
"""Line items: "3 x Widget @ $25.00", "Consulting: 10 hours at $150/hr", bulleted
"- Logo design: $800", and table rows with item / quantity / price columns."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from addin_server.prefill.amounts import (
    NUMBER,
    Money,
    find_money,
    find_plain_number,
    parse_number,
    quantize,
)
from addin_server.prefill.lexicon import alternation, is_unspaced, with_digits, word_re, words
from addin_server.prefill.models import LineItem
from addin_server.prefill.snippets import clip

# Cybersource accepts at most 30 line items; the rest are folded into the description.
MAX_LINE_ITEMS = 30
MAX_ITEMS_READ = 100
_MAX_NAME_CHARS = 120

SUMMARY_LINE = word_re("summary", "tax", "discount", "balance")
_UNITS = alternation(words("units"))
_PRICE_CONNECTORS = alternation([w for w in words("price_connector") if not is_unspaced(w[0])])
# "圓形貼紙 1,000張, 每張 3 元": Chinese and Japanese connectors need no space before them.
_UNSPACED_CONNECTORS = alternation([w for w in words("price_connector") if is_unspaced(w[0])])
_UNIT_CONNECTORS = alternation(words("unit_connector"))
# Words and signs between an item and its price: "@", "at", "à", "zu je", ":", "-" ...
# Connector words are lower case: "Widget A at" keeps its "A". Dot leaders go too.
_CONNECTOR = re.compile(
    rf"(?:\s+(?:{_PRICE_CONNECTORS})|\s*(?:{_UNSPACED_CONNECTORS})"
    rf"|\s*(?:@|×|\*|=|:|-|–|—|,|\||\.{{2,}}|_{{2,}}|…))?\s*$"
)
# "3 x CHF 1,200.00": a count times the price makes it the unit price.
_UNIT_CONNECTOR = re.compile(rf"(?:@|×|{_UNIT_CONNECTORS}|(?<=\d)\s?x)\s*$")
_UNIT_PRICE_MARK = re.compile(rf"^\s*(?:{alternation(words('per_unit'))})", re.IGNORECASE)
_BULLET = re.compile(
    r"^\s*(?:[-*•·‣◦▪・]|\d{1,2}[.)](?=\s)|\d{1,2}[、．]|\(\d{1,2}\)"
    r"|(?:pos|item|nr|no|#)\.?\s?\d{1,3}[:.)]?(?=\s))\s*",
    re.IGNORECASE,
)
# "Qty 5 - Mug": the count named before the item.
_QTY_LABEL = re.compile(rf"^(?:{alternation(words('column_qty'))})\.?:?\s*(?=\d)", re.IGNORECASE)
_QUANTITY = r"\d{1,3}(?:[,.']\d{3})+(?![.,]\d)|\d{1,5}(?:[.,]\d{1,2})?"
# "2 000 ex.": a count grouped with spaces, only when a unit follows it.
_SPACED_QUANTITY = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
# "4 horas de fotografía", "10 hours of design": the word after a unit that joins it to the item.
_OF = rf"(?:{alternation(words('of'))})\s+"
_LEADING_QTY = re.compile(
    rf"^(?P<qty>{_SPACED_QUANTITY}(?=\s*(?:{_UNITS}))|{_QUANTITY})\s*(?:(?:x|×|\*)\s*"
    rf"|(?P<unit>{_UNITS})\.?\s+(?:{_OF})?|\s+)(?P<name>\S.*)$",
    re.IGNORECASE,
)
# "Consulting: 10 hours", "作業費:10時間", "Widget x 3", "Widgets: 3 @ ...", a count in
# its own column ("Roll-up banners     3"); a count in brackets ("(40 pages)") describes
# the item and is not its quantity.
_TRAILING_QTY = re.compile(
    rf"^(?P<name>.*?[^\s(])\s*(?:\(?(?:x|×|\*)\s*(?P<qty>\d{{1,5}})\)?"
    rf"|[:,–—-]?\s*(?P<qty2>{_SPACED_QUANTITY}|{_QUANTITY})\s*(?:{_UNITS})\.?"
    rf"|[:–—-]\s*(?P<qty3>{_QUANTITY})"
    rf"|(?<=\S)(?:\s{{2,}}|\s*[|\t]\s*)(?P<qty4>\d{{1,5}}))$",
    re.IGNORECASE,
)
# A count inside a sentence, right before the price: "... go ahead with 5 licences at $49".
_INLINE_QTY = re.compile(
    rf"(?:^|\s)(?P<qty>{_QUANTITY})\s*(?:(?:x|×)\s*|(?:(?P<unit>{_UNITS})\.?\s+(?:{_OF})?)|\s+)"
    r"(?P<name>[^\W\d_](?:[^.,;:!?\d]|\d(?![\d.,]*\s*(?:x|×))){0,60})$",
    re.IGNORECASE,
)
# "Please invoice us for 10 hours ...", "Por favor, facturadnos 2 ...": the request (after
# a "please" in any language) is not part of the item's name; Chinese, Japanese and
# Korean put no space after it ("我们想订购白色T恤50件").
_REQUEST = re.compile(
    rf"^(?:(?:{alternation(words('please'))}),?\s+)?(?:{alternation(words('request'))})"
    r"(?:\s+(?:us|me|them|him|her))?(?:\s+for)?(?:\s+|(?<=[\u3040-\u9fff\uac00-\ud7af])\s*)",
    re.IGNORECASE,
)
_MAX_LABEL_WORDS = 5
# "Doprava 150 Kč": shipping, named alone before its price, is an item without a colon.
_SHIPPING = re.compile(rf"(?:{alternation(words('shipping'))})", re.IGNORECASE)
_UNMARKED_PRICE = re.compile(
    rf"(?:@|×|(?<=\d )x|{_UNIT_CONNECTORS})\s?(?P<price>{NUMBER})"
    r"(?:(?<=[.,]\d\d)\s*(?:each|ea\.?|/\s?\w{1,12}|per \w{1,12})?"
    r"|\s*(?:each|ea\.?|/\s?\w{1,12}|per \w{1,12}))\s*(?=$|[,;.]\s)",
    re.IGNORECASE,
)
# Between two items of one sentence: the first's unit mark, then "and"/","/";" and a count
# or a name (a Chinese or Korean name needs no space before it).
_CJK = r"[\u4e00-\u9fff\uac00-\ud7af]"
_NEXT_ITEM = re.compile(
    rf"\s*(?:(?:{alternation(words('per_unit'))})\s*)?[,;，；、]?\s*"
    rf"(?:(?:{alternation(words('conjunction'))})\s+)?(?=\d|[^\W\d_]{{3,}}\s|{_CJK})",
    re.IGNORECASE,
)
# "Yoga mats: $45.00 x 12": the count after the unit price.
_TIMES_AFTER = re.compile(r"\s*(?:x|×|\*)\s*(?P<qty>\d{1,5})(?![\d.,]*\d)", re.IGNORECASE)
_PURPOSE = re.compile(rf"(?:{alternation(words('purpose'))})\s", re.IGNORECASE)
_DESCRIBING = re.compile(rf"(?:{alternation(words('describing'))})\s*$", re.IGNORECASE)
_COLUMN_KINDS = tuple(
    (kind, word_re(f"column_{kind}")) for kind in ("qty", "price", "amount", "name")
)
_CELL_SPLIT = re.compile(r"\s*\|\s*|\t+|\s{2,}")


@dataclass(frozen=True)
class ScannedLine:
    text: str
    money: list[Money]


@dataclass(frozen=True)
class FoundItem:
    item: LineItem
    # "Flyers  4  CHF 100.00" may be 4 at 25.00 or 4 at 100.00: the reading not taken.
    other: LineItem | None = None


def find_line_items(lines: list[ScannedLine], currency: str, locale: str) -> list[FoundItem]:
    """Every item of the request, up to ``MAX_ITEMS_READ`` (bounded work: items past 30 are
    only folded into the description)."""
    items: list[FoundItem] = []
    index = 0
    while index < len(lines) and len(items) < MAX_ITEMS_READ:
        columns = _table_columns(lines[index])
        if columns is not None:
            rows, index = _table_rows(lines, index + 1, columns, currency, locale)
            items.extend(FoundItem(row) for row in rows)
            continue
        fields = _item_from_fields(lines[index], currency, locale)
        if fields is not None:
            items.append(FoundItem(fields))
            index += 1
            continue
        for segment in _segments(_with_unmarked_price(lines[index], currency)):
            item = _item_from_line(segment, locale)
            if item is not None:
                items.append(item)
        index += 1
    return items


_FIELD = re.compile(r"^\s*(?P<label>[^:|;]{1,30}?)\s*:\s*(?P<value>.+?)\s*$")


def _item_from_fields(line: ScannedLine, currency: str, locale: str) -> LineItem | None:
    """ "Item: Custom frame | Qty: 4 | Price: $120.00": labelled fields on one line."""
    if not line.money or ("|" not in line.text and ";" not in line.text):
        return None
    cells: list[str] = []
    columns: dict[str, int] = {}
    for part in re.split(r"\s*[|;]\s*", line.text[:300]):
        field = _FIELD.match(part)
        if field is None:
            continue
        kind = next((k for k, p in _COLUMN_KINDS if p.search(field["label"])), None)
        if kind is not None and kind not in columns:
            columns[kind] = len(cells)
            cells.append(field["value"])
    if "name" not in columns or not ({"price", "amount"} & set(columns)):
        return None
    return _item_from_row(cells, columns, currency, locale, line.text)


def _segments(line: ScannedLine) -> list[ScannedLine]:
    """A sentence naming several priced items ("a dozen handles at $35 each and three
    designs at $200 each") as one piece per item; a row's unit price and line total
    ("$25.00 $75.00") stay together."""
    if len(line.money) < 2 or len(line.text) > 300:
        return [line]
    bounds = [0]
    for money, following in zip(line.money, line.money[1:], strict=False):
        gap = _NEXT_ITEM.match(line.text, money.end, following.start)
        if gap is None:
            return [line]
        bounds.append(gap.end())
    bounds.append(len(line.text))
    return [
        ScannedLine(
            line.text[start:end],
            [replace(money, start=money.start - start, end=money.end - start)],
        )
        for money, start, end in zip(line.money, bounds, bounds[1:], strict=False)
    ]


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


def _cells(text: str) -> list[str]:
    return (
        [c for c in _CELL_SPLIT.split(text.strip().strip("|")) if c != ""]
        if ("|" in text or "\t" in text or "  " in text.strip())
        else []
    )


def _table_columns(line: ScannedLine) -> dict[str, int] | None:
    """A header row names its columns; a line with money in it is no header."""
    if line.money or len(line.text) > 300:
        return None
    cells = _cells(line.text)
    if len(cells) < 2:
        return None
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        for kind, pattern in _COLUMN_KINDS:
            if kind not in columns and len(cell) <= 30 and pattern.search(cell):
                columns[kind] = position
                break
    if "name" not in columns and "qty" in columns and len(cells) >= 3:
        # "# | Qty | Price", "Pos. | Menge | Preis": the first other column names the item.
        columns["name"] = next(i for i in range(len(cells)) if i not in columns.values())
    if "name" in columns and ("price" in columns or "amount" in columns):
        return columns
    return None


def _table_rows(
    lines: list[ScannedLine], start: int, columns: dict[str, int], currency: str, locale: str
) -> tuple[list[LineItem], int]:
    items: list[LineItem] = []
    index = start
    while index < len(lines):
        line = lines[index]
        cells = _cells(line.text)
        if len(cells) < 2:
            break
        index += 1
        item = _item_from_row(cells, columns, currency, locale, line.text)
        if item is not None:
            items.append(item)
    return items, index


def _cell_amount(cell: str, currency: str, locale: str) -> Decimal | None:
    money = find_money(cell, currency, locale)
    return money[0].value if money else _number(cell)


def _item_from_row(
    cells: list[str], columns: dict[str, int], currency: str, locale: str, text: str
) -> LineItem | None:
    def cell(kind: str) -> str:
        position = columns.get(kind)
        return cells[position] if position is not None and position < len(cells) else ""

    name = cell("name").strip()
    if not name or SUMMARY_LINE.search(name):
        return None
    quantity = _number(cell("qty")) if "qty" in columns else Decimal(1)
    unit_price = _cell_amount(cell("price"), currency, locale) if "price" in columns else None
    if quantity is None or quantity <= 0:
        return None
    if unit_price is None:
        amount = _cell_amount(cell("amount"), currency, locale)
        if amount is None:
            return None
        unit_price = quantize(amount / quantity, currency)
    return LineItem(name[:_MAX_NAME_CHARS], quantity, unit_price, 0.9, clip(text))


def _number(text: str) -> Decimal | None:
    plain = find_plain_number(text)
    return plain[0] if plain else None


def _with_unmarked_price(line: ScannedLine, currency: str) -> ScannedLine:
    """``Interior rendering: 2 @ 300.00`` in an email that names its currency elsewhere:
    a bare price with cents after "@"/"at" that ends the line is money too."""
    if line.money or len(line.text) > 300:
        return line
    match = _UNMARKED_PRICE.search(line.text)
    value = parse_number(match["price"]) if match else None
    if match is None or value is None:
        return line
    money = Money(quantize(value, currency), currency, match.start("price"), match.end("price"))
    return ScannedLine(line.text, [money])


def _item_from_line(line: ScannedLine, locale: str) -> FoundItem | None:
    if not line.money or len(line.text) > 300:
        return None
    first = line.money[0]
    prefix = line.text[: first.start]
    if SUMMARY_LINE.search(prefix):
        return None
    has_bullet = bool(_BULLET.match(prefix))
    described = _BULLET.sub("", prefix, count=1).strip()
    is_request = bool(_REQUEST.match(described))
    described = _REQUEST.sub("", described)
    unit_price_marked = bool(_UNIT_CONNECTOR.search(described)) or bool(
        _UNIT_PRICE_MARK.match(line.text[first.end :])
    )
    is_label = not is_request and (
        bool(_SHIPPING.fullmatch(described))
        or (
            bool(re.search(r"(?:[:–—-]|\.{2,}|…)\s*$", prefix))
            and len(_CONNECTOR.sub("", described).split()) <= _MAX_LABEL_WORDS
        )
    )
    described = _QTY_LABEL.sub("", with_digits(described, locale))
    while (stripped := _CONNECTOR.sub("", described)) != described:
        described = stripped
    if not described:
        return None
    times = _TIMES_AFTER.match(line.text, first.end)
    found = _quantity_and_name(
        described, has_bullet or is_label or unit_price_marked, labelled=not unit_price_marked
    )
    if times is not None and (found is None or found[0] is None):
        found, unit_price_marked = (
            (parse_number(times["qty"]), found[1] if found else described),
            True,
        )
    if found is None:
        if not (has_bullet or is_label) or len(described.split()) > _MAX_LABEL_WORDS:
            return None
        found = (None, described)
    quantity, name = found
    name = _CONNECTOR.sub("", name).strip(" :-–—,(")
    if not name or quantity == 0 or len(name.split()) > 10:
        return None
    quantity = quantity or Decimal(1)
    # "3 x Widget = $75" states the line total; "@ $25", "$25 each" or a second amount
    # after it ("$25.00 $75.00") make the first one the unit price.
    # "2x Shirt — R$ 39,90" prices each shirt; "4 x Banner = $100.00" states the total.
    counted = bool(re.match(r"\d+\s*[x×]", described)) and not re.search(r"=\s*$", prefix)
    marked = unit_price_marked or counted or quantity == 1 or len(line.money) >= 2
    split = quantize(first.value / quantity, first.currency)
    # Unmarked, a line total divides into whole cents: "250   CHF 14.20" is 250 at 14.20,
    # not at 0.0568; the other reading is kept for the stated total to settle.
    per_unit = marked or split * quantity != first.value
    confidence = 0.85 if quantity != 1 or has_bullet else 0.7
    unit_price, other_price = (first.value, split) if per_unit else (split, first.value)
    taken = LineItem(name[:_MAX_NAME_CHARS], quantity, unit_price, confidence, clip(line.text))
    ambiguous = not marked and not re.search(r"=\s*$", prefix)
    return FoundItem(taken, replace(taken, unit_price=other_price) if ambiguous else None)


def _quantity_and_name(
    described: str, itemised: bool, *, labelled: bool
) -> tuple[Decimal | None, str] | None:
    """(quantity, name) from the words before a price, or None if they name no item. In a
    label without a unit price, a count after "with", "of" ... describes the item."""
    leading = _LEADING_QTY.match(described)
    if leading and (leading.group("unit") or re.match(r"\d+\s*[x×*]", described) or itemised):
        return parse_number(leading.group("qty")), _named(leading)
    trailing = _TRAILING_QTY.match(described)
    if (
        trailing
        and len(trailing.group("name").split()) <= _MAX_LABEL_WORDS
        and not (labelled and _DESCRIBING.search(trailing.group("name")))
    ):
        count = next(
            trailing.group(g) for g in ("qty", "qty2", "qty3", "qty4") if trailing.group(g)
        )
        return parse_number(count), trailing.group("name")
    # In a label without a unit price, a count inside it describes the item ("Imagefilm
    # 90 Sekunden - 4.300,00 €"); a sentence names its count before the priced item.
    inline = _INLINE_QTY.search(described)
    if (
        inline
        and itemised
        and not labelled
        and len(inline.group("name").split()) <= _MAX_LABEL_WORDS
    ):
        return parse_number(inline.group("qty")), _named(inline)
    return None


def _named(count: re.Match[str]) -> str:
    """The name after a count; "200 cajas para tartas": the unit word is the item ("boxes
    for cakes"), in a list or in a sentence."""
    name, unit = count.group("name"), count.group("unit")
    return f"{unit} {name}" if unit and _PURPOSE.match(name) else name
