"""Every invoicing operation, under each authentication scheme, against the simulator."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from addin_server.cybersource import (
    ActionNotAllowedError,
    CreationMode,
    Customer,
    CybersourceClient,
    DuplicateInvoiceError,
    InvoiceDraft,
    InvoiceSettings,
    InvoiceStatus,
    LineItem,
    NotFoundError,
    ValidationFailedError,
)
from addin_server.cybersource.services import INVOICES_PATH
from tests.simulator_support import RunningSimulator

LINKED = "https://businesscentertest.cybersource.com/ebc2/invoicing/payInvoice/"


def draft(
    number: str = "INV-1", mode: CreationMode = CreationMode.DRAFT, **changes: Any
) -> InvoiceDraft:
    values: dict[str, Any] = {
        "invoice_number": number,
        "description": "Garden design, phase 1",
        "due_date": date(2026, 12, 1),
        "expiration_date": date(2027, 1, 31),
        "currency": "USD",
        "customer": Customer(name="Tanya Lee", email="tanya@example.com", company="Lee & Co"),
        "line_items": (
            LineItem("Design hours", Decimal("120.50"), 3, product_sku="HRS"),
            LineItem("Site visit", Decimal("80"), 1),
        ),
        "mode": mode,
    }
    values.update(changes)
    return InvoiceDraft(**values)


@pytest.mark.parametrize(
    ("mode", "status", "has_link"),
    [
        (CreationMode.DRAFT, InvoiceStatus.DRAFT, False),
        (CreationMode.DELIVERABLE_DRAFT, InvoiceStatus.DRAFT, False),
        (CreationMode.CREATE_AND_SEND, InvoiceStatus.SENT, True),
        (CreationMode.CREATE_WITHOUT_SENDING, InvoiceStatus.CREATED, True),
    ],
)
def test_create_in_each_mode(
    client: CybersourceClient, mode: CreationMode, status: InvoiceStatus, has_link: bool
) -> None:
    result = client.invoices.create(draft(mode=mode))

    invoice = result.invoice
    assert result.warning is None
    assert invoice.status is status
    assert invoice.invoice_number == "INV-1"
    assert (invoice.payment_link or "").startswith(LINKED) is has_link
    assert invoice.total_amount == Decimal("441.50")
    assert invoice.balance_amount == Decimal("441.50")
    assert invoice.mode.delivery_mode == mode.delivery_mode


def test_get_returns_what_was_created(client: CybersourceClient) -> None:
    client.invoices.create(draft(allow_partial_payments=True, minimum_partial_amount=Decimal(50)))

    invoice = client.invoices.get("INV-1")

    assert invoice.customer == Customer(
        name="Tanya Lee", email="tanya@example.com", company="Lee & Co"
    )
    assert invoice.description == "Garden design, phase 1"
    assert invoice.due_date == date(2026, 12, 1)
    assert invoice.expiration_date == date(2027, 1, 31)
    assert invoice.allow_partial_payments
    assert invoice.minimum_partial_amount == Decimal("50.00")
    assert invoice.line_items == (
        LineItem("Design hours", Decimal("120.50"), 3, product_sku="HRS"),
        LineItem("Site visit", Decimal("80.00"), 1),
    )
    assert [event.event for event in invoice.history] == ["DRAFT"]


def test_invoice_number_is_percent_encoded_and_signed_as_sent(client: CybersourceClient) -> None:
    client.invoices.create(draft("INV 7+é"))
    assert client.invoices.get("INV 7+é").invoice_number == "INV 7+é"


def test_missing_invoice_is_not_found(client: CybersourceClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.invoices.get("nope")
    assert caught.value.status == 404
    assert caught.value.message == "Invoice does not exist."
    assert caught.value.correlation_id


def test_duplicate_invoice_number_is_refused(client: CybersourceClient) -> None:
    client.invoices.create(draft())
    with pytest.raises(DuplicateInvoiceError) as caught:
        client.invoices.create(draft(description="another"))
    assert caught.value.reason == "DUPLICATE_RECORD"


def test_list_pages_and_filters(client: CybersourceClient) -> None:
    assert client.invoices.list().invoices == ()  # Cybersource answers 404 "No invoices found."
    for index in range(5):
        mode = CreationMode.DRAFT if index % 2 else CreationMode.CREATE_WITHOUT_SENDING
        client.invoices.create(draft(f"INV-{index}", mode))

    page = client.invoices.list(offset=1, limit=2)
    drafts = client.invoices.list(status=InvoiceStatus.DRAFT)

    assert page.total == 5
    assert [s.invoice_number for s in page.invoices] == ["INV-1", "INV-2"]
    assert page.invoices[0].total_amount == Decimal("441.50")
    assert page.invoices[0].customer_name == "Tanya Lee"
    assert [s.invoice_number for s in drafts.invoices] == ["INV-1", "INV-3"]
    assert client.invoices.list(status=InvoiceStatus.PAID).total == 0


def test_list_parameters_are_checked_before_sending(client: CybersourceClient) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        client.invoices.list(offset=-1, limit=1001, status=InvoiceStatus.PENDING)
    assert [issue.field for issue in caught.value.details] == ["offset", "limit", "status"]


def test_update_changes_what_the_draft_holds(client: CybersourceClient) -> None:
    created = client.invoices.create(draft()).invoice
    replacement = created.to_draft(
        description="Garden design, revised",
        line_items=(LineItem("Design hours", Decimal("120.50"), 2),),
        customer=Customer(name="Tanya Lee"),
    )

    updated = client.invoices.update("INV-1", replacement)

    assert updated.description == "Garden design, revised"
    assert updated.total_amount == Decimal("241.00")
    assert updated.customer == Customer(name="Tanya Lee")  # email and company removed
    assert updated.expiration_date == date(2027, 1, 31)  # kept because it was sent again
    assert updated.status is InvoiceStatus.DRAFT


def test_send_publish_cancel(client: CybersourceClient) -> None:
    client.invoices.create(draft("BY-EMAIL", CreationMode.DELIVERABLE_DRAFT))
    client.invoices.create(draft("NO-EMAIL", CreationMode.DRAFT))
    client.invoices.create(draft("PUBLISH", CreationMode.DRAFT))

    sent = client.invoices.send("BY-EMAIL")
    resent = client.invoices.send("BY-EMAIL")
    shared = client.invoices.send("NO-EMAIL")
    published = client.invoices.publish("PUBLISH")
    canceled = client.invoices.cancel("PUBLISH")

    assert sent.status is InvoiceStatus.SENT
    assert resent.history == ()  # only GET shows the history
    assert [e.event for e in client.invoices.get("BY-EMAIL").history][-2:] == ["SEND", "RESEND"]
    assert shared.status is InvoiceStatus.CREATED
    assert (shared.payment_link or "").startswith(LINKED)
    assert published.status is InvoiceStatus.CREATED
    assert canceled.status is InvoiceStatus.CANCELED
    assert canceled.payment_link is None
    for action in (client.invoices.send, client.invoices.cancel, client.invoices.publish):
        with pytest.raises(ActionNotAllowedError) as caught:
            action("PUBLISH")
        assert caught.value.message == "Requested action is not allowed."
    with pytest.raises(ActionNotAllowedError):
        client.invoices.publish("BY-EMAIL")  # only drafts are published


def test_customer_pays_in_part_then_in_full(
    client: CybersourceClient, simulator: RunningSimulator
) -> None:
    client.invoices.create(
        draft(
            mode=CreationMode.CREATE_AND_SEND,
            allow_partial_payments=True,
            minimum_partial_amount=Decimal(100),
        )
    )
    assert simulator.pay("INV-1", "50.00").status_code == 400  # below the minimum

    assert simulator.pay("INV-1", "141.50").status_code == 200
    partial = client.invoices.get("INV-1")
    with pytest.raises(ActionNotAllowedError):
        client.invoices.cancel("INV-1")
    with pytest.raises(ActionNotAllowedError):
        client.invoices.update("INV-1", partial.to_draft())
    resent = client.invoices.send("INV-1")
    assert simulator.pay("INV-1", "300.00").status_code == 200
    paid = client.invoices.get("INV-1")

    assert partial.status is InvoiceStatus.PARTIAL
    assert partial.balance_amount == Decimal("300.00")
    assert resent.status is InvoiceStatus.PARTIAL
    assert paid.status is InvoiceStatus.PAID
    assert paid.balance_amount == Decimal(0)
    assert [e.amount for e in paid.history if e.event == "PAYMENT"] == [
        Decimal("141.50"),
        Decimal("300.00"),
    ]
    with pytest.raises(ActionNotAllowedError):
        client.invoices.send("INV-1")


def test_partial_payment_needs_permission(
    client: CybersourceClient, simulator: RunningSimulator
) -> None:
    client.invoices.create(draft(mode=CreationMode.CREATE_WITHOUT_SENDING))
    assert simulator.pay("INV-1", "10.00").status_code == 400
    assert client.invoices.get("INV-1").status is InvoiceStatus.CREATED


def test_server_side_validation_errors_are_typed(client: CybersourceClient) -> None:
    """A body that skips the client's own checks meets Cybersource's (the simulator's)."""
    body = draft().to_payload()
    body["invoiceInformation"].pop("description")
    body["orderInformation"]["lineItems"][0]["quantity"] = 0
    with pytest.raises(ValidationFailedError) as caught:
        client.requestor.request("POST", INVOICES_PATH, json_body=body)
    assert caught.value.status == 400
    assert caught.value.reason == "VALIDATION_ERROR"
    assert {(d.field, d.reason) for d in caught.value.details} == {
        ("invoiceInformation.description", "MISSING_FIELD"),
        ("orderInformation.lineItems[0].quantity", "INVALID_DATA"),
    }


def test_invoice_settings_get_and_update(client: CybersourceClient) -> None:
    settings = client.invoice_settings.get()
    changed = InvoiceSettings(
        merchant_display_name="Lee Gardens",
        custom_email_message="Thank you!",
        enable_reminders=True,
        delivery_language="en-US",
        default_currency_code="EUR",
        header_font_color="#fff",
        header_background_color="#003366",
        raw=settings.raw,
    )

    updated = client.invoice_settings.update(changed)

    assert updated == changed
    assert client.invoice_settings.get() == changed
    assert client.invoice_settings.get("PAYBYLINK").merchant_display_name != "Lee Gardens"


def test_invoice_settings_are_checked_before_sending(client: CybersourceClient) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        client.invoice_settings.update(
            InvoiceSettings(header_font_color="blue", merchant_display_name="x" * 101)
        )
    assert caught.value.status is None
    assert {d.field for d in caught.value.details} == {
        "invoiceSettingsInformation.merchantDisplayName",
        "invoiceSettingsInformation.headerStyle.fontColor",
    }
