"""Invoice model: Cybersource JSON both ways, money in minor units, limits checked locally."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from addin_server.currencies import format_amount
from addin_server.cybersource import (
    CreationMode,
    Customer,
    CybersourceClient,
    DeliveryModeCase,
    Freight,
    Invoice,
    InvoiceDraft,
    InvoiceStatus,
    LineItem,
    SharedSecretCredentials,
    TaxDetails,
    ValidationFailedError,
    auth_for,
)
from tests.cybersource.cybersource_support import MERCHANT_ID


def make(**changes: Any) -> InvoiceDraft:
    values: dict[str, Any] = {
        "invoice_number": "INV-1",
        "description": "Consulting",
        "due_date": date(2026, 12, 1),
        "currency": "USD",
        "customer": Customer(name="Tanya Lee", email="tanya@example.com"),
        "line_items": (LineItem("Hours", Decimal("12.5"), 4),),
    }
    values.update(changes)
    return InvoiceDraft(**values)


def issues_of(draft: InvoiceDraft) -> dict[str, str]:
    with pytest.raises(ValidationFailedError) as caught:
        draft.to_payload()
    assert caught.value.status is None
    return {issue.field: issue.reason for issue in caught.value.details}


@pytest.mark.parametrize(
    ("mode", "send_immediately", "delivery_mode"),
    [
        (CreationMode.DRAFT, False, "none"),
        (CreationMode.DELIVERABLE_DRAFT, False, "email"),
        (CreationMode.CREATE_AND_SEND, True, "email"),
        (CreationMode.CREATE_WITHOUT_SENDING, True, "none"),
    ],
)
def test_creation_modes_set_the_two_flags(
    mode: CreationMode, send_immediately: bool, delivery_mode: str
) -> None:
    info = make(mode=mode).to_payload()["invoiceInformation"]
    assert info["sendImmediately"] is send_immediately
    assert info["deliveryMode"] == delivery_mode


def test_create_payload() -> None:
    payload = make(
        customer=Customer("Tanya Lee", "tanya@example.com", "Lee & Co", "C-7"),
        expiration_date=date(2027, 1, 1),
        allow_partial_payments=True,
        minimum_partial_amount=Decimal("10"),
        line_items=(
            LineItem("Hours", Decimal("12.5"), 4, product_sku="H1"),
            LineItem("Travel", Decimal("0.99"), 1),
        ),
    ).to_payload()

    assert payload == {
        "customerInformation": {
            "name": "Tanya Lee",
            "email": "tanya@example.com",
            "merchantCustomerId": "C-7",
            "company": {"name": "Lee & Co"},
        },
        "invoiceInformation": {
            "invoiceNumber": "INV-1",
            "description": "Consulting",
            "dueDate": "2026-12-01",
            "sendImmediately": False,
            "deliveryMode": "none",
            "allowPartialPayments": True,
            "expirationDate": "2027-01-01",
        },
        "orderInformation": {
            "amountDetails": {
                "totalAmount": "50.99",
                "currency": "USD",
                "subAmount": "50.99",
                "minimumPartialAmount": "10.00",
            },
            "lineItems": [
                {
                    "productSku": "H1",
                    "productName": "Hours",
                    "quantity": 4,
                    "unitPrice": "12.50",
                    "totalAmount": "50.00",
                },
                {
                    "productName": "Travel",
                    "quantity": 1,
                    "unitPrice": "0.99",
                    "totalAmount": "0.99",
                },
            ],
        },
    }


def test_line_items_carry_their_tax_and_discount() -> None:
    item = LineItem(
        "Hours", Decimal(100), 2, tax_amount=Decimal(19), discount_amount=Decimal("10.5")
    )
    payload = make(line_items=(item,)).to_payload()

    assert payload["orderInformation"]["lineItems"] == [
        {
            "productName": "Hours",
            "quantity": 2,
            "unitPrice": "100.00",
            "discountAmount": "10.50",
            "taxAmount": "19.00",
            "totalAmount": "208.50",
        }
    ]
    assert payload["orderInformation"]["amountDetails"]["totalAmount"] == "208.50"


def test_header_discount_tax_and_freight_count_in_the_total() -> None:
    draft = make(
        discount_amount=Decimal(10),
        tax=TaxDetails(Decimal("3.30"), "State Tax", Decimal("8.25")),
        freight=Freight(Decimal(5), taxable=True, tax_rate=Decimal(20)),
    )

    assert draft.to_payload()["orderInformation"]["amountDetails"] == {
        "totalAmount": "48.30",  # 50.00 - 10.00 + 3.30 + 5.00
        "currency": "USD",
        "subAmount": "50.00",
        "discountAmount": "10.00",
        "taxDetails": {"amount": "3.30", "type": "State Tax", "rate": "8.25"},
        "freight": {"amount": "5.00", "taxable": True, "taxRate": "20"},
    }


def test_update_payload_leaves_out_the_invoice_number() -> None:
    info = make().to_payload(for_update=True)["invoiceInformation"]
    assert "invoiceNumber" not in info


def test_delivery_mode_can_use_the_spec_case() -> None:
    info = make(mode=CreationMode.CREATE_AND_SEND).to_payload(
        delivery_mode_case=DeliveryModeCase.TITLE
    )["invoiceInformation"]
    assert info["deliveryMode"] == "Email"


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (Decimal("5"), "USD", "5.00"),
        (Decimal("1200"), "JPY", "1200"),
        (Decimal("1.5"), "KWD", "1.500"),
        (Decimal("0.10"), "EUR", "0.10"),
        (Decimal("1E+3"), "USD", "1000.00"),
    ],
)
def test_amounts_use_the_currency_minor_units(amount: Decimal, currency: str, text: str) -> None:
    assert format_amount(amount, currency) == text


def test_money_problems_are_field_issues() -> None:
    assert issues_of(make(line_items=(LineItem("Hours", Decimal("1.005"), 1),))) == {
        "orderInformation.amountDetails.totalAmount": "INVALID_DATA",
        "orderInformation.amountDetails.subAmount": "INVALID_DATA",
        "orderInformation.lineItems[0].unitPrice": "INVALID_DATA",
        "orderInformation.lineItems[0].totalAmount": "INVALID_DATA",
    }
    assert "orderInformation.amountDetails.totalAmount" in issues_of(
        make(line_items=(LineItem("Credit", Decimal("-1"), 1),))
    )
    assert issues_of(make(currency="XYZ")) == {
        "orderInformation.amountDetails.currency": "INVALID_DATA"
    }
    assert issues_of(make(line_items=(LineItem("Yen", Decimal("1.5"), 1),), currency="JPY"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": "d" * 2001}, "invoiceInformation.description"),
        ({"description": ""}, "invoiceInformation.description"),
        ({"customer": Customer(name="n" * 101)}, "customerInformation.name"),
        ({"customer": Customer(email="e" * 256)}, "customerInformation.email"),
        ({"customer": Customer(company="c" * 61)}, "customerInformation.company.name"),
        (
            {"line_items": (LineItem("p" * 256, Decimal(1)),)},
            "orderInformation.lineItems[0].productName",
        ),
        (
            {"line_items": (LineItem("p", Decimal(1), 0),)},
            "orderInformation.lineItems[0].quantity",
        ),
        (
            {"line_items": (LineItem("p", Decimal(1), 1_000_000_000),)},
            "orderInformation.lineItems[0].quantity",
        ),
        (
            {"line_items": (), "explicit_total": Decimal("12345678901234567.00")},
            "orderInformation.amountDetails.totalAmount",
        ),
        ({"invoice_number": "N" * 27}, "invoiceInformation.invoiceNumber"),
        ({"invoice_number": ""}, "invoiceInformation.invoiceNumber"),
        (
            {"mode": CreationMode.CREATE_AND_SEND, "customer": Customer(name="No Email")},
            "customerInformation.email",
        ),
        ({"expiration_date": date(2026, 11, 1)}, "invoiceInformation.expirationDate"),
        (
            {"minimum_partial_amount": Decimal(1)},
            "orderInformation.amountDetails.minimumPartialAmount",
        ),
        (
            {"allow_partial_payments": True, "minimum_partial_amount": Decimal("50.01")},
            "orderInformation.amountDetails.minimumPartialAmount",
        ),
        (
            {"allow_partial_payments": True, "minimum_partial_amount": Decimal(0)},
            "orderInformation.amountDetails.minimumPartialAmount",
        ),
        (
            {"line_items": (LineItem("p", Decimal(1), 2, discount_amount=Decimal("2.01")),)},
            "orderInformation.lineItems[0].discountAmount",
        ),
        (
            {"line_items": (LineItem("p", Decimal(1), 1, tax_amount=Decimal(-1)),)},
            "orderInformation.lineItems[0].taxAmount",
        ),
        (
            {"line_items": (LineItem("p", Decimal(1), 1, tax_amount=Decimal("1" * 13)),)},
            "orderInformation.lineItems[0].taxAmount",
        ),
        ({"discount_amount": Decimal("50.01")}, "orderInformation.amountDetails.discountAmount"),
        (
            {"tax": TaxDetails(Decimal(1), "vat", Decimal(101))},
            "orderInformation.amountDetails.taxDetails.rate",
        ),
        (
            {"tax": TaxDetails(Decimal("12345678901"))},
            "orderInformation.amountDetails.taxDetails.amount",
        ),
        (
            {"freight": Freight(Decimal(-5))},
            "orderInformation.amountDetails.freight.amount",
        ),
    ],
)
def test_field_limits(changes: dict[str, Any], field: str) -> None:
    assert field in issues_of(make(**changes))


def test_at_most_30_line_items() -> None:
    items = tuple(LineItem(f"Item {n}", Decimal(1)) for n in range(31))
    assert issues_of(make(line_items=items)) == {"orderInformation.lineItems": "INVALID_DATA"}
    assert len(make(line_items=items[:30]).to_payload()["orderInformation"]["lineItems"]) == 30


def test_longest_allowed_values_pass(client: CybersourceClient) -> None:
    """Every field at its limit: the client sends it and Cybersource (the simulator) keeps it."""
    longest = make(
        invoice_number="N" * 26,
        description="d" * 2000,
        customer=Customer("n" * 100, "e" * 243 + "@example.com", "c" * 60, "m" * 100),
        line_items=(
            LineItem("p" * 255, Decimal("9999999999.99"), 1),  # a line total of 13 characters
            LineItem("q", Decimal("0.01"), 999_999_999),
        ),
        currency="USD",
    )

    created = client.invoices.create(longest).invoice

    assert created.invoice_number == longest.invoice_number
    assert created.description == longest.description
    assert created.customer == longest.customer
    assert created.line_items == longest.line_items
    assert created.total_amount == Decimal("10009999999.98")


def test_invalid_draft_is_never_sent() -> None:
    """Port 9 has no listener: a request would fail differently."""
    credentials = SharedSecretCredentials(MERCHANT_ID, "key", "c2VjcmV0c2VjcmV0c2VjcmV0")
    client = CybersourceClient(auth_for(credentials), "http://127.0.0.1:9")
    with pytest.raises(ValidationFailedError):
        client.invoices.create(make(description="d" * 2001))


def test_invoice_from_the_documented_example() -> None:
    """Docs example (notes §2.2): amounts as JSON numbers, deliveryMode "None"."""
    invoice = Invoice.from_json(
        {
            "id": "98761",
            "submitTimeUtc": "2024-08-02T18:39:57.548314337Z",
            "status": "CREATED",
            "invoiceInformation": {
                "invoiceNumber": "98761",
                "description": "Food",
                "dueDate": "2019-07-11",
                "allowPartialPayments": False,
                "paymentLink": "https://businesscenter.cybersource.com/ebc2/invoicing/payInvoice/x",
                "deliveryMode": "None",
            },
            "orderInformation": {
                "amountDetails": {
                    "totalAmount": 2623.64,
                    "currency": "USD",
                    "balanceAmount": 2623.64,
                }
            },
        }
    )
    assert invoice.status is InvoiceStatus.CREATED
    assert invoice.mode is CreationMode.CREATE_WITHOUT_SENDING
    assert invoice.total_amount == Decimal("2623.64")
    assert invoice.due_date == date(2019, 7, 11)
    assert invoice.to_draft().explicit_total == Decimal("2623.64")


def test_invoice_reads_tax_discount_and_freight_back() -> None:
    amounts = {
        "totalAmount": "11955.45",
        "currency": "USD",
        "discountAmount": "1402.60",
        "taxDetails": {"type": "State Tax", "amount": "1018.05", "rate": "8.25"},
        "freight": {"amount": "40.00", "taxable": True, "taxRate": "10"},
    }
    line = {"productName": "P", "unitPrice": "12.05", "quantity": "20", "taxAmount": "0.0"}
    invoice = Invoice.from_json(
        {
            "id": "A1",
            "status": "DRAFT",
            "invoiceInformation": {"dueDate": "2026-12-01"},
            "orderInformation": {"amountDetails": amounts, "lineItems": [line]},
        }
    )
    assert invoice.discount_amount == Decimal("1402.60")
    assert invoice.tax == TaxDetails(Decimal("1018.05"), "State Tax", Decimal("8.25"))
    assert invoice.freight == Freight(Decimal(40), taxable=True, tax_rate=Decimal(10))
    assert invoice.line_items[0].tax_amount == Decimal(0)
    assert invoice.line_items[0].discount_amount is None
    assert invoice.to_draft().tax == invoice.tax


def test_unknown_status_is_kept_readable() -> None:
    assert InvoiceStatus.parse("ARCHIVED") is InvoiceStatus.UNKNOWN
    assert InvoiceStatus.parse("canceled") is InvoiceStatus.CANCELED
