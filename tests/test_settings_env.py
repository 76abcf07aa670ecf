from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from elan.env import env_bool, env_int, env_list, parse_database_url, parse_email_url

BASE = Path("/srv/elan")
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("oui", True), ("False", False), ("0", False)]
)
def test_it_reads_booleans(monkeypatch, raw: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ELAN_X", raw)
    assert env_bool("ELAN_X", not expected) is expected


def test_it_refuses_a_bad_boolean_naming_the_variable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ELAN_DEBUG", "peut-être")
    with pytest.raises(ImproperlyConfigured, match="ELAN_DEBUG"):
        env_bool("ELAN_DEBUG", True)


def test_it_refuses_a_bad_integer(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ELAN_HSTS_SECONDS", "un an")
    with pytest.raises(ImproperlyConfigured, match="ELAN_HSTS_SECONDS"):
        env_int("ELAN_HSTS_SECONDS", 0)
    monkeypatch.setenv("ELAN_HSTS_SECONDS", "-5")
    with pytest.raises(ImproperlyConfigured, match="au moins 0"):
        env_int("ELAN_HSTS_SECONDS", 0, minimum=0)


def test_it_splits_lists(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ELAN_ALLOWED_HOSTS", "a.fr, b.fr,,")
    assert env_list("ELAN_ALLOWED_HOSTS", []) == ["a.fr", "b.fr"]


def test_it_parses_database_urls() -> None:
    assert (
        parse_database_url("sqlite:///var/db.sqlite3", base_dir=BASE)["NAME"]
        == "/srv/elan/var/db.sqlite3"
    )
    assert parse_database_url("sqlite:////tmp/x.db", base_dir=BASE)["NAME"] == "/tmp/x.db"
    pg = parse_database_url(
        "postgres://elan:s%40cret@db.local:5433/elan?sslmode=require", base_dir=BASE
    )
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "elan",
        "s@cret",
        "db.local",
        "5433",
        "elan",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url", ["mysql://x@y/z", "postgres://host/", "sqlite://", "postgres://h:port/x"]
)
def test_it_refuses_bad_database_urls(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="ELAN_DATABASE_URL"):
        parse_database_url(url, base_dir=BASE)


def test_it_parses_email_urls() -> None:
    assert "console" in parse_email_url("console://", base_dir=BASE)["EMAIL_BACKEND"]
    assert (
        parse_email_url("file:var/mail", base_dir=BASE)["EMAIL_FILE_PATH"] == "/srv/elan/var/mail"
    )
    assert parse_email_url("file:///tmp/mail", base_dir=BASE)["EMAIL_FILE_PATH"] == "/tmp/mail"
    smtp = parse_email_url("smtp://user:p%2Fw@smtp.example.org:2525", base_dir=BASE)
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_PASSWORD"]) == (
        "smtp.example.org",
        2525,
        "p/w",
    )
    assert smtp["EMAIL_USE_TLS"] is True
    assert parse_email_url("smtps://smtp.example.org", base_dir=BASE)["EMAIL_PORT"] == 465


@pytest.mark.parametrize("url", ["pigeon://x", "smtp://"])
def test_it_refuses_bad_email_urls(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="ELAN_EMAIL_URL"):
        parse_email_url(url, base_dir=BASE)


def _check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Only the variables under test: not ours, nor the browser tests' async switch.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ELAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = _check(
        {
            "ELAN_DEBUG": "0",
            "ELAN_SECRET_KEY": "x7" * 30 + "-Élan-production-like-key",
            "ELAN_ALLOWED_HOSTS": "elan.example.org",
            "ELAN_SITE_URL": "https://elan.example.org",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start() -> None:
    result = _check({"ELAN_DEBUG": "0"})
    assert result.returncode != 0
    assert "ELAN_SECRET_KEY est obligatoire" in result.stderr


def test_production_without_a_public_address_refuses_to_start() -> None:
    result = _check({"ELAN_DEBUG": "0", "ELAN_SECRET_KEY": "x7" * 30})
    assert result.returncode != 0
    assert "ELAN_SITE_URL est obligatoire" in result.stderr


def test_a_public_address_without_a_scheme_is_refused() -> None:
    result = _check({"ELAN_SITE_URL": "elan.example.org"})
    assert result.returncode != 0
    assert "ELAN_SITE_URL doit commencer par https://" in result.stderr


def _database_options(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ELAN_")}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'elan.settings'; "
        "django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS'].get('options', '-'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "ELAN_SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_postgresql_connections_run_no_parallel_query_unless_asked() -> None:
    url = "postgres://elan@db.example.org/elan"
    assert _database_options({"ELAN_DATABASE_URL": url}) == "-c max_parallel_workers_per_gather=0"
    kept = {"ELAN_DATABASE_URL": url, "ELAN_DB_PARALLEL_QUERY": "1"}
    assert _database_options(kept) == "-"
    own = {"ELAN_DATABASE_URL": url + "?options=-c%20statement_timeout%3D5000"}
    assert _database_options(own) == "-c statement_timeout=5000"
    assert _database_options({"ELAN_DATABASE_URL": "sqlite:///var/x.sqlite3"}) == "-"
