"""JSON request logs; tokens, secrets and credential fields never reach the log stream."""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from addin_server.logs import configure_logging, redact_text

JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyIiwidGlkIjoieCJ9."
    "c2lnbmF0dXJlLWJ5dGVzLWFyZS1oZXJl"
)


@pytest.fixture
def log_stream(app: Flask) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    settings = app.extensions["addin.settings"]
    configure_logging("INFO", stream=stream, secrets=[settings.secret_key])
    yield stream
    configure_logging("INFO")


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_one_json_line_per_request(app: Flask, log_stream: io.StringIO) -> None:
    app.test_client().get(
        "/healthz?code=secret-oauth-code", headers={"X-Request-Id": "abcdef123456"}
    )
    records = [r for r in lines(log_stream) if r["logger"] == "addin_server.access"]
    assert len(records) == 1
    record = records[0]
    assert record["method"] == "GET"
    assert record["path"] == "/healthz"
    assert record["status"] == 200
    assert record["request_id"] == "abcdef123456"
    assert isinstance(record["duration_ms"], float)
    assert "secret-oauth-code" not in log_stream.getvalue()


def test_authorization_header_never_logged(app: Flask, log_stream: io.StringIO) -> None:
    app.test_client().get("/api/v1/anything", headers={"Authorization": f"Bearer {JWT}"})
    assert JWT not in log_stream.getvalue()
    assert JWT.split(".", maxsplit=1)[0] not in log_stream.getvalue()


@pytest.mark.parametrize(
    ("message", "args", "extra", "secret"),
    [
        ("token is %s", (JWT,), {}, JWT),
        ("calling with Authorization: Bearer %s", ("abc.def-ghi_123",), {}, "abc.def-ghi_123"),
        (
            "verification",
            (),
            {"shared_secret": "c2VjcmV0LXNoYXJlZC1rZXk="},
            "c2VjcmV0LXNoYXJlZC1rZXk=",
        ),
        ("p12 upload", (), {"p12_password": "Tr0ub4dor&3"}, "Tr0ub4dor&3"),
        (
            "cfg",
            (),
            {"details": {"client_secret": "Q~verysecretvalue", "ok": 1}},
            "Q~verysecretvalue",
        ),
        ("form %s", ("password=hunter22&user=a",), {}, "hunter22"),
        ('json {"access_token": "%s"}', ("opaque-token-value-1",), {}, "opaque-token-value-1"),
        ('Signature: keyid="k", signature="%s"', ("c2lnbmF0dXJl+/=",), {}, "c2lnbmF0dXJl+/="),
    ],
)
def test_secrets_are_redacted(
    log_stream: io.StringIO, message: str, args: tuple[Any, ...], extra: dict[str, Any], secret: str
) -> None:
    logging.getLogger("any.library").warning(message, *args, extra=extra)
    output = log_stream.getvalue()
    assert output.strip(), "nothing was logged"
    assert secret not in output
    assert "[REDACTED]" in output


def test_configured_secret_values_are_redacted(app: Flask, log_stream: io.StringIO) -> None:
    secret_key = app.extensions["addin.settings"].secret_key
    logging.getLogger("x").error("oops %s", secret_key)
    assert secret_key not in log_stream.getvalue()


def test_configured_encryption_keys_are_redacted(app: Flask) -> None:
    """create_app registers the keys (as they appear in ADDIN_ENCRYPTION_KEYS) for redaction."""
    stream = io.StringIO()
    settings = app.extensions["addin.settings"]
    key_b64 = base64.b64encode(settings.encryption_keys[0].key).decode()
    configure_logging("INFO", stream=stream)
    logging.getLogger("x").error("ADDIN_ENCRYPTION_KEYS=demo-1:%s", key_b64)
    configure_logging("INFO")
    assert key_b64 not in stream.getvalue()


def test_tracebacks_are_redacted(log_stream: io.StringIO) -> None:
    try:
        int(f"bad token {JWT}")
    except ValueError:
        logging.getLogger("x").exception("failed")
    output = log_stream.getvalue()
    assert "ValueError" in output
    assert JWT not in output


def test_ordinary_text_is_kept() -> None:
    text = "invoice INV-2026-0042 for 1,234.56 EUR due 2026-12-01 key_hint=…9f3a"
    assert redact_text("invoice INV-2026-0042 for 1,234.56 EUR due 2026-12-01") in text
