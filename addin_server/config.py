"""Settings: read from ``ADDIN_*`` environment variables, validated once at start-up.

Nothing here runs at import time; ``load_settings`` is called by the app factory and the CLI.
Every variable is documented in README.md and .env.example.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from limits import parse_many

from addin_server.devcert import demo_secret

ENV_PREFIX = "ADDIN_"
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK_NETWORKS: tuple[IpNetwork, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)
_MIN_METRICS_TOKEN_CHARS = 16
Mode = Literal["demo", "production"]

# Secrets that appear in tutorials and .env.example files: never accepted in production.
_PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "password", "dev", "development", "test"}
_MIN_SECRET_KEY_CHARS = 32
ENCRYPTION_KEY_BYTES = 32
# The Office clients that request tokens for our API with legacy Office SSO (getAccessToken):
# Office (umbrella), Office desktop, Office on the web, Outlook on the web.
OFFICE_CLIENT_IDS = (
    "ea5a67f6-b6f3-4338-b240-c655ddc3cc8e",
    "d3590ed6-52b3-4102-aeff-aad2292ab01c",
    "93d53678-613d-4013-afc1-62e9e444a0a5",
    "bc59ab01-8403-45c6-8796-ac3ef710b3e3",
)


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` names each variable and why."""

    def __init__(self, problems: list[str], heading: str = "Configuration problems:") -> None:
        self.problems = problems
        self.heading = heading
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class EncryptionKey:
    key_id: str
    key: bytes = field(repr=False)


@dataclass(frozen=True)
class Settings:
    mode: Mode = "demo"
    instance_dir: Path = Path("instance")
    database_url: str = ""
    public_url: str = "https://localhost:3000"
    bind: str = "127.0.0.1:3000"
    secret_key: str = field(default="", repr=False)
    encryption_keys: tuple[EncryptionKey, ...] = field(default=(), repr=False)
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    authority: str = "https://login.microsoftonline.com"
    allowed_tenants: tuple[str, ...] = ()
    office_client_ids: tuple[str, ...] = OFFICE_CLIENT_IDS
    api_scope: str = "access_as_user"
    # How a token proves its email, before an invitation by email is accepted (tokens.py).
    email_proofs: tuple[str, ...] = ("xms_edov",)
    verified_email_domains: tuple[str, ...] = ()
    app_id_uri: str = ""
    redis_url: str = ""
    cybersource_sandbox_url: str = "https://apitest.cybersource.com"
    cybersource_production_url: str = "https://api.cybersource.com"
    cybersource_production_in_url: str = "https://api.in.cybersource.com"
    # The host signed into each request; empty: the URL's host. Set to Cybersource's host
    # (apitest.cybersource.com, ...) when the URL above is a proxy that forwards there.
    cybersource_sandbox_signing_host: str = ""
    cybersource_production_signing_host: str = ""
    cybersource_production_in_signing_host: str = ""
    cybersource_connect_timeout: float = 5.0
    cybersource_read_timeout: float = 30.0
    cybersource_deadline: float = 40.0
    max_request_bytes: int = 8 * 1024 * 1024
    rate_limit_user: str = "300/minute"
    rate_limit_costly: str = "30/minute"
    rate_limit_merchant: str = "600/minute"
    metrics_allow: tuple[IpNetwork, ...] = LOOPBACK_NETWORKS
    trusted_proxies: int = 0
    metrics_token: str = field(default="", repr=False)
    webhook_accept_payloads_signature: bool = False  # CONFLICT in the notes: webhooks.signature
    log_level: str = "INFO"
    tls_cert: str = ""
    tls_key: str = ""

    @property
    def is_demo(self) -> bool:
        return self.mode == "demo"

    @property
    def public_host(self) -> str:
        return urlsplit(self.public_url).netloc

    @property
    def accepted_audiences(self) -> tuple[str, ...]:
        """v2 tokens carry the client id; v1 tokens may carry the App ID URI instead."""
        audiences = [self.client_id]
        if self.app_id_uri:
            audiences.append(self.app_id_uri)
        return tuple(a for a in audiences if a)

    @property
    def accepted_client_apps(self) -> tuple[str, ...]:
        """Applications whose tokens for our API we accept (``azp``/``appid``): our own (NAA,
        the sign-in dialog) and the Office clients of legacy Office SSO."""
        return tuple(a for a in (self.client_id, *self.office_client_ids) if a)


# Environment variable name (without prefix) -> field name, for every field read from env.
_ENV_FIELDS = {f.name.upper(): f.name for f in fields(Settings)}
_FIELD_NAMES = frozenset(_ENV_FIELDS.values())


def load_settings(
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build and validate settings from ``environ`` (default ``os.environ``) plus overrides.

    ``overrides`` use field names (``database_url``) and typed values; tests pass them to
    ``create_app``. Raises ``ConfigError`` naming every bad variable at once.
    """
    env = os.environ if environ is None else environ
    problems: list[str] = []
    raw: dict[str, Any] = {}
    for name, attr in _ENV_FIELDS.items():
        value = env.get(ENV_PREFIX + name)
        if value is not None and value.strip() != "":
            raw[attr] = value.strip()
    raw.update(overrides or {})

    values: dict[str, Any] = {}
    for attr, value in raw.items():
        if attr not in _FIELD_NAMES:
            problems.append(f"unknown setting {attr!r}")
            continue
        try:
            values[attr] = _parse(attr, value)
        except ValueError as exc:
            problems.append(f"{ENV_PREFIX}{attr.upper()}: {exc}")
    if problems:
        raise ConfigError(problems)

    settings = Settings(**values)
    settings = _fill_defaults(settings)
    problems = validate(settings)
    if problems:
        raise ConfigError(problems)
    return settings


def _parse(attr: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if attr == "mode":
        if value not in ("demo", "production"):
            raise ValueError("must be 'demo' or 'production'")
        return value
    if attr == "instance_dir":
        return Path(value)
    if attr == "encryption_keys":
        return parse_encryption_keys(value)
    if attr in ("allowed_tenants", "office_client_ids", "email_proofs", "verified_email_domains"):
        return tuple(t.strip().lower() for t in value.split(",") if t.strip())
    if attr in ("cybersource_connect_timeout", "cybersource_read_timeout", "cybersource_deadline"):
        number = float(value)
        if not 0 < number <= 300:
            raise ValueError("must be a number of seconds between 0 and 300")
        return number
    if attr == "trusted_proxies":
        hops = int(value)
        if not 0 <= hops <= 5:
            raise ValueError("must be the number of proxies in front of the app, 0 to 5")
        return hops
    if attr == "metrics_allow":
        return parse_networks(value)
    if attr.startswith("rate_limit_"):
        return _rate_limit(value)
    if attr == "webhook_accept_payloads_signature":
        if value.lower() not in ("true", "false"):
            raise ValueError("must be true or false")
        return value.lower() == "true"
    if attr == "max_request_bytes":
        size = int(value)
        if size < 1024:
            raise ValueError("must be at least 1024")
        return size
    return value


def parse_networks(value: str) -> tuple[IpNetwork, ...]:
    """``10.0.0.0/8, 192.168.1.7`` -> networks (an address alone is a network of one)."""
    try:
        items = [item.strip() for item in value.split(",")]
        return tuple(ipaddress.ip_network(item) for item in items if item)
    except ValueError as exc:
        raise ValueError(f"not a list of networks such as 10.0.0.0/8: {exc}") from exc


def _rate_limit(value: str) -> str:
    """A flask-limiter limit such as ``30/minute`` or ``5/second;100/hour``."""
    try:
        parse_many(value)
    except ValueError as exc:
        raise ValueError("must be a rate such as '30/minute' or '5/second;100/hour'") from exc
    return value


def parse_encryption_keys(value: str) -> tuple[EncryptionKey, ...]:
    """``kid1:base64key,kid2:base64key`` (newest first) -> keys; each must be 32 bytes."""
    keys: list[EncryptionKey] = []
    for position, item in enumerate(value.split(","), start=1):
        key_id, sep, encoded = item.strip().partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", key_id):
            raise ValueError(f"key {position} must look like 'key-id:base64-key'")
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"key {key_id!r} is not valid base64") from exc
        if len(key) != ENCRYPTION_KEY_BYTES:
            raise ValueError(f"key {key_id!r} must decode to {ENCRYPTION_KEY_BYTES} bytes")
        if any(k.key_id == key_id for k in keys):
            raise ValueError(f"key id {key_id!r} appears twice")
        keys.append(EncryptionKey(key_id, key))
    return tuple(keys)


def _fill_defaults(settings: Settings) -> Settings:
    """Defaults that depend on other settings; demo secrets are kept in the instance folder."""
    instance = settings.instance_dir.resolve()
    # One spelling of the authority, so every URL built from it is the same.
    updates: dict[str, Any] = {
        "instance_dir": instance,
        "authority": settings.authority.rstrip("/"),
    }
    if not settings.database_url:
        updates["database_url"] = f"sqlite:///{instance / 'addin.sqlite3'}"
    if settings.is_demo:
        if not settings.secret_key:
            updates["secret_key"] = demo_secret(instance, "secret_key", 48)
        if not settings.encryption_keys:
            encoded = demo_secret(instance, "encryption_key", ENCRYPTION_KEY_BYTES, b64=True)
            updates["encryption_keys"] = parse_encryption_keys(f"demo-1:{encoded}")
    if not settings.app_id_uri and settings.client_id:
        updates["app_id_uri"] = f"api://{urlsplit(settings.public_url).netloc}/{settings.client_id}"
    return replace(settings, **updates)


def _is_loopback_host(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_host(bind: str) -> str:
    host, _, _port = bind.rpartition(":")
    return host or bind


Problems = Iterator[tuple[str, str]]  # (variable without prefix, why)


def validate(settings: Settings) -> list[str]:
    """Every problem with ``settings``, each naming its variable."""
    checks = (
        _address_problems,
        _identity_problems,
        _cybersource_problems,
        _operations_problems,
        _demo_problems if settings.is_demo else _production_secret_problems,
    )
    return [f"{ENV_PREFIX}{name}: {why}" for check in checks for name, why in check(settings)]


def _address_problems(settings: Settings) -> Problems:
    public = urlsplit(settings.public_url)
    if public.scheme != "https" or not public.hostname:
        yield "PUBLIC_URL", "must be an https:// URL (Outlook only loads add-ins over HTTPS)"
    if not re.fullmatch(r"(\[[0-9A-Fa-f:]+\]|[^\s:\[\]]*):\d{1,5}", settings.bind):
        yield "BIND", "must be host:port, e.g. 127.0.0.1:3000"
    if not settings.database_url.startswith(("sqlite:", "postgresql")):
        yield "DATABASE_URL", "must be a sqlite:/// or postgresql+psycopg:// URL"


def _identity_problems(settings: Settings) -> Problems:
    if not settings.authority.startswith("https://"):
        yield "AUTHORITY", "must be an https:// URL"
    for tenant in settings.allowed_tenants:
        if tenant not in ("organizations", "common") and not is_guid(tenant):
            yield "ALLOWED_TENANTS", f"{tenant!r}: use tenant GUIDs, 'organizations' or 'common'"
    if settings.client_id and not is_guid(settings.client_id):
        yield "CLIENT_ID", "must be the application (client) id, a GUID"
    for client in settings.office_client_ids:
        if not is_guid(client):
            yield "OFFICE_CLIENT_IDS", f"{client!r}: use application (client) id GUIDs"
    if not set(settings.email_proofs) <= {"xms_edov", "upn"}:
        yield "EMAIL_PROOFS", "must be xms_edov, upn or both"
    if ("upn" in settings.email_proofs) != bool(settings.verified_email_domains):
        yield "VERIFIED_EMAIL_DOMAINS", "lists the tenant's verified domains, with upn proof only"


def _cybersource_problems(settings: Settings) -> Problems:
    for name in ("SANDBOX", "PRODUCTION", "PRODUCTION_IN"):
        url = getattr(settings, f"cybersource_{name.lower()}_url")
        host = getattr(settings, f"cybersource_{name.lower()}_signing_host")
        parts = urlsplit(url)
        loopback_http = parts.scheme == "http" and _is_loopback_host(parts.hostname or "")
        if not (parts.scheme == "https" or loopback_http) or not parts.hostname:
            yield f"CYBERSOURCE_{name}_URL", "must be an https:// URL (plain http only on loopback)"
        if host and not re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?", host):
            yield (
                f"CYBERSOURCE_{name}_SIGNING_HOST",
                "must be a host name such as apitest.cybersource.com (no scheme or path)",
            )


def _operations_problems(settings: Settings) -> Problems:
    if settings.metrics_token and len(settings.metrics_token) < _MIN_METRICS_TOKEN_CHARS:
        yield "METRICS_TOKEN", f"is weak: use at least {_MIN_METRICS_TOKEN_CHARS} random characters"
    if settings.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        yield "LOG_LEVEL", "must be DEBUG, INFO, WARNING or ERROR"


def _demo_problems(settings: Settings) -> Problems:
    loopback_only = "demo mode is only allowed on loopback"
    if not _is_loopback_host(urlsplit(settings.public_url).hostname or ""):
        yield "MODE", f"{loopback_only}: ADDIN_PUBLIC_URL must be on localhost"
    if not _is_loopback_host(bind_host(settings.bind)):
        yield "MODE", f"{loopback_only}: ADDIN_BIND must be 127.0.0.1 or localhost"


def _production_secret_problems(settings: Settings) -> Problems:
    """Production: every secret present and strong."""
    secret = settings.secret_key
    if not secret:
        yield "SECRET_KEY", "is required in production"
    elif (
        len(secret) < _MIN_SECRET_KEY_CHARS
        or secret.lower() in _PLACEHOLDER_SECRETS
        or len(set(secret)) < 12
    ):
        yield "SECRET_KEY", f"is weak: use at least {_MIN_SECRET_KEY_CHARS} random characters"
    if not settings.encryption_keys:
        yield "ENCRYPTION_KEYS", "is required in production ('key-id:base64 of 32 random bytes')"
    for key in settings.encryption_keys:
        if len(set(key.key)) < 8:
            yield "ENCRYPTION_KEYS", f"key {key.key_id!r} is weak: use 32 random bytes"
    if not settings.client_id:
        yield "CLIENT_ID", "is required in production"
    if not settings.client_secret:
        yield "CLIENT_SECRET", "is required in production (fallback sign-in dialog)"
    elif len(settings.client_secret) < 16:
        yield "CLIENT_SECRET", "is weak or truncated: paste the whole client secret value"
    if not settings.allowed_tenants:
        yield (
            "ALLOWED_TENANTS",
            "is required in production: tenant ids, 'organizations' or 'common'",
        )


def is_guid(value: object) -> bool:
    """A GUID in its canonical lower-case form (tenant and client ids)."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
