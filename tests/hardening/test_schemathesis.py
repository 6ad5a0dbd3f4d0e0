"""Schemathesis against the OpenAPI document, over loopback, signed in as a tenant admin with
a verified merchant profile and the Cybersource simulator upstream: every operation with
generated (valid and invalid) input, then stateful runs that follow the document's links
(merchant list -> create -> get/update/send/publish/cancel/refresh). No 5xx, and every
answer's status, content type and body as the document says.

Bounded: ``ADDIN_SCHEMATHESIS_EXAMPLES`` examples per operation and
``ADDIN_SCHEMATHESIS_SCENARIOS`` stateful scenarios (raise both for a deeper run)."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import APIOperation, Case, GenerationMode, Response
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.result import Err

from addin_server import create_app
from addin_server.currencies import MINOR_UNITS, format_amount
from addin_server.dev.conformance.recording import AppSlot
from addin_server.dev.loopback import LoopbackServer
from addin_server.dev.openid_provider import OpenIdProvider, ProviderClient
from addin_server.dev.simulator import create_simulator_app, demo_merchant
from addin_server.identity.dialog import DIALOG_CALLBACK_PATH
from addin_server.identity.tokens import ADMIN_APP_ROLE
from addin_server.invoices.schemas import EMAIL_MODES
from addin_server.storage import Database, migrate
from tests.profile_support import add_sandbox_profile

TENANT = "cccccccc-3333-4000-8000-00000000000c"
CLIENT_ID = "5c4e0000-0000-4000-8000-0000000005c4"
CLIENT_SECRET = "schemathesis-client-secret-1a2b3c"
PUBLIC_URL = "https://localhost:3000"
APP_ID_URI = f"api://localhost:3000/{CLIENT_ID}"
MERCHANT_ID = "schemathesis_shop"
EXAMPLES = int(os.environ.get("ADDIN_SCHEMATHESIS_EXAMPLES", "8"))
SCENARIOS = int(os.environ.get("ADDIN_SCHEMATHESIS_SCENARIOS", "25"))
BODY_OPERATIONS = {"POST /api/v1/invoices", "PUT /api/v1/invoices/{invoice_id}"}
# Rules beyond JSON Schema (one of email or user_id, a known IANA time zone, credentials
# Cybersource accepts, a total equal to the items' sum) reject some schema-valid bodies.
EXCLUDED = [positive_data_acceptance]
AnyCase = Case[Any]


@dataclass(frozen=True)
class ApiUnderTest:
    url: str
    token: str
    profile_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _register_client(provider: OpenIdProvider) -> None:
    provider.register_client(
        ProviderClient(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            app_id_uri=APP_ID_URI,
            redirect_uris=(PUBLIC_URL + DIALOG_CALLBACK_PATH,),
        )
    )


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory,
    oidc_provider: OpenIdProvider,
    identity_ca_bundle: Path,
    simulator_server: tuple[AppSlot, str],
) -> Iterator[ApiUnderTest]:
    """The app on SQLite behind a loopback server, the simulator as its sandbox, and a tenant
    admin with a merchant profile made (and verified) through the API."""
    _register_client(oidc_provider)
    slot, simulator_url = simulator_server
    demo = demo_merchant(MERCHANT_ID)
    slot.app = create_simulator_app({MERCHANT_ID: demo.merchant})
    folder = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{folder / 'api.sqlite3'}"
    db = Database(url)
    migrate(db.engine)
    db.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(identity_ca_bundle))
        app = create_app(
            {
                "mode": "demo",
                "instance_dir": folder / "instance",
                "database_url": url,
                "public_url": PUBLIC_URL,
                "authority": oidc_provider.base_url,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "app_id_uri": APP_ID_URI,
                "allowed_tenants": (TENANT,),
                "cybersource_sandbox_url": simulator_url,
                "cybersource_connect_timeout": 1.0,
                "cybersource_read_timeout": 2.0,
                "rate_limit_user": "1000000/minute",
                "rate_limit_costly": "1000000/minute",
                "rate_limit_merchant": "1000000/minute",
            }
        )
        token = oidc_provider.issue_access_token(
            TENANT, str(uuid.uuid4()), audience=CLIENT_ID, roles=[ADMIN_APP_ROLE]
        )
        profile = add_sandbox_profile(
            app.test_client(),
            {"Authorization": f"Bearer {token}"},
            demo,
            display_name="Schemathesis shop",
        )
        with LoopbackServer(app) as server:
            yield ApiUnderTest(server.url, token, str(profile["id"]))
        app.extensions["addin.db"].dispose()


def consistent_invoice(body: object, profile_id: str) -> None:
    """Give a generated valid invoice body what JSON Schema cannot say: the tenant's merchant
    profile (the link from ``GET /merchants`` does that too, when a run takes it), a total
    equal to the sum of its line items, and a customer email when the mode sends one.

    Without it nearly every generated body stops at those two checks (their own tests cover
    them); with it creations and updates reach the simulator, and the stateful run gets
    invoices to follow. A body without a computable sum is left as it is."""
    if not isinstance(body, dict) or body.get("currency") not in MINOR_UNITS:
        return
    if "merchant_profile_id" in body:
        body["merchant_profile_id"] = profile_id
    customer = body.get("customer")
    if body.get("mode") in EMAIL_MODES and isinstance(customer, dict):
        customer["email"] = customer.get("email") or "customer@example.com"
    try:
        total = sum(
            (
                Decimal(item["unit_price"]) * item["quantity"]
                + Decimal(item.get("tax_amount") or 0)
                - Decimal(item.get("discount_amount") or 0)
                for item in body["line_items"]
            ),
            Decimal(0),
        )
        body["total"] = format_amount(total, body["currency"])
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return


def prepare(case: AnyCase, api: ApiUnderTest) -> None:
    """Signed in as the admin (added to the generated headers, which it must not replace:
    they hold the Idempotency-Key); valid invoice bodies made consistent (an invalid one must
    stay invalid)."""
    case.headers.update(api.headers)
    positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
    if positive and case.operation.label in BODY_OPERATIONS:
        consistent_invoice(case.body, api.profile_id)
        key = case.headers.get("Idempotency-Key")
        if key:
            # Generated keys repeat ("00000000") across different bodies, and every repeat
            # would be the (correct) 422 of a reused key: one key per key and body instead,
            # so a repeated body still replays its invoice (200).
            body = json.dumps(case.body, sort_keys=True).encode()
            case.headers["Idempotency-Key"] = f"{key[:200]}-{hashlib.sha256(body).hexdigest()[:16]}"


def _check_operation(operation: APIOperation[Any, Any, Any, Any], api: ApiUnderTest) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def check(case: AnyCase) -> None:
        prepare(case, api)
        case.call_and_validate(excluded_checks=EXCLUDED)

    check()


def test_api_answers_as_documented(api: ApiUnderTest) -> None:
    schema = schemathesis.openapi.from_url(f"{api.url}/api/openapi.json")
    failures: list[str] = []
    labels: set[str] = set()
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # the document names an operation schemathesis cannot build
        operation = result.ok()
        labels.add(operation.label)
        try:
            _check_operation(operation, api)
        except (Exception, BaseExceptionGroup) as exc:  # every operation's, not the first
            failures.append(f"{operation.label}: {exc}")
    assert len(labels) >= 15
    assert labels >= BODY_OPERATIONS
    assert failures == [], "\n\n".join(failures)


def test_stateful_runs_follow_the_links_without_a_surprise(api: ApiUnderTest) -> None:
    schema = schemathesis.openapi.from_url(f"{api.url}/api/openapi.json")
    # Sequences of valid calls: invalid input to each operation is the test above's.
    schema.config.generation.update(modes=[GenerationMode.POSITIVE], allow_x00=False)
    statuses: dict[str, set[int]] = {}

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: AnyCase) -> None:
            prepare(case, api)

        def after_call(self, response: Response, case: AnyCase) -> None:
            super().after_call(response, case)
            statuses.setdefault(case.operation.label, set()).add(response.status_code)

        def validate_response(
            self, response: Response, case: AnyCase, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                excluded_checks=EXCLUDED,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Machine.run(
        settings=settings(
            max_examples=SCENARIOS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            stateful_step_count=8,
            # The same scenarios every run (the assertions below need a creation among
            # them); a deeper run with more scenarios explores others.
            derandomize=True,
        )
    )
    # The links were followed: an invoice was created from a listed profile, then acted on.
    assert 201 in statuses.get("POST /api/v1/invoices", set()), statuses
    followed = {label for label, codes in statuses.items() if "{invoice_id}" in label}
    assert any(200 in statuses[label] for label in followed), statuses
