# ruff: noqa: RUF001 - multilingual text: full-width colons, dashes and multiplication signs are meant
"""An item on one line or in one piece of a sentence: "3 x Widget @ $25.00", "Consulting:
10 hours at $150/hr", "- Logo design: $800", "... go ahead with 5 licences at $49 each":
its quantity and name from the words before its price, its unit price from the marks
around it."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from addin_server.prefill.amounts import parse_number, quantize
from addin_server.prefill.item_parts import MAX_NAME_CHARS, FoundItem, ScannedLine, is_summary
from addin_server.prefill.lexicon import alternation, is_unspaced, with_digits, words
from addin_server.prefill.models import LineItem
from addin_server.prefill.snippets import clip

_UNITS = alternation(words("units"))
_PRICE_CONNECTORS = alternation([w for w in words("price_connector") if not is_unspaced(w[0])])
# "圓形貼紙 1,000張, 每張 3 元": Chinese and Japanese connectors need no space before them.
_UNSPACED_CONNECTORS = alternation([w for w in words("price_connector") if is_unspaced(w[0])])
_UNIT_CONNECTORS = alternation(words("unit_connector"))
# Words and signs between an item and its price: "@", "at", "à", "zu je", ":", "-" ...
# Connector words are lower case: "Widget A at" keeps its "A". Dot leaders go too.
# A particle after a Japanese or Korean name or count ("チラシを", "15개를") goes too.
_PARTICLE = rf"(?<=[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af])(?:{alternation(words('particle'))})"
_CONNECTOR = re.compile(
    rf"(?:\s+(?:{_PRICE_CONNECTORS})|\s*(?:{_UNSPACED_CONNECTORS})|{_PARTICLE}"
    rf"|\s*(?:@|×|\*|=|:|-|–|—|,|\||\(|\.{{2,}}|_{{2,}}|…))?\s*$"
)
# "3 x CHF 1,200.00": a count times the price makes it the unit price.
_UNIT_CONNECTOR = re.compile(rf"(?:@|×|{_UNIT_CONNECTORS}|(?<=\d)\s?x)\s*$")
_UNIT_PRICE_MARK = re.compile(rf"^\s*(?:{alternation(words('per_unit'))})", re.IGNORECASE)
_BULLET = re.compile(
    r"^\s*(?:[-*•·‣◦▪・]|\d{1,2}[.)](?=\s)|\d{1,2}[、．]|\(\d{1,2}\)"
    r"|(?:pos|item|nr|no|#)\.?\s?\d{1,3}[:.)]?(?=\s))\s*",
    re.IGNORECASE,
)
# "Varenr. 10234: ...", "SKU 44-210 — ...", "Art.-Nr. 3302 ...": an article number before
# the name is no part of it (a code holds a digit).
_CODE_LABEL = re.compile(
    rf"^(?:{alternation(words('column_code'))})\.?\s*[:#]?\s*(?=[\w./-]*\d)[\w./-]+"
    r"(?:\s*[:–—-](?=\s)|\s*[:–—-]$)?\s*",
    re.IGNORECASE,
)
# "Qty 5 - Mug": the count named before the item.
_QTY_LABEL = re.compile(rf"^(?:{alternation(words('column_qty'))})\.?:?\s*(?=\d)", re.IGNORECASE)
_QUANTITY = r"\d{1,3}(?:[,.']\d{3})+(?![.,]\d)|\d{1,5}(?:[.,]\d{1,2})?"
# "2 000 ex.": a count grouped with spaces, only when a unit follows it.
_SPACED_QUANTITY = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
# "4 horas de fotografía", "10 hours of design": the word after a unit that joins it to the item.
_OF = rf"(?:{alternation(words('of'))})\s+"
_COUNT_OF = re.compile(rf"(?<!\S)(\d+)\s+{_OF}", re.IGNORECASE)
_LEADING_QTY = re.compile(
    rf"^(?P<qty>{_SPACED_QUANTITY}(?=\s*(?:{_UNITS}))|{_QUANTITY})\s*(?:(?:x|×|\*)\s*"
    rf"|(?P<unit>{_UNITS})\.?\s+(?:(?:x|×|\*)\s+)?(?:{_OF})?|\s+)(?P<name>\S.*)$",
    re.IGNORECASE,
)
# "Consulting: 10 hours", "作業費:10時間", "Widget x 3", "Widgets: 3 @ ...", "Étiquettes :
# 1 000 x 0,06 €", "Easel hire, qty 6", a count in
# its own column ("Roll-up banners     3"); a count in brackets ("(40 pages)") describes
# the item and is not its quantity.
_TRAILING_QTY = re.compile(
    rf"^(?P<name>.*?[^\s(])\s*(?:\(?(?:x|×|\*)\s*(?P<qty>\d{{1,5}})\)?"
    rf"|[,–—-]?\s*(?:{alternation(words('column_qty'))})\.?:?\s*(?P<qty5>{_QUANTITY})"
    rf"|[:,–—-]?\s*(?P<qty2>{_SPACED_QUANTITY}|{_QUANTITY})\s*(?:{_UNITS})\.?"
    rf"|[:–—-]\s*(?P<qty3>{_SPACED_QUANTITY}|{_QUANTITY})"
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
_MAX_NAME_WORDS = 10
_LEADERS = re.compile(r"(?:\.{3,}|…|_{3,})\s*$")
# "Wedding photography (2 days, 2 photographers) - 1 x Rs. 85,000/-": a count and a times
# sign right before the price count the item, however many words name it.
_COUNT_AT_PRICE = re.compile(rf"\d\s*(?:(?:{_UNITS})\.?\s*)?(?:x|×|\*)\s*$", re.IGNORECASE)
_MAX_KOREAN_NAME_WORDS = 3
_PER_WORD = re.compile(r"\s*/\s*([^\W\d_]{2,})")
_UNIT_WORD = re.compile(rf"(?:{_UNITS})\.?", re.IGNORECASE)
# "Roll-up 85 x 200 cm", "Lona 3x2 m", "(594 x 841 mm)": a size in a name is one word of it.
_SIZE = re.compile(
    r"\d+(?:[.,]\d+)?(?:\s*[x×]\s*\d+(?:[.,]\d+)?)+(?:\s*[^\W\d_]{1,2}\b)?", re.IGNORECASE
)
# "Doprava 150 Kč": shipping, named alone before its price, is an item without a colon.
_SHIPPING = re.compile(rf"(?:{alternation(words('shipping'))})", re.IGNORECASE)
# "Yoga mats: $45.00 x 12": the count after the unit price.
_TIMES_AFTER = re.compile(r"\s*(?:x|×|\*)\s*(?P<qty>\d{1,5})(?![\d.,]*\d)", re.IGNORECASE)
_PURPOSE = re.compile(rf"(?:{alternation(words('purpose'))})\s", re.IGNORECASE)
_DESCRIBING = re.compile(rf"(?:{alternation(words('describing'))})\s*$", re.IGNORECASE)


def item_from_line(line: ScannedLine, locale: str, *, itemised: bool = False) -> FoundItem | None:
    """The item of a list line or a sentence's piece; ``itemised`` when the sentence has
    named an item before it, as a list line would."""
    if not line.money or len(line.text) > 300:
        return None
    first = line.money[0]
    prefix = line.text[: first.start]
    if is_summary(prefix):
        return None
    has_bullet = itemised or bool(_BULLET.match(prefix))
    described = _CODE_LABEL.sub("", _BULLET.sub("", prefix, count=1).strip(), count=1)
    is_request = bool(_REQUEST.match(described))
    described = _REQUEST.sub("", described)
    unit_price_marked = bool(_UNIT_CONNECTOR.search(described)) or bool(
        _UNIT_PRICE_MARK.match(line.text[first.end :])
    )
    is_label = not is_request and _labels_its_price(prefix, described)
    counted_at_price = bool(_COUNT_AT_PRICE.search(described))
    described = _bare_description(described, line.text, first.end, locale)
    if not described:
        return None
    times = _TIMES_AFTER.match(line.text, first.end)
    found = _quantity_and_name(
        described,
        has_bullet or is_label or unit_price_marked,
        labelled=not unit_price_marked,
        listed=bool(_BULLET.match(prefix)),
        counted=counted_at_price,
    )
    if times is not None and (found is None or found[0] is None):
        found, unit_price_marked = (
            (parse_number(times["qty"]), found[1] if found else described),
            True,
        )
    if found is None:
        # Dot leaders ("Logo design - 3 concepts, 2 revision rounds ...... $3,800.00")
        # set a name of any length against its price.
        leadered = bool(_LEADERS.search(prefix))
        longest = _MAX_NAME_WORDS if leadered else _MAX_LABEL_WORDS
        if not (has_bullet or is_label) or _word_count(described) > longest:
            return None
        found = (None, described)
    quantity, name = found
    name = _CONNECTOR.sub("", name).strip(" :-–—,(")
    if not name or quantity == 0 or _word_count(name) > _MAX_NAME_WORDS:
        return None
    return _priced(
        line,
        name,
        quantity or Decimal(1),
        prefix=prefix,
        described=described,
        unit_price_marked=unit_price_marked,
        has_bullet=has_bullet,
    )


def _bare_description(described: str, text: str, price_end: int, locale: str) -> str:
    """What names and counts the item: count words as digits, without a quantity label,
    connectors, or the word the price is per after the count."""
    described = _QTY_LABEL.sub("", _count_words_as_digits(described, locale))
    while (stripped := _CONNECTOR.sub("", described)) != described:
        described = stripped
    # "40 images @ $4.50/image", "2,000 words at $0.12/word": the word the price is per
    # counts the item, as a unit word does.
    per = _PER_WORD.match(text, price_end)
    if per and not _UNIT_WORD.fullmatch(per[1]):
        described = re.sub(
            rf"(?<=\d)\s+{re.escape(per[1])}\w{{0,2}}\.?$", "", described, flags=re.IGNORECASE
        )
    return described


def _labels_its_price(prefix: str, described: str) -> bool:
    """Shipping named alone, or a few words ending in a colon, dash or leaders before the
    price ("Setup fee: $150", "Logo ...... $300")."""
    return bool(_SHIPPING.fullmatch(described)) or (
        bool(re.search(r"(?:[:–—-]|\.{2,}|…)\s*$", prefix))
        and _word_count(_CONNECTOR.sub("", described)) <= _MAX_LABEL_WORDS
    )


def _priced(
    line: ScannedLine,
    name: str,
    quantity: Decimal,
    *,
    prefix: str,
    described: str,
    unit_price_marked: bool,
    has_bullet: bool,
) -> FoundItem:
    """The item at the line's first amount: its unit price, or its line total divided by
    the count, and the other reading where the line does not say which it is."""
    first = line.money[0]
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
    taken = LineItem(name[:MAX_NAME_CHARS], quantity, unit_price, confidence, clip(line.text))
    ambiguous = not marked and not re.search(r"=\s*$", prefix)
    return FoundItem(taken, replace(taken, unit_price=other_price) if ambiguous else None)


def _word_count(name: str) -> int:
    """How many words name an item, a size counting as one."""
    return len(_SIZE.sub("0", name).split())


def _count_words_as_digits(text: str, locale: str) -> str:
    """Number words that may count the item ("zwei Tische") as digits; after a count in
    digits they are part of a name ("8 x Nepeta 'Six Hills Giant'") and stay words."""
    digit = re.search(r"\d", text)
    cut = digit.start() if digit else len(text)
    # "una dozzina di grembiuli": after a count in words, "of" is not part of the name.
    return _COUNT_OF.sub(r"\1 ", with_digits(text[:cut], locale)) + text[cut:]


def _quantity_and_name(
    described: str, itemised: bool, *, labelled: bool, listed: bool, counted: bool
) -> tuple[Decimal | None, str] | None:
    """(quantity, name) from the words before a price, or None if they name no item. In a
    label without a unit price, a count after "with", "of" ... describes the item; a list
    line (``listed``) names its item with all the words before the count, and a count
    right before the price's times sign (``counted``) follows a name of any length."""
    leading = _LEADING_QTY.match(described)
    if leading and (leading.group("unit") or re.match(r"\d+\s*[x×*]", described) or itemised):
        return parse_number(leading.group("qty")), _named(leading)
    trailing = _TRAILING_QTY.match(described)
    name = _name_before_count(trailing["name"], whole=labelled or listed) if trailing else ""
    if (
        trailing
        # A count labelled ("qty 2") or before a times sign is no part of a long name.
        and _word_count(name)
        <= (_MAX_NAME_WORDS if counted or trailing["qty5"] else _MAX_LABEL_WORDS)
        and not (labelled and _DESCRIBING.search(name))
    ):
        count = next(
            trailing.group(g) for g in ("qty", "qty2", "qty3", "qty4", "qty5") if trailing.group(g)
        )
        return parse_number(count), name
    # In a label without a unit price, a count inside it describes the item ("Imagefilm
    # 90 Sekunden - 4.300,00 €"); a sentence names its count before the priced item.
    inline = _INLINE_QTY.search(described)
    if (
        inline
        and itemised
        and not labelled
        and _word_count(inline.group("name")) <= _MAX_LABEL_WORDS
    ):
        return parse_number(inline.group("qty")), _named(inline)
    return None


def _name_before_count(name: str, *, whole: bool) -> str:
    """The name before a count; in a Korean sentence ("지난번 ... 대로 요가매트 15개를 개당"),
    whose words are spaced, the word right before the count: a Korean item's name is
    rarely more than a few words."""
    words_before = name.split()
    if whole or len(words_before) <= _MAX_KOREAN_NAME_WORDS or not is_unspaced(name[-1]):
        return name
    return words_before[-1]


def _named(count: re.Match[str]) -> str:
    """The name after a count; "200 cajas para tartas": the unit word is the item ("boxes
    for cakes"), in a list or in a sentence."""
    name, unit = count.group("name"), count.group("unit")
    return f"{unit} {name}" if unit and _PURPOSE.match(name) else name
