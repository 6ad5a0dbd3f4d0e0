"""From an email to a draft invoice: the steps in order, each in its own module."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from addin_server.cybersource import MAX_LINE_ITEMS
from addin_server.prefill.amounts import SUPPORTED_CURRENCIES, find_money, quantize
from addin_server.prefill.body import (
    SUBJECT_PREFIX,
    is_auto_reply,
    is_bulk_mail,
    is_invitation,
    is_receipt,
    quoted_author_parts,
    split_message,
)
from addin_server.prefill.customer import build_customer, find_customer, is_no_reply
from addin_server.prefill.dates import find_due_date
from addin_server.prefill.due_terms import add_days
from addin_server.prefill.html_text import html_to_text
from addin_server.prefill.item_parts import ScannedLine
from addin_server.prefill.language import reading_locale
from addin_server.prefill.line_items import (
    MAX_ITEMS_READ,
    find_line_items,
    items_sum,
    read_with_total,
)
from addin_server.prefill.models import (
    MERCHANT_DEFAULT,
    DraftInvoice,
    EmailInput,
    Extracted,
    LineItem,
    MerchantContext,
    Notice,
)
from addin_server.prefill.offer import Offer, accepted_offer, with_quantity
from addin_server.prefill.references import find_references
from addin_server.prefill.snippets import clip
from addin_server.prefill.totals import (
    TotalAndCurrency,
    choose_total,
    is_payment_confirmation,
)

# Largest body accepted, in characters after JSON decoding (the route answers 413 above it).
MAX_BODY_CHARS = 5 * 1024 * 1024
# Work is bounded whatever the body: the request is at the top of an email, and what lies
# further down is history, images and footers. Only this much HTML markup is converted
# (after inline base64 images are dropped) ...
MAX_HTML_CHARS = 512 * 1024
# ... only this much text is split into request, signature and quoted history ...
MAX_TEXT_CHARS = 256 * 1024
# ... and only this much of the request is read for amounts, items, dates and references.
SCAN_LIMIT_CHARS = 64 * 1024
# Earlier messages are only read for who wrote them and their signature.
QUOTED_LIMIT_CHARS = 20_000
# Longer lines are read up to here for amounts and items (a line is a sentence or a row).
MAX_LINE_CHARS = 2_000
# ... and at most this many lines (a request of more is a list no one wrote by hand).
MAX_LINES = 2_000
_INLINE_IMAGE = re.compile(r"data:[\w/+.-]{1,100};base64,[A-Za-z0-9+/=\s]{64,}")


class BodyTooLargeError(ValueError):
    """The body is longer than ``MAX_BODY_CHARS``."""


def prefill_invoice(email: EmailInput, context: MerchantContext) -> DraftInvoice:
    """The draft invoice an email asks for; every field says how sure it is and why."""
    text = body_text(email.body, email.body_type)
    subject = clean_text(email.subject[:1000])
    author = email.from_address or email.sender
    parts = split_message(text, subject, author.name if author else "")
    current = parts.current[:SCAN_LIMIT_CHARS]
    default_currency = (
        context.default_currency if context.default_currency in SUPPORTED_CURRENCIES else "USD"
    )
    quoted = parts.quoted[:QUOTED_LIMIT_CHARS]
    quoted_from, quoted_signature = quoted_author_parts(quoted)
    match = find_customer(
        email,
        context,
        forwarded_from=parts.forwarded.from_line if parts.forwarded else None,
        quoted_from=quoted_from,
        current_text=current,
        signature=parts.signature,
    )
    # Nothing is billed on an automatic message: an out-of-office, a newsletter, a receipt,
    # a calendar invitation, or a system's notice (a no-reply sender) that names nobody.
    auto_reply = (
        is_auto_reply(subject, current)
        or is_bulk_mail(current)
        or is_receipt(f"{current}\n{parts.signature}")
        or is_invitation(f"{current}\n{parts.signature}")
        or (author is not None and is_no_reply(author.email) and match.address is None)
    )
    locale = reading_locale(email.locale, f"{subject}\n{current}")
    money, items, offer, lines = _money_and_items(
        "" if auto_reply else current, quoted, default_currency, locale
    )

    sent = email_date(email.item_date, email.time_zone)
    # A payment confirmation bills nothing: its date is when it was paid, not a due date.
    paid = money.total is None and not items and is_payment_confirmation(lines)
    due = None if auto_reply or paid else find_due_date(current, sent, locale)
    if due is None and offer is not None:
        due = find_due_date(offer.text, sent, locale)
    due_date = (
        Extracted(due.value, due.confidence, due.source)
        if due is not None
        else Extracted(add_days(sent, context.due_days), 0.3, MERCHANT_DEFAULT)
    )

    signature = quoted_signature if match.role in ("recipient", "quoted") else parts.signature
    customer = build_customer(match, signature if match.role != "mentioned" else "", current)

    return DraftInvoice(
        customer=customer,
        description=_description(subject, current),
        line_items=tuple(items),
        total=money.total,
        currency=money.currency,
        due_date=due_date,
        references=tuple(find_references(f"{subject}\n{current}")),
        notices=_too_many_items(len(items)),
    )


def _too_many_items(count: int) -> tuple[Notice, ...]:
    """Every item is drafted, but Cybersource takes at most ``MAX_LINE_ITEMS`` per invoice:
    the merchant combines or removes the rest (creation is refused until then)."""
    if count <= MAX_LINE_ITEMS:
        return ()
    extra = count - MAX_LINE_ITEMS
    read = f" (only the first {MAX_ITEMS_READ} lines were read)" if count >= MAX_ITEMS_READ else ""
    message = (
        f"Cybersource accepts {MAX_LINE_ITEMS} lines per invoice; combine or remove {extra}"
        f" line{'s' if extra > 1 else ''}{read}."
    )
    return (Notice("line_items", "too_many_line_items", message),)


def _scan(text: str, currency: str, locale: str) -> list[ScannedLine]:
    return [
        ScannedLine(line, find_money(line, currency, locale))
        for line in (
            full_line[:MAX_LINE_CHARS] for full_line in text.split("\n", MAX_LINES)[:MAX_LINES]
        )
    ]


def _money_and_items(
    current: str, quoted: str, default_currency: str, locale: str
) -> tuple[TotalAndCurrency, list[LineItem], Offer | None, list[ScannedLine]]:
    """The total, currency and items of the request; of the quoted offer it accepts when
    the request itself names no amount. Also the request's scanned lines."""
    request = lines = _scan(current, default_currency, locale)
    offer = None
    if not any(line.money for line in lines):
        offer = accepted_offer(current, quoted)
        if offer is not None:
            lines = _scan(offer.text, default_currency, locale)
    currency_hint = next((m.currency for ln in lines for m in ln.money), default_currency)
    found_items = find_line_items(lines, currency_hint, locale)
    money = choose_total(lines, [f.item for f in found_items], default_currency)
    items = read_with_total(found_items, money.total.value if money.total else None)
    # A changed count or a line left out: the total is what the accepted lines add up to.
    if offer is not None and (offer.quantity is not None or offer.dropped) and items:
        if offer.quantity is not None:
            items = with_quantity(items, offer.quantity)
        total = quantize(items_sum(items), money.currency.value)
        money = TotalAndCurrency(Extracted(total, 0.7, clip(current)), money.currency)
    return money, items, offer, request


def clean_text(text: str) -> str:
    """Any text as valid text: lone surrogates replaced, full-width digits and symbols
    folded to their plain forms (NFKC), newlines unified."""
    text = text.encode("utf-8", errors="replace").decode("utf-8")
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def body_text(body: str | bytes, body_type: str) -> str:
    """The body as plain text, at most ``MAX_TEXT_CHARS`` long."""
    if len(body) > MAX_BODY_CHARS:
        raise BodyTooLargeError(f"the body is longer than {MAX_BODY_CHARS} characters")
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if body_type == "html":
        body = html_to_text(_INLINE_IMAGE.sub("data:", body)[:MAX_HTML_CHARS])
    return clean_text(body[:MAX_TEXT_CHARS])


def email_date(item_date: datetime | None, time_zone: str) -> date:
    """The item's date in the mailbox's time zone (relative due dates count from it)."""
    moment = item_date or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(ZoneInfo(time_zone)).date()
    except (ZoneInfoNotFoundError, ValueError, OverflowError):
        # An unknown zone, or a moment at the very edge of the calendar.
        return moment.astimezone(UTC).date()


def _description(subject: str, current: str) -> Extracted[str] | None:
    title = SUBJECT_PREFIX.sub("", subject).strip()
    source = subject
    if not title:
        title = next((line.strip() for line in current.split("\n") if line.strip()), "")[:120]
        source = title
    if not title:
        return None
    return Extracted(title, 0.6, clip(source))


def warm_up() -> None:
    """Load the lexicon and CLDR data and compile the patterns every email needs (about a
    second of CPU), so that a server process pays it when it starts, not its first user."""
    prefill_invoice(
        EmailInput(body="Please invoice 2 hours at EUR 10.00, due in 14 days."),
        MerchantContext(default_currency="EUR", due_days=30),
    )
