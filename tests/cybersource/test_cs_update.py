"""Update reads, changes what the caller changed, and sends every other field back untouched."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from addin_server.cybersource import (
    Customer,
    CybersourceClient,
    Invoice,
    InvoiceDraft,
    LineItem,
    ValidationFailedError,
)
from addin_server.cybersource.models.update import update_body
from addin_server.cybersource.services import INVOICES_PATH

# The spec's example answer to GET /invoicing/v2/invoices/{id}, trimmed to what matters here.
SPEC_GET_ANSWER: dict[str, Any] = {
    "_links": {"self": {"href": "/v2/invoices/A123", "method": "GET"}},
    "id": "A123",
    "submitTimeUtc": "2019-07-01T22:37:14Z",
    "status": "SENT",
    "customerInformation": {
        "name": "Tanya Lee",
        "firstName": "Tanya",
        "email": "tanya.lee@my-email.world",
        "merchantCustomerId": "1234",
        "company": {"name": "ABC"},
    },
    "processingInformation": {"requestPhone": False, "requestShipping": True},
    "invoiceInformation": {
        "invoiceNumber": "A123",
        "description": "This is a test invoice",
        "dueDate": "2019-07-11",
        "expirationDate": "2028-08-11",
        "allowPartialPayments": True,
        "paymentLink": "https://ebc.cybersource.com/ebc2/invoicing/payInvoice/c7UI",
        "deliveryMode": "email",
        "customLabels": [{"key": "tax", "value": "VAT"}],
    },
    "orderInformation": {
        "amountDetails": {
            "totalAmount": "11955.45",
            "currency": "USD",
            "balanceAmount": "11955.45",
            "discountAmount": "1402.60",
            "discountPercent": "10.5",
            "subAmount": "13358.05",
            "minimumPartialAmount": "100.00",
            "taxDetails": {"type": "State Tax", "amount": "1018.05", "rate": "8.25"},
            "freight": {"amount": "40.00", "taxable": True, "taxRate": "10"},
        },
        "lineItems": [
            {
                "productSku": "P653727383",
                "productName": "First line item's name",
                "unitPrice": "12.05",
                "quantity": "20",
                "discountAmount": "13.04",
                "discountPercent": "5.0",
                "taxAmount": "0.0",
                "taxRate": "0.0",
                "totalAmount": "247.86",
            }
        ],
    },
    "invoiceHistory": [{"event": "SEND", "date": "2019-06-18T21:51:19.09Z"}],
    "merchantDefinedFieldValuesWithDefinition": [
        {"definitionId": 123, "label": "PO", "readOnly": False, "value": "Some Value"}
    ],
}


def fresh_draft(**changes: Any) -> InvoiceDraft:
    """A draft built from the caller's form, as the invoices API builds one: no header
    discount, tax or freight, no merchant customer id, no expiration date."""
    values: dict[str, Any] = {
        "invoice_number": "A123",
        "description": "Revised",
        "due_date": date(2019, 8, 1),
        "currency": "USD",
        "customer": Customer(name="Tanya Lee", email="tanya@example.com"),
        "line_items": (LineItem("Hours", Decimal(100), 2),),
    }
    values.update(changes)
    return InvoiceDraft(**values)


def test_body_drops_what_only_answers_carry_and_keeps_the_rest() -> None:
    changes = fresh_draft().to_payload(for_update=True)
    body = update_body(SPEC_GET_ANSWER, changes)

    assert set(body) == {
        "customerInformation",
        "processingInformation",
        "invoiceInformation",
        "orderInformation",
        "merchantDefinedFieldValues",
    }
    assert body["merchantDefinedFieldValues"] == [{"definitionId": 123, "value": "Some Value"}]
    assert body["processingInformation"] == SPEC_GET_ANSWER["processingInformation"]
    assert body["customerInformation"] == {
        "firstName": "Tanya",  # not in the spec's schema, but Cybersource sent it
        "merchantCustomerId": "1234",
        "name": "Tanya Lee",
        "email": "tanya@example.com",  # company removed: the draft has none
    }
    assert body["invoiceInformation"] == {
        "expirationDate": "2028-08-11",
        "description": "Revised",
        "dueDate": "2019-08-01",
        "sendImmediately": False,
        "deliveryMode": "none",
        "allowPartialPayments": False,  # and so the minimum below goes
    }
    assert body["orderInformation"] == {
        "amountDetails": {
            "discountAmount": "1402.60",
            "discountPercent": "10.5",
            "taxDetails": {"type": "State Tax", "amount": "1018.05", "rate": "8.25"},
            "freight": {"amount": "40.00", "taxable": True, "taxRate": "10"},
            "totalAmount": "200.00",
            "currency": "USD",
            "subAmount": "200.00",
        },
        "lineItems": [
            {"productName": "Hours", "quantity": 2, "unitPrice": "100.00", "totalAmount": "200.00"}
        ],
    }
    assert "merchantDefinedFieldValuesWithDefinition" in SPEC_GET_ANSWER  # input untouched


def test_lines_kept_by_the_draft_keep_their_rates() -> None:
    invoice = Invoice.from_json(SPEC_GET_ANSWER)
    new_line = LineItem("Second", Decimal(13000), 1, discount_amount=Decimal(1))
    draft = invoice.to_draft(line_items=(*invoice.line_items, new_line))

    body = update_body(SPEC_GET_ANSWER, draft.to_payload(for_update=True))

    first, second = body["orderInformation"]["lineItems"]
    assert first["taxRate"] == "0.0"  # taxAmount 0.0 sent again as 0.00: the same amount
    assert first["discountPercent"] == "5.0"
    assert first["taxAmount"] == "0.00"
    assert "discountPercent" not in second  # a new line has no old rate
    amounts = body["orderInformation"]["amountDetails"]
    assert amounts["discountPercent"] == "10.5"  # the discount amount did not change
    assert amounts["minimumPartialAmount"] == "100.00"


def test_a_changed_amount_drops_the_rate_it_came_from() -> None:
    invoice = Invoice.from_json(SPEC_GET_ANSWER)
    line = invoice.line_items[0]
    draft = invoice.to_draft(
        discount_amount=Decimal(1), line_items=(LineItem(line.product_name, Decimal(12), 20),)
    )

    body = update_body(SPEC_GET_ANSWER, draft.to_payload(for_update=True))

    assert "discountPercent" not in body["orderInformation"]["amountDetails"]
    assert body["orderInformation"]["lineItems"] == [
        {
            "productName": line.product_name,
            "quantity": 20,
            "unitPrice": "12.00",
            "totalAmount": "240.00",
        }
    ]


def test_update_keeps_fields_the_client_does_not_model(client: CybersourceClient) -> None:
    """Created with every field Cybersource takes (sent raw), updated from a fresh draft."""
    created = fresh_draft(
        description="Garden design",
        due_date=date(2026, 12, 1),
        expiration_date=date(2027, 1, 31),
        customer=Customer("Tanya Lee", "tanya@example.com", "Lee & Co", "C-9"),
        line_items=(LineItem("Design hours", Decimal("120.50"), 3),),
    ).to_payload()
    body = copy.deepcopy(created)
    body["processingInformation"] = {"requestPhone": True, "requestShipping": True}
    body["merchantDefinedFieldValues"] = [{"definitionId": 77, "value": "PO-4411"}]
    amounts = body["orderInformation"]["amountDetails"]
    amounts.update(
        discountAmount="10.00",
        discountPercent="2.5",
        taxDetails={"type": "State Tax", "amount": "29.00", "rate": "8.25"},
        freight={"amount": "20.00", "taxable": False},
    )
    body["orderInformation"]["lineItems"][0].update(taxRate="8.25", discountPercent="1.0")
    client.requestor.request("POST", INVOICES_PATH, json_body=body)

    client.invoices.update(
        "A123",
        fresh_draft(
            description="Garden design, revised",
            due_date=date(2026, 12, 15),
            line_items=(
                LineItem("Design hours", Decimal("120.50"), 2),
                LineItem("Site visit", Decimal(80), 1),
            ),
        ),
    )
    stored = client.invoices.get("A123").raw

    assert stored["processingInformation"] == {"requestPhone": True, "requestShipping": True}
    assert stored["merchantDefinedFieldValuesWithDefinition"] == [
        {"definitionId": 77, "value": "PO-4411"}
    ]
    assert stored["customerInformation"]["merchantCustomerId"] == "C-9"
    info = stored["invoiceInformation"]
    assert (info["description"], info["dueDate"]) == ("Garden design, revised", "2026-12-15")
    assert info["expirationDate"] == "2027-01-31"
    kept = stored["orderInformation"]["amountDetails"]
    assert kept["taxDetails"] == {"type": "State Tax", "amount": "29.00", "rate": "8.25"}
    assert kept["freight"] == {"amount": "20.00", "taxable": False}
    assert (kept["discountAmount"], kept["discountPercent"]) == ("10.00", "2.5")
    assert (kept["totalAmount"], kept["subAmount"]) == ("321.00", "321.00")
    lines = stored["orderInformation"]["lineItems"]
    assert [line["productName"] for line in lines] == ["Design hours", "Site visit"]
    assert "taxRate" not in lines[0]  # the draft has no tax amount for it: its rate went too


def test_update_ends_partial_payments_with_their_minimum(client: CybersourceClient) -> None:
    client.invoices.create(
        fresh_draft(allow_partial_payments=True, minimum_partial_amount=Decimal(50))
    )
    updated = client.invoices.update("A123", fresh_draft())
    assert updated.allow_partial_payments is False
    assert updated.minimum_partial_amount is None


def test_a_bad_draft_is_refused_before_the_read(client: CybersourceClient) -> None:
    """Nothing exists under A123: a read would answer 404, so a field error means no call."""
    with pytest.raises(ValidationFailedError):
        client.invoices.update("A123", fresh_draft(description=""))
