"""Every answer of every Invoicing and invoice-settings operation validates against the spec.

The spec (``shared/reference/cybersource-invoicing-openapi.json``, Swagger 2.0) is read as
JSON Schema draft 4 with one strictness added: an object may hold only the properties its
schema declares (``additionalProperties: false``), so a misspelt or invented field fails.
Two declared exceptions, both from the spec's own examples: the invoice's
``invoiceInformation.description`` (every response example shows it) and the list's
``_links.next``/``previous`` (the schema's x-note). Merchant-defined field endpoints are not
simulated.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft4Validator

from tests.simulator.sim_payloads import INVOICES, SETTINGS, Call, invoice, update_of
from tests.simulator_support import RunningSimulator

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# shared/ sits beside the project (CI, a plain clone) or beside its worktree folder.
SPEC_FILE = next(
    (
        folder / "shared/reference/cybersource-invoicing-openapi.json"
        for folder in PROJECT_ROOT.parents
        if (folder / "shared/reference/cybersource-invoicing-openapi.json").exists()
    ),
    PROJECT_ROOT.parent / "shared/reference/cybersource-invoicing-openapi.json",
)
_LINK = {"$ref": "#/definitions/PtsV2PaymentsPost201ResponseLinksSelf"}
_ALLOWED_EXTRAS = {
    "InvoicingV2InvoicesPost201ResponseInvoiceInformation": {
        "description": {"type": "string", "maxLength": 2000}
    },
    "InvoicingV2InvoicesAllGet200ResponseLinks": {"next": _LINK, "previous": _LINK},
}
# (spec path, method): the statuses the scenario below must produce, each validated.
EXPECTED = {
    (INVOICES, "post"): {201, 202, 400, 502},
    (INVOICES, "get"): {200, 400, 404, 502},
    (INVOICES + "/{id}", "get"): {200, 400, 404, 502},
    (INVOICES + "/{id}", "put"): {200, 400, 404, 502},
    (INVOICES + "/{id}/delivery", "post"): {200, 400, 404, 502},
    (INVOICES + "/{id}/publication", "post"): {200, 400, 404, 502},
    (INVOICES + "/{id}/cancelation", "post"): {200, 400, 404, 502},
    (SETTINGS, "get"): {200, 400, 502},
    (SETTINGS, "put"): {200, 400, 502},
}


def strict(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` on every object that lists properties."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: strict(value) for key, value in schema.items()}
    if "properties" in result and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC_FILE.exists():
        pytest.skip(
            f"OpenAPI extract not found at {SPEC_FILE} (shared/ must sit beside the project)"
        )
    data: dict[str, Any] = json.loads(SPEC_FILE.read_text())
    definitions = copy.deepcopy(data["definitions"])
    for name, extras in _ALLOWED_EXTRAS.items():
        definitions[name]["properties"].update(extras)
    data["definitions"] = strict(definitions)
    return data


def validator(spec: dict[str, Any], path: str, method: str, status: int) -> Draft4Validator:
    responses = spec["paths"][path][method]["responses"]
    response = responses.get(str(status)) or responses["default"]
    schema = {"definitions": spec["definitions"], **strict(response["schema"])}
    return Draft4Validator(schema)


def answers(
    simulator: RunningSimulator, call: Call
) -> Iterator[tuple[str, str, requests.Response]]:
    """(spec path, method, response) for a run through every operation and outcome."""
    one = f"{INVOICES}/{{id}}"

    def fail_next(method: str) -> None:
        simulator.knobs(faults=[{"kind": "status", "status": 502, "method": method}])

    yield INVOICES, "post", call("POST", INVOICES, invoice("INV-1"))  # DRAFT
    yield INVOICES, "post", call("POST", INVOICES, invoice("INV-1"))  # duplicate
    simulator.knobs(email_fails=True)
    yield INVOICES, "post", call("POST", INVOICES, invoice("INV-2", send=True))  # 202
    simulator.knobs()
    fail_next("POST")
    yield INVOICES, "post", call("POST", INVOICES, invoice("INV-3"))
    queries = ("?offset=0&limit=10", "?offset=1&limit=1", "?status=BOGUS&offset=0&limit=1")
    for query in (*queries, "?offset=50&limit=5"):
        yield INVOICES, "get", call("GET", INVOICES + query)
    fail_next("GET")
    yield INVOICES, "get", call("GET", INVOICES + "?offset=0&limit=10")
    for number in ("INV-1", "MISSING"):
        yield one, "get", call("GET", f"{INVOICES}/{number}")
        yield one, "put", call("PUT", f"{INVOICES}/{number}", update_of(invoice()))
    yield one, "put", call("PUT", f"{INVOICES}/INV-1", {"invoiceInformation": {}})
    for method in ("GET", "PUT"):
        fail_next(method)
        body = update_of(invoice()) if method == "PUT" else None
        yield one, method.lower(), call(method, f"{INVOICES}/INV-1", body)
    # publish, publish again (not allowed), send, cancel, cancel again, send (not allowed)
    for action, number in [
        ("publication", "INV-1"),
        ("publication", "INV-1"),
        ("delivery", "INV-1"),
        ("cancelation", "INV-1"),
        ("cancelation", "INV-1"),
        ("delivery", "INV-1"),
        *[(action, "MISSING") for action in ("publication", "delivery", "cancelation")],
    ]:
        yield f"{one}/{action}", "post", call("POST", f"{INVOICES}/{number}/{action}", {})
    for action in ("publication", "delivery", "cancelation"):
        fail_next("POST")
        yield f"{one}/{action}", "post", call("POST", f"{INVOICES}/INV-1/{action}", {})
    yield one, "get", call("GET", f"{INVOICES}/INV-1")  # canceled
    for product in ("INVOICING", "BOGUS"):
        yield SETTINGS, "get", call("GET", f"{SETTINGS}?productType={product}")
    settings = {"invoiceSettingsInformation": {"merchantDisplayName": "Shop", "shipTo": True}}
    yield SETTINGS, "put", call("PUT", f"{SETTINGS}?productType=INVOICING", settings)
    bad = {"invoiceSettingsInformation": {"headerStyle": {"fontColor": "red"}}}
    yield SETTINGS, "put", call("PUT", f"{SETTINGS}?productType=INVOICING", bad)
    for method in ("GET", "PUT"):
        fail_next(method)
        yield SETTINGS, method.lower(), call(method, f"{SETTINGS}?productType=INVOICING", settings)
    simulator.state.set_invoicing_enabled(False)
    yield one, "get", call("GET", f"{INVOICES}/INV-1")


def test_every_answer_matches_the_spec(
    spec: dict[str, Any], simulator: RunningSimulator, call: Call
) -> None:
    seen: dict[tuple[str, str], set[int]] = {}
    for path, method, response in answers(simulator, call):
        assert response.headers["Content-Type"].startswith("application/json"), response.text
        errors = [
            f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator(spec, path, method, response.status_code).iter_errors(
                response.json()
            )
        ]
        assert errors == [], f"{method.upper()} {path} {response.status_code}: {errors}"
        seen.setdefault((path, method), set()).add(response.status_code)
    assert seen == EXPECTED


def test_strictness_catches_a_misspelt_field(spec: dict[str, Any]) -> None:
    """The check can fail: the SDK's spelling of a line item's SKU is not the response's."""
    check = validator(spec, INVOICES + "/{id}", "get", 200)
    item = {"productSKU": "P1", "quantity": 1}
    assert not check.is_valid({"orderInformation": {"lineItems": [item]}})
    assert check.is_valid({"orderInformation": {"lineItems": [{"productSku": "P1"}]}})
    assert not check.is_valid({"invoiceHistory": [{"event": "SEND", "when": "x"}]})
