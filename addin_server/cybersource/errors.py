"""Typed errors of the Cybersource client: one root class, one subclass a failure kind.

Every error carries what Cybersource said (HTTP status, ``reason``, ``message``, field
``details``), the ``v-c-correlation-id`` to quote to Cybersource support and, when
Cybersource said how long to wait (``Retry-After``), ``retry_after`` in seconds.
Field paths are Cybersource's; ``FieldNames`` translates them into a caller's names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        self.details = details
        self.correlation_id = correlation_id
        self.body = body
        self.retry_after = retry_after

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
    """Fields were rejected by Cybersource (400), or locally before sending (``status=None``).

    ``field_names`` is set by a caller (``naming_fields``) that knows what its own fields are
    called; whoever reports the error then names them so.
    """

    field_names: FieldNames | None = None


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


class RateLimitedError(CybersourceError):
    """Cybersource refused the call for now (429): it was not carried out.

    ``retry_after`` is the wait Cybersource asked for, in seconds, when it said.
    """


class InvalidCredentialsError(CybersourceError):
    """The credentials cannot be used (bad Base64 secret, wrong P12 password, no alias).

    ``field`` names the credential at fault: ``shared_secret``, ``p12``, ``p12_password`` or
    ``key_alias``, so callers can point the user at it without reading the message.
    """

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


_INDEX = re.compile(r"\[(\d+)\]")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class FieldNames:
    """Cybersource field paths (``orderInformation.lineItems[0].unitPrice``) in a caller's terms.

    Keys are Cybersource paths with ``[]`` for any index, values the caller's dotted names
    with ``{}`` for each index in order::

        FieldNames({"orderInformation.lineItems[].unitPrice": "line_items.{}.unit_price"})

    A path without an entry takes the entry of its nearest listed parent
    (``orderInformation.lineItems[2].taxRate`` -> ``line_items.2`` when
    ``orderInformation.lineItems[]`` is listed); ``ours`` is ``None`` when none is.
    """

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self._mapping = dict(mapping)

    def ours(self, path: str) -> str | None:
        indexes = _INDEX.findall(path)
        parts = _INDEX.sub("[]", path).split(".")
        for end in range(len(parts), 0, -1):
            template = self._mapping.get(".".join(parts[:end]))
            if template is not None:
                return template.format(*indexes[: template.count("{}")])
        return None


def generic_field_name(path: str) -> str:
    """A Cybersource path as a snake_case dotted path, for fields no caller named:
    ``orderInformation.lineItems[0].unitPrice`` -> ``order_information.line_items.0.unit_price``.
    """
    dotted = _INDEX.sub(r".\1", path)
    return _CAMEL.sub("_", dotted).lower()


@contextmanager
def naming_fields(names: FieldNames) -> Iterator[None]:
    """Inside this block, field errors are reported with ``names`` (see ``FieldNames``)."""
    try:
        yield
    except ValidationFailedError as error:
        error.field_names = names
        raise
