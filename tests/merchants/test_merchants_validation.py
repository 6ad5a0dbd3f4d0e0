"""Bad input on every field: a 400 problem naming the field, and nothing saved."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pytest
from flask.testing import FlaskClient

from tests.merchants.merchants_support import Secrets

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

URL = "/api/v1/merchants"
SHARED, P12 = "jwt_shared_secret", "jwt_p12"
GARBAGE_B64 = base64.b64encode(b"\x30\x82 this is not a PKCS#12 file at all").decode()


def truncated_p12(secrets: Secrets) -> str:
    return base64.b64encode(secrets.p12[: len(secrets.p12) // 2]).decode()


# (case, scheme, body overrides (None drops a field), field named in the problem)
CASES: list[tuple[str, str, Any, str]] = [
    (
        "merchant id with spaces",
        SHARED,
        {"merchant_id": "acme invoicing"},
        "merchant_id",
    ),
    ("merchant id too long", SHARED, {"merchant_id": "m" * 31}, "merchant_id"),
    ("key id not a UUID", SHARED, {"key_id": "key-1"}, "key_id"),
    ("secret not Base64", SHARED, {"shared_secret": "not base64!"}, "shared_secret"),
    ("secret missing", "http_signature", {"shared_secret": None}, "shared_secret"),
    ("P12 with a shared secret", SHARED, {"p12": GARBAGE_B64}, "p12"),
    ("P12 not Base64", P12, {"p12": "%%%"}, "p12"),
    ("P12 corrupt", P12, {"p12": GARBAGE_B64}, "p12"),
    ("P12 truncated", P12, {"p12": truncated_p12}, "p12"),
    ("P12 wrong password", P12, {"p12_password": "wrong"}, "p12_password"),
    ("P12 password missing", P12, {"p12_password": None}, "p12_password"),
    ("key alias not in the P12", P12, {"key_alias": "someone_else"}, "key_alias"),
    ("unknown currency", SHARED, {"default_currency": "XYZ"}, "default_currency"),
    ("lower-case currency", SHARED, {"default_currency": "usd"}, "default_currency"),
    ("unknown environment", SHARED, {"environment": "staging"}, "environment"),
    ("unknown scheme", SHARED, {"auth_scheme": "basic"}, "auth_scheme"),
    ("blank display name", SHARED, {"display_name": "   "}, "display_name"),
    (
        "prefix with a slash",
        SHARED,
        {"invoice_number_prefix": "A/B"},
        "invoice_number_prefix",
    ),
    ("due days negative", SHARED, {"default_due_days": -1}, "default_due_days"),
    ("due days as text", SHARED, {"default_due_days": "30"}, "default_due_days"),
]


@pytest.mark.parametrize(
    ("scheme", "overrides", "field"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_bad_input_names_the_field(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    secrets: Secrets,
    scheme: str,
    overrides: dict[str, Any],
    field: str,
) -> None:
    resolved = {name: v(secrets) if callable(v) else v for name, v in overrides.items()}
    body = secrets.body(scheme, **resolved)

    response = client.post(URL, json=body, headers=tenant_a_admin.headers)

    assert response.status_code == 400, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in [error["field"] for error in response.get_json()["errors"]], response.get_json()
    assert client.get(URL, headers=tenant_a_admin.headers).get_json()["profiles"] == []


def test_bad_input_on_update_names_the_field(
    client: FlaskClient, tenant_a_admin: SignedInUser, secrets: Secrets
) -> None:
    created = client.post(URL, json=secrets.body(), headers=tenant_a_admin.headers)
    url = f"{URL}/{created.get_json()['id']}"
    response = client.patch(
        url, json={"default_currency": "EURO", "key_id": "x"}, headers=tenant_a_admin.headers
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.get_json()["errors"]} == {"default_currency", "key_id"}
    # Half of the secret material is refused: it is replaced as a whole.
    partial = client.patch(url, json={"key_id": secrets.key_id}, headers=tenant_a_admin.headers)
    assert partial.status_code == 400
    assert [e["field"] for e in partial.get_json()["errors"]] == ["shared_secret"]
