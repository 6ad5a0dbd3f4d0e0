"""The invoice total and currency: the amount agreed. A balance left after a deposit or
part payment, or the instalment asked for, wins; then a gross total (stated as such, or
net + tax = gross); then the last stated total; then the sum of the line items; then the
one amount the email asks for. Amounts already paid, deposits, subtotals, net amounts,
taxes, estimates and amounts another replaces are never the total. Words come from the
lexicon (``[words] total, balance, gross, ...``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

from addin_server.prefill.amount_kinds import (
    AFTER,
    PAID_AFTER,
    SENTENCE_END,
    Kind,
    classify,
    last_match,
)
from addin_server.prefill.amounts import (
    SUPPORTED_CURRENCIES,
    Money,
    find_plain_number,
    quantize,
)
from addin_server.prefill.item_parts import ScannedLine
from addin_server.prefill.lexicon import share_re, shares, word_re
from addin_server.prefill.line_items import items_sum
from addin_server.prefill.models import MERCHANT_DEFAULT, Extracted, LineItem
from addin_server.prefill.snippets import clip, snippet

# How far before an amount its label may stand.
_BEFORE = 60
_DISCOUNT_BEFORE = 25
_PERCENT = re.compile(r"(?<![\d.,])(?P<rate>\d{1,2}(?:[.,]\d{1,2})?)\s?%|%\s?(?P<tr>\d{1,2})")
# Totals come last: of a text with more amounts than this, the last ones are weighed.
MAX_CANDIDATES = 400
_GROUPED = re.compile(r"[.,' ]")
# A sum worked out in a sentence has few terms: more amounts on one line are a list.
_MAX_WORKED_TERMS = 6
_CURRENCY_MENTION = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(sorted(SUPPORTED_CURRENCIES)) + r")(?![A-Za-z])"
)


@dataclass(frozen=True)
class TotalAndCurrency:
    total: Extracted[Decimal] | None
    currency: Extracted[str]


@dataclass(frozen=True)
class Candidate:
    money: Money
    line: ScannedLine
    kind: Kind

    def extracted(self, confidence: float) -> Extracted[Decimal]:
        source = snippet(self.line.text, self.money.start, self.money.end)
        return Extracted(self.money.value, confidence, source)


def _deposit_share(candidate: Candidate) -> Decimal | None:
    """ "Please invoice a 30% deposit on the $12,000 project": the amount after the
    percentage and a word naming what it is of is the whole, the deposit its share (but
    "a 30% deposit of $3,600" states the deposit)."""
    before = candidate.line.text[: candidate.money.start][-_BEFORE:]
    deposit = last_match(word_re("deposit"), before)
    if deposit is None:
        return None
    percent = last_match(_PERCENT, before)
    if percent is None:
        return None
    rate = Decimal((percent["rate"] or percent["tr"]).replace(",", "."))
    rest = before[max(percent.end(), deposit.end()) :]
    if not 0 < rate < 100 or not word_re("share_base", "total").search(rest):
        return None
    return rate / 100


def candidates(lines: list[ScannedLine]) -> Iterator[Candidate]:
    with_money = [line for line in lines if line.money]
    kept, count = [], 0
    for line in reversed(with_money):
        count += len(line.money)
        if count > MAX_CANDIDATES:
            break
        kept.append(line)
    for line in reversed(kept):
        previous_end = 0
        for index, money in enumerate(line.money):
            before = line.text[previous_end : money.start][-_BEFORE:]
            # What follows an amount qualifies it up to the next amount, not beyond.
            following = line.money[index + 1].start if index + 1 < len(line.money) else None
            after = line.text[money.end : following][:PAID_AFTER]
            previous_end = money.end
            yield Candidate(money, line, classify(before, after))


def is_payment_confirmation(lines: list[ScannedLine]) -> bool:
    """Every amount in the text is one already paid ("we transferred the $780.00")."""
    found = list(candidates(lines))
    return bool(found) and all(c.kind == "paid" for c in found)


def choose_total(
    lines: list[ScannedLine], items: list[LineItem], default_currency: str
) -> TotalAndCurrency:
    found = list(candidates(lines))
    chosen = _agreed(found, lines)
    if chosen is not None:
        total, code = chosen
        return TotalAndCurrency(total, Extracted(code, 0.9, total.source))
    currency = _currency(lines, found, default_currency)
    unmarked = _unmarked_total(lines, currency.value)
    if items:
        value = quantize(items_sum(items), currency.value)
        # A table priced in its header's currency ("Amount (CZK)") states its grand total
        # unmarked too: a total at least the items' sum adds their tax or fees.
        if unmarked is not None and unmarked.value >= value:
            return TotalAndCurrency(unmarked, currency)
        sources = "; ".join(i.source for i in items[:3])
        return TotalAndCurrency(Extracted(value, 0.7, clip(sources)), currency)
    if unmarked is not None:
        return TotalAndCurrency(unmarked, Extracted(currency.value, 0.4, unmarked.source))
    return TotalAndCurrency(_single_amount(found), currency)


def _agreed(
    found: list[Candidate], lines: list[ScannedLine]
) -> tuple[Extracted[Decimal], str] | None:
    """The balance (stated, or left after what was paid), the gross, net + tax, or the last
    stated total."""
    last = next((c for c in reversed(found) if c.kind == "balance"), None)
    if last is not None:
        share = _deposit_share(last)
        if share is None:
            return last.extracted(0.9), last.money.currency
        value = quantize(last.money.value * share, last.money.currency)
        return Extracted(value, 0.7, last.extracted(0.7).source), last.money.currency
    left = _balance_left(found, lines) or _share_left(found, lines)
    if left is not None:
        return left
    last = next((c for c in reversed(found) if c.kind == "gross"), None)
    if last is not None:
        return last.extracted(0.9), last.money.currency
    gross = _net_plus_tax(found)
    if gross is not None and gross[0].confidence >= 0.9:
        return gross
    last = next((c for c in reversed(found) if c.kind == "total"), None)
    if last is not None:
        return last.extracted(0.9), last.money.currency
    return gross


def _balance_left(
    found: list[Candidate], lines: list[ScannedLine]
) -> tuple[Extracted[Decimal], str] | None:
    """ "Gesamtbetrag 5.000,00 €, Anzahlung 1.500,00 € bereits bezahlt. Bitte den
    Restbetrag in Rechnung stellen", "please invoice the difference": a balance asked for
    without its amount is the total less what was paid."""
    if not any(word_re("balance", "difference").search(line.text) for line in lines):
        return None
    total = next((c for c in reversed(found) if c.kind in ("total", "gross")), None)
    if total is None:
        return None
    code = total.money.currency
    paid = sum(c.money.value for c in found if c.kind == "paid" and c.money.currency == code)
    if not 0 < paid < total.money.value:
        return None
    left = quantize(total.money.value - paid, code)
    return Extracted(left, 0.7, total.extracted(0.7).source), code


def _share_paid(lines: list[ScannedLine]) -> Fraction | None:
    """ "We paid a third up front, so please bill the remaining two thirds", "签约时我们已经
    付了一半": the share named nearest a paid word in its sentence is the share paid."""
    # Shares are rare words: only lines naming one are split into sentences.
    for line in (line for line in lines if share_re().search(line.text)):
        for sentence in SENTENCE_END.split(line.text):
            paid = word_re("paid").search(sentence)
            if paid is None:
                continue
            named = list(share_re().finditer(sentence))
            if named:
                nearest = min(named, key=lambda m: abs(m.start() - paid.start()))
                return shares()[nearest.group().casefold()]
    return None


def _share_left(
    found: list[Candidate], lines: list[ScannedLine]
) -> tuple[Extracted[Decimal], str] | None:
    """ "The project came to $9,000 all in. We paid a third up front": a share of the
    whole paid in words leaves the rest of the whole (the stated total, else the one amount
    the email names) to bill."""
    share = _share_paid(lines)
    if share is None or not 0 < share < 1:
        return None
    whole = next((c for c in reversed(found) if c.kind in ("total", "gross")), None)
    if whole is None and len({(c.money.value, c.money.currency) for c in found}) == 1:
        whole = found[0]
    if whole is None:
        return None
    code = whole.money.currency
    left = whole.money.value * (share.denominator - share.numerator) / share.denominator
    return Extracted(quantize(left, code), 0.7, whole.extracted(0.7).source), code


def _net_plus_tax(found: list[Candidate]) -> tuple[Extracted[Decimal], str] | None:
    """ "£2,000.00 + VAT £400.00 = £2,400.00": the gross, stated or not."""
    taxes = [c for c in found if c.kind == "tax"]
    # An amount followed on its line by "plus VAT ..." is net too.
    nets = [c for c in found if c.kind == "net"] or [
        c
        for c in found
        if c.kind == "plain"
        and any(t.line is c.line and t.money.start > c.money.end for t in taxes)
    ]
    for net in nets:
        for tax in taxes:
            if tax.money.currency != net.money.currency or tax.money.value >= net.money.value:
                continue
            gross = net.money.value + tax.money.value
            stated = next((c for c in found if c.money.value == gross), None)
            if stated is not None:
                return stated.extracted(0.9), stated.money.currency
            return Extracted(gross, 0.7, tax.extracted(0.7).source), net.money.currency
    return None


def _currency(
    lines: list[ScannedLine], found: list[Candidate], default_currency: str
) -> Extracted[str]:
    """The currency of the amounts found, else one named without an amount, else the
    merchant's default."""
    if found:
        first = found[0]
        return Extracted(first.money.currency, 0.85, clip(first.line.text))
    for line in lines:
        match = _CURRENCY_MENTION.search(line.text)
        if match:
            return Extracted(match.group(), 0.6, match.group())
    return Extracted(default_currency, 0.3, MERCHANT_DEFAULT)


def _unmarked_total(lines: list[ScannedLine], currency: str) -> Extracted[Decimal] | None:
    """ "Total: 5,850.00" in an email that names its currency elsewhere (a bare "Total: 3"
    counts things; money has decimals or thousands groups)."""
    found = None
    for line in lines:
        if line.money:
            continue
        word = word_re("total").search(line.text)
        if word is None or word_re("not_total").search(line.text[: word.end()]):
            continue
        following = line.text[word.end() : word.end() + 40]
        plain = find_plain_number(following)
        if plain is not None and plain[0] > 0 and _GROUPED.search(following[plain[1] : plain[2]]):
            found = Extracted(quantize(plain[0], currency), 0.6, clip(line.text))
    return found


def _single_amount(found: list[Candidate]) -> Extracted[Decimal] | None:
    """No total and no items: the one amount the email asks for, if there is one.
    Estimates ("budget around $3,000"), payments already made, deposits and taxes are not
    asked for; a net amount is, when nothing else is ("£1,200 + VAT")."""
    asked = [c for c in found if c.kind == "plain"] or [c for c in found if c.kind == "net"]
    if len({c.money.value for c in asked}) == 1:
        return asked[0].extracted(0.6)
    less = _less_discounts(asked)
    if less is not None:
        return less
    worked = _worked_out(found)
    return worked.extracted(0.6) if worked is not None else None


def _is_discount(candidate: Candidate) -> bool:
    """ "knock off $150", "Rabatt 50,00 €", "$150 off": money taken off, not asked for."""
    before = candidate.line.text[: candidate.money.start][-_DISCOUNT_BEFORE:]
    after = candidate.line.text[candidate.money.end : candidate.money.end + AFTER]
    return bool(word_re("discount").search(before) or word_re("discount").match(after.lstrip()))


def _less_discounts(asked: list[Candidate]) -> Extracted[Decimal] | None:
    """ "We agreed $2,000 for the shoot but knock off $150": the one amount asked for, less
    the discounts named with their own amounts."""
    discounts = [c for c in asked if _is_discount(c)]
    rest = [c for c in asked if c not in discounts]
    if not discounts or len({c.money.value for c in rest}) != 1:
        return None
    first = rest[0]
    off = sum(abs(c.money.value) for c in discounts if c.money.currency == first.money.currency)
    if not 0 < off < first.money.value:
        return None
    source = first.extracted(0.5).source
    return Extracted(quantize(first.money.value - off, first.money.currency), 0.5, source)


def _worked_out(found: list[Candidate]) -> Candidate | None:
    """ "R14 000.00 less the 5% discount (R700.00) leaves R13 300.00": an amount that is
    the sum or the difference of two before it on its line is the result the writer
    worked out (the last such, if several)."""
    result = None
    lines: dict[int, list[Candidate]] = {}
    for candidate in found:
        lines.setdefault(id(candidate.line), []).append(candidate)
    for terms in lines.values():
        for index, candidate in enumerate(terms[:_MAX_WORKED_TERMS]):
            if candidate.kind in ("paid", "estimate"):
                continue
            earlier = [
                c.money.value for c in terms[:index] if c.money.currency == candidate.money.currency
            ]
            value = candidate.money.value
            if any(a + b == value or abs(a - b) == value for a, b in combinations(earlier, 2)):
                result = candidate
    return result
