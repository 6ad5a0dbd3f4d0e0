"""Structured JSON logs with redaction of tokens, secrets and credential fields.

Redaction happens in a filter on the handler, so it applies to every logger, including
third-party ones, and to message text, arguments, extra fields and tracebacks.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Iterable
from typing import Any, TextIO

from flask import Flask, Response, g, request
from pythonjsonlogger.json import JsonFormatter

REDACTED = "[REDACTED]"

# Field names whose values are never logged (matched case-insensitively as substrings).
SENSITIVE_KEYS = (
    "authorization",
    "token",
    "secret",
    "password",
    "passwd",
    "credential",
    "api_key",
    "apikey",
    "private_key",
    "p12",
    "pkcs12",
    "cookie",
    "signature",
    "assertion",
    "key_material",
    "shared_key",
)

_TEXT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JWS/JWT compact tokens (three base64url parts, header starting with '{"').
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    (re.compile(r'(?i)(signature\s*=\s*")[^"]*(")'), r"\1" + REDACTED + r"\2"),
    (
        re.compile(
            r"(?i)\b([a-z_]*(?:secret|password|token|passwd|api_?key|code_verifier|assertion)"
            r"[a-z_]*)(\"?\s*[=:]\s*\"?)([^\s\"&,;}]+)"
        ),
        r"\1\2" + REDACTED,
    ),
)

_LOG_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}
_known_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Literal values (e.g. configured secrets) that must never appear in a log line."""
    if len(value) >= 8:
        _known_secrets.add(value)


def is_sensitive_key(name: str) -> bool:
    lowered = name.lower()
    return any(marker in lowered for marker in SENSITIVE_KEYS)


def redact_text(text: str) -> str:
    for secret in _known_secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _TEXT_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            k: REDACTED if is_sensitive_key(str(k)) else redact_value(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple | set):
        return [redact_value(v) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_text(record.getMessage())
        record.args = None
        for name, value in list(vars(record).items()):
            if name in _LOG_RECORD_FIELDS:
                continue
            setattr(record, name, REDACTED if is_sensitive_key(name) else redact_value(value))
        if record.exc_info and record.exc_info[0] is not None:
            formatter = logging.Formatter()
            record.exc_text = redact_text(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True


class _JsonLineFormatter(JsonFormatter):
    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "ts", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )

    def formatException(self, ei: Any) -> str:
        formatted = super().formatException(ei)
        return redact_text(formatted if isinstance(formatted, str) else "\n".join(formatted))


class _JsonLineHandler(logging.StreamHandler[TextIO]):
    """Ours, so a second ``configure_logging`` replaces it instead of doubling every line."""


def configure_logging(level: str = "INFO", stream: Any = None, secrets: Iterable[str] = ()) -> None:
    """One JSON handler on the root logger (replacing any earlier one of ours)."""
    for secret in secrets:
        register_secret(secret)
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, _JsonLineHandler):
            root.removeHandler(existing)
    handler = _JsonLineHandler(stream or sys.stderr)
    handler.setFormatter(_JsonLineFormatter())
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    # werkzeug's own access line would repeat ours, with query strings: keep it quiet.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
access_log = logging.getLogger("addin_server.access")


def install_request_logging(app: Flask) -> None:
    """A request id for every request (honouring a sane incoming ``X-Request-Id``), and one
    log line per request with method, path (never the query string), status and duration."""

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = getattr(g, "request_id", None)
        if request_id:
            response.headers["X-Request-Id"] = request_id
        started = getattr(g, "request_started", None)
        duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
        access_log.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user": getattr(g, "log_user", None),
            },
        )
        return response
