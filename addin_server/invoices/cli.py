"""``addin-server reconcile-invoices``: settle invoices whose creation has no known outcome."""

from __future__ import annotations

from datetime import timedelta

import click

from addin_server.config import load_settings
from addin_server.invoices.intents import RECONCILE_AFTER, reconcile_all
from addin_server.storage import Database


@click.command("reconcile-invoices")
@click.option(
    "--older-than",
    default=int(RECONCILE_AFTER.total_seconds()),
    show_default=True,
    type=click.IntRange(min=0),
    help="Seconds since a record's last try before it is settled.",
)
def reconcile_invoices_command(older_than: int) -> None:
    """Ask Cybersource about every invoice a lost answer left 'unknown' or a crash left
    'creating': created if it has the number, failed if it still does not. Run it every few
    minutes (cron, a systemd timer); a record Cybersource cannot be asked about now waits."""
    settings = load_settings()
    database = Database(settings.database_url)
    try:
        settled = reconcile_all(database, settings, older_than=timedelta(seconds=older_than))
    finally:
        database.dispose()
    for record in settled:
        click.echo(f"{record.public_id} {record.invoice_number}: {record.state}")
    click.echo(f"settled {len(settled)} invoice(s)")
