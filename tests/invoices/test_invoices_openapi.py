"""The OpenAPI document describes every invoice route, its body and its error answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask.testing import FlaskClient

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

ROUTES = {
    ("/api/v1/invoices", "post"): {
        "201",
        "200",
        "400",
        "403",
        "404",
        "409",
        "422",
        "502",
        "503",
        "504",
    },
    ("/api/v1/invoices", "get"): {"200", "400", "403"},
    ("/api/v1/invoices/{invoice_id}", "get"): {"200", "403", "404"},
    ("/api/v1/invoices/{invoice_id}", "put"): {"200", "400", "404", "409", "422", "502", "503"},
    ("/api/v1/invoices/{invoice_id}/send", "post"): {"200", "404", "409", "502", "503", "504"},
    ("/api/v1/invoices/{invoice_id}/publish", "post"): {"200", "404", "409"},
    ("/api/v1/invoices/{invoice_id}/cancel", "post"): {"200", "404", "409"},
    ("/api/v1/invoices/{invoice_id}/refresh", "post"): {"200", "404", "409"},
    ("/api/v1/customers/{email}/invoices", "get"): {"200", "400", "403"},
    ("/api/v1/currencies", "get"): {"200"},
}


def test_every_invoice_route_is_documented_with_its_errors(client: FlaskClient) -> None:
    document: dict[str, Any] = client.get("/api/openapi.json").get_json()
    for (path, method), codes in ROUTES.items():
        operation = document["paths"][path][method]
        assert codes <= set(operation["responses"]), (path, method)
    create = document["paths"]["/api/v1/invoices"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in create["parameters"])
    schemas = document["components"]["schemas"]
    for name in ("InvoiceCreate", "InvoiceFields", "Invoice", "InvoicePage", "CustomerInvoices"):
        assert name in schemas
    assert "total" in schemas["InvoiceFields"]["required"]


def test_currencies_are_one_iso_4217_table(
    client: FlaskClient, tenant_a_member: SignedInUser
) -> None:
    table = client.get("/api/v1/currencies", headers=tenant_a_member.headers).get_json()
    by_code = {c["code"]: c for c in table["currencies"]}
    assert by_code["EUR"] == {"code": "EUR", "minor_units": 2, "name": "Euro"}
    assert by_code["JPY"]["minor_units"] == 0
    assert by_code["KWD"]["minor_units"] == 3
    assert "CHE" not in by_code  # a fund code, not a currency anyone pays in
