"""Settings: defaults, parsing, and refusal of weak or missing production secrets."""

from __future__ import annotations

import base64
import secrets
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin_server.cli import main
from addin_server.config import OFFICE_CLIENT_IDS, ConfigError, Settings, load_settings
from addin_server.storage.database import normalise_url

GOOD_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT = "0b7c0a5e-3b0a-4bd4-9d1f-0b2a7b6a9d11"


def production_env(**changes: str) -> dict[str, str]:
    env = {
        "ADDIN_MODE": "production",
        "ADDIN_PUBLIC_URL": "https://addin.example.com",
        "ADDIN_BIND": "0.0.0.0:8000",
        "ADDIN_SECRET_KEY": secrets.token_urlsafe(48),
        "ADDIN_ENCRYPTION_KEYS": f"k2:{GOOD_KEY}",
        "ADDIN_CLIENT_ID": CLIENT,
        "ADDIN_CLIENT_SECRET": "Qx8~abcdefghijklmnopqrstuvwxyz.123",
        "ADDIN_ALLOWED_TENANTS": TENANT,
        "ADDIN_DATABASE_URL": "postgresql://addin@db/addin",
    }
    env.update(changes)
    return {k: v for k, v in env.items() if v != "<unset>"}


def problems_for(env: dict[str, str], tmp_path: Path) -> list[str]:
    env.setdefault("ADDIN_INSTANCE_DIR", str(tmp_path))
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    return raised.value.problems


def test_demo_defaults_embed_everything(tmp_path: Path) -> None:
    settings = load_settings({"ADDIN_INSTANCE_DIR": str(tmp_path)})
    assert settings.mode == "demo"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'addin.sqlite3'}"
    assert settings.public_url == "https://localhost:3000"
    assert len(settings.encryption_keys) == 1
    assert len(settings.encryption_keys[0].key) == 32
    # Demo secrets are created once and reused, so demo data survives a restart.
    again = load_settings({"ADDIN_INSTANCE_DIR": str(tmp_path)})
    assert again.secret_key == settings.secret_key
    assert again.encryption_keys == settings.encryption_keys


def test_complete_production_configuration_is_accepted(tmp_path: Path) -> None:
    settings = load_settings(production_env(ADDIN_INSTANCE_DIR=str(tmp_path)))
    assert settings.mode == "production"
    assert settings.allowed_tenants == (TENANT,)
    assert settings.app_id_uri == f"api://addin.example.com/{CLIENT}"
    assert settings.accepted_audiences == (CLIENT, f"api://addin.example.com/{CLIENT}")


def test_production_names_every_missing_secret(tmp_path: Path) -> None:
    env = production_env(
        ADDIN_SECRET_KEY="<unset>",
        ADDIN_ENCRYPTION_KEYS="<unset>",
        ADDIN_CLIENT_ID="<unset>",
        ADDIN_CLIENT_SECRET="<unset>",
        ADDIN_ALLOWED_TENANTS="<unset>",
    )
    problems = problems_for(env, tmp_path)
    for name in (
        "ADDIN_SECRET_KEY",
        "ADDIN_ENCRYPTION_KEYS",
        "ADDIN_CLIENT_ID",
        "ADDIN_CLIENT_SECRET",
        "ADDIN_ALLOWED_TENANTS",
    ):
        assert any(p.startswith(name + ":") for p in problems), (name, problems)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ADDIN_SECRET_KEY", "changeme", "weak"),
        ("ADDIN_SECRET_KEY", "a" * 64, "weak"),
        ("ADDIN_ENCRYPTION_KEYS", "k1:" + base64.b64encode(bytes(32)).decode(), "weak"),
        ("ADDIN_ENCRYPTION_KEYS", "k1:" + base64.b64encode(bytes(16)).decode(), "32 bytes"),
        ("ADDIN_ENCRYPTION_KEYS", "k1:not-base64!", "base64"),
        ("ADDIN_ENCRYPTION_KEYS", f"k1:{GOOD_KEY},k1:{GOOD_KEY}", "twice"),
        ("ADDIN_ENCRYPTION_KEYS", GOOD_KEY, "key-id:base64-key"),
        ("ADDIN_CLIENT_SECRET", "short", "weak"),
        ("ADDIN_CLIENT_ID", "my-app", "GUID"),
        ("ADDIN_ALLOWED_TENANTS", "contoso.com", "tenant GUIDs"),
        ("ADDIN_PUBLIC_URL", "http://addin.example.com", "https"),
        ("ADDIN_DATABASE_URL", "mysql://x/y", "sqlite"),
        ("ADDIN_AUTHORITY", "http://login.example.com", "https"),
        ("ADDIN_MODE", "staging", "'demo' or 'production'"),
        ("ADDIN_CYBERSOURCE_READ_TIMEOUT", "0", "between"),
        ("ADDIN_CYBERSOURCE_SANDBOX_URL", "http://proxy.example.com", "https"),
        ("ADDIN_BIND", "8000", "host:port"),
    ],
)
def test_bad_values_are_named(name: str, value: str, expected: str, tmp_path: Path) -> None:
    problems = problems_for(production_env(**{name: value}), tmp_path)
    assert any(p.startswith(name + ":") and expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"ADDIN_PUBLIC_URL": "https://addin.example.com"}, "ADDIN_PUBLIC_URL"),
        ({"ADDIN_BIND": "0.0.0.0:3000"}, "ADDIN_BIND"),
    ],
)
def test_demo_mode_only_on_loopback(env: dict[str, str], needle: str, tmp_path: Path) -> None:
    problems = problems_for(dict(env), tmp_path)
    assert any(p.startswith("ADDIN_MODE:") and needle in p for p in problems), problems


def test_demo_accepts_loopback_variants(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "ADDIN_INSTANCE_DIR": str(tmp_path),
            "ADDIN_BIND": "[::1]:3000",
            "ADDIN_PUBLIC_URL": "https://127.0.0.1:3000",
        }
    )
    assert settings.is_demo


def test_several_encryption_keys_newest_first(tmp_path: Path) -> None:
    older = base64.b64encode(secrets.token_bytes(32)).decode()
    settings = load_settings(
        production_env(
            ADDIN_ENCRYPTION_KEYS=f"new:{GOOD_KEY}, old:{older}", ADDIN_INSTANCE_DIR=str(tmp_path)
        )
    )
    assert [k.key_id for k in settings.encryption_keys] == ["new", "old"]


def test_loopback_http_allowed_for_cybersource_overrides(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "ADDIN_INSTANCE_DIR": str(tmp_path),
            "ADDIN_CYBERSOURCE_SANDBOX_URL": "http://127.0.0.1:8123",
        }
    )
    assert settings.cybersource_sandbox_url == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_env_example_documents_every_setting() -> None:
    root = Path(__file__).resolve().parents[1]
    example = (root / ".env.example").read_text()
    readme = (root / "README.md").read_text()
    for field in fields(Settings):
        name = f"ADDIN_{field.name.upper()}"
        assert name in example, f"{name} missing from .env.example"
        assert name in readme, f"{name} missing from README.md"


def test_signing_hosts_are_host_names(tmp_path: Path) -> None:
    env = {"ADDIN_INSTANCE_DIR": str(tmp_path)}
    host = "apitest.cybersource.com"
    settings = load_settings(env, {"cybersource_sandbox_signing_host": host})
    assert settings.cybersource_sandbox_signing_host == host
    with pytest.raises(ConfigError) as raised:
        load_settings(env, {"cybersource_production_signing_host": "https://api.cybersource.com"})
    assert any("CYBERSOURCE_PRODUCTION_SIGNING_HOST" in p for p in raised.value.problems)


def test_rate_limits_are_checked_at_start_up(tmp_path: Path) -> None:
    settings = load_settings(
        production_env(
            ADDIN_INSTANCE_DIR=str(tmp_path), ADDIN_RATE_LIMIT_COSTLY="5/second;100/hour"
        )
    )
    assert settings.rate_limit_costly == "5/second;100/hour"
    assert settings.rate_limit_user == "300/minute"
    problems = problems_for(production_env(ADDIN_RATE_LIMIT_USER="lots"), tmp_path)
    assert problems == [
        "ADDIN_RATE_LIMIT_USER: must be a rate such as '30/minute' or '5/second;100/hour'"
    ]


def test_check_config_names_the_client_apps_whose_tokens_are_accepted(tmp_path: Path) -> None:
    env = production_env(
        ADDIN_INSTANCE_DIR=str(tmp_path), ADDIN_OFFICE_CLIENT_IDS=OFFICE_CLIENT_IDS[0].upper()
    )
    result = CliRunner().invoke(main, ["check-config"], env=env)
    assert result.exit_code == 0, result.output
    assert f"our own app {CLIENT}" in result.output
    assert f"  - {OFFICE_CLIENT_IDS[0]}\n" in result.output
    assert OFFICE_CLIENT_IDS[1] not in result.output
    assert load_settings(env).accepted_client_apps == (CLIENT, OFFICE_CLIENT_IDS[0])


def test_email_proofs_are_checked_and_shown(tmp_path: Path) -> None:
    assert load_settings({}, {}).email_proofs == ("xms_edov",)
    unknown = problems_for(production_env(ADDIN_EMAIL_PROOFS="email_verified"), tmp_path)
    assert unknown == ["ADDIN_EMAIL_PROOFS: must be xms_edov, upn or both"]
    domains = (
        "ADDIN_VERIFIED_EMAIL_DOMAINS: lists the tenant's verified domains, with upn proof only"
    )
    assert problems_for(production_env(ADDIN_EMAIL_PROOFS="upn"), tmp_path) == [domains]
    assert problems_for(production_env(ADDIN_VERIFIED_EMAIL_DOMAINS="a.example"), tmp_path) == [
        domains
    ]
    env = production_env(
        ADDIN_INSTANCE_DIR=str(tmp_path),
        ADDIN_EMAIL_PROOFS="xms_edov, UPN",
        ADDIN_VERIFIED_EMAIL_DOMAINS="Contoso.example",
    )
    assert load_settings(env).verified_email_domains == ("contoso.example",)
    result = CliRunner().invoke(main, ["check-config"], env=env)
    assert "prove it: xms_edov, upn (domains: contoso.example)" in result.output


def test_office_client_ids_must_be_guids(tmp_path: Path) -> None:
    problems = problems_for(production_env(ADDIN_OFFICE_CLIENT_IDS="office,outlook"), tmp_path)
    assert problems == [
        "ADDIN_OFFICE_CLIENT_IDS: 'office': use application (client) id GUIDs",
        "ADDIN_OFFICE_CLIENT_IDS: 'outlook': use application (client) id GUIDs",
    ]


def test_webhook_payloads_signature_is_a_boolean() -> None:
    assert load_settings({}, {}).webhook_accept_payloads_signature is False
    on = load_settings({"ADDIN_WEBHOOK_ACCEPT_PAYLOADS_SIGNATURE": "true"})
    assert on.webhook_accept_payloads_signature is True
    with pytest.raises(
        ConfigError, match="WEBHOOK_ACCEPT_PAYLOADS_SIGNATURE: must be true or false"
    ):
        load_settings({"ADDIN_WEBHOOK_ACCEPT_PAYLOADS_SIGNATURE": "yes"})
