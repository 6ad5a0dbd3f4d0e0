"""Schemathesis against the OpenAPI document, over loopback, signed in as a tenant admin:
every operation with generated (valid and invalid) input; no 5xx, and every answer's status,
content type and body as the document says. Bounded: a few examples per operation."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import APIOperation, Case
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.result import Err

from addin_server import create_app
from addin_server.dev.loopback import LoopbackServer
from addin_server.dev.openid_provider import OpenIdProvider, ProviderClient
from addin_server.identity.dialog import DIALOG_CALLBACK_PATH
from addin_server.identity.tokens import ADMIN_APP_ROLE
from addin_server.storage import Database, migrate

TENANT = "cccccccc-3333-4000-8000-00000000000c"
CLIENT_ID = "5c4e0000-0000-4000-8000-0000000005c4"
CLIENT_SECRET = "schemathesis-client-secret-1a2b3c"
PUBLIC_URL = "https://localhost:3000"
APP_ID_URI = f"api://localhost:3000/{CLIENT_ID}"
EXAMPLES = int(os.environ.get("ADDIN_SCHEMATHESIS_EXAMPLES", "8"))
# Schemathesis cannot generate these bodies yet (it stops at the invoice body's bundled
# schema); reported to the invoices concern. Their own tests drive them.
NOT_GENERATED = {"POST /api/v1/invoices", "PUT /api/v1/invoices/{invoice_id}"}


@pytest.fixture(scope="module")
def api_server(
    tmp_path_factory: pytest.TempPathFactory,
    oidc_provider: OpenIdProvider,
    identity_ca_bundle: Path,
) -> Iterator[tuple[str, str]]:
    """The app on SQLite behind a loopback HTTP server, and a tenant admin's token."""
    oidc_provider.register_client(
        ProviderClient(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            app_id_uri=APP_ID_URI,
            redirect_uris=(PUBLIC_URL + DIALOG_CALLBACK_PATH,),
        )
    )
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
                "rate_limit_user": "1000000/minute",
                "rate_limit_costly": "1000000/minute",
                "rate_limit_merchant": "1000000/minute",
            }
        )
        token = oidc_provider.issue_access_token(
            TENANT, str(uuid.uuid4()), audience=CLIENT_ID, roles=[ADMIN_APP_ROLE]
        )
        with LoopbackServer(app) as server:
            yield server.url, token
        app.extensions["addin.db"].dispose()


def _check_operation(operation: APIOperation[Any, Any, Any, Any], token: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def check(case: Case[Any]) -> None:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            # Rules beyond JSON Schema (one of email or user_id, a known IANA time zone,
            # credentials Cybersource accepts) reject some schema-valid bodies, as designed.
            excluded_checks=[positive_data_acceptance],
        )

    check()


def test_api_answers_as_documented(api_server: tuple[str, str]) -> None:
    url, token = api_server
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # the document names an operation schemathesis cannot build
        operation = result.ok()
        operations += 1
        if operation.label in NOT_GENERATED:
            continue
        try:
            _check_operation(operation, token)
        except (Exception, BaseExceptionGroup) as exc:  # every operation's, not the first
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 15
    assert failures == [], "\n\n".join(failures)
