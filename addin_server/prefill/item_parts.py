"""What every reader of line items shares: a scanned line with its money, an item found
with the reading not taken, the words that mark a summary row, and a name's length cap."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from addin_server.prefill.amounts import Money, find_plain_number
from addin_server.prefill.lexicon import is_unspaced, word_re
from addin_server.prefill.models import LineItem

MAX_NAME_CHARS = 120
# Subtotal, VAT, total, discount and balance rows are never items.
SUMMARY_LINE = word_re("summary", "tax", "discount", "balance")


def is_summary(name: str) -> bool:
    """A subtotal, tax, total ... row or line. A one-character Chinese or Japanese word ("計")
    names one only standing alone: inside a word it is part of another ("設計費", design)."""
    for match in SUMMARY_LINE.finditer(name):
        word = match.group()
        if len(word) > 1 or not is_unspaced(word) or name.strip(" :|-\t") == word:
            return True
    return False


@dataclass(frozen=True)
class ScannedLine:
    text: str
    money: list[Money]
    # A piece of a sentence after "and"/"plus" ... and the item before it: "y el material
    # didáctico, 80 €", "plus ₹1,200 for the printed handouts".
    joined: bool = False


@dataclass(frozen=True)
class FoundItem:
    item: LineItem
    # "Flyers  4  CHF 100.00" may be 4 at 25.00 or 4 at 100.00: the reading not taken.
    other: LineItem | None = None


def first_number(text: str) -> Decimal | None:
    plain = find_plain_number(text)
    return plain[0] if plain else None
