"""HTML email bodies to plain text: table rows stay rows (cells joined by `` | ``),
blockquotes become ``>`` quoted lines, scripts, styles and comments disappear.

A small tokenizer instead of ``html.parser``: it finds each tag's end with one forward
search that later tags reuse, so unclosed tags and comments cost linear time (the standard
parser rescans them). Depth costs nothing: counters and flat stacks, never recursion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape

CELL_SEPARATOR = " | "
# The lines of one cell ("Walnut board<br>end grain, 18 x 12 in"), kept apart on the row's
# line: a line separator is whitespace to every other reader.
CELL_LINE_SEPARATOR = "\u2028"
QUOTE_PREFIX = "> "
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "ul",
    ]
)
_INVISIBLE_TAGS = frozenset({"script", "style", "head", "title", "template"})
# A row whose cells hold more than this is page layout, not a data row: its cells become lines.
_MAX_ROW_CHARS = 400
_MAX_CELL_LINES = 3
# Tables nested deeper than this are read as plain blocks (bounds the work per element).
_MAX_TABLE_DEPTH = 32


@dataclass
class _Row:
    sink_depth: int  # len(sinks) when the row opened: cells are pushed above it
    cells: list[list[str]] = field(default_factory=list)


_TAG_START = re.compile(
    r"<(?:(?P<comment>!--)|(?P<close>/)?(?P<name>[a-zA-Z][a-zA-Z0-9:-]{0,30})|[!?/])"
)
_RAW_TEXT_END = {
    "script": re.compile(r"</script\s*>", re.IGNORECASE),
    "style": re.compile(r"</style\s*>", re.IGNORECASE),
}
_START, _END, _DATA = 0, 1, 2


def _tokens(html: str) -> Iterator[tuple[int, str]]:
    """(kind, tag name or text) in document order."""
    position, next_close, size = 0, -1, len(html)
    while position < size:
        match = _TAG_START.search(html, position)
        if match is None:
            yield _DATA, html[position:]
            return
        start = match.start()
        if start > position:
            yield _DATA, html[position:start]
        if match.group("comment"):
            end = html.find("-->", match.end())
            if end < 0:
                return  # an unclosed comment hides the rest, as in a browser
            position = end + 3
            continue
        if next_close < start:
            next_close = html.find(">", start)
        if next_close < 0:
            yield _DATA, html[start:]
            return
        position = next_close + 1
        name = match.group("name")
        if not name:
            continue  # <!DOCTYPE>, <?xml?>, </ >
        tag = name.lower()
        if match.group("close"):
            yield _END, tag
            continue
        yield _START, tag
        if tag in _RAW_TEXT_END:
            end_match = _RAW_TEXT_END[tag].search(html, position)
            if end_match is None:
                return
            position = end_match.end()
            yield _END, tag
        elif html[next_close - 1] == "/":
            yield _END, tag


class _TextCollector:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._sinks: list[list[str]] = [self.lines]
        self._rows: list[_Row | None] = []  # one per open table; None while between rows
        self._words: list[str] = []
        self._quote_depth = 0
        self._invisible_depth = 0
        self._ignored_tables = 0

    def feed(self, html: str) -> None:
        for kind, value in _tokens(html):
            if kind == _START:
                self.handle_starttag(value)
            elif kind == _END:
                self.handle_endtag(value)
            elif not self._invisible_depth:
                self._words.append(unescape(value))

    def handle_starttag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS:
            self._invisible_depth += 1
        elif tag == "table":
            self._open_table()
        elif tag == "tr" and self._rows and not self._ignored_tables:
            self._close_row()
            self._rows[-1] = _Row(sink_depth=len(self._sinks))
        elif tag in ("td", "th") and self._rows and not self._ignored_tables:
            self._open_cell()
        elif tag == "br":
            self._end_line()
        elif tag in _BLOCK_TAGS:
            self._end_paragraph()
            if tag == "blockquote":
                self._quote_depth += 1
            elif tag == "li":
                self._words.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS:
            self._invisible_depth = max(0, self._invisible_depth - 1)
        elif tag == "table":
            self._close_table()
        elif tag == "tr" and self._rows and not self._ignored_tables:
            self._close_row()
        elif tag in ("td", "th") and self._rows and not self._ignored_tables:
            row = self._rows[-1]
            self._end_line()
            if row is not None:
                del self._sinks[row.sink_depth :]
        elif tag in _BLOCK_TAGS:
            self._end_paragraph()
            if tag == "blockquote":
                self._quote_depth = max(0, self._quote_depth - 1)

    def _open_table(self) -> None:
        self._end_paragraph()
        if self._ignored_tables or len(self._rows) >= _MAX_TABLE_DEPTH:
            self._ignored_tables += 1
        else:
            self._rows.append(None)

    def _close_table(self) -> None:
        self._end_paragraph()
        if self._ignored_tables:
            self._ignored_tables -= 1
        elif self._rows:
            self._close_row()
            self._rows.pop()

    def _open_cell(self) -> None:
        self._end_line()
        row = self._rows[-1]
        if row is None:  # a cell without <tr>: open the row implicitly
            row = self._rows[-1] = _Row(sink_depth=len(self._sinks))
        del self._sinks[row.sink_depth :]
        cell: list[str] = []
        row.cells.append(cell)
        self._sinks.append(cell)

    def _close_row(self) -> None:
        self._end_line()
        row = self._rows[-1]
        if row is None:
            return
        self._rows[-1] = None
        del self._sinks[row.sink_depth :]
        sink = self._sinks[-1]
        cells = [[_unquote(line) for line in cell if line] for cell in row.cells]
        joined = [CELL_LINE_SEPARATOR.join(cell) for cell in cells]
        is_data_row = (
            len(cells) >= 2
            and all(len(cell) <= _MAX_CELL_LINES for cell in cells)
            and sum(map(len, joined)) <= _MAX_ROW_CHARS
        )
        if is_data_row:
            if any(joined):
                self._emit(sink, CELL_SEPARATOR.join(joined))
        else:
            for cell in cells:
                for line in cell:
                    self._emit(sink, line)

    def _end_line(self) -> None:
        if not self._words:
            return
        text = " ".join("".join(self._words).split())
        self._words.clear()
        self._emit(self._sinks[-1], text)

    def _end_paragraph(self) -> None:
        self._end_line()
        sink = self._sinks[-1]
        if sink and sink[-1]:
            sink.append("")

    def _emit(self, sink: list[str], text: str) -> None:
        if text:
            sink.append(QUOTE_PREFIX + text if self._quote_depth else text)

    def text(self) -> str:
        while self._rows:
            self._close_table()
        self._end_line()
        return "\n".join(self.lines).strip("\n")


def _unquote(line: str) -> str:
    return line.removeprefix(QUOTE_PREFIX)


def html_to_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    return collector.text()
