"""Client construction from settings, shared transports, simulator options."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import requests

from addin_server.config import Settings
from addin_server.cybersource import (
    AuthenticationFailedError,
    CreationMode,
    CybersourceClient,
    Endpoint,
    Environment,
    InvoiceDraft,
    InvoiceStatus,
    LineItem,
    Timeouts,
    Transport,
    auth_for,
)
from addin_server.dev.simulator import AUTH_FAILURE_HEADER, AuthPolicy, demo_merchant
from addin_server.merchants import endpoint_for, transport_for
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.cybersource.conftest import MerchantKeys


def minimal(number: str) -> InvoiceDraft:
    return InvoiceDraft(
        invoice_number=number,
        description="Hedge",
        due_date=date(2026, 12, 1),
        currency="GBP",
        line_items=(LineItem("Hedge trimming", Decimal("75")),),
    )


def test_environments_name_cybersource_hosts() -> None:
    assert Endpoint.of(Environment.SANDBOX) == Endpoint("https://apitest.cybersource.com")
    assert Endpoint.of(Environment.PRODUCTION).host == "api.cybersource.com"
    assert Environment.PRODUCTION_IN.url == "https://api.in.cybersource.com"


def test_endpoint_signs_the_url_host_unless_told_otherwise() -> None:
    assert Endpoint("http://127.0.0.1:8443/").host == "127.0.0.1:8443"
    proxy = Endpoint("https://proxy.internal:8443", signing_host="apitest.cybersource.com")
    assert proxy.host == "apitest.cybersource.com"


def test_endpoints_come_from_settings() -> None:
    settings = Settings()
    for environment in Environment:
        assert endpoint_for(environment, settings) == Endpoint(environment.url)
    proxied = Settings(
        cybersource_production_url="https://proxy.internal",
        cybersource_production_signing_host="api.cybersource.com",
    )
    endpoint = endpoint_for(Environment.PRODUCTION, proxied)
    assert (endpoint.base_url, endpoint.host) == ("https://proxy.internal", "api.cybersource.com")


def test_transport_from_settings_keeps_the_configured_deadline() -> None:
    transport = transport_for(Settings(cybersource_connect_timeout=2.0, cybersource_deadline=12.0))
    assert transport.timeouts == Timeouts(connect=2.0, read=30.0, total=12.0)
    transport.close()


def test_client_for_merchant_uses_endpoint_and_timeouts(
    simulator: RunningSimulator, test_merchant: MerchantKeys
) -> None:
    with CybersourceClient.for_merchant(
        test_merchant.shared_secret, Endpoint(simulator.url), timeouts=Timeouts(read=7.0)
    ) as client:
        assert client.transport.timeouts.read == 7.0
        assert client.merchant_id == test_merchant.shared_secret.merchant_id
        assert client.invoices.create(minimal("A-1")).invoice.total_amount == Decimal("75.00")


def test_client_behind_a_proxy_signs_the_cybersource_host(
    simulator_factory: Callable[..., RunningSimulator], test_merchant: MerchantKeys, scheme: str
) -> None:
    """The URL names the proxy (here the simulator on loopback); the signature names the
    host Cybersource checks. Without the signing host every call is refused."""
    simulator = simulator_factory(policy=AuthPolicy(hosts=(Environment.SANDBOX.host,)))
    credentials = test_merchant.credentials(scheme)
    proxied = Endpoint(simulator.url, signing_host=Environment.SANDBOX.host)
    with CybersourceClient.for_merchant(credentials, proxied) as client:
        assert client.invoices.create(minimal("P-1")).invoice.invoice_number == "P-1"
    with (
        CybersourceClient.for_merchant(credentials, Endpoint(simulator.url)) as client,
        pytest.raises(AuthenticationFailedError),
    ):
        client.invoices.get("P-1")


def test_settings_with_a_signing_host_reach_cybersource_through_a_proxy(
    simulator_factory: Callable[..., RunningSimulator], test_merchant: MerchantKeys
) -> None:
    simulator = simulator_factory(policy=AuthPolicy(hosts=(Environment.SANDBOX.host,)))
    settings = Settings(
        cybersource_sandbox_url=simulator.url,
        cybersource_sandbox_signing_host=Environment.SANDBOX.host,
    )
    endpoint = endpoint_for(Environment.SANDBOX, settings)
    with CybersourceClient.for_merchant(test_merchant.shared_secret, endpoint) as client:
        assert client.invoices.list().total == 0


def test_clients_of_many_merchants_share_one_transport(
    simulator: RunningSimulator, test_merchant: MerchantKeys
) -> None:
    transport = transport_for(Settings())
    clients = [
        CybersourceClient(
            auth_for(test_merchant.credentials(scheme)), simulator.url, transport=transport
        )
        for scheme in ("jwt", "http_signature")
    ]
    for index, client in enumerate(clients):
        client.invoices.create(minimal(f"S-{index}"))
        client.close()  # does not close the shared transport
    assert clients[0].invoices.list().total == 2
    assert transport.session_for(simulator.url + "/x") is transport.session_for(simulator.url)
    transport.close()


def test_draft_status_reading_is_configurable(
    simulator_factory: Callable[..., RunningSimulator],
    test_merchant: MerchantKeys,
    transport: Transport,
) -> None:
    """CONFLICT in the docs: a draft without email may come back CREATED (notes §2.2)."""
    simulator = simulator_factory(draft_without_email_status=InvoiceStatus.CREATED)
    client = CybersourceClient(
        auth_for(test_merchant.shared_secret), simulator.url, transport=transport
    )
    created = client.invoices.create(minimal("D-1")).invoice
    assert created.status is InvoiceStatus.CREATED
    assert created.payment_link
    assert created.mode is CreationMode.CREATE_WITHOUT_SENDING


def test_simulator_accepts_quantity_as_a_string_like_the_spec_examples(
    simulator: RunningSimulator, test_merchant: MerchantKeys, transport: Transport
) -> None:
    client = CybersourceClient(
        auth_for(test_merchant.shared_secret), simulator.url, transport=transport
    )
    body = minimal("Q-1").to_payload()
    body["orderInformation"]["lineItems"][0]["quantity"] = "20"
    response = client.requestor.request("POST", "/invoicing/v2/invoices", json_body=body)
    assert response.status == 201


def test_knobs_can_be_read_back_and_reset(simulator: RunningSimulator) -> None:
    simulator.knobs(latency=0.01, faults=[{"kind": "status", "status": 503}])
    knobs = requests.get(f"{simulator.url}/__sim/knobs", timeout=5).json()
    assert knobs["latency"] == 0.01
    assert knobs["faults"][0]["status"] == 503
    simulator.knobs()
    assert requests.get(f"{simulator.url}/__sim/knobs", timeout=5).json()["faults"] == []


def test_unknown_fault_kind_is_refused(simulator: RunningSimulator) -> None:
    response = requests.post(
        f"{simulator.url}/__sim/knobs", json={"faults": [{"kind": "explode"}]}, timeout=5
    )
    assert response.status_code == 400


def test_auth_failure_reason_header_is_the_only_hint(simulator: RunningSimulator) -> None:
    response = requests.get(f"{simulator.url}/invoicing/v2/invoices/1", timeout=5)
    assert response.json() == {"response": {"rmsg": "Authentication Failed"}}
    assert response.headers[AUTH_FAILURE_HEADER]


def test_demo_merchant_credentials_work_with_the_simulator(
    simulator_factory: Callable[..., RunningSimulator], transport: Transport
) -> None:
    demo = demo_merchant("demo_shop", with_p12=True)
    simulator = simulator_factory({"demo_shop": demo.merchant})
    assert demo.p12 is not None
    for credentials in (demo.credentials, demo.p12):
        client = CybersourceClient(auth_for(credentials), simulator.url, transport=transport)
        assert client.invoice_settings.get().merchant_display_name == "demo_shop"
