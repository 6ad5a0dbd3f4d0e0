"""Invoice status that stays true: Cybersource webhooks and reconciliation.

- ``receiver`` (plain blueprint): ``POST /webhooks/cybersource`` checks ``v-c-signature`` and
  applies each notification once (``receiver.receive``); ``GET /webhooks/cybersource/health``.
- ``blueprint``: ``/api/v1/merchants/<id>/webhook`` for admins: set up, show, rotate, remove
  (``subscriptions``), keys sealed like merchant credentials (``keys``).
- ``reconcile_profile``: re-read non-final invoices and settle pending create intents, paced
  per merchant profile; ``addin-server reconcile`` and ``addin-server webhooks`` (``cli``).
"""

from addin_server.webhooks.cli import reconcile_command, webhooks_command
from addin_server.webhooks.models import ReceivedNotification, ReconcileState, WebhookSubscription
from addin_server.webhooks.reconcile import ProfileReport, reconcile_profile
from addin_server.webhooks.routes import blp as blueprint
from addin_server.webhooks.routes import receiver

__all__ = [
    "ProfileReport",
    "ReceivedNotification",
    "ReconcileState",
    "WebhookSubscription",
    "blueprint",
    "receiver",
    "reconcile_command",
    "reconcile_profile",
    "webhooks_command",
]
