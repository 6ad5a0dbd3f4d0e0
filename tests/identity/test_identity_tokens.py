"""Bearer token validation through the real app, PyJWT and the HTTPS test provider."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from flask import Flask
from flask.testing import FlaskClient

from addin_server import create_app
from addin_server.config import OFFICE_CLIENT_IDS
from addin_server.identity.tokens import PERSONAL_ACCOUNTS_TENANT
from tests.identity.identity_support import (
    INVALID_TOKEN_CHALLENGE,
    OID,
    OTHER_CLIENT_ID,
    TENANT_C,
    Forger,
    b64url,
    bearer,
    compact,
    identity_row_counts,
)

Forge = Callable[[Forger], str]
NOW = int(time.time())


def alg_none(f: Forger) -> str:
    return compact({"alg": "none", "typ": "JWT", "kid": f.provider.active_kid}, f.claims())


def hs256_with_public_key(f: Forger) -> str:
    public_pem = (
        f.provider.private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": f.provider.active_kid}
    unsigned = compact(header, f.claims()).rsplit(".", 1)[0]
    mac = hmac.new(public_pem, unsigned.encode(), hashlib.sha256).digest()
    return f"{unsigned}.{b64url(mac)}"


def signed_by_stranger(kid: str | None) -> Forge:
    def forge(f: Forger) -> str:
        headers = {"kid": kid or f.provider.active_kid}
        return jwt.encode(f.claims(), f.stranger_key, algorithm="RS256", headers=headers)

    return forge


def tampered(f: Forger) -> str:
    header, _payload, signature = f.sign().split(".")
    payload = compact({}, f.claims(oid="0b1d0000-0000-4000-8000-0000000000ff")).split(".")[1]
    return f"{header}.{payload}.{signature}"


def without_kid(f: Forger) -> str:
    return jwt.encode(f.claims(), f.provider.private_key(), algorithm="RS256")


def other_tenant(tid: str) -> Forge:
    return lambda f: f.sign(tid=tid, iss=f.provider.issuer(tid))


def literal(token: str) -> Forge:
    return lambda _f: token


REJECTED: dict[str, Forge] = {
    "alg none": alg_none,
    "HS256 signed with the public key": hs256_with_public_key,
    "unknown key": signed_by_stranger("not-published"),
    "published kid, other key": signed_by_stranger(None),
    "no kid": without_kid,
    "tampered payload": tampered,
    "expired": lambda f: f.sign(iat=NOW - 7200, nbf=NOW - 7200, exp=NOW - 3600),
    "not yet valid": lambda f: f.sign(iat=NOW, nbf=NOW + 3600, exp=NOW + 7200),
    "no exp": lambda f: f.sign(exp=None),
    "wrong audience": lambda f: f.sign(aud="https://graph.microsoft.com"),
    "v2 token with App ID URI audience": lambda f: f.sign(aud=f.app_id_uri),
    "token for another app": lambda f: f.sign(aud=OTHER_CLIENT_ID, azp=OTHER_CLIENT_ID),
    "our API's token requested by another app": lambda f: f.sign(azp=OTHER_CLIENT_ID),
    "no azp": lambda f: f.sign(azp=None),
    "v1 token requested by another app": lambda f: f.provider.issue_access_token(
        f.tenant_a, OID, version=1, audience=f.client_id, client_id=OTHER_CLIENT_ID
    ),
    "wrong issuer": lambda f: f.sign(iss=f"https://evil.example/{f.tenant_a}/v2.0"),
    "v1 issuer on a v2 token": lambda f: f.sign(iss=f"https://sts.windows.net/{f.tenant_a}/"),
    "issuer of another tenant than tid": lambda f: f.sign(iss=f.provider.issuer(f.tenant_b)),
    "tenant not allowed": other_tenant(TENANT_C),
    "personal account not allowed": other_tenant(PERSONAL_ACCOUNTS_TENANT),
    "tid not a GUID": other_tenant("contoso.example"),
    "unknown version": lambda f: f.sign(ver="3.0"),
    "no scp": lambda f: f.sign(scp=None),
    "wrong scope": lambda f: f.sign(scp="Files.Read User.Read"),
    "scope only as a prefix": lambda f: f.sign(scp="access_as_user_not"),
    "app-only token": lambda f: f.sign(scp=None, roles=["access_as_user"]),
    "ID token": lambda f: f.sign(scp=None, nonce="n-0S6_WzA2Mj"),
    "no oid": lambda f: f.sign(oid=None),
    "malformed": literal("not-a-jwt"),
    "garbage parts": literal("eyJhbGciOiJSUzI1NiJ9.@@@.@@@"),
    "oversized": lambda f: f.sign(padding="x" * 17_000),
}


# Validation happens before any database access: SQLite alone keeps the matrix quick.
ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@ON_SQLITE
@pytest.mark.parametrize("forge", REJECTED.values(), ids=REJECTED.keys())
def test_rejected_with_401_and_nothing_stored(
    app: Flask, client: FlaskClient, forger: Forger, forge: Forge
) -> None:
    response = client.get("/api/v1/me", headers=bearer(forge(forger)))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == INVALID_TOKEN_CHALLENGE
    assert response.mimetype == "application/problem+json"
    assert identity_row_counts(app) == (0, 0, 0)


# Rejections the user can act on carry their own problem type (the taskpane explains each);
# every other reason stays the generic one, which says nothing about the token.
PROBLEM_TYPES: dict[str, tuple[Forge, str]] = {
    "tenant not allowed": (other_tenant(TENANT_C), "/problems/tenant-not-allowed"),
    "personal account not allowed": (
        other_tenant(PERSONAL_ACCOUNTS_TENANT),
        "/problems/personal-accounts-not-allowed",
    ),
    "expired": (REJECTED["expired"], "/problems/unauthenticated"),
    "wrong issuer": (REJECTED["wrong issuer"], "/problems/unauthenticated"),
}


@ON_SQLITE
@pytest.mark.parametrize(("forge", "problem_type"), PROBLEM_TYPES.values(), ids=PROBLEM_TYPES)
def test_rejections_the_user_can_act_on_have_their_own_type(
    client: FlaskClient, forger: Forger, forge: Forge, problem_type: str
) -> None:
    response = client.get("/api/v1/me", headers=bearer(forge(forger)))
    assert response.status_code == 401
    assert response.get_json()["type"] == problem_type
    assert response.headers["WWW-Authenticate"] == INVALID_TOKEN_CHALLENGE


@ON_SQLITE
@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz"], ids=repr
)
def test_missing_bearer_token_is_401(client: FlaskClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("version", "app_id_uri_audience"),
    [(2, False), (1, False), (1, True)],
    ids=["v2", "v1 client id", "v1 App ID URI"],
)
def test_accepted_token_versions(
    client: FlaskClient, forger: Forger, version: int, app_id_uri_audience: bool
) -> None:
    token = forger.provider.issue_access_token(
        forger.tenant_b,
        OID,
        version=version,
        audience=forger.app_id_uri if app_id_uri_audience else forger.client_id,
        client_id=forger.client_id,  # appid: the app that asked, whatever the audience
        name="Ada",
        username="ada@b.example",
    )
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["user"]["oid"] == OID
    assert (body["user"]["name"], body["user"]["username"]) == ("Ada", "ada@b.example")
    assert body["tenant"] == {"id": forger.tenant_b, "tid": forger.tenant_b, "personal": False}


def test_small_clock_skew_is_tolerated(client: FlaskClient, forger: Forger) -> None:
    now = int(time.time()) + 30
    token = forger.sign(iat=now, nbf=now, exp=now + 3600)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_rejection_reason_is_logged_and_the_token_is_not(
    client: FlaskClient, forger: Forger, caplog: pytest.LogCaptureFixture
) -> None:
    token = forger.sign(scp="Files.Read")
    with caplog.at_level(logging.INFO):
        client.get("/api/v1/me", headers=bearer(token))
    rejected = [r for r in caplog.records if r.getMessage() == "access token rejected"]
    assert [getattr(r, "reason", None) for r in rejected] == ["scope 'access_as_user' missing"]
    for record in caplog.records:
        assert token not in str(vars(record))


def test_access_log_names_the_user_by_tenant_and_oid(
    client: FlaskClient, forger: Forger, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="addin_server.access"):
        client.get("/api/v1/me", headers=bearer(forger.sign()))
    users = [getattr(r, "user", None) for r in caplog.records if r.name == "addin_server.access"]
    assert users == [f"{forger.tenant_a}/{OID}"]


@ON_SQLITE
@pytest.mark.parametrize("version", [2, 1], ids=["v2 azp", "v1 appid"])
@pytest.mark.parametrize("client_id", OFFICE_CLIENT_IDS)
def test_tokens_requested_by_office_clients_are_accepted(
    client: FlaskClient, forger: Forger, version: int, client_id: str
) -> None:
    """Legacy Office SSO: Office requests the token for our API on the add-in's behalf."""
    token = forger.provider.issue_access_token(
        forger.tenant_a, OID, version=version, audience=forger.client_id, client_id=client_id
    )
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


@ON_SQLITE
def test_the_office_client_list_is_configurable(app_config: dict[str, Any], forger: Forger) -> None:
    only_web = "bc59ab01-8403-45c6-8796-ac3ef710b3e3"
    client = create_app({**app_config, "office_client_ids": (only_web,)}).test_client()

    def status(client_id: str) -> int:
        token = forger.sign(azp=client_id)
        return client.get("/api/v1/me", headers=bearer(token)).status_code

    assert (status(only_web), status(forger.client_id)) == (200, 200)
    assert status(OFFICE_CLIENT_IDS[1]) == 401
