"""``POST /api/v1/prefill``: signed-in users only, 400 naming the field, 413 above the
body limit, and never a 500 whatever the JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from addin_server.merchants import MerchantProfile
from addin_server.prefill import MAX_BODY_CHARS

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

URL = "/api/v1/prefill"
EXAMPLE = {
    "from": {"email": "jane.doe@acmecorp.com", "name": "Jane Doe"},
    "to": [{"email": "billing@brightpixel.studio", "name": "Bright Pixel Billing"}],
    "cc": [],
    "subject": "Order for the spring campaign",
    "body": "<p>Please invoice:</p><ul><li>3 x Poster design @ $250.00</li></ul>"
    "<p>PO-7741, net 30.</p><p>Best regards,<br>Jane Doe<br>Acme Corp</p>",
    "body_type": "html",
    "item_date": "2026-03-02T09:15:00-05:00",
    "mailbox_owner": "billing@brightpixel.studio",
    "time_zone": "America/New_York",
    "locale": "en-US",
    "mode": "read",
    "default_currency": "USD",
    "due_days": 30,
}


def test_requires_a_signed_in_user(client: FlaskClient) -> None:
    response = client.post(URL, json=EXAMPLE)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_returns_the_draft_with_confidence_and_source(
    client: FlaskClient, auth_headers: dict[str, str]
) -> None:
    response = client.post(URL, json=EXAMPLE, headers=auth_headers)
    assert response.status_code == 200, response.get_json()
    draft = response.get_json()
    assert draft["customer"]["email"] == {
        "value": "jane.doe@acmecorp.com",
        "confidence": 0.95,
        "source": "From: Jane Doe <jane.doe@acmecorp.com>",
    }
    assert draft["customer"]["company"]["value"] == "Acme Corp"
    assert draft["line_items"] == [
        {
            "name": "Poster design",
            "quantity": "3",
            "unit_price": "250.00",
            "confidence": 0.85,
            "source": "- 3 x Poster design @ $250.00",
        }
    ]
    assert draft["total"]["value"] == "750.00"
    assert draft["currency"]["value"] == "USD"
    assert draft["due_date"]["value"] == "2026-04-01"
    assert draft["references"][0]["kind"] == "po"
    assert draft["references"][0]["value"] == "PO-7741"
    assert draft["description"]["value"] == "Order for the spring campaign"
    assert draft["notices"] == []


def test_a_long_order_comes_whole_with_a_notice(
    client: FlaskClient, auth_headers: dict[str, str]
) -> None:
    body = "\n".join(f"- 1 x Part {n} @ $2.00" for n in range(32))
    response = client.post(URL, json={"body": body}, headers=auth_headers)
    assert response.status_code == 200
    draft = response.get_json()
    assert len(draft["line_items"]) == 32
    assert draft["notices"] == [
        {
            "field": "line_items",
            "code": "too_many_line_items",
            "message": "Cybersource accepts 30 lines per invoice; combine or remove 2 lines.",
        }
    ]


def test_the_draft_is_as_the_document_says(
    client: FlaskClient, auth_headers: dict[str, str]
) -> None:
    """Schemathesis found decimals documented as numbers while the answer has strings."""
    document = client.get("/api/openapi.json").get_json()
    registry: Registry[Any] = Registry().with_resource(
        "urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    draft = {"$ref": "urn:openapi#/components/schemas/DraftInvoice"}
    response = client.post(URL, json=EXAMPLE, headers=auth_headers)
    Draft202012Validator(draft, registry=registry).validate(response.get_json())


def test_only_the_body_is_required(client: FlaskClient, auth_headers: dict[str, str]) -> None:
    response = client.post(URL, json={"body": "Lunch?"}, headers=auth_headers)
    assert response.status_code == 200
    draft = response.get_json()
    assert draft["total"] is None
    assert draft["customer"] == {"name": None, "email": None, "company": None}


def _field_errors(response: TestResponse) -> list[str]:
    return [error["field"] for error in response.get_json()["errors"]]


def test_bad_fields_are_named(client: FlaskClient, auth_headers: dict[str, str]) -> None:
    bad = {
        **EXAMPLE,
        "time_zone": "Mars/Olympus",
        "default_currency": "XYZ",
        "mode": "delete",
        "to": [{"name": "no address"}],
        "item_date": "2026-03-02T09:15:00",  # no offset: ambiguous
        "due_days": -1,
    }
    response = client.post(URL, json=bad, headers=auth_headers)
    assert response.status_code == 400
    assert sorted(_field_errors(response)) == [
        "default_currency",
        "due_days",
        "item_date",
        "mode",
        "time_zone",
        "to.0.email",
    ]


def test_missing_body_is_named(client: FlaskClient, auth_headers: dict[str, str]) -> None:
    response = client.post(URL, json={"subject": "x"}, headers=auth_headers)
    assert response.status_code == 400
    assert _field_errors(response) == ["body"]


def test_bodies_above_the_limit_are_413(client: FlaskClient, auth_headers: dict[str, str]) -> None:
    response = client.post(URL, json={"body": "x" * (MAX_BODY_CHARS + 1)}, headers=auth_headers)
    assert response.status_code == 413
    assert response.get_json()["type"] == "/problems/body-too-large"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
request_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(EXAMPLE, json_values)
        | {
            "body": st.text(max_size=500),
            "time_zone": st.sampled_from(["UTC", "Asia/Tokyo", "", "Nope"]),
            "item_date": st.datetimes().map(lambda d: d.isoformat() + "+00:00"),
        },
    ),
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=request_bodies)
def test_any_json_gives_a_draft_or_a_clean_4xx(
    client: FlaskClient, auth_headers: dict[str, str], payload: object
) -> None:
    response = client.post(URL, json=payload, headers=auth_headers)
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    if response.status_code == 400:
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"]


def test_invalid_json_is_a_400(client: FlaskClient, auth_headers: dict[str, str]) -> None:
    response = client.post(
        URL,
        data=b"\xff\xfe{not json",
        headers={**auth_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400


def _profile(app: Flask, tid: str, currency: str, due_days: int) -> str:
    """A merchant profile of tenant ``tid`` with these defaults, stored as the API stores it."""
    now = datetime.now(UTC)
    with app.app_context(), app.extensions["addin.db"].session() as session:
        profile = MerchantProfile(
            tenant_id=tid,
            display_name="Bright Pixel",
            environment="sandbox",
            merchant_id=f"bright_{currency.lower()}",
            auth_scheme="jwt_shared_secret",
            default_currency=currency,
            default_due_days=due_days,
            credentials_ciphertext=b"sealed",
            credentials_key_id="k1",
            credentials_hint="abcd",
            credentials_changed_at=now,
            credentials_verified_at=now,
        )
        session.add(profile)
        session.commit()
        return profile.id


NOTHING_STATED = {"body": "Hi, could you send the invoice for the usual work? Thanks, Jane"}


@pytest.mark.parametrize("currency", ["NZD", "SGD", "HKD", "KWD"])
def test_the_defaults_come_from_the_chosen_merchant_profile(
    app: Flask, client: FlaskClient, tenant_a_member: SignedInUser, currency: str
) -> None:
    profile_id = _profile(app, tenant_a_member.tid, currency, 14)
    body = {**NOTHING_STATED, "merchant_profile_id": profile_id, "item_date": EXAMPLE["item_date"]}
    response = client.post(URL, json=body, headers=tenant_a_member.headers)
    assert response.status_code == 200, response.get_json()
    draft = response.get_json()
    assert draft["currency"] == {"value": currency, "confidence": 0.3, "source": "merchant_default"}
    assert draft["due_date"]["value"] == "2026-03-16"
    assert draft["due_date"]["source"] == "merchant_default"


def test_another_tenants_profile_is_not_found(
    app: Flask, client: FlaskClient, tenant_a_member: SignedInUser, tenant_b_admin: SignedInUser
) -> None:
    profile_id = _profile(app, tenant_b_admin.tid, "EUR", 30)
    body = {**NOTHING_STATED, "merchant_profile_id": profile_id}
    response = client.post(URL, json=body, headers=tenant_a_member.headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("currency", ["NZD", "SGD", "HKD", "PLN", "CZK"])
def test_any_iso_4217_default_currency_is_accepted(
    client: FlaskClient, auth_headers: dict[str, str], currency: str
) -> None:
    body = {**NOTHING_STATED, "default_currency": currency}
    response = client.post(URL, json=body, headers=auth_headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["currency"]["value"] == currency
