# ruff: noqa: RUF001, RUF003 - multilingual text: full-width punctuation is meant
"""Items in sentences: a line of prose cut into its sentences, a sentence naming several
priced items split into one piece per item, the item a piece joined by "and"/"plus" names
("... y el material didáctico, 80 €", "plus ₹1,200 for the printed handouts"), and a bare
price after "@"/"at" read as money when the email names its currency elsewhere."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

from addin_server.prefill.amounts import NUMBER, Money, parse_number, quantize
from addin_server.prefill.item_lines import item_from_line
from addin_server.prefill.item_parts import MAX_NAME_CHARS, FoundItem, ScannedLine
from addin_server.prefill.lexicon import alternation, is_unspaced, word_re, words
from addin_server.prefill.models import LineItem
from addin_server.prefill.snippets import clip

_UNIT_CONNECTORS = alternation(words("unit_connector"))
_UNMARKED_PRICE = re.compile(
    rf"(?:@|×|(?<=\d )x|{_UNIT_CONNECTORS})\s?(?P<price>{NUMBER})"
    r"(?:(?<=[.,]\d\d)\s*(?:each|ea\.?|/\s?\w{1,12}|per \w{1,12})?"
    r"|\s*(?:each|ea\.?|/\s?\w{1,12}|per \w{1,12}))\s*(?=$|[,;.]\s)",
    re.IGNORECASE,
)
# A sentence ends at ". ! ?" before a capital, or at "。！？".
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[^\W\d_])|[。！？]")
_LIST_NUMBER = re.compile(r"\s*(?:[-*•·]\s*)?\d{1,3}")
_LEAD = alternation(words("item_lead"))
# Between two items of one sentence: the first's net mark ("HT") and unit mark ("per
# day", its word only if needed), then
# "and"/","/";" and a count, a name (a Chinese or Korean name needs no space before it),
# an article, or, after "and"/"plus", a name and its comma ("samt transport, 600 kr.") or
# the next price itself.
_CJK = r"[\u4e00-\u9fff\uac00-\ud7af]"
_CJK_OR_KANA = r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
_NET_MARK = re.compile(rf"\s*(?:{alternation(words('net_mark'))})", re.IGNORECASE)
_NEXT_ITEM = re.compile(
    rf"[)]?(?:{alternation(words('particle'))})?(?:{_NET_MARK.pattern})?\s*"
    rf"(?:(?:{alternation(words('per_unit'))})\.?(?:\s+[^\W\d_]{{1,12}}\.?)??\s*)?[,;，；、]?\s*"
    rf"(?:(?P<joined>{alternation(words('conjunction'))})(?:\s+|(?<={_CJK_OR_KANA})[、，,]?))?"
    rf"(?=\d|[^\W\d_]{{3,}}\s|(?(joined)[^\W\d_]{{3,}},|(?!))|(?:{_LEAD})\s|{_CJK}|$"
    rf"|(?(joined)(?<={_CJK_OR_KANA}|、)\w|(?!)))",
    re.IGNORECASE,
)
# A joined piece is no item when it names a total, tax, discount, deposit or payment.
_NOT_AN_ITEM = word_re("summary", "tax", "discount", "balance", "deposit", "total", "paid")
# "₹1,200 for the printed handouts", "15 € de transporte": the price, then what it is for.
_PRICE_FOR = re.compile(
    rf"\s*(?:{alternation(words('price_for'))})\s+(?:(?:{_LEAD})\s+)?"
    r"(?P<name>[^\W\d_][^.,;:!?()\d]{0,60}?)\s*(?:[.,;:!?(]|$)",
    re.IGNORECASE,
)
_LEADING_ARTICLE = re.compile(rf"^(?:{_LEAD})\s+(?=\S)", re.IGNORECASE)
_MAX_JOINED_NAME_WORDS = 5


def sentences(line: ScannedLine) -> list[ScannedLine]:
    """A line of prose as its sentences, each with its money: "... at $12.50 each. That
    comes to $1,600." reads the total apart from the items. A paragraph is cut too (its
    length is bounded by the engine's line cap); each sentence is then read like a line."""
    if len(line.money) < 2:
        return [line]
    cuts = [0]
    for end in _SENTENCE_END.finditer(line.text):
        after = line.text[end.end() : end.end() + 1]
        inside = any(m.start < end.end() < m.end for m in line.money)
        # "1. 会報誌 ...": a list's number is no sentence.
        numbered = _LIST_NUMBER.fullmatch(line.text, 0, end.start()) is not None
        if not (inside or numbered) and (not after or after.isupper() or is_unspaced(after)):
            cuts.append(end.end())
    cuts.append(len(line.text))
    return [
        ScannedLine(
            line.text[start:end],
            [
                replace(m, start=m.start - start, end=m.end - start)
                for m in line.money
                if start <= m.start < end
            ],
        )
        for start, end in pairwise(cuts)
        if start < end
    ]


def segments(line: ScannedLine) -> list[ScannedLine]:
    """A sentence naming several priced items ("a dozen handles at $35 each and three
    designs at $200 each") as one piece per item; a row's unit price and line total
    ("$25.00 $75.00") stay together."""
    if len(line.money) < 2 or len(line.text) > 300:
        return [line]
    bounds, joined = [0], [False]
    for money, following in zip(line.money, line.money[1:], strict=False):
        gap = _NEXT_ITEM.match(line.text, money.end, following.start)
        if gap is None or (
            gap.end() == following.start
            and not gap["joined"]
            and not line.text[following.start].isdigit()
        ):
            return [line]
        bounds.append(gap.end())
        joined.append(gap["joined"] is not None)
    bounds.append(len(line.text))
    return [
        ScannedLine(
            line.text[start:end],
            [replace(money, start=money.start - start, end=money.end - start)],
            is_joined,
        )
        for money, start, end, is_joined in zip(
            line.money, bounds, bounds[1:], joined, strict=False
        )
    ]


def joined_item(piece: ScannedLine, locale: str) -> FoundItem | None:
    """The item a piece after "and"/"plus" names, once the sentence has named one: "el
    material didáctico, 80 €" (a name without a count is one), "₹1,200 for the printed
    handouts" (the price first); never a total, tax, discount, deposit or payment."""
    money = piece.money[0]
    after = piece.text[money.end :]
    after = after[net.end() :] if (net := _NET_MARK.match(after)) else after
    if _NOT_AN_ITEM.search(f"{piece.text[: money.start]} {after}"):
        return None
    if piece.text[: money.start].strip():
        found = item_from_line(piece, locale, itemised=True)
        if found is None:
            return None
        name = _LEADING_ARTICLE.sub("", found.item.name)
        if len(name.split()) > _MAX_JOINED_NAME_WORDS:
            return None
        other = replace(found.other, name=name) if found.other else None
        return FoundItem(replace(found.item, name=name), other)
    named = _PRICE_FOR.match(piece.text, money.end)
    if named is None or len(named["name"].split()) > _MAX_JOINED_NAME_WORDS:
        return None
    item = LineItem(named["name"][:MAX_NAME_CHARS], Decimal(1), money.value, 0.7, clip(piece.text))
    return FoundItem(item)


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
