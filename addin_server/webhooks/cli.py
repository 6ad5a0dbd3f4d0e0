"""``addin-server webhooks`` (set up, show, rotate, remove a profile's webhook) and
``addin-server reconcile`` (cron-friendly: exit status 0 when every profile was reached)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from addin_server.config import Settings, load_settings
from addin_server.merchants import MerchantProfile, client_for, keyring_for, transport_for
from addin_server.problems import ApiProblem
from addin_server.storage import Database
from addin_server.webhooks import subscriptions
from addin_server.webhooks.reconcile import reconcile_profile


@contextmanager
def _database(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    try:
        yield database
    finally:
        database.dispose()


def _profile(session: Session, profile_id: str) -> MerchantProfile:
    profile = session.get(MerchantProfile, profile_id)
    if profile is None:
        raise click.ClickException(f"no merchant profile {profile_id}")
    return profile


@click.group("webhooks")
def webhooks_command() -> None:
    """A merchant profile's Cybersource webhook (signing key and subscription)."""


def _run(profile_id: str, action: Callable[[Session, MerchantProfile, Settings], object]) -> None:
    settings = load_settings()
    with _database(settings) as database, database.session() as session:
        profile = _profile(session, profile_id)
        try:
            action(session, profile, settings)
        except ApiProblem as problem:
            raise click.ClickException(problem.detail) from problem
        found = subscriptions.subscription_of(session, profile)
        click.echo(json.dumps(subscriptions.describe(found), indent=2))


@webhooks_command.command("show")
@click.argument("profile_id")
def show(profile_id: str) -> None:
    """Show the profile's webhook (never the key)."""
    _run(profile_id, lambda session, profile, settings: None)


@webhooks_command.command("setup")
@click.argument("profile_id")
def setup(profile_id: str) -> None:
    """Create the signing key and the subscription (to ADDIN_PUBLIC_URL/webhooks/cybersource)."""

    def set_up(session: Session, profile: MerchantProfile, settings: Settings) -> object:
        with client_for(profile, settings) as client:
            return subscriptions.set_up(
                session, client, keyring_for(settings), profile, settings.public_url
            )

    _run(profile_id, set_up)


@webhooks_command.command("rotate")
@click.argument("profile_id")
def rotate(profile_id: str) -> None:
    """A new signing key; the old one is accepted until the new one is seen in use."""

    def rotate_key(session: Session, profile: MerchantProfile, settings: Settings) -> object:
        with client_for(profile, settings) as client:
            return subscriptions.rotate(session, client, keyring_for(settings), profile)

    _run(profile_id, rotate_key)


@webhooks_command.command("remove")
@click.argument("profile_id")
def remove(profile_id: str) -> None:
    """Remove the subscription at Cybersource and here."""

    def remove_it(session: Session, profile: MerchantProfile, settings: Settings) -> object:
        with client_for(profile, settings) as client:
            subscriptions.remove(session, client, profile)
        return None

    _run(profile_id, remove_it)


@click.command("reconcile")
@click.option("--profile", "profile_ids", multiple=True, help="Only these merchant profiles.")
def reconcile_command(profile_ids: tuple[str, ...]) -> None:
    """Re-read non-final invoices and settle interrupted creates, for every merchant profile.

    Safe to run from cron every few minutes: each profile is paced and backs off after
    Cybersource failures. Exits 1 if some profile could not be reached this time.
    """
    settings = load_settings()
    with _database(settings) as database:
        with database.session() as session:
            query = select(MerchantProfile)
            if profile_ids:
                query = query.where(MerchantProfile.id.in_(profile_ids))
            profiles = list(session.scalars(query))
            session.expunge_all()
        transport = transport_for(settings)
        failed = False
        try:
            for profile in profiles:
                with client_for(profile, settings, transport=transport) as client:
                    report = reconcile_profile(database, client, profile.id)
                failed = failed or (report.backed_off_until is not None and not report.skipped)
                line = f"{profile.id}: settled {report.settled}, refreshed {report.refreshed}"
                if report.backed_off_until is not None:
                    line += f", backing off until {report.backed_off_until:%H:%M} UTC"
                click.echo(line)
        finally:
            transport.close()
    raise SystemExit(1 if failed else 0)
