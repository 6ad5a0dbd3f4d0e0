"""Cybersource's answers as the simulator gives them: error bodies and timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from addin_server.cybersource.errors import FieldIssue
from addin_server.cybersource.limits import INVALID_DATA

# What Cybersource answers to any authentication failure; it never says which check failed.
AUTH_FAILED_BODY = {"response": {"rmsg": "Authentication Failed"}}
_STATUS_WORD = {400: "BADREQUEST", 404: "NOTFOUND", 502: "SERVER_ERROR"}


def utc_timestamp(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class CybersourceReply(Exception):
    """An error answer in Cybersource's format (``submitTimeUtc, status, reason, message``)."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        details: tuple[FieldIssue, ...] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.details = details

    def body(self, moment: float) -> dict[str, Any]:
        body: dict[str, Any] = {
            "submitTimeUtc": utc_timestamp(moment),
            "status": _STATUS_WORD.get(self.status, "SERVER_ERROR"),
            "reason": self.reason,
            "message": self.message,
        }
        if self.details:
            body["details"] = [{"field": d.field, "reason": d.reason} for d in self.details]
        return body


def validation_failed(issues: list[FieldIssue]) -> CybersourceReply:
    return CybersourceReply(400, "VALIDATION_ERROR", "Field validation errors.", tuple(issues))


def invalid(field: str) -> CybersourceReply:
    """One field with INVALID_DATA."""
    return validation_failed([FieldIssue(field, INVALID_DATA)])


def not_allowed() -> CybersourceReply:
    return CybersourceReply(400, "ACTION_NOT_ALLOWED", "Requested action is not allowed.")


def not_found() -> CybersourceReply:
    return CybersourceReply(404, "NOT_FOUND", "Invoice does not exist.")


def invoicing_not_enabled() -> CybersourceReply:
    """The documented answer for a merchant without Customer Invoicing (notes §1.3); the
    ``reason`` is not documented (UNCONFIRMED)."""
    return CybersourceReply(400, "BADREQUEST", "Invoicing service is not enabled.")
