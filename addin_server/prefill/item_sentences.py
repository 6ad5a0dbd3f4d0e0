# ruff: noqa: RUF001 - multilingual text: full-width punctuation is meant
"""Items in sentences: a sentence naming several priced items split into one piece per
item, and a bare price after "@"/"at" read as money when the email names its currency
elsewhere."""

from __future__ import annotations

import re
from dataclasses import replace

from addin_server.prefill.amounts import NUMBER, Money, parse_number, quantize
from addin_server.prefill.item_parts import ScannedLine
from addin_server.prefill.lexicon import alternation, words

_UNIT_CONNECTORS = alternation(words("unit_connector"))
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


def segments(line: ScannedLine) -> list[ScannedLine]:
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


def with_unmarked_price(line: ScannedLine, currency: str) -> ScannedLine:
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
