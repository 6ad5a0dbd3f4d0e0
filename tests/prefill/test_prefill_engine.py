# ruff: noqa: RUF001 - multilingual email text: the multiplication sign is meant
"""``prefill_invoice`` end to end: who the customer is, items, totals, limits."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from addin_server.cybersource import MAX_LINE_ITEMS
from addin_server.prefill import (
    MAX_BODY_CHARS,
    Address,
    BodyTooLargeError,
    EmailInput,
    MerchantContext,
    prefill_invoice,
)
from addin_server.prefill.line_items import MAX_ITEMS_READ

OWNER = "billing@shop.example"
JANE = Address("jane@acme.example", "Jane Doe")


def email(body: str | bytes = "Please invoice $10.", **fields: Any) -> EmailInput:
    usual = EmailInput(
        body=body,
        from_address=JANE,
        to=(Address(OWNER),),
        item_date=datetime(2026, 3, 2, 9, tzinfo=UTC),
        mailbox_owner=OWNER,
    )
    return replace(usual, **fields)


def customer_email(message: EmailInput) -> str | None:
    found = prefill_invoice(message, MerchantContext()).customer.email
    return found.value if found else None


def test_reading_a_received_message_bills_its_sender() -> None:
    assert customer_email(email()) == "jane@acme.example"


def test_composing_bills_the_first_external_recipient() -> None:
    message = email(
        from_address=Address(OWNER),
        to=(Address("colleague@shop.example"), Address("noreply@x.example"), JANE),
        mode="compose",
    )
    assert customer_email(message) == "jane@acme.example"


def test_a_message_the_owner_sent_bills_the_recipient() -> None:
    assert customer_email(email(from_address=Address(OWNER), to=(JANE,))) == "jane@acme.example"


def test_never_a_no_reply_address_or_the_merchant() -> None:
    assert customer_email(email(from_address=Address("no-reply@shop.example"))) is None
    assert customer_email(email(from_address=Address("do_not_reply@acme.example"))) is None
    assert customer_email(email(from_address=Address(OWNER), to=(Address(OWNER),))) is None


def test_forward_bills_the_original_sender() -> None:
    body = (
        "please bill\n\n-----Original Message-----\nFrom: Jane Doe <jane@acme.example>\n"
        "Sent: Monday\nSubject: Order\n\n2 x Mug @ $5.00\n"
    )
    message = email(body, from_address=Address("colleague@shop.example"), subject="FW: Order")
    draft = prefill_invoice(message, MerchantContext())
    assert draft.customer.email is not None
    assert draft.customer.email.value == "jane@acme.example"
    assert draft.total is not None
    assert draft.total.value == Decimal("10.00")


def test_signature_gives_the_company() -> None:
    body = "Total: $10\n\nBest regards,\nJane Doe\nPurchasing Manager\nAcme Widgets GmbH"
    company = prefill_invoice(email(body), MerchantContext()).customer.company
    assert company is not None
    assert company.value == "Acme Widgets GmbH"


def test_explicit_total_wins_over_the_sum_of_lines() -> None:
    body = "- 2 x Chair @ $100.00\n- 1 x Desk @ $300.00\n\nTotal with discount: $450.00"
    draft = prefill_invoice(email(body), MerchantContext())
    assert [(i.name, i.quantity, i.unit_price) for i in draft.line_items] == [
        ("Chair", Decimal(2), Decimal("100.00")),
        ("Desk", Decimal(1), Decimal("300.00")),
    ]
    assert draft.total is not None
    assert draft.total.value == Decimal("450.00")


@pytest.mark.parametrize(
    ("line", "name", "quantity", "unit_price"),
    [
        ("3 x Widget @ $25.00", "Widget", 3, "25.00"),
        ("Consulting: 10 hours at $150/hr", "Consulting", 10, "150.00"),
        ("- Logo design: $800", "Logo design", 1, "800.00"),
        ("* 2 Tickets - $30.00 each", "Tickets", 2, "30.00"),
        ("5 x Kaffeebecher à 12,50 €", "Kaffeebecher", 5, "12.50"),
        ("Beratung: 8 Stunden à 120 €", "Beratung", 8, "120.00"),
        ("- 3 x Chaise en chêne à 145,00 €", "Chaise en chêne", 3, "145.00"),
        ("- 2 x Mesa de roble a 320,00 €", "Mesa de roble", 2, "320.00"),
        ("・チラシ印刷 500枚 × 40円", "チラシ印刷", 500, "40"),
        ("- 4 x Banner = $100.00", "Banner", 4, "25.00"),
        ("Interior rendering: 2 @ 300.00", "Interior rendering", 2, "300.00"),
        # French units after a label, a count grouped with spaces.
        ("Conception graphique : 1 forfait à 1 250,00 €", "Conception graphique", 1, "1250.00"),
        ("Brochures A4 : 2 000 ex. à 1,85 €", "Brochures A4", 2000, "1.85"),
        # A headerless plain-text table: the count in its own column, "3 x" before the price.
        ("Roll-up banners     3 x CHF 1,200.00", "Roll-up banners", 3, "1200.00"),
        # 14.20 does not split into 250 whole cents: it is the unit price.
        ("Druck (250 Ex.)     250   CHF 14.20", "Druck (250 Ex.)", 250, "14.20"),
        ("Flyers     4   CHF 100.00", "Flyers", 4, "25.00"),
    ],
)
def test_line_item_shapes(line: str, name: str, quantity: int, unit_price: str) -> None:
    [item] = prefill_invoice(email(line), MerchantContext(default_currency="EUR")).line_items
    assert (item.name, item.quantity, item.unit_price) == (
        name,
        Decimal(quantity),
        Decimal(unit_price),
    )
    assert item.source == " ".join(line.split())  # runs of spaces shown as one


def test_table_rows_become_items() -> None:
    body = (
        "<table><tr><th>Description</th><th>Quantity</th><th>Unit price</th></tr>"
        "<tr><td>Widget</td><td>3</td><td>$25.00</td></tr>"
        "<tr><td>Gadget</td><td>1</td><td>$40.00</td></tr></table>"
    )
    draft = prefill_invoice(email(body, body_type="html"), MerchantContext())
    assert [(i.name, i.quantity) for i in draft.line_items] == [
        ("Widget", Decimal(3)),
        ("Gadget", Decimal(1)),
    ]
    assert draft.total is not None
    assert draft.total.value == Decimal("115.00")


def test_a_long_order_keeps_every_item_and_says_how_many_are_too_many() -> None:
    body = "\n".join(f"- 1 x Part {n} @ $1.00" for n in range(MAX_LINE_ITEMS + 5))
    draft = prefill_invoice(email(body, subject="Parts"), MerchantContext())
    assert [i.name for i in draft.line_items] == [f"Part {n}" for n in range(MAX_LINE_ITEMS + 5)]
    assert draft.description is not None
    assert draft.description.value == "Parts"
    assert draft.total is not None
    assert draft.total.value == Decimal("35.00")
    [notice] = draft.notices
    assert (notice.field, notice.code) == ("line_items", "too_many_line_items")
    assert notice.message == (
        "Cybersource accepts 30 lines per invoice; combine or remove 5 lines."
    )


def test_an_order_cybersource_accepts_has_no_notice() -> None:
    body = "\n".join(f"- 1 x Part {n} @ $1.00" for n in range(MAX_LINE_ITEMS))
    draft = prefill_invoice(email(body, subject="Parts"), MerchantContext())
    assert len(draft.line_items) == MAX_LINE_ITEMS
    assert draft.notices == ()


def test_a_hostile_list_is_read_up_to_a_bound_and_says_so() -> None:
    body = "\n".join(f"- 1 x Part {n} @ $1.00" for n in range(MAX_ITEMS_READ + 50))
    draft = prefill_invoice(email(body, subject="Parts"), MerchantContext())
    assert len(draft.line_items) == MAX_ITEMS_READ
    [notice] = draft.notices
    assert f"remove {MAX_ITEMS_READ - MAX_LINE_ITEMS} lines" in notice.message
    assert f"only the first {MAX_ITEMS_READ} lines were read" in notice.message


def test_nothing_to_bill_falls_back_to_the_merchant_defaults() -> None:
    draft = prefill_invoice(email("Lunch on Thursday?"), MerchantContext("GBP", due_days=14))
    assert draft.total is None
    assert draft.line_items == ()
    assert draft.currency.value == "GBP"
    assert draft.currency.confidence < 0.5
    assert draft.due_date.value == date(2026, 3, 16)


def test_due_date_counts_from_the_mailbox_time_zone() -> None:
    late_evening_utc = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already March 3 in Tokyo
    message = email("$100, net 10", item_date=late_evening_utc, time_zone="Asia/Tokyo")
    assert prefill_invoice(message, MerchantContext()).due_date.value == date(2026, 3, 13)


def test_every_field_says_why() -> None:
    body = "Order #123-A\n- 3 x Widget @ $25.00\nTotal: $75.00, net 30\n\nThanks,\nJane\nAcme Inc."
    draft = prefill_invoice(email(body), MerchantContext())
    extracted = [
        draft.customer.email,
        draft.customer.name,
        draft.customer.company,
        draft.total,
        draft.currency,
        draft.due_date,
    ]
    for field in extracted:
        assert field is not None
        assert 0 < field.confidence <= 1
        assert 0 < len(field.source) <= 120
    assert [(r.kind, r.value) for r in draft.references] == [("order", "123-A")]


def test_bodies_above_the_limit_are_refused() -> None:
    with pytest.raises(BodyTooLargeError):
        prefill_invoice(email("x" * (MAX_BODY_CHARS + 1)), MerchantContext())


@pytest.mark.parametrize(
    ("body", "total"),
    [
        ("Just confirming that we paid the $1,850.00 yesterday by wire.", None),
        ("Wir haben die 1.200,00 € gestern überwiesen.", None),
        ("Die 1.200,00 € werden bis Freitag überwiesen.", "1200.00"),
        ("先日、88,000円をお振込みしました。", None),
        ("Ya hemos pagado los $900.00 de la factura anterior.", None),
        ("Les pagamos $900.00 el viernes.", "900.00"),
        ("The amount to be paid: $500.00", "500.00"),
        ("Please invoice $500.00; we paid a different invoice last week.", "500.00"),
    ],
)
def test_money_already_paid_is_not_asked_for(body: str, total: str | None) -> None:
    found = prefill_invoice(email(body), MerchantContext()).total
    assert (found.value if found else None) == (Decimal(total) if total else None)


@pytest.mark.parametrize(
    ("signature", "company"),
    [
        ("Best,\nNora\n\nNora Fischer\nFischer Legal PLLC", "Fischer Legal PLLC"),
        # The name again in full, then the company without a legal form.
        ("Best,\nNora\n\nNora Fischer\nFischer Legal", "Fischer Legal"),
        ("Best,\nNora\n\t\nFischer Legal", "Fischer Legal"),
    ],
)
def test_company_is_not_the_name_repeated(signature: str, company: str) -> None:
    body = f"Please invoice $10.\n\n{signature}"
    found = prefill_invoice(
        email(body, from_address=Address("nora@fischer.example", "Nora Fischer")),
        MerchantContext(),
    ).customer.company
    assert found is not None
    assert found.value == company


def test_a_relayed_web_form_names_the_customer() -> None:
    body = (
        "New submission from your website order form.\n\nName: Hannah Whitfield\n"
        "Email: hannah@whitfield.example\nCompany: Whitfield Bakery\nPhone: 0412 555 019\n\n"
        "Logo sticker: 2 @ $10.00"
    )
    message = email(body, from_address=Address("no-reply@forms.example", "Website"))
    customer = prefill_invoice(message, MerchantContext()).customer
    assert customer.email is not None
    assert customer.email.value == "hannah@whitfield.example"
    assert customer.name is not None
    assert customer.name.value == "Hannah Whitfield"
    assert customer.company is not None
    assert customer.company.value == "Whitfield Bakery"


def test_form_fields_only_name_a_customer_found_in_the_text() -> None:
    body = "Please invoice $10.\nName: Project Falcon\nCompany: Someone Else Ltd"
    customer = prefill_invoice(email(body), MerchantContext()).customer
    assert customer.name is not None
    assert customer.name.value == "Jane Doe"
    assert customer.company is None or customer.company.value != "Someone Else Ltd"


@pytest.mark.parametrize(
    ("total_line", "prices"),
    [
        # Without a total, an unmarked amount that splits into whole cents is a line amount.
        ("", ["4.50", "15.00"]),
        ("Total EUR 75.00", ["4.50", "15.00"]),
        # The stated total only adds up with the amounts read as unit prices.
        ("Total EUR 510.00", ["45.00", "30.00"]),
        # Neither reading adds up (a discount?): the rows stay as read.
        ("Total EUR 500.00", ["4.50", "15.00"]),
    ],
)
def test_the_stated_total_settles_unmarked_prices(total_line: str, prices: list[str]) -> None:
    body = f"Poster printing     10     EUR 45.00\nBanner     2     EUR 30.00\n\n{total_line}"
    draft = prefill_invoice(email(body), MerchantContext())
    assert [i.unit_price for i in draft.line_items] == [Decimal(p) for p in prices]
    assert [i.quantity for i in draft.line_items] == [10, 2]


def test_an_equals_sign_marks_the_line_amount_whatever_the_total() -> None:
    body = "- 4 x Banner = $100.00\n\nTotal: $400.00"
    [item] = prefill_invoice(email(body), MerchantContext()).line_items
    assert item.unit_price == Decimal("25.00")


def test_warm_up_loads_what_the_first_email_would() -> None:
    """In a fresh interpreter (this one's caches are warm): after ``warm_up`` the lexicon
    is loaded and the due-term patterns compiled, so a worker's first user waits for none."""
    probe = (
        "from addin_server.prefill import lexicon, warm_up\n"
        "before = lexicon.term_re_in.cache_info().currsize\n"
        "warm_up()\n"
        "print(before, lexicon.languages.cache_info().currsize, "
        "lexicon.term_re_in.cache_info().currsize)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    before, loaded, compiled = (int(n) for n in result.stdout.split())
    assert before == 0
    assert loaded == 1
    assert compiled > 0
