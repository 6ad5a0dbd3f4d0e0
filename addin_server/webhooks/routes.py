"""``POST /webhooks/cybersource`` (Cybersource calls it; authenticated by the signature, not
by a bearer token) and ``/api/v1/merchants/<id>/webhook`` (admins set it up)."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, fields

from addin_server.api import ApiBlueprint
from addin_server.caller import current_user
from addin_server.context import current_db, current_settings, request_session
from addin_server.merchants import client_for, keyring_for, profile_for
from addin_server.webhooks import subscriptions
from addin_server.webhooks.keys import KeyOpener
from addin_server.webhooks.receiver import MAX_NOTIFICATION_BYTES, NotificationRefused, receive
from addin_server.webhooks.subscriptions import HEALTH_PATH, RECEIVER_PATH

receiver = Blueprint("webhook_receiver", __name__)
blp = ApiBlueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/merchants",
    description="Cybersource webhooks of a merchant profile: set up, show, rotate, remove.",
)


@receiver.post(RECEIVER_PATH)
def receive_notification() -> tuple[Response, int]:
    if (request.content_length or 0) > MAX_NOTIFICATION_BYTES:
        return jsonify(status="refused"), 413
    settings = current_settings()
    try:
        outcome = receive(
            current_db(),
            KeyOpener(keyring_for(settings)),
            request.headers.get("v-c-signature", ""),
            request.get_data(cache=False),
            now=time.time(),
            payloads_form=settings.webhook_accept_payloads_signature,
        )
    except NotificationRefused as refused:
        return jsonify(status="refused"), refused.status
    return jsonify(status="received", notification_id=outcome.notification_id), 200


@receiver.get(HEALTH_PATH)
def health_check() -> tuple[Response, int]:
    return jsonify(status="ok"), 200


class WebhookSchema(Schema):
    configured = fields.Boolean(required=True)
    webhook_id = fields.String()
    webhook_url = fields.String()
    status = fields.String()
    key_hint = fields.String()
    key_expires = fields.String(allow_none=True)
    key_confirmed = fields.Boolean()
    previous_key_accepted = fields.Boolean()
    created_at = fields.String()


def _managed(profile_id: UUID) -> Any:
    return profile_for(request_session(), current_user(), str(profile_id), manage=True)


@blp.get("/<uuid:profile_id>/webhook")
@blp.response(200, WebhookSchema)
def show_webhook(profile_id: UUID) -> dict[str, Any]:
    """The profile's webhook (admins): where notifications go, which key signs them."""
    profile = _managed(profile_id)
    return subscriptions.describe(subscriptions.subscription_of(request_session(), profile))


@blp.put("/<uuid:profile_id>/webhook")
@blp.response(201, WebhookSchema)
def set_up_webhook(profile_id: UUID) -> dict[str, Any]:
    """Create the signing key and the subscription at Cybersource (admins)."""
    settings = current_settings()
    profile = _managed(profile_id)
    with client_for(profile, settings) as client:
        made = subscriptions.set_up(
            request_session(), client, keyring_for(settings), profile, settings.public_url
        )
    return subscriptions.describe(made)


@blp.post("/<uuid:profile_id>/webhook/rotate")
@blp.response(200, WebhookSchema)
def rotate_webhook_key(profile_id: UUID) -> dict[str, Any]:
    """A new signing key; the old one is accepted until the new one is seen in use."""
    settings = current_settings()
    profile = _managed(profile_id)
    with client_for(profile, settings) as client:
        rotated = subscriptions.rotate(request_session(), client, keyring_for(settings), profile)
    return subscriptions.describe(rotated)


@blp.delete("/<uuid:profile_id>/webhook")
@blp.response(204)
def remove_webhook(profile_id: UUID) -> None:
    """Remove the subscription at Cybersource and here (admins)."""
    profile = _managed(profile_id)
    with client_for(profile, current_settings()) as client:
        subscriptions.remove(request_session(), client, profile)
