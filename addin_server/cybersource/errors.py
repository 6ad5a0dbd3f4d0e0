"""Typed errors of the Cybersource client: one root class, one subclass a failure kind.

Every error carries what Cybersource said (HTTP status, ``reason``, ``message``, field
``details``) and the ``v-c-correlation-id`` to quote to Cybersource support.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldIssue:
    """One bad field; ``field`` is the flattened JSON path (``orderInformation.lineItems[0]``)."""

    field: str
    reason: str
    message: str = ""


class CybersourceError(Exception):
    """Root of every error raised by ``addin_server.cybersource``.

    ``status`` is the HTTP status, or ``None`` when no response was received (timeouts,
    dropped connections) or the problem was found before sending (local validation).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: str | None = None,
        details: tuple[FieldIssue, ...] = (),
        correlation_id: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        self.details = details
        self.correlation_id = correlation_id
        self.body = body

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.reason:
            parts.append(f"reason={self.reason}")
        parts.extend(f"{issue.field}: {issue.reason}" for issue in self.details)
        if self.correlation_id:
            parts.append(f"correlation-id={self.correlation_id}")
        return " | ".join(parts)


class ValidationFailedError(CybersourceError):
    """Fields were rejected by Cybersource (400), or locally before sending (``status=None``)."""


class NotFoundError(CybersourceError):
    """The invoice (or the list page) does not exist (404)."""


class ActionNotAllowedError(CybersourceError):
    """The invoice's status does not allow the operation (400 ``ACTION_NOT_ALLOWED``)."""


class DuplicateInvoiceError(CybersourceError):
    """The invoice number is already used by this merchant (400 ``DUPLICATE_RECORD``)."""


class AuthenticationFailedError(CybersourceError):
    """Cybersource rejected the credentials or the signature (401/403)."""


class UpstreamUnavailableError(CybersourceError):
    """Cybersource could not be reached or answered with a server error (5xx)."""


class UpstreamTimeoutError(UpstreamUnavailableError):
    """No answer in time: the request may or may not have been carried out."""


class InvalidCredentialsError(CybersourceError):
    """The credentials cannot be used (bad Base64 secret, wrong P12 password, no alias).

    ``field`` names the credential at fault: ``shared_secret``, ``p12``, ``p12_password`` or
    ``key_alias``, so callers can point the user at it without reading the message.
    """

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
