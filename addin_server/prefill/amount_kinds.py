"""What an amount in an email is, from the words around it: already paid, a balance or
instalment asked for, gross, a total, net, tax, an estimate, or replaced by another. Words
come from the lexicon (``[words] paid, balance, gross, total, not_total, tax, ...``)."""

from __future__ import annotations

import re
from typing import Literal

from addin_server.prefill.lexicon import word_re

Kind = Literal["balance", "gross", "total", "net", "tax", "paid", "estimate", "replaced", "plain"]
# How far after an amount a word qualifies it.
AFTER = 24
# How far before an amount an instalment word names it ("the first installment ($3,000)",
# "ilk taksit olan 15.000 ₺"): further back it names the whole being split.
_INSTALMENT_BEFORE = 25
# How far before an amount the words saying another replaces it stand ("instead of the ").
_REPLACED_BEFORE = 18
# A sentence ends at ".", "!" or "?" before a space, or at an ideographic full stop or
# full-width mark (which need no space).
SENTENCE_END = re.compile(r"[.!?](?:\s|$)|[\u3002\uff01\uff1f]")
_PLUS_WORDS = r"(?:\+|plus\b|zzgl\.?|más|mais|più)"
_PLUS = re.compile(rf"^\s*(?:{_PLUS_WORDS}|\(?\s*\+)", re.IGNORECASE)
# "plus VAT", "zzgl. 19 % MwSt.", "+ %20 KDV": a rate may stand between.
_ENDS_WITH_PLUS = re.compile(
    rf"{_PLUS_WORDS}\s*(?:\d{{1,2}}(?:[.,]\d{{1,2}})?\s?%\s*|%\s?\d{{1,2}}\s*)?$", re.IGNORECASE
)
# How far after an amount a participle may say it was paid ("le virement de 2 450,00 €
# pour la facture F-2026-031 a été effectué").
PAID_AFTER = 60


def _already_paid(before: str, after: str) -> bool:
    """ "We paid the $1,850.00", "die 1.200,00 € haben wir überwiesen", "8,000円を
    お支払いしました": money already paid is not asked for (but "to be paid" is)."""
    after = SENTENCE_END.split(after, maxsplit=1)[0]
    participle = word_re("paid_after").search(after[:PAID_AFTER])
    if participle is not None:
        future = word_re("future")
        return not (future.search(before[-25:]) or future.search(after[: participle.start()]))
    # "5.000 TL ödedik, kalan 15.000 TL", "お支払い済みですので、残り7万円": a balance named
    # after the payment is what is left, not paid.
    balance = last_match(word_re("balance"), before)
    if balance is not None and not word_re("paid", "payment_done").search(before[balance.end() :]):
        return False
    paid = list(word_re("paid").finditer(before))
    if paid:
        return not word_re("future").search(before[max(0, paid[-1].start() - 8) :])
    return _payment_made(before, after)


def _payment_made(before: str, after: str) -> bool:
    """ "Le paiement de 980,00 € a bien été reçu", "przelew na kwotę 3 200 zł został
    wykonany": a payment and a word saying it was made, in the amount's sentence, and
    nothing about the future before that word."""
    sentence = f"{SENTENCE_END.split(before)[-1]} {after}"
    if not word_re("payment").search(sentence):
        return False
    done = word_re("payment_done").search(sentence)
    # Words after the payment is said to be made ("请查收", "please confirm") are no future.
    return done is not None and not word_re("future").search(sentence[: done.end()])


def _asked_deposit(before: str) -> bool:
    """ "Please invoice a 50% deposit of $2,500.00": the deposit is what is asked for."""
    deposit = list(word_re("deposit").finditer(before))
    return bool(deposit) and bool(word_re("request").search(before[: deposit[-1].start()]))


def _added_tax(before: str) -> bool:
    """ "imponibile 2.400,00 € più IVA 22% pari a 528,00 €": the amount after "plus VAT"
    is the tax (the one before it is net)."""
    tax = last_match(word_re("tax"), before)
    if tax is None or not _ENDS_WITH_PLUS.search(before[: tax.start()]):
        return False
    # "€500 plus VAT, total €610": a label after the tax names the amount.
    return not word_re("total", "gross", "balance", "not_total").search(before[tax.end() :])


def _gross_word(text: str) -> bool:
    """A gross word in ``text`` that is no part of a net phrase ("含税" in "不含税")."""
    nets = [m.span() for m in word_re("not_total").finditer(text)]
    return any(
        not any(start <= gross.start() and gross.end() <= end for start, end in nets)
        for gross in word_re("gross").finditer(text)
    )


def last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def classify(before: str, after: str) -> Kind:
    """What an amount is, from the words before it (on its line, since the previous amount)
    and right after it."""
    head = after[:AFTER]
    qualifier = head.lstrip(" ([")
    if _already_paid(before, after):
        return "paid"
    if word_re("replaced").search(before[-_REPLACED_BEFORE:]) or word_re("replaced_after").match(
        qualifier
    ):
        return "replaced"
    if word_re("balance").search(before) or _asked_deposit(before):
        return "balance"
    if word_re("instalment").search(before[-_INSTALMENT_BEFORE:]):
        return "balance"
    # "9 600 kr inkl. moms (7 680 kr exkl. moms)": a net word right after wins over a gross
    # word before, which names the amount before it.
    net_after = word_re("not_total").match(qualifier)
    if word_re("gross").match(qualifier) or (_gross_word(before[-20:]) and not net_after):
        return "gross"
    # "£1,000 + VAT @ 20% = £1,200": the result of adding the tax.
    if before.rstrip().endswith("=") and word_re("tax").search(before):
        return "gross"
    # "£1,500 + VAT (£1,800 total)": a total word right after names the amount.
    if _added_tax(before[-25:]) and not word_re("total_after").match(qualifier):
        return "tax"
    if word_re("not_total").match(qualifier) or _PLUS.match(head):
        return "net"
    net_label = last_match(word_re("not_total", "deposit"), before)
    total_label = last_match(word_re("total"), before)
    # "$18,500 más IVA, en total $21,460": the nearer label names the amount.
    if net_label is not None and (total_label is None or total_label.start() < net_label.end()):
        return "net"
    if total_label is not None or word_re("total_after").match(head.lstrip(" ")):
        return "total"
    if word_re("tax").search(before[-25:]):
        return "tax"
    if word_re("estimate").search(before):
        return "estimate"
    return "plain"
