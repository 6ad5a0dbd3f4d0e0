"""Start the demo's loopback services and seed the demo organisations' merchant profiles."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from addin_server.config import Settings
from addin_server.dev.demo_merchants import DemoMerchantAccount, demo_merchant_accounts
from addin_server.dev.loopback import LoopbackServer
from addin_server.dev.openid_provider import OpenIdProvider, start_demo_provider
from addin_server.dev.simulator import create_simulator_app
from addin_server.identity.tokens import ADMIN_APP_ROLE, VerifiedIdentity
from addin_server.identity.users import sign_in
from addin_server.merchants import MerchantProfile, client_for, keyring_for
from addin_server.merchants.profiles import create_profile
from addin_server.merchants.schemas import ProfileInputSchema
from addin_server.storage import Database
from addin_server.webhooks import WebhookSubscription
from addin_server.webhooks.subscriptions import set_up

log = logging.getLogger(__name__)


@dataclass
class DemoEnvironment:
    settings: Settings  # the input settings, pointed at the demo services
    identity_provider: OpenIdProvider
    servers: list[LoopbackServer] = field(default_factory=list)
    accounts: list[DemoMerchantAccount] = field(default_factory=list)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def demo_simulator_app(secret_key: str) -> Flask:
    """The simulator with every demo organisation's merchant."""
    accounts = demo_merchant_accounts(secret_key)
    return create_simulator_app({a.merchant_id: a.simulator_merchant for a in accounts})


def start_demo(settings: Settings, simulator_url: str | None = None) -> DemoEnvironment:
    """Start the provider and simulator; seed profiles. The caller stops it at exit.

    ``simulator_url``: a ``demo_simulator_app`` already serving (e.g. in its own process, so
    that a load test's clients do not share its interpreter); else one starts here.
    Sets ``REQUESTS_CA_BUNDLE`` for this process so outbound TLS trusts the local CA as well
    as public ones (requests lets that variable override a session's ``verify=``).
    """
    if not settings.is_demo:
        raise ValueError("demo services only run in demo mode")
    provider = start_demo_provider(settings)
    os.environ["REQUESTS_CA_BUNDLE"] = str(provider.ca_bundle)
    accounts = demo_merchant_accounts(settings.secret_key)
    servers = [provider.server]
    if simulator_url is None:
        simulator = LoopbackServer(demo_simulator_app(settings.secret_key)).start()
        servers.append(simulator)
        simulator_url = simulator.url
    demo_settings = dataclasses.replace(
        settings, **provider.settings_overrides, cybersource_sandbox_url=simulator_url
    )
    environment = DemoEnvironment(demo_settings, provider.provider, servers, accounts)
    try:
        seed_demo_profiles(demo_settings, accounts)
        subscribe_demo_webhooks(demo_settings, accounts)
    except BaseException:
        environment.stop()
        raise
    return environment


def demo_profile(session: Session, account: DemoMerchantAccount) -> MerchantProfile | None:
    return session.scalar(
        select(MerchantProfile).where(
            MerchantProfile.tenant_id == account.tid,
            MerchantProfile.merchant_id == account.merchant_id,
        )
    )


def seed_demo_profiles(settings: Settings, accounts: list[DemoMerchantAccount]) -> None:
    """Give each demo organisation its merchant profile, created by its admin (idempotent)."""
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            for account in accounts:
                if demo_profile(session, account) is not None:
                    continue
                admin = sign_in(
                    session,
                    VerifiedIdentity(
                        tid=account.tid,
                        oid=account.admin_oid,
                        name=account.admin_name,
                        username=account.admin_username,
                        roles=frozenset({ADMIN_APP_ROLE}),
                        expires_at=int(time.time()) + 60,
                    ),
                )
                data = ProfileInputSchema().load(
                    {
                        "display_name": account.display_name,
                        "environment": "sandbox",
                        "merchant_id": account.merchant_id,
                        "auth_scheme": "jwt_shared_secret",
                        "key_id": account.key_id,
                        "shared_secret": account.shared_secret_b64,
                        "default_currency": "USD",
                        "invoice_number_prefix": "DEMO-",
                        "default_due_days": 30,
                    }
                )
                create_profile(session, admin, data, settings=settings)
                log.info("demo merchant profile created", extra={"merchant": account.merchant_id})
    finally:
        db.dispose()


def subscribe_demo_webhooks(settings: Settings, accounts: list[DemoMerchantAccount]) -> None:
    """Subscribe each demo profile to the fresh simulator's webhooks (it keeps nothing across
    restarts), so "the customer pays" reaches the add-in as a signed notification."""
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            for account in accounts:
                profile = demo_profile(session, account)
                if profile is None:
                    raise RuntimeError(f"demo profile {account.merchant_id} was not seeded")
                stale = session.scalar(
                    select(WebhookSubscription).where(
                        WebhookSubscription.merchant_profile_id == profile.id
                    )
                )
                if stale is not None:  # subscribed at the previous run's simulator
                    session.delete(stale)
                    session.flush()
                with client_for(profile, settings) as client:
                    set_up(session, client, keyring_for(settings), profile, settings.public_url)
    finally:
        db.dispose()
