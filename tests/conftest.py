"""Shared fixtures: the app on SQLite and on PostgreSQL, and a test client.

In CI (``CI=true``) a skipped test is a failure: no service or browser may be missing there.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from addin_server import create_app
from addin_server.caller import Role
from addin_server.dev.conformance.recording import AppSlot
from addin_server.dev.loopback import LOOPBACK_HOST, LoopbackServer, free_port
from addin_server.dev.openid_provider import OpenIdProvider, ProviderClient
from addin_server.dev.simulator import SimulatorMerchant, create_simulator_app, demo_merchant
from addin_server.devcert import TlsFiles, combined_ca_bundle, ensure_tls_certificate
from addin_server.identity import users as identity_users
from addin_server.identity.dialog import DIALOG_CALLBACK_PATH
from addin_server.identity.models import TenantMember
from addin_server.identity.tokens import VerifiedIdentity
from addin_server.storage import Base, migrate
from addin_server.storage.database import Database
from tests.simulator_support import RunningSimulator

IN_CI = os.environ.get("CI", "").lower() == "true"
UNLIMITED = "1000000/minute"
POSTGRES_ADMIN_URL = os.environ.get(
    "ADDIN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is a failure: {report.longrepr}"
    return report


@pytest.fixture(autouse=True)
def _clean_addin_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their configuration explicitly; the developer's ADDIN_* never leak in."""
    for name in list(os.environ):
        if name.startswith("ADDIN_") and name != "ADDIN_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database created for this test run and dropped after it."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"addin_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not available at {POSTGRES_ADMIN_URL}: {exc}")
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_all(url: str) -> None:
    db = Database(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    if tables:
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a fresh SQLite file, or the run's PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
        db = Database(url)
        migrate(db.engine)
        db.dispose()
        yield url
    else:
        url = request.getfixturevalue("postgres_database")
        yield url
        _truncate_all(url)


@pytest.fixture
def app_config(
    tmp_path: Path, database_url: str, identity_settings: dict[str, Any]
) -> dict[str, Any]:
    """Settings overrides for ``create_app``; fixtures of other concerns extend this dict."""
    return {
        "mode": "demo",
        "instance_dir": tmp_path / "instance",
        "database_url": database_url,
        # Rate limits have their own tests (tests/hardening); here they would cut short the
        # property-based tests that send one user's requests by the hundred.
        "rate_limit_user": UNLIMITED,
        "rate_limit_costly": UNLIMITED,
        "rate_limit_merchant": UNLIMITED,
        **identity_settings,
    }


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    yield app
    app.extensions["addin.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A database session of the app, inside its app context, for logic called directly."""
    with app.app_context():
        db_session: Session = app.extensions["addin.db"].sessionmaker()
        yield db_session
        db_session.close()


@pytest.fixture(scope="session")
def redis_url() -> str:
    return os.environ.get("ADDIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix of this test's own on the shared Redis."""
    return f"addin-test-{uuid.uuid4().hex}:"


@pytest.fixture
def redis_client(redis_url: str, redis_prefix: str) -> Iterator[redis.Redis]:
    """The real Redis (database 15); this test's keys are deleted afterwards."""
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not available at {redis_url}: {exc}")
    yield client
    for key in client.scan_iter(f"{redis_prefix}*"):
        client.delete(key)
    client.close()


# Redis failing in the two ways that matter (tests/hardening, tests/instances).


@pytest.fixture
def hung_redis_url() -> Iterator[str]:
    """A loopback TCP server that accepts connections and never answers (a hung Redis)."""
    listener = socket.create_server((LOOPBACK_HOST, 0))
    listener.settimeout(0.1)  # so the accepting thread notices the end of the test
    accepted: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)  # held open, never read from or written to

    thread = threading.Thread(target=accept, name="hung-redis", daemon=True)
    thread.start()
    yield f"redis://{LOOPBACK_HOST}:{listener.getsockname()[1]}/0"
    stopping.set()
    thread.join(timeout=5)
    listener.close()
    for connection in accepted:
        connection.close()


@pytest.fixture
def down_redis_url() -> str:
    """A Redis URL where nothing listens (Redis down)."""
    return f"redis://{LOOPBACK_HOST}:{free_port()}/0"


# ==========================================================================================
# The Cybersource sandbox simulator (addin_server.dev.simulator), one for every concern:
#
#   @pytest.fixture
#   def simulator_merchants(demo):            # override per folder: who the simulator knows
#       return {demo.merchant.merchant_id: demo.merchant}
#   def test_x(simulator):                    # a fresh simulator (empty book) on loopback
#       simulator.url; simulator.state.pay("INV-1", "10.00"); simulator.knobs(latency=0.1)
#   def test_y(simulator_factory):            # options as for create_simulator_app
#       simulator = simulator_factory(policy=AuthPolicy(hosts=("apitest.cybersource.com",)))
# ==========================================================================================


@pytest.fixture(scope="session")
def simulator_server() -> Iterator[tuple[AppSlot, str]]:
    """One loopback server for the run; each test installs its own simulator app in the slot."""
    slot = AppSlot()
    with LoopbackServer(slot) as server:
        yield slot, server.url


@pytest.fixture
def simulator_merchants() -> dict[str, SimulatorMerchant]:
    """Who the simulator knows; folders override this with their own merchants."""
    demo = demo_merchant("simulated_merchant")
    return {demo.merchant.merchant_id: demo.merchant}


@pytest.fixture
def simulator_factory(
    simulator_merchants: dict[str, SimulatorMerchant],
    simulator_server: tuple[AppSlot, str],
) -> Callable[..., RunningSimulator]:
    """Installs a new simulator (``merchants``, options as for ``create_simulator_app``)."""
    slot, url = simulator_server

    def start(
        merchants: dict[str, SimulatorMerchant] | None = None, **options: Any
    ) -> RunningSimulator:
        app = create_simulator_app(merchants or simulator_merchants, **options)
        slot.app = app
        return RunningSimulator(app, url)

    return start


@pytest.fixture
def simulator(simulator_factory: Callable[..., RunningSimulator]) -> RunningSimulator:
    return simulator_factory()


# ==========================================================================================
# Identity: the test OpenID provider and signed-in users (owned by identity, tests/identity/)
#
#   def test_x(client, tenant_a_admin, tenant_b_member):
#       client.get("/api/v1/me", headers=tenant_a_admin.headers)
#   def test_y(client, sign_in):
#       user = sign_in(TENANT_B, role=None)        # signed in, no role: 403 on invoicing
#   def test_z(client, make_token):
#       token = make_token(TENANT_A, scp="other")  # any claims of access_token_claims()
#
# The app trusts the provider (ADDIN_AUTHORITY = its URL); REQUESTS_CA_BUNDLE is set to the
# public CAs plus the test CA (``identity_ca_bundle``) for each test using ``app_config``.
# ==========================================================================================

TEST_CLIENT_ID = "7e570000-0000-4000-8000-00000000c11e"
TEST_CLIENT_SECRET = "test-client-secret-9f8e7d6c5b4a"
TEST_PUBLIC_URL = "https://localhost:3000"
TEST_APP_ID_URI = f"api://localhost:3000/{TEST_CLIENT_ID}"
TENANT_A = "aaaaaaaa-1111-4000-8000-00000000000a"
TENANT_B = "bbbbbbbb-2222-4000-8000-00000000000b"


@dataclass(frozen=True)
class SignedInUser:
    """A user with a valid access token; ``role`` is what the backend will give them."""

    tid: str
    oid: str
    name: str
    username: str
    role: Role | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="session")
def identity_tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return ensure_tls_certificate(tmp_path_factory.mktemp("identity-tls"))


@pytest.fixture(scope="session")
def identity_ca_bundle(identity_tls: TlsFiles, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return combined_ca_bundle(
        identity_tls.ca_cert, tmp_path_factory.mktemp("identity-ca") / "bundle.pem"
    )


@pytest.fixture(scope="session")
def oidc_provider(identity_tls: TlsFiles) -> Iterator[OpenIdProvider]:
    """The Entra-shaped provider over HTTPS on loopback, shared by the whole run."""
    provider = OpenIdProvider()
    provider.register_client(
        ProviderClient(
            client_id=TEST_CLIENT_ID,
            client_secret=TEST_CLIENT_SECRET,
            app_id_uri=TEST_APP_ID_URI,
            redirect_uris=(TEST_PUBLIC_URL + DIALOG_CALLBACK_PATH,),
        )
    )
    server = provider.serve(identity_tls)
    yield provider
    server.stop()


@pytest.fixture
def identity_settings(
    oidc_provider: OpenIdProvider, identity_ca_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The app trusts the test provider for tenants A and B."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(identity_ca_bundle))
    return {
        "public_url": TEST_PUBLIC_URL,
        "authority": oidc_provider.base_url,
        "client_id": TEST_CLIENT_ID,
        "client_secret": TEST_CLIENT_SECRET,
        "app_id_uri": TEST_APP_ID_URI,
        "allowed_tenants": (TENANT_A, TENANT_B),
    }


@pytest.fixture
def make_token(oidc_provider: OpenIdProvider) -> Callable[..., str]:
    """``make_token(tid=TENANT_A, oid=None, **claims)``: a v2 access token for our API;
    keyword arguments as ``OpenIdProvider.access_token_claims`` (version, scp, roles, ...)."""

    def make(tid: str = TENANT_A, oid: str | None = None, **claims: Any) -> str:
        claims.setdefault("audience", TEST_CLIENT_ID)
        return oidc_provider.issue_access_token(tid, oid or str(uuid.uuid4()), **claims)

    return make


@pytest.fixture
def sign_in(app: Flask, make_token: Callable[..., str]) -> Callable[..., SignedInUser]:
    """``sign_in(tid=TENANT_A, role="member", **claims)``: a user of tenant ``tid`` with that
    stored role ("admin", "member" or None) and a token; the user exists in the database."""

    def sign_in(tid: str = TENANT_A, role: Role | None = "member", **claims: Any) -> SignedInUser:
        oid = str(claims.pop("oid", uuid.uuid4()))
        name = claims.setdefault("name", f"User {oid[:8]}")
        username = claims.setdefault("username", f"{oid[:8]}@{tid[:8]}.example")
        token = make_token(tid, oid, **claims)
        identity = VerifiedIdentity(tid, oid, name, username, frozenset(), expires_at=0)
        with app.app_context(), app.extensions["addin.db"].session() as session:
            user = identity_users.sign_in(session, identity)
            if role is not None:  # set-up, not a role change under test: not audited
                session.add(TenantMember(tenant_id=user.tenant_id, user_id=user.user_id, role=role))
        return SignedInUser(tid, oid, name, username, role, token)

    return sign_in


@pytest.fixture
def tenant_a_admin(sign_in: Callable[..., SignedInUser]) -> SignedInUser:
    return sign_in(TENANT_A, role="admin")


@pytest.fixture
def tenant_a_member(sign_in: Callable[..., SignedInUser]) -> SignedInUser:
    return sign_in(TENANT_A, role="member")


@pytest.fixture
def tenant_b_admin(sign_in: Callable[..., SignedInUser]) -> SignedInUser:
    return sign_in(TENANT_B, role="admin")


@pytest.fixture
def tenant_b_member(sign_in: Callable[..., SignedInUser]) -> SignedInUser:
    return sign_in(TENANT_B, role="member")


@pytest.fixture
def auth_headers(tenant_a_admin: SignedInUser) -> dict[str, str]:
    """Headers of an admin of tenant A, for tests that just need to be signed in."""
    return tenant_a_admin.headers
