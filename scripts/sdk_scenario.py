"""Every Invoicing and invoice-settings operation through the official SDK; runs in .venv-sdk.

Reads one JSON job on stdin (``url``, ``signed_host``, and ``runs``: per scheme its merchant
and key fields as ``bench_cybersource_sdk.sdk_config`` takes them) and, for each run, calls
every operation the way an application would, successes and refusals alike: invoice ids
with a space and a non-ASCII letter, the four creation modes, list with and without a
status filter, update, send, publish, cancel, invoice settings for both product types.
Prints one JSON line per call: ``{"scheme", "operation", "status", "error"}`` (``error``:
the SDK's exception text when it raised something other than an HTTP error). Imports
nothing of ours; the tests (tests/simulator/test_sim_sdk.py) and scripts/sdk_conformance.py
run it in a subprocess against the simulator and capture what it sent.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from bench_cybersource_sdk import sdk_config
from CyberSource import InvoicesApi, InvoiceSettingsApi
from CyberSource.rest import ApiException

# Ids as Cybersource allows them: the SDK signs the space and the "Ü" unencoded (notes §9).
IDS = ("SDK-1", "SDK 2", "SDK-Ü3")


def invoice(number: str | None, *, send: bool, mode: str, description: str) -> str:
    """A create (``number``) or update (None) body with every field the spec allows."""
    info: dict[str, Any] = {
        "description": description,
        "dueDate": "2027-01-15",
        "expirationDate": "2027-02-15",
        "sendImmediately": send,
        "allowPartialPayments": True,
        "deliveryMode": mode,
    }
    if number is not None:
        info["invoiceNumber"] = number
    return json.dumps(
        {
            "customerInformation": {
                "name": "Tanya Lee",
                "email": "tanya.lee@example.com",
                "merchantCustomerId": "C-1234",
                "company": {"name": "ABC"},
            },
            "processingInformation": {"requestPhone": True, "requestShipping": False},
            "invoiceInformation": info,
            "orderInformation": {
                "amountDetails": {
                    "totalAmount": "2623.64",
                    "currency": "USD",
                    "discountAmount": "126.08",
                    "discountPercent": "5.0",
                    "subAmount": "2749.72",
                    "minimumPartialAmount": "20.00",
                    "taxDetails": {"type": "State Tax", "amount": "208.04", "rate": "8.25"},
                    "freight": {"amount": "20.00", "taxable": False},
                },
                "lineItems": [
                    {
                        "productSku": "P653727383",
                        "productName": "First line item's name",
                        "quantity": 20,
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
    )


SETTINGS = json.dumps(
    {
        "invoiceSettingsInformation": {
            "merchantDisplayName": "SDK shop",
            "customEmailMessage": "Thank you",
            "enableReminders": True,
            "headerStyle": {"fontColor": "#000001", "backgroundColor": "#FFFFFF"},
            "deliveryLanguage": "en-US",
            "defaultCurrencyCode": "USD",
            "payerAuthenticationInInvoicing": "enable",
            "showVatNumber": True,
            "vatRegistrationNumber": "Inv1234",
            "customLabels": [{"key": "billTo", "value": "Payee name"}],
            "customRedirectUrls": {"paymentAccepted": "https://example.com/ok"},
        }
    }
)


def invoice_calls(invoices: InvoicesApi) -> list[tuple[str, Callable[[], Any]]]:
    """(name, call) in order; each call is one request."""
    return [
        (
            "create draft",
            lambda: invoices.create_invoice(
                invoice(IDS[0], send=False, mode="email", description="Deliverable draft")
            ),
        ),
        (
            "create and send",
            lambda: invoices.create_invoice(
                invoice(IDS[1], send=True, mode="email", description="Sent at once")
            ),
        ),
        (
            "create draft, no email",
            lambda: invoices.create_invoice(
                invoice(IDS[2], send=False, mode="none", description="Draft")
            ),
        ),
        (
            "create published",
            lambda: invoices.create_invoice(
                invoice(None, send=True, mode="none", description="Numbered by Cybersource")
            ),
        ),
        (
            "create duplicate",
            lambda: invoices.create_invoice(
                invoice(IDS[0], send=False, mode="none", description="Again")
            ),
        ),
        (
            "create invalid email",
            lambda: invoices.create_invoice(
                invoice("SDK-X", send=True, mode="email", description="x").replace(
                    "tanya.lee@example.com", "not an address"
                )
            ),
        ),
        ("list", lambda: invoices.get_all_invoices(0, 10)),
        ("list drafts", lambda: invoices.get_all_invoices(0, 5, status="DRAFT")),
        ("list bad status", lambda: invoices.get_all_invoices(0, 5, status="ARCHIVED")),
        ("list past the end", lambda: invoices.get_all_invoices(100, 5)),
        *[(f"get {number}", lambda n=number: invoices.get_invoice(n)) for number in IDS],
        ("get missing", lambda: invoices.get_invoice("SDK-MISSING")),
        *[
            (
                f"update {number}",
                lambda n=number: invoices.update_invoice(
                    n, invoice(None, send=False, mode="email", description="Updated")
                ),
            )
            for number in IDS
        ],
        ("publish draft", lambda: invoices.perform_publish_action(IDS[2])),
        ("send draft", lambda: invoices.perform_send_action(IDS[0])),
        ("resend", lambda: invoices.perform_send_action(IDS[1])),
        ("cancel", lambda: invoices.perform_cancel_action(IDS[1])),
        ("cancel again", lambda: invoices.perform_cancel_action(IDS[1])),
        ("publish sent", lambda: invoices.perform_publish_action(IDS[0])),
        ("get canceled", lambda: invoices.get_invoice(IDS[1])),
    ]


def settings_calls(settings: InvoiceSettingsApi) -> list[tuple[str, Callable[[], Any]]]:
    return [
        ("get settings", lambda: settings.get_invoice_settings(product_type="INVOICING")),
        (
            "update settings",
            lambda: settings.update_invoice_settings(SETTINGS, product_type="INVOICING"),
        ),
        (
            "get pay-by-link settings",
            lambda: settings.get_invoice_settings(product_type="PAYBYLINK"),
        ),
    ]


def run(job: dict[str, Any]) -> None:
    scheme = job["scheme"]
    config = sdk_config(job)
    invoices, settings = InvoicesApi(config), InvoiceSettingsApi(config)
    for name, call in [*invoice_calls(invoices), *settings_calls(settings)]:
        result: dict[str, Any] = {"scheme": scheme, "operation": name, "error": None}
        try:
            call()
            result["status"] = "ok"
        except ApiException as exc:
            result["status"] = exc.status
        except Exception as exc:  # the SDK failed on our answer: report it, go on
            result["status"], result["error"] = "error", f"{type(exc).__name__}: {exc}"
        print(json.dumps(result), flush=True)


def main() -> None:
    job = json.loads(sys.stdin.readline())
    for run_of_scheme in job["runs"]:
        run({**job, **run_of_scheme})


if __name__ == "__main__":
    main()
