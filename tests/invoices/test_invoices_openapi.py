"""The OpenAPI document describes every invoice route, its body and its error answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from addin_server.invoices.schemas import MONEY_PATTERN
from tests.invoices.invoices_support import create, field_names, invoice_body, new_key

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


# --- What Schemathesis found (tests/hardening/test_schemathesis.py), one regression each ----


def test_problem_extension_members_are_documented(
    client: FlaskClient, tenant_a_member: Any, profile_id: str
) -> None:
    """A reused Idempotency-Key answers a problem with ``invoice_id``, which the document's
    problem schema (``additionalProperties: false``) did not allow."""
    problem = client.get("/api/openapi.json").get_json()["components"]["schemas"]["Problem"]
    key = new_key()
    create(client, tenant_a_member.headers, invoice_body(profile_id), key)
    reused = create(client, tenant_a_member.headers, invoice_body(profile_id, total="30.00"), key)
    assert reused.status_code == 422
    Draft202012Validator(problem).validate(reused.get_json())
    assert {"invoice_id", "cybersource"} <= set(problem["properties"])


def test_an_offset_beyond_64_bits_is_a_400_not_a_500(
    client: FlaskClient, tenant_a_member: Any
) -> None:
    response = client.get(f"/api/v1/invoices?offset={2**87}", headers=tenant_a_member.headers)
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["offset"]
    last = client.get(f"/api/v1/invoices?offset={2**63 - 1}", headers=tenant_a_member.headers)
    assert (last.status_code, last.get_json()["items"]) == (200, [])


def test_invoice_bodies_are_generatable_json_schema(client: FlaskClient) -> None:
    """Amounts were documented with ``"minimum": "0"`` (a string where JSON Schema needs a
    number), and Schemathesis could not generate a create or update body at all."""
    document: dict[str, Any] = client.get("/api/openapi.json").get_json()
    for name in ("InvoiceFields", "InvoiceCreate", "InvoiceLineItem"):
        schema = document["components"]["schemas"][name]
        Draft202012Validator.check_schema(schema)
        for field in schema["properties"].values():
            assert not isinstance(field.get("minimum"), str), (name, field)
    total = document["components"]["schemas"]["InvoiceFields"]["properties"]["total"]
    assert total["pattern"] == MONEY_PATTERN
    currency = document["components"]["schemas"]["InvoiceFields"]["properties"]["currency"]
    assert {"EUR", "JPY", "KWD"} <= set(currency["enum"])
    assert "CHE" not in currency["enum"]


@pytest.mark.parametrize("amount", [26, 26.0, "26.0000", "-1", "1e3", "NaN", " 26"])
def test_amounts_are_decimal_strings(
    client: FlaskClient, tenant_a_member: Any, profile_id: str, amount: Any
) -> None:
    """Numbers (a float may not be the amount meant) and strings beyond the pattern are 400s."""
    response = create(client, tenant_a_member.headers, invoice_body(profile_id, total=amount))
    assert response.status_code == 400, response.get_json()
    assert field_names(response) == ["total"]
