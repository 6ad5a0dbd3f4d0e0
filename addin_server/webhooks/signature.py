"""Checking ``v-c-signature`` (notes §5.4): ``t=<timestamp>;keyId=<key id>;sig=<Base64>``.

The signature is HMAC-SHA256, under the Base64-decoded digital-signature key, of the
timestamp, a dot and the raw request body. Older official plugin code signs the timestamp, a
dot and ``JSON.stringify(payloads)`` instead (CONFLICT in the notes): that form is accepted
only when ``ADDIN_WEBHOOK_ACCEPT_PAYLOADS_SIGNATURE`` is set. Timestamps are milliseconds
(seconds are recognised too) and must be within five minutes of now.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

MAX_SKEW_SECONDS = 300
_MILLISECONDS_AFTER = 10**11  # a larger timestamp is in milliseconds


class SignatureError(Exception):
    """The notification is not authentic; the message says why (logged, never answered)."""


@dataclass(frozen=True)
class SignatureHeader:
    timestamp: str
    key_id: str
    signature: bytes

    @classmethod
    def parse(cls, value: str) -> SignatureHeader:
        parts: dict[str, str] = {}
        for part in value.split(";"):
            name, sep, content = part.strip().partition("=")
            if not sep or name in parts:
                raise SignatureError("malformed v-c-signature")
            parts[name] = content
        if set(parts) != {"t", "keyId", "sig"} or not parts["t"].isdigit():
            raise SignatureError("v-c-signature needs t, keyId and sig")
        try:
            signature = base64.b64decode(parts["sig"], validate=True)
        except binascii.Error as exc:
            raise SignatureError("sig is not Base64") from exc
        return cls(parts["t"], parts["keyId"], signature)

    def seconds(self) -> float:
        value = int(self.timestamp)
        return value / 1000 if value > _MILLISECONDS_AFTER else float(value)


def check_timestamp(header: SignatureHeader, now: float) -> None:
    if abs(now - header.seconds()) > MAX_SKEW_SECONDS:
        raise SignatureError("timestamp more than five minutes from now")


def _mac(key_b64: str, message: bytes) -> bytes:
    return hmac.new(base64.b64decode(key_b64), message, hashlib.sha256).digest()


def signed_messages(timestamp: str, body: bytes, *, payloads_form: bool) -> list[bytes]:
    """What may have been signed: the raw body, and (configured) the re-serialised payloads."""
    prefix = timestamp.encode("ascii") + b"."
    messages = [prefix + body]
    if payloads_form:
        try:
            payloads = json.loads(body).get("payloads")
        except (ValueError, AttributeError):
            return messages
        compact = json.dumps(payloads, separators=(",", ":"), ensure_ascii=False)
        messages.append(prefix + compact.encode("utf-8"))
    return messages


def verify(
    header: SignatureHeader, key_b64: str, body: bytes, *, payloads_form: bool = False
) -> None:
    """Raise ``SignatureError`` unless ``header.signature`` signs ``body`` under the key."""
    for message in signed_messages(header.timestamp, body, payloads_form=payloads_form):
        if hmac.compare_digest(_mac(key_b64, message), header.signature):
            return
    raise SignatureError("signature does not match")
