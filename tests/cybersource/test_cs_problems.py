"""Cybersource failures become problem responses in one place: each kind over HTTP.

The app from ``create_app`` gets one extra route that makes a real call to the simulator
with a real client; whatever the client raises reaches the app's error handlers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from addin_server.app import create_app
from addin_server.cybersource import (
    CybersourceClient,
    FieldIssue,
    FieldNames,
    InvoiceDraft,
    LineItem,
    P12Credentials,
    RetryPolicy,
    Timeouts,
    Transport,
    ValidationFailedError,
    auth_for,
    generic_field_name,
    naming_fields,
)
from addin_server.cybersource.services import INVOICES_PATH
from tests.cybersource.cybersource_support import MERCHANT_ID
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.cybersource.conftest import MerchantKeys

INVOICE_FIELDS = FieldNames(
    {
        "customerInformation.email": "customer.email",
        "orderInformation.lineItems[]": "line_items.{}",
        "orderInformation.lineItems[].unitPrice": "line_items.{}.unit_price",
    }
)
Call = Callable[[CybersourceClient], object]
UpstreamApp = tuple[Flask, dict[str, Call]]


def draft(number: str = "P-1", currency: str = "EUR") -> InvoiceDraft:
    return InvoiceDraft(
        invoice_number=number,
        description="Pruning",
        due_date=date(2026, 12, 1),
        currency=currency,
        line_items=(LineItem("Hours", Decimal("40"), 2),),
    )


def bad_upstream_body() -> dict[str, Any]:
    """Refused by the simulator, as Cybersource would: sent raw, past the local checks."""
    body = draft().to_payload()
    body["customerInformation"] = {"email": "x" * 300}
    body["orderInformation"]["lineItems"][0]["unitPrice"] = "-1"
    return body


def post_raw(client: CybersourceClient) -> object:
    return client.requestor.request("POST", INVOICES_PATH, json_body=bad_upstream_body())


def post_raw_named(client: CybersourceClient) -> object:
    with naming_fields(INVOICE_FIELDS):
        return post_raw(client)


def cancel_twice(client: CybersourceClient) -> object:
    client.invoices.create(draft())
    client.invoices.cancel("P-1")
    return client.invoices.cancel("P-1")


def create_twice(client: CybersourceClient) -> object:
    client.invoices.create(draft())
    return client.invoices.create(draft())


@pytest.fixture
def upstream_app(
    tmp_path: Path, simulator: RunningSimulator, test_merchant: MerchantKeys
) -> Iterator[UpstreamApp]:
    """The app with ``/upstream-check/<name>`` running ``calls[name]`` against the simulator."""
    app = create_app(
        {"instance_dir": tmp_path, "database_url": f"sqlite:///{tmp_path}/app.sqlite3"}
    )
    transport = Transport(Timeouts(connect=1.0, read=0.3), RetryPolicy(attempts=1))
    client = CybersourceClient(
        auth_for(test_merchant.shared_secret), simulator.url, transport=transport
    )
    calls: dict[str, Call] = {}

    def check(name: str) -> dict[str, str]:
        calls[name](client)
        return {"outcome": "no error"}

    app.add_url_rule("/upstream-check/<name>", view_func=check)
    yield app, calls
    transport.close()


def answer(upstream_app: UpstreamApp, call: Call) -> TestResponse:
    app, calls = upstream_app
    calls["it"] = call
    http: FlaskClient = app.test_client()
    response = http.get("/upstream-check/it")
    assert response.mimetype == "application/problem+json"
    return response


def test_cybersource_field_errors_are_422_in_our_field_names(upstream_app: UpstreamApp) -> None:
    response = answer(upstream_app, post_raw_named)
    body = response.get_json()
    assert response.status_code == 422
    assert body["type"] == "/problems/upstream-validation"
    fields = {(e["field"], e["location"]) for e in body["errors"]}
    assert fields == {("customer.email", "json"), ("line_items.0.unit_price", "json")}
    assert "customer.email" in body["detail"]
    assert body["cybersource"]["status"] == 400


def test_unnamed_field_errors_keep_cybersource_paths_in_snake_case(
    upstream_app: UpstreamApp,
) -> None:
    body = answer(upstream_app, post_raw).get_json()
    assert {(e["field"], e["location"]) for e in body["errors"]} == {
        ("customer_information.email", "cybersource"),
        ("order_information.line_items.0.unit_price", "cybersource"),
    }


def test_local_checks_are_reported_the_same_way(upstream_app: UpstreamApp) -> None:
    def create_in_bad_currency(client: CybersourceClient) -> object:
        return client.invoices.create(draft(currency="EURO"))

    response = answer(upstream_app, create_in_bad_currency)
    assert response.status_code == 422
    assert response.get_json()["cybersource"]["status"] is None  # nothing was sent
    assert [e["field"] for e in response.get_json()["errors"]] == [
        "order_information.amount_details.currency"
    ]


def test_rejected_credentials_tell_the_user_to_ask_an_admin(
    upstream_app: UpstreamApp, simulator: RunningSimulator, test_merchant: MerchantKeys
) -> None:
    wrong = replace(test_merchant.shared_secret, key_id="someone-else")

    def call_as_wrong_key(_client: CybersourceClient) -> object:
        with CybersourceClient(auth_for(wrong), simulator.url) as client:
            return client.invoices.get("P-1")

    response = answer(upstream_app, call_as_wrong_key)
    assert response.status_code == 502
    assert response.get_json()["type"] == "/problems/merchant-credentials-rejected"
    assert "re-verify the merchant profile" in response.get_json()["detail"]


def test_stored_credentials_that_cannot_be_used_are_rejected_credentials(
    upstream_app: UpstreamApp, simulator: RunningSimulator, p12_bytes: bytes
) -> None:
    """A P12 whose password no longer opens it fails before any call, with the same advice."""

    def call_with_a_broken_p12(_client: CybersourceClient) -> object:
        credentials = P12Credentials(MERCHANT_ID, p12_bytes, "not-the-password")
        with CybersourceClient(auth_for(credentials), simulator.url) as client:
            return client.invoices.get("P-1")

    response = answer(upstream_app, call_with_a_broken_p12)
    assert response.status_code == 502
    assert response.get_json()["type"] == "/problems/merchant-credentials-rejected"
    assert response.get_json()["cybersource"]["status"] is None


def test_an_answer_nobody_expected_is_a_bad_gateway(
    upstream_app: UpstreamApp, simulator: RunningSimulator
) -> None:
    simulator.knobs(faults=[{"kind": "status", "status": 418, "method": "GET"}])
    response = answer(upstream_app, lambda client: client.invoices.get("P-1"))
    assert response.status_code == 502
    assert response.get_json()["type"] == "/problems/upstream-error"
    assert response.get_json()["cybersource"]["status"] == 418
    assert "Retry-After" not in response.headers


@pytest.mark.parametrize(
    ("fault", "status", "problem_type"),
    [
        ({"kind": "status", "status": 503}, 503, "/problems/upstream-unavailable"),
        ({"kind": "status", "status": 429}, 503, "/problems/upstream-rate-limited"),
        (
            {"kind": "timeout", "seconds": 0.6, "after_commit": False},
            504,
            "/problems/upstream-unavailable",
        ),
    ],
)
def test_unavailable_cybersource_says_when_to_retry(
    upstream_app: UpstreamApp,
    simulator: RunningSimulator,
    fault: dict[str, Any],
    status: int,
    problem_type: str,
) -> None:
    simulator.knobs(faults=[{**fault, "method": "GET"}])
    response = answer(upstream_app, lambda client: client.invoices.get("P-1"))
    assert response.status_code == status
    assert response.get_json()["type"] == problem_type
    assert response.headers["Retry-After"] == "5"  # the simulator did not say: the default


@pytest.mark.parametrize(
    ("call", "status", "problem_type"),
    [
        (lambda client: client.invoices.get("NOPE"), 404, "/problems/upstream-not-found"),
        (cancel_twice, 409, "/problems/action-not-allowed"),
        (create_twice, 409, "/problems/duplicate-invoice-number"),
    ],
)
def test_refusals_map_to_client_errors(
    upstream_app: UpstreamApp, call: Call, status: int, problem_type: str
) -> None:
    response = answer(upstream_app, call)
    assert response.status_code == status
    assert response.get_json()["type"] == problem_type
    assert response.get_json()["cybersource"]["correlation_id"]


def test_field_names_use_the_nearest_named_parent_and_every_index() -> None:
    names = FieldNames({"a.items[]": "items.{}", "a.items[].parts[].price": "items.{}.parts.{}"})
    assert names.ours("a.items[3].name") == "items.3"
    assert names.ours("a.items[1].parts[4].price") == "items.1.parts.4"
    assert names.ours("b.other") is None
    assert generic_field_name("orderInformation.amountDetails.taxDetails.rate") == (
        "order_information.amount_details.tax_details.rate"
    )


def test_naming_fields_leaves_other_errors_alone() -> None:
    error = ValidationFailedError("bad", details=(FieldIssue("x", "INVALID_DATA"),))
    with pytest.raises(ValidationFailedError) as raised, naming_fields(INVOICE_FIELDS):
        raise error
    assert raised.value.field_names is INVOICE_FIELDS
    with pytest.raises(KeyError), naming_fields(INVOICE_FIELDS):
        raise KeyError("not a field error")
