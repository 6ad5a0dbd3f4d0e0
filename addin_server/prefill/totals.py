"""The invoice total and currency: an explicit total ("Total", "Gesamtbetrag", "合計")
wins over the sum of the line items; a single amount asked for stands alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from addin_server.prefill.amounts import (
    SUPPORTED_CURRENCIES,
    find_plain_number,
    quantize,
    resolve_currency,
)
from addin_server.prefill.line_items import ScannedLine, items_sum
from addin_server.prefill.models import MERCHANT_DEFAULT, Extracted, LineItem
from addin_server.prefill.snippets import clip, snippet

_TOTAL_WORD = re.compile(
    r"(?<![^\W\d_])(?:grand total|total due|amount due|balance due|total amount|total|in total"
    r"|comes to|sum of|gesamtbetrag|gesamtsumme|gesamtpreis|gesamt|summe|endbetrag|insgesamt"
    r"|rechnungsbetrag|montant total|montant|importe total|total a pagar|monto total)"
    r"(?![^\W\d_])|合計|総額|請求金額|総計|支払い?金額",
    re.IGNORECASE,
)
_TOTAL_AFTER = re.compile(
    r"\s?(?:(?:in total|total|insgesamt|au total|en total|in all)(?![^\W\d_])|合計)", re.I
)
_NOT_GRAND_TOTAL = re.compile(
    r"sub-?total|zwischensumme|sous-total|小計|excl|before tax|net amount|netto|hors tax"
    r"|\bHT\b|sin iva|税抜|deposit|anzahlung|acompte|anticipo|per month|monthly"
    r"|paid|bezahlt|payé|pagado",
    re.IGNORECASE,
)
_AMOUNT_WORD = re.compile(
    r"invoice|bill|charge|price|cost|fee|deposit|pay|amount|rechnung|preis|betrag|kosten"
    r"|anzahlung|honorar|facture|factur|prix|co[uû]t|montant|acompte|factura|precio|importe"
    r"|coste|costo|anticipo|請求|料金|代金|金額|費用",
    re.IGNORECASE,
)
_GROUPED = re.compile(r"[.,' ]")
_ESTIMATE = re.compile(
    r"budget|around|approx|about|roughly|up to|circa|ca\.|etwa|ungefähr|rund|environ"
    r"|aproximadamente|alrededor|予算|約|程度",
    re.IGNORECASE,
)
# "We paid the $1,850.00 yesterday", "Wir haben die 1.200,00 € überwiesen", "8,000円を
# お振込みしました": money already paid is not asked for (but "to be paid" is).
_PAID_BEFORE = re.compile(
    # Participles only: Spanish "pagamos" is also "we (will) pay".
    r"(?<![^\W\d_])(?<!be )(?:paid|transferred|wired|remitted|payé|réglé|versé|pagado"
    r"|transferido|abonado)(?![^\W\d_])",
    re.IGNORECASE,
)
# German puts the participle after the amount: "haben ... überwiesen" (not "werden ...").
_PERFECT_BEFORE = re.compile(r"(?<![^\W\d_])(?:haben|hat|habe|wurden?)(?![^\W\d_])", re.I)
_PARTICIPLE_AFTER = re.compile(
    r"^[^.!?;]{0,40}?(?<![^\W\d_])(?:bezahlt|überwiesen|beglichen)(?![^\W\d_])", re.I
)
_PAID_AFTER_JA = re.compile(
    r"^[^。!?]{0,20}?(?:支払い?済|振込済|(?:お支払い|お?振り?込み|入金)(?:いた)?しました)"
)


def _already_paid(before: str, after: str) -> bool:
    return bool(
        _PAID_BEFORE.search(before)
        or (_PERFECT_BEFORE.search(before) and _PARTICIPLE_AFTER.search(after))
        or _PAID_AFTER_JA.search(after)
    )


_CURRENCY_MENTION = re.compile(
    r"(?<![A-Za-z])(?:" + "|".join(sorted(SUPPORTED_CURRENCIES)) + r")(?![A-Za-z])"
)


@dataclass(frozen=True)
class TotalAndCurrency:
    total: Extracted[Decimal] | None
    currency: Extracted[str]


def choose_total(
    lines: list[ScannedLine],
    items: list[LineItem],
    default_currency: str,
) -> TotalAndCurrency:
    mentioned = _mentioned_currency(lines)
    stated = _stated_total(lines, mentioned or default_currency)
    if stated is not None:
        total, code, confident = stated
        return TotalAndCurrency(total, Extracted(code, 0.9 if confident else 0.4, total.source))
    # The currency of the amounts found, else one named without an amount, else the default.
    first = next((line for line in lines if line.money), None)
    if first is not None:
        currency = Extracted(first.money[0].currency, 0.85, clip(first.text))
    elif mentioned:
        currency = Extracted(mentioned, 0.6, mentioned)
    else:
        currency = Extracted(default_currency, 0.3, MERCHANT_DEFAULT)
    if items:
        value = quantize(items_sum(items), currency.value)
        sources = "; ".join(i.source for i in items[:3])
        return TotalAndCurrency(Extracted(value, 0.7, clip(sources)), currency)
    asked = _single_amount(lines)
    return TotalAndCurrency(asked, currency)


def _mentioned_currency(lines: list[ScannedLine]) -> str | None:
    for line in lines:
        match = _CURRENCY_MENTION.search(line.text)
        if match:
            return resolve_currency(match.group(), "", "")
    return None


def _stated_total(
    lines: list[ScannedLine], fallback_currency: str
) -> tuple[Extracted[Decimal], str, bool] | None:
    """The last amount introduced as a total (grand totals come last)."""
    found: tuple[Extracted[Decimal], str, bool] | None = None
    for line in lines:
        previous_end = 0
        for money in line.money:
            before = line.text[previous_end : money.start][-60:]
            after = line.text[money.end : money.end + 12]
            previous_end = money.end
            if (_TOTAL_WORD.search(before) or _TOTAL_AFTER.match(after)) and not (
                _NOT_GRAND_TOTAL.search(before)
            ):
                source = snippet(line.text, money.start, money.end)
                found = (Extracted(money.value, 0.9, source), money.currency, True)
        if not line.money:
            word = _TOTAL_WORD.search(line.text)
            if word and not _NOT_GRAND_TOTAL.search(line.text[: word.end()]):
                following = line.text[word.end() : word.end() + 40]
                plain = find_plain_number(following)
                # A bare "Total: 3" counts things; money has decimals or thousands groups.
                if (
                    plain is not None
                    and plain[0] > 0
                    and _GROUPED.search(following[plain[1] : plain[2]])
                ):
                    value = quantize(plain[0], fallback_currency)
                    source = clip(line.text)
                    found = (Extracted(value, 0.6, source), fallback_currency, False)
    return found


def _single_amount(lines: list[ScannedLine]) -> Extracted[Decimal] | None:
    """No total and no items: the one amount the email asks for, if there is one.
    Estimates ("budget around $3,000", "approx. USD 2,170") and payments already made
    ("we paid the $1,850.00") are not asked for."""
    stated = []
    for line in lines:
        previous_end = 0
        for money in line.money:
            before = line.text[previous_end : money.start][-60:]
            after = line.text[money.end : money.end + 60]
            previous_end = money.end
            if not _ESTIMATE.search(before) and not _already_paid(before, after):
                stated.append((line, money, bool(_AMOUNT_WORD.search(before))))
    for candidates, confidence in ((stated, 0.6), ([s for s in stated if s[2]], 0.5)):
        if len({money.value for _, money, _ in candidates}) == 1:
            line, money, _ = candidates[0]
            return Extracted(money.value, confidence, snippet(line.text, money.start, money.end))
    return None
