"""``addin-server``: serve, migrate, check configuration, make the dev certificate."""

from __future__ import annotations

import atexit
import sys
from pathlib import Path

import click
from flask import Flask
from werkzeug.serving import make_server

from addin_server import webhooks
from addin_server.app import create_app
from addin_server.config import ConfigError, Settings, bind_host, load_settings
from addin_server.context import SETTINGS_KEY
from addin_server.devcert import ensure_tls_certificate, server_tls_context
from addin_server.logs import configure_logging
from addin_server.merchants import rotate_keys_command
from addin_server.storage import Database, migrate, migration_status
from addin_server.taskpane_site import write_manifests


class _Commands(click.Group):
    """Every command's configuration problems end the same way: listed, exit status 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(exc.heading, err=True)
            for problem in exc.problems:
                click.echo(f"  - {problem}", err=True)
            ctx.exit(2)


@click.group(cls=_Commands)
def main() -> None:
    """Invoice-from-email Outlook add-in server."""


@main.command("check-config")
def check_config() -> None:
    """Validate ADDIN_* settings and exit non-zero naming every problem."""
    settings = load_settings()
    backend = settings.database_url.split(":")[0]
    click.echo(f"configuration OK (mode={settings.mode}, database={backend})")
    own = settings.client_id or "(none configured)"
    click.echo(f"tokens accepted from our own app {own} and the Office clients:")
    for client in settings.office_client_ids:
        click.echo(f"  - {client}")
    domains = ", ".join(settings.verified_email_domains) or "-"
    proofs = ", ".join(settings.email_proofs)
    click.echo(f"invitations by email need the token to prove it: {proofs} (domains: {domains})")


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (idempotent)."""
    database = Database(load_settings().database_url)
    migrate(database.engine)
    click.echo(f"database at {migration_status(database.engine).head}")
    database.dispose()


@db.command("status")
def db_status() -> None:
    database = Database(load_settings().database_url)
    status = migration_status(database.engine)
    click.echo(f"current={list(status.current)} head={list(status.head)}")
    database.dispose()
    sys.exit(0 if status.is_current else 1)


@main.command("dev-cert")
def dev_cert() -> None:
    """Create (or reuse) the local CA and the localhost TLS certificate in the instance folder."""
    files = ensure_tls_certificate(load_settings().instance_dir / "tls")
    click.echo(f"CA certificate: {files.ca_cert}\ncertificate: {files.cert}\nkey: {files.key}")


@main.command("serve")
def serve() -> None:
    """Run the server over HTTPS on ADDIN_BIND (development and demo; production uses gunicorn)."""
    settings = load_settings()
    configure_logging(settings.log_level)
    if settings.tls_cert and settings.tls_key:
        cert, key = Path(settings.tls_cert), Path(settings.tls_key)
    else:
        files = ensure_tls_certificate(settings.instance_dir / "tls")
        cert, key = files.cert, files.key
        click.echo(f"Trust this CA once so Outlook accepts the certificate: {files.ca_cert}")
    app = _demo_app(settings) if settings.is_demo else create_app(settings)
    settings = app.extensions[SETTINGS_KEY]
    port = settings.bind.rpartition(":")[2]
    server = make_server(
        bind_host(settings.bind),
        int(port),
        app,
        threaded=True,
        ssl_context=server_tls_context(cert, key),
    )
    click.echo(f"Mode: {settings.mode}; database: {settings.database_url}")
    click.echo(f"Taskpane: {settings.public_url}/taskpane.html")
    click.echo(f"Manifest: {settings.public_url}/manifest.xml (sideload it in Outlook)")
    if settings.is_demo:
        # The last line: where a newcomer starts.
        click.echo(f"Try it in the browser Outlook: {settings.public_url}/dev/outlook")
    server.serve_forever()


def _demo_app(settings: Settings) -> Flask:
    """Demo mode: migrate, start the loopback provider and simulator, and add /dev/outlook."""
    database = Database(settings.database_url)
    migrate(database.engine)
    database.dispose()
    from addin_server.dev.demo_environment import start_demo  # noqa: PLC0415 (dev-only)
    from addin_server.dev.outlook import install  # noqa: PLC0415 (dev-only)

    demo = start_demo(settings)
    atexit.register(demo.stop)
    click.echo(f"Demo sign-in provider: {demo.settings.authority} (pick a demo user there)")
    click.echo(f"Demo Cybersource simulator: {demo.settings.cybersource_sandbox_url}")
    app = create_app(demo.settings)
    install(app)
    return app


@main.command("manifest")
@click.option("--url", required=True, help="https origin Outlook loads the add-in from.")
@click.option("--client-id", envvar="ADDIN_CLIENT_ID", default="", help="Entra client id.")
@click.option("--app-id-uri", envvar="ADDIN_APP_ID_URI", default="", help="api://<host>/<id>")
@click.option("--authority", envvar="ADDIN_AUTHORITY", default="https://login.microsoftonline.com")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/manifest"),
    show_default=True,
)
def manifest_command(
    url: str, client_id: str, app_id_uri: str, authority: str, out_dir: Path
) -> None:
    """Write the XML manifest, the unified JSON manifest and its app package for URL."""
    try:
        written = write_manifests(
            url, out_dir, client_id=client_id, app_id_uri=app_id_uri, authority=authority
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--url") from exc
    for path in written:
        click.echo(f"wrote {path}")


main.add_command(rotate_keys_command)
main.add_command(webhooks.webhooks_command)
main.add_command(webhooks.reconcile_command)
