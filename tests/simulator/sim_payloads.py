"""Request bodies for the simulator tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import requests

# ``call(method, path, body=None)``: the ``call`` fixture, a signed JSON request.
Call = Callable[..., requests.Response]
INVOICES = "/invoicing/v2/invoices"
SETTINGS = "/invoicing/v2/invoiceSettings"

# Every field the spec's CreateInvoiceRequest allows (notes §3.1, spec x-example.example2).
FULL_INVOICE: dict[str, Any] = {
    "clientReferenceInformation": {"partner": {"developerId": "3435", "solutionId": "83745"}},
    "customerInformation": {
        "name": "Tanya Lee",
        "email": "tanya.lee@example.com",
        "merchantCustomerId": "C-1234",
        "company": {"name": "ABC"},
    },
    "processingInformation": {"requestPhone": True, "requestShipping": False},
    "invoiceInformation": {
        "invoiceNumber": "INV-1",
        "description": "This is a test invoice",
        "dueDate": "2027-01-15",
        "expirationDate": "2027-02-15",
        "sendImmediately": False,
        "allowPartialPayments": True,
        "deliveryMode": "email",
    },
    "orderInformation": {
        "amountDetails": {
            "totalAmount": "2623.64",
            "currency": "USD",
            "discountAmount": "126.08",
            "discountPercent": "5.0",
            "subAmount": "2749.72",
            "minimumPartialAmount": "20.00",
            "taxDetails": {"type": "State Tax", "amount": "208.04", "rate": "8.25"},
            "freight": {"amount": "20.00", "taxable": False, "taxRate": "10"},
        },
        "lineItems": [
            {
                "productSku": "P653727383",
                "productName": "First line item's name",
                "quantity": "20",
                "unitPrice": "12.05",
                "discountAmount": "13.04",
                "discountPercent": "5.0",
                "taxAmount": "0.0",
                "taxRate": "0.0",
                "totalAmount": "247.86",
            }
        ],
    },
    "merchantDefinedFieldValues": [{"definitionId": 123, "value": "Some value"}],
}


def invoice(number: str = "INV-1", *, mode: str = "email", send: bool = False) -> dict[str, Any]:
    """``FULL_INVOICE`` with that number and creation mode (notes §2.2)."""
    body = copy.deepcopy(FULL_INVOICE)
    body["invoiceInformation"].update(invoiceNumber=number, deliveryMode=mode, sendImmediately=send)
    return body


def update_of(body: dict[str, Any]) -> dict[str, Any]:
    """The update body for a create body: no clientReferenceInformation, no invoice number."""
    update = copy.deepcopy(body)
    update.pop("clientReferenceInformation", None)
    update["invoiceInformation"].pop("invoiceNumber", None)
    return update
