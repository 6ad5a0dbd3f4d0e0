"""Items in rows with named columns: a header row ("Item | Qty | Price") and the rows under
it, in text or from an HTML table, and labelled fields on one line ("Item: Frame | Qty: 4 |
Price: $120.00")."""

from __future__ import annotations

import re
from decimal import Decimal

from addin_server.prefill.amounts import find_money, quantize
from addin_server.prefill.html_text import CELL_LINE_SEPARATOR
from addin_server.prefill.item_parts import (
    MAX_NAME_CHARS,
    ScannedLine,
    first_number,
    is_summary,
)
from addin_server.prefill.lexicon import word_re
from addin_server.prefill.models import LineItem
from addin_server.prefill.snippets import clip

# An article-number column is named first: "Varenr.", "Artikelnr." or "Item code" also
# match a name column's word, but hold no name. A line total is named before a unit
# price: "Cena celkem", "Total price", "Ext. price" hold a price word but total the line.
_COLUMN_KINDS = tuple(
    (kind, word_re(f"column_{kind}")) for kind in ("code", "qty", "amount", "price", "name")
)
# "|" and the box-drawing bars of a plain-text table ("│ 품목 │ 수량 │", "├──┼──┤").
_BARS = "|\u2502\u2503\u2551\u251c\u2524\u253c\u2560\u2563\u256c"
_BAR_SPLIT = re.compile(rf"\s*[{_BARS}]\s*")
_GAP_SPLIT = re.compile(r"\t+|\s{2,}")
_SHIPPING = word_re("shipping")
_FIELD = re.compile(r"^\s*(?P<label>[^:|;]{1,30}?)\s*:\s*(?P<value>.+?)\s*$")


_FIELD_SEPARATOR = re.compile(r"\s*[|;]\s*|\s+/\s+")
# "品名: …" / "수량: …" / "단가: …": an item's fields on lines of their own, one after another.
_MAX_BLOCK_LINES = 5


def item_from_fields(line: ScannedLine, currency: str, locale: str) -> LineItem | None:
    """ "Item: Custom frame | Qty: 4 | Price: $120.00", "품명: 스피커 / 수량: 30대 / 단가:
    45,000원": labelled fields on one line."""
    if not line.money or not _FIELD_SEPARATOR.search(line.text[:300]):
        return None
    return _item_from_labelled(_FIELD_SEPARATOR.split(line.text[:300]), currency, locale)


def item_from_field_block(
    lines: list[ScannedLine], start: int, currency: str, locale: str
) -> tuple[LineItem | None, int]:
    """The item of labelled fields on consecutive lines from ``start`` (its name first), or
    None; and the index after its fields."""
    first = _field_kind(lines[start].text)
    if first != "name":
        return None, start
    end, kinds = start + 1, {first}
    while end < min(len(lines), start + _MAX_BLOCK_LINES):
        kind = _field_kind(lines[end].text)
        if kind is None or kind in kinds:
            break
        kinds.add(kind)
        end += 1
    item = _item_from_labelled([ln.text for ln in lines[start:end]], currency, locale)
    return item, end


def _field_kind(text: str) -> str | None:
    field = _FIELD.match(text[:300])
    if field is None:
        return None
    return next((k for k, p in _COLUMN_KINDS if p.search(field["label"])), None)


def _item_from_labelled(parts: list[str], currency: str, locale: str) -> LineItem | None:
    cells: list[str] = []
    columns: dict[str, int] = {}
    for part in parts:
        field = _FIELD.match(part)
        if field is None:
            continue
        kind = next((k for k, p in _COLUMN_KINDS if p.search(field["label"])), None)
        if kind is not None and kind not in columns:
            columns[kind] = len(cells)
            cells.append(field["value"])
    if "name" not in columns or not ({"price", "amount"} & set(columns)):
        return None
    return _item_from_row(cells, columns, currency, locale, " / ".join(parts))


def _cells(text: str) -> list[str]:
    """A row's cells. Between bars an empty cell keeps its column ("Frakt |  |  | 390 kr",
    an HTML row's empty cells); bars at both ends are the table's border. Cells set apart by
    tabs or spaces cannot show an empty one."""
    if any(bar in text for bar in _BARS):
        cells = [cell for part in _BAR_SPLIT.split(text.strip()) for cell in _gap_cells(part)]
        return cells[1:-1] if len(cells) > 2 and cells[0] == cells[-1] == "" else cells
    return [c for c in _GAP_SPLIT.split(text.strip()) if c] if _GAP_SPLIT.search(text) else []


def _gap_cells(part: str) -> list[str]:
    """A bar-separated piece as one cell, or as several when tabs also split it."""
    if "\t" not in part:
        return [part]
    return [c for c in part.split("\t") if c] or [""]


def table_columns(line: ScannedLine) -> dict[str, int] | None:
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


def table_rows(
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
    return money[0].value if money else first_number(cell)


def _item_from_row(
    cells: list[str], columns: dict[str, int], currency: str, locale: str, text: str
) -> LineItem | None:
    def cell(kind: str) -> str:
        position = columns.get(kind)
        return cells[position] if position is not None and position < len(cells) else ""

    # A name cell of two lines is the product and its details: the first line names it.
    name = cell("name").split(CELL_LINE_SEPARATOR)[0].strip()
    if not name or is_summary(name):
        return None
    # A blank count is one where the row prices a charge: shipping ("Frakt |  |  | 390,00
    # kr") or a unit price stated; a summary row under the items has only its amount.
    blank_count = not cell("qty").strip() and (
        bool(cell("price").strip()) or bool(_SHIPPING.search(name))
    )
    quantity = Decimal(1) if blank_count or "qty" not in columns else first_number(cell("qty"))
    unit_price = _cell_amount(cell("price"), currency, locale) if "price" in columns else None
    if quantity is None or quantity <= 0:
        return None
    if unit_price is None:
        amount = _cell_amount(cell("amount"), currency, locale)
        if amount is None:
            return None
        unit_price = quantize(amount / quantity, currency)
    return LineItem(name[:MAX_NAME_CHARS], quantity, unit_price, 0.9, clip(text))
