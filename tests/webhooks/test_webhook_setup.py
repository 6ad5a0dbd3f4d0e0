"""Setting up, showing, rotating and removing a profile's webhook (admins only), and the
simulator really delivering signed notifications to it: the customer pays, the record says
PAID without anyone refreshing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from addin_server import create_app
from addin_server.dev.loopback import LoopbackServer, free_port
from addin_server.dev.simulator import DemoMerchant
from addin_server.devcert import TlsFiles
from tests.profile_support import add_sandbox_profile
from tests.simulator_support import RunningSimulator
from tests.webhooks.webhooks_support import (
    MERCHANT_ID,
    deliver,
    notification,
    publish_invoice,
    status_of,
)

if TYPE_CHECKING:
    from tests.conftest import SignedInUser


def test_the_admin_sees_the_webhook_never_its_key(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    profile_id: str,
    webhook: dict[str, Any],
    simulator: RunningSimulator,
) -> None:
    key_id, key = simulator.state.webhooks.keys[MERCHANT_ID]
    shown = client.get(f"/api/v1/merchants/{profile_id}/webhook", headers=tenant_a_admin.headers)
    assert shown.status_code == 200
    body = shown.get_json()
    assert body["configured"] is True
    assert body["webhook_url"].endswith("/webhooks/cybersource")
    assert body["key_hint"] == "…" + key_id[-4:]
    assert key not in shown.get_data(as_text=True)
    again = client.put(f"/api/v1/merchants/{profile_id}/webhook", headers=tenant_a_admin.headers)
    assert again.status_code == 409


def test_members_and_other_tenants_cannot_manage_it(
    client: FlaskClient,
    tenant_a_member: SignedInUser,
    tenant_b_admin: SignedInUser,
    profile_id: str,
    webhook: dict[str, Any],
) -> None:
    path = f"/api/v1/merchants/{profile_id}/webhook"
    assert client.get(path, headers=tenant_a_member.headers).status_code == 403
    for method in ("get", "put", "delete"):
        assert getattr(client, method)(path, headers=tenant_b_admin.headers).status_code == 404
    assert client.post(f"{path}/rotate", headers=tenant_b_admin.headers).status_code == 404


def test_rotation_accepts_the_old_key_until_the_new_one_is_seen(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    tenant_a_member: SignedInUser,
    profile_id: str,
    signing_key: tuple[str, str],
    simulator: RunningSimulator,
) -> None:
    old = signing_key
    rotated = client.post(
        f"/api/v1/merchants/{profile_id}/webhook/rotate", headers=tenant_a_admin.headers
    ).get_json()
    new = simulator.state.webhooks.keys[MERCHANT_ID]
    assert new != old
    assert (rotated["previous_key_accepted"], rotated["key_confirmed"]) == (True, False)
    first = publish_invoice(client, tenant_a_member.headers, profile_id)
    second = publish_invoice(client, tenant_a_member.headers, profile_id)
    # In flight under the old key: still accepted.
    assert deliver(client, old, notification("send", first["number"])).status_code == 200
    # The new key is seen in use: from now on the old one is refused.
    assert deliver(client, new, notification("send", second["number"])).status_code == 200
    refused = deliver(client, old, notification("paid", first["number"], balance="0"))
    assert refused.status_code == 401
    shown = client.get(f"/api/v1/merchants/{profile_id}/webhook", headers=tenant_a_admin.headers)
    assert (shown.get_json()["previous_key_accepted"], shown.get_json()["key_confirmed"]) == (
        False,
        True,
    )


def test_removing_it_ends_the_subscription_there_and_here(
    client: FlaskClient,
    tenant_a_admin: SignedInUser,
    profile_id: str,
    signing_key: tuple[str, str],
    simulator: RunningSimulator,
) -> None:
    path = f"/api/v1/merchants/{profile_id}/webhook"
    assert client.delete(path, headers=tenant_a_admin.headers).status_code == 204
    assert simulator.state.webhooks.subscriptions_of(MERCHANT_ID) == []
    assert client.get(path, headers=tenant_a_admin.headers).get_json() == {"configured": False}
    assert deliver(client, signing_key, notification("send", "WH-000001")).status_code == 401


@pytest.fixture
def served_app(
    app_config: dict[str, Any], identity_tls: TlsFiles
) -> Iterator[tuple[Flask, LoopbackServer]]:
    """The app over HTTPS on loopback, its public URL where it listens: Cybersource's
    (the simulator's) deliveries reach it for real."""
    port = free_port()
    app = create_app({**app_config, "public_url": f"https://localhost:{port}"})
    server = LoopbackServer(
        app, port=port, ssl_context=identity_tls.server_context(), hostname="localhost"
    ).start()
    yield app, server
    server.stop()
    app.extensions["addin.db"].dispose()


def test_the_customer_pays_and_the_record_says_paid(
    served_app: tuple[Flask, LoopbackServer],
    tenant_a_admin: SignedInUser,
    demo: DemoMerchant,
    simulator: RunningSimulator,
) -> None:
    app, _server = served_app
    client = app.test_client()
    profile = add_sandbox_profile(client, tenant_a_admin.headers, demo)
    setup = client.put(f"/api/v1/merchants/{profile['id']}/webhook", headers=tenant_a_admin.headers)
    assert setup.status_code == 201, setup.get_json()
    invoice = publish_invoice(
        client, tenant_a_admin.headers, profile["id"], allow_partial_payments=True
    )

    assert simulator.pay(invoice["number"], "40.00").status_code == 200
    simulator.state.webhooks.wait_idle()
    partial = status_of(client, tenant_a_admin.headers, invoice["id"])
    assert (partial["status"], partial["balance"]) == ("PARTIAL", "60.00")

    assert simulator.pay(invoice["number"], "60.00").status_code == 200
    simulator.state.webhooks.wait_idle()
    deadline = time.monotonic() + 5
    while status_of(client, tenant_a_admin.headers, invoice["id"])["status"] != "PAID":
        assert time.monotonic() < deadline, simulator.state.webhooks.deliveries
        time.sleep(0.05)
    deliveries = simulator.state.webhooks.deliveries
    assert [d.event_type.rsplit(".", 1)[1] for d in deliveries] == ["partial-payment", "paid"]
    assert all(d.statuses == [200] for d in deliveries)
