"""Digital-signature keys sealed at rest like merchant credentials: AES-GCM under the newest
``ADDIN_ENCRYPTION_KEYS`` key, bound to the subscription's row and to the key's own id (so a
key moved from ``key_*`` to ``previous_key_*`` on rotation still opens, and a ciphertext
copied to another row or relabelled with another key id does not)."""

from __future__ import annotations

from addin_server.merchants import Keyring, Sealed
from addin_server.webhooks.models import WebhookSubscription


def _field(key_id: str) -> str:
    return f"webhook_signing_key:{key_id}"


def seal_key(
    keyring: Keyring, subscription: WebhookSubscription, key_id: str, key_b64: str
) -> None:
    """Make ``key_id`` the subscription's current key; the old one becomes the previous."""
    if subscription.key_id:
        subscription.previous_key_id = subscription.key_id
        subscription.previous_key_sealed = subscription.key_sealed
        subscription.previous_key_sealed_with = subscription.key_sealed_with
    sealed = keyring.seal(key_b64.encode("ascii"), row_id=subscription.id, field=_field(key_id))
    subscription.key_id = key_id
    subscription.key_sealed = sealed.blob
    subscription.key_sealed_with = sealed.key_id
    subscription.confirmed_at = None


class KeyOpener:
    """Opens a subscription's current or previous key (Base64) by its id."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    def open(self, subscription: WebhookSubscription, key_id: str) -> str:
        if key_id == subscription.key_id:
            sealed = Sealed(subscription.key_sealed_with, subscription.key_sealed)
        elif key_id == subscription.previous_key_id and subscription.previous_key_sealed:
            sealed = Sealed(
                subscription.previous_key_sealed_with or "", subscription.previous_key_sealed
            )
        else:
            raise KeyError(key_id)
        plain = self._keyring.open(sealed, row_id=subscription.id, field=_field(key_id))
        return plain.decode("ascii")
