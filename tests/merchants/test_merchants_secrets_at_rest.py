"""Secrets never rest in plaintext (rows, SQLite files) nor reach the logs; sealed values are
bound to their row; other concerns get working credentials through ``client_for``."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from addin_server.caller import CurrentUser
from addin_server.logs import configure_logging
from addin_server.merchants import (
    client_for,
    credentials_of,
    keyring_for,
    profile_for,
    transport_for,
)
from addin_server.merchants.encryption import DecryptionFailedError
from addin_server.merchants.models import MerchantProfile
from addin_server.problems import ApiProblem
from addin_server.schema import metadata
from tests.merchants.merchants_support import Secrets

if TYPE_CHECKING:
    from tests.conftest import SignedInUser

URL = "/api/v1/merchants"
REJECTED_SECRET = "cmVqZWN0ZWQgc2VjcmV0IHRoYXQgbXVzdCBub3QgbGVhaw=="


def needles(secrets: Secrets) -> dict[str, bytes]:
    """Every secret that was sent, as bytes to look for."""
    return {
        "shared secret": secrets.shared_secret.encode(),
        "shared secret bytes": base64.b64decode(secrets.shared_secret),
        "key id": secrets.key_id.encode(),
        "rejected secret": REJECTED_SECRET.encode(),
        "P12 password": secrets.p12_password.encode(),
        "P12 as Base64": secrets.p12_b64[40:104].encode(),
        "P12 bytes": secrets.p12[200:264],
    }


def as_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value).encode()
    return str(value).encode()


@pytest.fixture
def log_stream(app: Flask) -> Iterator[io.StringIO]:
    """Everything logged, at DEBUG, as the JSON lines production writes."""
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    yield stream
    configure_logging("INFO")


def exercise_every_route(client: FlaskClient, admin: SignedInUser, secrets: Secrets) -> None:
    """Create (both kinds), fail, update and verify: every path a secret takes."""
    shared = client.post(URL, json=secrets.body(), headers=admin.headers)
    assert shared.status_code == 201
    rejected = client.post(
        URL,
        json=secrets.body(environment="production", shared_secret=REJECTED_SECRET),
        headers=admin.headers,
    )
    assert rejected.status_code == 502
    wrong_password = client.post(
        URL,
        json=secrets.body("jwt_p12", p12_password="not " + secrets.p12_password),
        headers=admin.headers,
    )
    assert wrong_password.status_code == 400
    url = f"{URL}/{shared.get_json()['id']}"
    to_p12 = {
        "auth_scheme": "jwt_p12",
        "p12": secrets.p12_b64,
        "p12_password": secrets.p12_password,
    }
    assert client.patch(url, json=to_p12, headers=admin.headers).status_code == 200
    assert client.post(f"{url}/verify", headers=admin.headers).status_code == 200
    back = {"auth_scheme": "http_signature", "key_id": secrets.key_id}
    back["shared_secret"] = REJECTED_SECRET
    assert client.patch(url, json=back, headers=admin.headers).status_code == 400
    back["shared_secret"] = secrets.shared_secret
    assert client.patch(url, json=back, headers=admin.headers).status_code == 200


def test_no_plaintext_secret_in_the_database_or_the_logs(
    app: Flask,
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    secrets: Secrets,
    database_url: str,
    log_stream: io.StringIO,
) -> None:
    exercise_every_route(client, tenant_a_admin, secrets)
    found = needles(secrets)

    logged = log_stream.getvalue()
    assert "/api/v1/merchants" in logged  # the capture works
    leaked_to_logs = [name for name, needle in found.items() if needle in logged.encode()]
    assert leaked_to_logs == []

    database = app.extensions["addin.db"]
    with database.engine.connect() as connection:
        rows = [
            (table.name, as_bytes(value))
            for table in metadata.sorted_tables
            for row in connection.execute(text(f'SELECT * FROM "{table.name}"'))
            for value in row
        ]
    assert any(name == "merchant_profiles" for name, _ in rows)
    leaked_to_rows = [
        (table, name) for table, value in rows for name, needle in found.items() if needle in value
    ]
    assert leaked_to_rows == []

    if database_url.startswith("sqlite"):
        database.dispose()  # close connections, as a copied file would be
        path = Path(make_url(database_url).database or "")
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        assert path in files
        for file in files:
            content = file.read_bytes()
            assert [name for name, needle in found.items() if needle in content] == []


def test_a_ciphertext_copied_to_another_profile_does_not_decrypt(
    app: Flask,
    client: FlaskClient,
    session: Session,
    tenant_a_admin: SignedInUser,
    tenant_b_admin: SignedInUser,
    secrets: Secrets,
) -> None:
    ids = [
        client.post(URL, json=secrets.body(), headers=user.headers).get_json()["id"]
        for user in (tenant_a_admin, tenant_b_admin)
    ]
    with app.extensions["addin.db"].engine.begin() as connection:
        blobs = dict(
            connection.execute(
                text("SELECT id, credentials_ciphertext FROM merchant_profiles")
            ).all()
        )
        for profile_id, other_id in (ids, ids[::-1]):
            connection.execute(
                text("UPDATE merchant_profiles SET credentials_ciphertext = :blob WHERE id = :id"),
                {"blob": blobs[other_id], "id": profile_id},
            )

    keyring = keyring_for(app.extensions["addin.settings"])
    for profile in session.scalars(select(MerchantProfile)):
        with pytest.raises(DecryptionFailedError, match=profile.id):
            credentials_of(profile, keyring)
    response = client.post(f"{URL}/{ids[0]}/verify", headers=tenant_a_admin.headers)
    assert response.status_code == 500


def member_of(tenant_id: str) -> CurrentUser:
    return CurrentUser(
        user_id=0,
        tenant_id=tenant_id,
        tid=tenant_id,
        oid="00000000-0000-0000-0000-000000000000",
        name="Member",
        username="member@example.com",
        role="member",
        is_personal=False,
    )


def test_invoices_load_a_profile_through_the_scope_and_get_a_client(
    app: Flask,
    client: FlaskClient,
    session: Session,
    tenant_a_admin: SignedInUser,
    tenant_b_admin: SignedInUser,
    secrets: Secrets,
) -> None:
    created = client.post(URL, json=secrets.body("jwt_p12"), headers=tenant_a_admin.headers)
    settings = app.extensions["addin.settings"]

    profile = profile_for(session, member_of(tenant_a_admin.tid), created.get_json()["id"])
    transport = transport_for(settings)
    try:
        invoice_settings = client_for(profile, settings, transport=transport).invoice_settings.get()
    finally:
        transport.close()
    assert invoice_settings is not None

    with pytest.raises(ApiProblem) as other_tenant:
        profile_for(session, member_of(tenant_b_admin.tid), created.get_json()["id"])
    assert other_tenant.value.status == 404
