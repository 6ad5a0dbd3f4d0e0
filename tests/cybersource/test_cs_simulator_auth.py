"""The simulator is as strict as Cybersource: every signing mistake is a 401 with its body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import replace
from email.utils import formatdate
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import requests

from addin_server.cybersource import (
    Authenticator,
    CybersourceClient,
    JwtOptions,
    MethodCase,
    SharedSecretCredentials,
    SharedSecretScheme,
    SignableRequest,
    SignatureDateHeader,
    auth_for,
)
from addin_server.dev.conformance.recording import Answer, WireRequest, send
from addin_server.dev.simulator import AUTH_FAILED_BODY, AUTH_FAILURE_HEADER, AuthPolicy
from tests.cybersource.cybersource_support import MERCHANT_ID
from tests.simulator_support import RunningSimulator

if TYPE_CHECKING:
    from tests.cybersource.conftest import MerchantKeys

INVOICE_PATH = "/invoicing/v2/invoices/INV-1"
CANCEL_PATH = INVOICE_PATH + "/cancelation"


def call(
    url: str,
    auth: Authenticator,
    method: str,
    path: str,
    body: bytes | None = None,
    signed_instead: dict[str, Any] | None = None,
) -> requests.Response:
    """Send a request, signing it with some parts (method, path, body, host) replaced."""
    replaced = signed_instead or {}
    signed = SignableRequest(
        replaced.get("method", method),
        replaced.get("host", urlsplit(url).netloc),
        replaced.get("path", path),
        replaced.get("body", body),
    )
    headers = {"Content-Type": "application/json", **auth.headers(signed)}
    return requests.request(method, url + path, data=body, headers=headers, timeout=5)


def assert_rejected(response: requests.Response, why: str) -> None:
    assert response.status_code == 401
    assert response.json() == AUTH_FAILED_BODY
    assert response.headers["v-c-correlation-id"]
    assert why in response.headers[AUTH_FAILURE_HEADER]


def other_secret(credentials: SharedSecretCredentials) -> SharedSecretCredentials:
    return replace(credentials, shared_secret_b64=base64.b64encode(b"x" * 32).decode())


def stale_clock() -> float:
    return time.time() - 400


def future_clock() -> float:
    return time.time() + 60


@pytest.fixture
def auth(scheme: str, test_merchant: MerchantKeys) -> Authenticator:
    return auth_for(test_merchant.credentials(scheme))


def test_signed_request_is_accepted(simulator: RunningSimulator, auth: Authenticator) -> None:
    response = call(simulator.url, auth, "GET", INVOICE_PATH)
    assert response.status_code == 404  # authenticated; the invoice does not exist
    assert response.json()["message"] == "Invoice does not exist."


@pytest.mark.parametrize(
    ("method", "path", "body", "signed_instead", "why"),
    [
        ("POST", CANCEL_PATH, b"{}", {"body": b'{"a":1}'}, "igest"),
        ("POST", CANCEL_PATH, b"{}", {"method": "PUT"}, ""),
        ("GET", INVOICE_PATH, None, {"path": "/invoicing/v2/invoices/INV-2"}, ""),
    ],
    ids=["digest", "method", "path"],
)
def test_tampered_request_is_rejected(
    simulator: RunningSimulator,
    auth: Authenticator,
    method: str,
    path: str,
    body: bytes | None,
    signed_instead: dict[str, Any],
    why: str,
) -> None:
    assert_rejected(call(simulator.url, auth, method, path, body, signed_instead), why)


@pytest.mark.parametrize("jwt_scheme", ["jwt", "p12"])
def test_jwt_for_another_host_is_rejected(
    simulator: RunningSimulator, test_merchant: MerchantKeys, jwt_scheme: str
) -> None:
    """HTTP Signature sends its signed host as Host: see the host-policy test for it."""
    auth = auth_for(test_merchant.credentials(jwt_scheme))
    response = call(simulator.url, auth, "GET", INVOICE_PATH, None, {"host": "example.com"})
    assert_rejected(response, "request-host")


def test_wrong_shared_secret_is_rejected(
    simulator: RunningSimulator, test_merchant: MerchantKeys
) -> None:
    for scheme in SharedSecretScheme:
        auth = auth_for(other_secret(test_merchant.shared(scheme)))
        assert_rejected(call(simulator.url, auth, "GET", INVOICE_PATH), "signature")


def test_unknown_key_id_is_rejected(
    simulator: RunningSimulator, test_merchant: MerchantKeys
) -> None:
    auth = auth_for(replace(test_merchant.shared_secret, key_id="unknown-key"))
    assert_rejected(call(simulator.url, auth, "GET", INVOICE_PATH), "unknown key id")


def test_key_of_another_merchant_is_rejected(
    simulator: RunningSimulator, test_merchant: MerchantKeys
) -> None:
    for scheme in ("jwt", "http_signature"):
        auth = auth_for(replace(test_merchant.credentials(scheme), merchant_id="other_merchant"))
        response = call(simulator.url, auth, "GET", INVOICE_PATH)
        assert_rejected(response, "merchant")


@pytest.mark.parametrize(
    ("clock_scheme", "clock", "why"),
    [
        ("jwt", stale_clock, "stale"),
        ("p12", stale_clock, "stale"),
        ("http_signature", stale_clock, "Date is too far"),
        ("jwt", future_clock, "future"),
        ("p12", future_clock, "future"),
    ],
)
def test_stale_and_future_signatures_are_rejected(
    simulator: RunningSimulator,
    test_merchant: MerchantKeys,
    clock_scheme: str,
    clock: Callable[[], float],
    why: str,
) -> None:
    auth = auth_for(test_merchant.credentials(clock_scheme), clock=clock)
    assert_rejected(call(simulator.url, auth, "GET", INVOICE_PATH), why)


def test_replayed_jwt_is_rejected(simulator: RunningSimulator, test_merchant: MerchantKeys) -> None:
    auth = auth_for(test_merchant.shared_secret)
    headers = auth.headers(SignableRequest("GET", urlsplit(simulator.url).netloc, INVOICE_PATH))
    first = requests.get(simulator.url + INVOICE_PATH, headers=headers, timeout=5)
    again = requests.get(simulator.url + INVOICE_PATH, headers=headers, timeout=5)
    assert first.status_code == 404
    assert_rejected(again, "jti was already used")


def test_missing_authentication_is_rejected(simulator: RunningSimulator) -> None:
    response = requests.get(simulator.url + INVOICE_PATH, timeout=5)
    assert_rejected(response, "no Authorization")


def http_signature_headers(
    secret_b64: str, key_id: str, host: str, target: str, names: list[str], date: str
) -> dict[str, str]:
    """An HTTP Signature built by hand, with free choice of the signed header names."""
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(b"{}").digest()).decode()
    values = {
        "host": host,
        "date": date,
        "request-target": target,
        "(request-target)": target,
        "digest": digest,
        "v-c-merchant-id": MERCHANT_ID,
    }
    signing_string = "\n".join(f"{name}: {values[name]}" for name in names)
    signature = base64.b64encode(
        hmac.new(base64.b64decode(secret_b64), signing_string.encode(), hashlib.sha256).digest()
    ).decode()
    return {
        "Host": host,
        "Date": date,
        "Digest": digest,
        "v-c-merchant-id": MERCHANT_ID,
        "Signature": f'keyid="{key_id}", algorithm="HmacSHA256", '
        f'headers="{" ".join(names)}", signature="{signature}"',
    }


@pytest.mark.parametrize(
    ("names", "why"),
    [
        (["host", "date", "(request-target)", "digest", "v-c-merchant-id"], "parentheses"),
        (["host", "request-target", "digest", "v-c-merchant-id"], "signed headers"),
        (["host", "date", "request-target", "digest", "v-c-merchant-id"], None),
    ],
    ids=["parenthesised-request-target", "date-not-signed", "correct"],
)
def test_http_signature_header_list(
    simulator: RunningSimulator, test_merchant: MerchantKeys, names: list[str], why: str | None
) -> None:
    credentials = test_merchant.shared_secret
    host = urlsplit(simulator.url).netloc
    headers = http_signature_headers(
        credentials.shared_secret_b64,
        credentials.key_id,
        host,
        f"post {CANCEL_PATH}",
        names,
        formatdate(time.time(), usegmt=True),
    )
    response = requests.post(simulator.url + CANCEL_PATH, data=b"{}", headers=headers, timeout=5)
    if why is None:
        assert response.status_code == 404  # authenticated
    else:
        assert_rejected(response, why)


def test_signed_host_must_be_the_configured_host(
    simulator_factory: Callable[..., Any], test_merchant: MerchantKeys, scheme: str
) -> None:
    """Behind a proxy: the signed host is Cybersource's, whatever host the URL names."""
    simulator = simulator_factory(policy=AuthPolicy(hosts=("apitest.cybersource.com",)))
    credentials = test_merchant.credentials(scheme)
    good = CybersourceClient(
        auth_for(credentials), simulator.url, signing_host="apitest.cybersource.com"
    )
    bad = CybersourceClient(
        auth_for(credentials), simulator.url, signing_host="api.cybersource.com"
    )
    assert good.invoices.list().total == 0
    with pytest.raises(Exception, match="Authentication Failed"):
        bad.invoices.list()


@pytest.mark.parametrize(
    ("client_options", "policy", "accepted"),
    [
        (JwtOptions(), AuthPolicy(), True),
        (JwtOptions(resource_path_with_query=False), AuthPolicy(), False),
        (
            JwtOptions(resource_path_with_query=False),
            AuthPolicy(jwt_path_with_query=False),
            True,
        ),
        (JwtOptions(method_case=MethodCase.LOWER), AuthPolicy(), False),
        (
            JwtOptions(method_case=MethodCase.LOWER),
            AuthPolicy(jwt_method_case=MethodCase.LOWER),
            True,
        ),
    ],
    ids=["defaults", "no-query-vs-strict", "no-query-both", "lower-vs-strict", "lower-both"],
)
def test_jwt_readings_are_configurable_on_both_sides(
    simulator_factory: Callable[..., Any],
    test_merchant: MerchantKeys,
    client_options: JwtOptions,
    policy: AuthPolicy,
    accepted: bool,
) -> None:
    simulator = simulator_factory(policy=policy)
    auth = auth_for(test_merchant.shared_secret, jwt_options=client_options)
    response = call(simulator.url, auth, "GET", "/invoicing/v2/invoices?offset=0&limit=5")
    assert (response.status_code == 404) is accepted  # 404: no invoices, but authenticated


def test_http_signature_scheme_name_is_kept_in_credentials(test_merchant: MerchantKeys) -> None:
    credentials = test_merchant.credentials("http_signature")
    assert isinstance(credentials, SharedSecretCredentials)
    assert credentials.scheme is SharedSecretScheme.HTTP_SIGNATURE


@pytest.mark.parametrize(
    ("client_header", "simulator_header", "accepted"),
    [
        (SignatureDateHeader.DATE, SignatureDateHeader.DATE, True),
        (SignatureDateHeader.V_C_DATE, SignatureDateHeader.V_C_DATE, True),
        (SignatureDateHeader.V_C_DATE, SignatureDateHeader.DATE, False),
    ],
)
def test_http_signature_date_header_reading_is_configurable(
    simulator_factory: Callable[..., Any],
    test_merchant: MerchantKeys,
    client_header: SignatureDateHeader,
    simulator_header: SignatureDateHeader,
    accepted: bool,
) -> None:
    simulator = simulator_factory(policy=AuthPolicy(signature_date_header=simulator_header))
    auth = auth_for(
        test_merchant.credentials("http_signature"), signature_date_header=client_header
    )
    response = call(simulator.url, auth, "POST", CANCEL_PATH, b"{}")
    assert (response.status_code == 404) is accepted


def raw(url: str, method: str, path: str, headers: dict[str, str]) -> Answer:
    """Sent as is: http.client keeps a lower-case method and the given Host."""
    host = {"host": urlsplit(url).netloc} if "Host" not in headers else {}
    sent = {**host, **{name.lower(): value for name, value in headers.items()}}
    return send(url, WireRequest(method, path, tuple(sent.items())))


def assert_raw_rejected(answer: Answer, why: str) -> None:
    assert answer.status == 401
    assert json.loads(answer.body) == AUTH_FAILED_BODY
    assert why in answer.headers[AUTH_FAILURE_HEADER.lower()]


def test_a_lower_case_method_is_rejected(simulator: RunningSimulator, auth: Authenticator) -> None:
    headers = auth.headers(SignableRequest("GET", urlsplit(simulator.url).netloc, INVOICE_PATH))
    assert raw(simulator.url, "GET", INVOICE_PATH, headers).status == 404
    assert_raw_rejected(raw(simulator.url, "get", INVOICE_PATH, headers), "upper case")


def test_bearer_and_signature_together_are_rejected(
    simulator: RunningSimulator, test_merchant: MerchantKeys
) -> None:
    host = urlsplit(simulator.url).netloc
    signable = SignableRequest("GET", host, INVOICE_PATH)
    jwt_headers = auth_for(test_merchant.credentials("jwt")).headers(signable)
    signature_headers = auth_for(test_merchant.credentials("http_signature")).headers(signable)
    answer = raw(simulator.url, "GET", INVOICE_PATH, {**signature_headers, **jwt_headers})
    assert_raw_rejected(answer, "both a Bearer token and a Signature")


@pytest.mark.parametrize("jwt_scheme", ["jwt", "p12"])
@pytest.mark.parametrize(
    "policy_hosts", [(), ("apitest.cybersource.com",)], ids=["direct", "proxy"]
)
def test_under_jwt_the_host_header_must_be_the_signed_host(
    simulator_factory: Callable[..., Any],
    test_merchant: MerchantKeys,
    jwt_scheme: str,
    policy_hosts: tuple[str, ...],
) -> None:
    simulator = simulator_factory(policy=AuthPolicy(hosts=policy_hosts))
    own = urlsplit(simulator.url).netloc
    signed_host = policy_hosts[0] if policy_hosts else own
    auth = auth_for(test_merchant.credentials(jwt_scheme))
    headers = auth.headers(SignableRequest("GET", signed_host, INVOICE_PATH))
    assert raw(simulator.url, "GET", INVOICE_PATH, headers).status == 404
    headers = auth.headers(SignableRequest("GET", signed_host, INVOICE_PATH))
    forged = {**headers, "Host": "evil.example"}
    assert_raw_rejected(raw(simulator.url, "GET", INVOICE_PATH, forged), "signed request-host")


@pytest.mark.parametrize("jwt_scheme", ["jwt", "p12"])
def test_under_jwt_a_merchant_header_must_name_the_tokens_merchant(
    simulator: RunningSimulator, test_merchant: MerchantKeys, jwt_scheme: str
) -> None:
    auth = auth_for(test_merchant.credentials(jwt_scheme))
    host = urlsplit(simulator.url).netloc
    own = auth.headers(SignableRequest("GET", host, INVOICE_PATH))
    own["v-c-merchant-id"] = MERCHANT_ID
    assert raw(simulator.url, "GET", INVOICE_PATH, own).status == 404
    other = auth.headers(SignableRequest("GET", host, INVOICE_PATH))
    other["v-c-merchant-id"] = "other_merchant"
    assert_raw_rejected(raw(simulator.url, "GET", INVOICE_PATH, other), "another merchant")


@pytest.mark.parametrize(
    ("sent", "signed", "accepted"),
    [
        ("/invoicing/v2/invoices/A%20B", "/invoicing/v2/invoices/A%20B", True),
        ("/invoicing/v2/invoices/A%20B", "/invoicing/v2/invoices/A B", True),
        ("/invoicing/v2/invoices/%C3%9C1", "/invoicing/v2/invoices/Ü1", True),
        ("/invoicing/v2/invoices/A%20B", "/invoicing/v2/invoices/A%2520B", False),
        ("/invoicing/v2/invoices/A%20B", "/invoicing/v2/invoices/AB", False),
    ],
    ids=["raw", "decoded-space", "decoded-non-ascii", "double-encoded", "other-id"],
)
def test_the_signed_path_is_the_raw_or_the_decoded_one(
    simulator: RunningSimulator, auth: Authenticator, sent: str, signed: str, accepted: bool
) -> None:
    """The official SDK signs an id with a space or a non-ASCII letter unencoded (notes §9)."""
    response = call(simulator.url, auth, "GET", sent, None, {"path": signed})
    assert (response.status_code == 404) is accepted, response.headers.get(AUTH_FAILURE_HEADER)
