"""Any input gives a valid draft: hostile bodies and generated emails never raise."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin_server.prefill import (
    MAX_BODY_CHARS,
    Address,
    DraftInvoice,
    EmailInput,
    MerchantContext,
    prefill_invoice,
)
from addin_server.prefill.amounts import SUPPORTED_CURRENCIES
from addin_server.prefill.line_items import MAX_ITEMS_READ
from addin_server.prefill.models import SOURCE_MAX_CHARS

_RANDOM = random.Random(6)
HOSTILE_BODIES: dict[str, tuple[str | bytes, str]] = {
    "5 MiB of prose": (("Please invoice $12.50 for item 7. " * 160_000)[:MAX_BODY_CHARS], "text"),
    "100,000 digits": ("Total: $" + "9" * 100_000, "text"),
    "100,000 digits as a date": ("due " + "1" * 100_000 + ".03.2026", "text"),
    "HTML nested 10,000 deep": ("<div>" * 10_000 + "$5" + "</div>" * 10_000, "html"),
    "tables nested 10,000 deep": ("<table><tr><td>" * 10_000 + "$5", "html"),
    "5 MiB of dense tags": ("<p>$1</p>" * (MAX_BODY_CHARS // 9), "html"),
    "unclosed comment": ("<!--" + "a<b " * 250_000, "html"),
    "invalid UTF-8": (b"\xff\xfe\xc3(" * 262_144, "text"),
    "binary": (_RANDOM.randbytes(1 << 20), "text"),
    "binary as HTML": (_RANDOM.randbytes(1 << 20), "html"),
    "lone surrogates": ("Total: $5 \ud800\udfff\ud800", "text"),
    "quote markers only": ("> On Mon wrote:\n" * 100_000, "text"),
    "long line of separators": ("1," * 500_000, "text"),
}


def check_draft(draft: DraftInvoice) -> None:
    fields = [
        draft.customer.name,
        draft.customer.email,
        draft.customer.company,
        draft.description,
        draft.total,
        draft.currency,
        draft.due_date,
        *draft.line_items,
        *draft.references,
    ]
    for field in fields:
        if field is not None:
            assert 0 <= field.confidence <= 1
            assert len(field.source) <= SOURCE_MAX_CHARS
    assert draft.currency.value in SUPPORTED_CURRENCIES
    assert len(draft.line_items) <= MAX_ITEMS_READ
    if draft.total is not None:
        assert draft.total.value.is_finite()


@pytest.mark.parametrize("case", sorted(HOSTILE_BODIES))
def test_hostile_bodies_give_a_draft(case: str) -> None:
    body, body_type = HOSTILE_BODIES[case]
    email = EmailInput(body=body, body_type="html" if body_type == "html" else "text")
    check_draft(prefill_invoice(email, MerchantContext()))


addresses = st.builds(
    Address,
    email=st.one_of(st.emails(), st.text(max_size=40)),
    name=st.text(max_size=30),
)
emails = st.builds(
    EmailInput,
    body=st.one_of(
        st.text(max_size=2_000),
        st.binary(max_size=2_000),
        st.lists(
            st.sampled_from(
                [
                    "3 x Widget @ $25.00",
                    "Total: 1.234,56 €",
                    "net 30",
                    "<td>",
                    "</tr>",
                    "<table><tr><td>Item</td><td>Qty</td><td>Price</td></tr>",
                    "> ",
                    "On Mon wrote:",
                    "-- ",
                    "Best regards,",
                    "合計:5,000円",
                    "¥",
                    "\n",
                    "From: a@b.c",
                    "Sent: x",
                    "<blockquote>",
                    "due by March 31",
                    "1,2",
                ]
            ),
            max_size=60,
        ).map("".join),
    ),
    body_type=st.sampled_from(["text", "html"]),
    from_address=st.none() | addresses,
    sender=st.none() | addresses,
    to=st.lists(addresses, max_size=3).map(tuple),
    cc=st.lists(addresses, max_size=2).map(tuple),
    subject=st.text(max_size=80),
    item_date=st.none() | st.datetimes(timezones=st.just(UTC)),
    mailbox_owner=st.one_of(st.emails(), st.text(max_size=30)),
    time_zone=st.sampled_from(
        ["UTC", "Europe/Berlin", "Asia/Tokyo", "Pacific/Kiritimati", "Bogus/Zone"]
    ),
    locale=st.text(max_size=10) | st.sampled_from(["en-US", "de-DE", "fr-CA", "ja-JP", "es-MX"]),
    mode=st.sampled_from(["read", "compose"]),
)
contexts = st.builds(
    MerchantContext,
    default_currency=st.sampled_from(sorted(SUPPORTED_CURRENCIES)) | st.text(max_size=4),
    due_days=st.integers(min_value=0, max_value=365),
)


@settings(max_examples=200, deadline=None)
@given(email=emails, context=contexts)
def test_any_email_gives_a_valid_draft(email: EmailInput, context: MerchantContext) -> None:
    check_draft(prefill_invoice(email, context))


def test_the_latest_item_date_still_gives_a_due_date() -> None:
    email = EmailInput(body="net 365", item_date=datetime(9999, 12, 31, tzinfo=UTC))
    check_draft(prefill_invoice(email, MerchantContext(due_days=365)))
