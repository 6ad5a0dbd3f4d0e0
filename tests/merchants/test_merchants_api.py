"""``/api/v1/merchants`` end to end, verified against the Cybersource simulator on loopback."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.merchants.merchants_support import SECRET_FIELD_NAMES, Secrets
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

URL = "/api/v1/merchants"


def create(
    client: FlaskClient, user: SignedInUser, secrets: Secrets, **overrides: Any
) -> TestResponse:
    return client.post(URL, json=secrets.body(**overrides), headers=user.headers)


def created_id(client: FlaskClient, user: SignedInUser, secrets: Secrets, **overrides: Any) -> str:
    response = create(client, user, secrets, **overrides)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def audit_actions(client: FlaskClient, admin: SignedInUser) -> list[str]:
    response = client.get("/api/v1/audit", headers=admin.headers)
    assert response.status_code == 200, response.get_json()
    return [event["action"] for event in response.get_json()["events"]]


@pytest.mark.parametrize(
    ("scheme", "hint_source"),
    [("jwt_shared_secret", "key_id"), ("http_signature", "key_id"), ("jwt_p12", "p12")],
)
def test_an_admin_creates_a_profile_that_members_can_list(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    tenant_a_member: SignedInUser,
    secrets: Secrets,
    scheme: str,
    hint_source: str,
) -> None:
    response = create(client, tenant_a_admin, secrets, scheme=scheme)

    assert response.status_code == 201, response.get_json()
    profile = response.get_json()
    expected_hint = secrets.key_id[-4:] if hint_source == "key_id" else secrets.p12_kid[-4:]
    assert profile["credentials"]["hint"] == "…" + expected_hint
    assert profile["credentials"]["verified_at"] == profile["credentials"]["changed_at"]
    assert not SECRET_FIELD_NAMES & set(profile)
    assert (profile["auth_scheme"], profile["merchant_id"]) == (scheme, "acme_invoicing")

    listed = client.get(URL, headers=tenant_a_member.headers)
    assert listed.status_code == 200
    assert listed.get_json()["profiles"] == [profile]
    assert (
        client.get(f"{URL}/{profile['id']}", headers=tenant_a_member.headers).get_json() == profile
    )
    (event,) = client.get("/api/v1/audit", headers=tenant_a_admin.headers).get_json()["events"]
    assert (event["action"], event["target_id"]) == ("merchant.created", profile["id"])
    assert event["details"]["hint"] == profile["credentials"]["hint"]
    assert event["actor"] == tenant_a_admin.username


def test_the_first_profile_makes_its_creator_admin_and_then_only_admins_create(
    client: FlaskClient, sign_in: Callable[..., Any], secrets: Secrets
) -> None:
    first, second = sign_in(role=None), sign_in(role=None)
    assert client.get(URL, headers=first.headers).status_code == 403

    assert create(client, first, secrets).status_code == 201
    me = client.get("/api/v1/me", headers=first.headers).get_json()
    assert me["role"] == "admin"
    assert [p["merchant_id"] for p in me["merchant_profiles"]] == ["acme_invoicing"]

    refused = create(client, second, secrets, environment="production")
    assert refused.status_code == 403
    assert client.get("/api/v1/me", headers=second.headers).get_json()["role"] is None


def test_rejected_credentials_are_not_saved_and_say_what_cybersource_answered(
    client: FlaskClient, tenant_a_admin: SignedInUser, secrets: Secrets
) -> None:
    wrong_secret = "d3Jvbmcgc2VjcmV0IG9mIDMyIGJ5dGVzIGxvbmcgISE="
    response = create(client, tenant_a_admin, secrets, shared_secret=wrong_secret)

    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "/problems/credentials-rejected"
    assert "authentication failed" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["credentials"]
    assert problem["cybersource"]["status"] == 401
    assert problem["cybersource"]["correlation_id"]
    assert client.get(URL, headers=tenant_a_admin.headers).get_json()["profiles"] == []
    assert audit_actions(client, tenant_a_admin) == []


def test_invoicing_not_enabled_is_reported(
    client: FlaskClient, tenant_a_admin: SignedInUser, secrets: Secrets, simulator: RunningSimulator
) -> None:
    simulator.state.set_invoicing_enabled(False)
    response = create(client, tenant_a_admin, secrets)

    assert response.status_code == 400
    assert response.get_json()["detail"] == (
        "Cybersource did not accept the credentials: Invoicing service is not enabled."
    )
    assert client.get(URL, headers=tenant_a_admin.headers).get_json()["profiles"] == []


def test_cybersource_unreachable_is_a_502_and_nothing_is_saved(
    client: FlaskClient, tenant_a_admin: SignedInUser, secrets: Secrets
) -> None:
    response = create(client, tenant_a_admin, secrets, environment="production")
    assert response.status_code == 502
    assert response.get_json()["type"] == "/problems/cybersource-unavailable"
    assert client.get(URL, headers=tenant_a_admin.headers).get_json()["profiles"] == []


def test_one_profile_per_merchant_and_environment(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    tenant_b_admin: SignedInUser,
    secrets: Secrets,
) -> None:
    created_id(client, tenant_a_admin, secrets)
    duplicate = create(client, tenant_a_admin, secrets, display_name="Again")
    assert duplicate.status_code == 409
    assert [e["field"] for e in duplicate.get_json()["errors"]] == ["merchant_id"]
    # Another tenant may use the same merchant account.
    created_id(client, tenant_b_admin, secrets)


def test_updates_reverify_only_what_cybersource_sees(
    client: FlaskClient, tenant_a_admin: SignedInUser, secrets: Secrets
) -> None:
    profile_id = created_id(client, tenant_a_admin, secrets)
    url = f"{URL}/{profile_id}"
    before = client.get(url, headers=tenant_a_admin.headers).get_json()

    renamed = client.patch(
        url,
        json={"display_name": "Acme US", "default_due_days": 30},
        headers=tenant_a_admin.headers,
    )
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["credentials"] == before["credentials"]

    # Production does not answer: the change is refused and nothing changes.
    moved = client.patch(url, json={"environment": "production"}, headers=tenant_a_admin.headers)
    assert moved.status_code == 502
    assert client.get(url, headers=tenant_a_admin.headers).get_json()["environment"] == "sandbox"

    to_p12 = client.patch(url, json={"auth_scheme": "jwt_p12"}, headers=tenant_a_admin.headers)
    assert to_p12.status_code == 400
    assert {e["field"] for e in to_p12.get_json()["errors"]} == {"p12", "p12_password"}

    switched = client.patch(
        url,
        json={
            "auth_scheme": "jwt_p12",
            "p12": secrets.p12_b64,
            "p12_password": secrets.p12_password,
        },
        headers=tenant_a_admin.headers,
    )
    assert switched.status_code == 200, switched.get_json()
    assert switched.get_json()["credentials"]["hint"] == "…" + secrets.p12_kid[-4:]
    assert switched.get_json()["credentials"]["changed_at"] > before["credentials"]["changed_at"]

    # Back to the shared secret, but a wrong one: refused, the P12 stays.
    wrong = client.patch(
        url,
        json={
            "auth_scheme": "jwt_shared_secret",
            "key_id": secrets.key_id,
            "shared_secret": "d3Jvbmc=",
        },
        headers=tenant_a_admin.headers,
    )
    assert wrong.status_code == 400
    assert client.get(url, headers=tenant_a_admin.headers).get_json()["auth_scheme"] == "jwt_p12"
    assert audit_actions(client, tenant_a_admin) == [
        "merchant.credentials_changed",
        "merchant.updated",
        "merchant.created",
    ]


def test_verify_and_delete(
    client: FlaskClient, tenant_a_admin: SignedInUser, secrets: Secrets
) -> None:
    profile_id = created_id(client, tenant_a_admin, secrets)
    url = f"{URL}/{profile_id}"
    before = client.get(url, headers=tenant_a_admin.headers).get_json()

    verified = client.post(f"{url}/verify", headers=tenant_a_admin.headers)
    assert verified.status_code == 200
    assert verified.get_json()["credentials"]["verified_at"] > before["credentials"]["verified_at"]

    assert client.delete(url, headers=tenant_a_admin.headers).status_code == 204
    assert client.get(url, headers=tenant_a_admin.headers).status_code == 404
    assert audit_actions(client, tenant_a_admin) == [
        "merchant.deleted",
        "merchant.verified",
        "merchant.created",
    ]


def test_a_failed_verification_is_audited(
    client: FlaskClient, tenant_a_admin: SignedInUser, secrets: Secrets, simulator: RunningSimulator
) -> None:
    profile_id = created_id(client, tenant_a_admin, secrets)
    simulator.state.set_key_revoked(True)
    response = client.post(f"{URL}/{profile_id}/verify", headers=tenant_a_admin.headers)
    assert response.status_code == 400
    assert audit_actions(client, tenant_a_admin)[0] == "merchant.verification_failed"


ROUTES = [
    ("get", ""),
    ("patch", ""),
    ("delete", ""),
    ("post", "/verify"),
]


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_another_tenants_profile_does_not_exist(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    tenant_b_admin: SignedInUser,
    secrets: Secrets,
    method: str,
    suffix: str,
) -> None:
    profile_id = created_id(client, tenant_a_admin, secrets)
    kwargs: dict[str, Any] = {"json": {"display_name": "Mine now"}} if method == "patch" else {}
    response = getattr(client, method)(
        f"{URL}/{profile_id}{suffix}", headers=tenant_b_admin.headers, **kwargs
    )
    assert response.status_code == 404
    assert client.get(URL, headers=tenant_b_admin.headers).get_json()["profiles"] == []
    assert client.get(f"{URL}/{profile_id}", headers=tenant_a_admin.headers).status_code == 200


@pytest.mark.parametrize(("method", "suffix"), [*ROUTES[1:], ("post", "create")])
def test_members_use_profiles_but_only_admins_change_them(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    tenant_a_member: SignedInUser,
    secrets: Secrets,
    method: str,
    suffix: str,
) -> None:
    profile_id = created_id(client, tenant_a_admin, secrets)
    if suffix == "create":
        response = create(client, tenant_a_member, secrets, environment="production")
    else:
        kwargs: dict[str, Any] = {"json": {"display_name": "Mine"}} if method == "patch" else {}
        response = getattr(client, method)(
            f"{URL}/{profile_id}{suffix}", headers=tenant_a_member.headers, **kwargs
        )
    assert response.status_code == 403
    assert response.get_json()["type"] == "/problems/forbidden"
    assert client.get(f"{URL}/{profile_id}", headers=tenant_a_member.headers).get_json()[
        "display_name"
    ] == ("Acme sandbox")


def test_users_without_a_role_see_no_profiles(
    client: FlaskClient, tenant_a_admin: SignedInUser, sign_in: Callable[..., Any], secrets: Secrets
) -> None:
    profile_id = created_id(client, tenant_a_admin, secrets)
    outsider = sign_in(role=None)
    assert client.get(URL, headers=outsider.headers).status_code == 403
    assert client.get(f"{URL}/{profile_id}", headers=outsider.headers).status_code == 403
    assert client.get("/api/v1/me", headers=outsider.headers).get_json()["merchant_profiles"] == []


def test_signed_out_callers_are_refused(client: FlaskClient) -> None:
    assert client.get(URL).status_code == 401
