"""Typed readers for the ELAN_* environment variables.

Each helper refuses a malformed value with a message naming the variable, so a
typo in a deployment fails at start-up instead of running with a silent default.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} doit valoir 1/0, true/false, yes/no ou on/off (reçu : {raw!r})."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier (reçu : {raw!r}).") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} doit être au moins {minimum} (reçu : {value}).")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(
    url: str, *, base_dir: Path, parallel_query: bool = True
) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into DATABASES['default']."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//"):  # sqlite:////abs/path
            name: str | Path = path[1:]
        elif path in ("", "/"):
            raise ImproperlyConfigured(
                "ELAN_DATABASE_URL : indiquez le fichier SQLite, ex. sqlite:///db.sqlite3."
            )
        else:
            name = base_dir / path.lstrip("/")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(name)}
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("ELAN_DATABASE_URL : le nom de la base PostgreSQL manque.")
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if not parallel_query:  # an `options` of the URL wins
            options.setdefault("options", "-c max_parallel_workers_per_gather=0")
        try:
            port = str(parts.port or "")
        except ValueError:
            raise ImproperlyConfigured("ELAN_DATABASE_URL : le port n'est pas un nombre.") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            # An empty host means the local socket, as psql does.
            "HOST": unquote(parts.hostname or ""),
            "PORT": port,
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"ELAN_DATABASE_URL : schéma {parts.scheme!r} inconnu (sqlite:// ou postgres:// attendu)."
    )


def parse_email_url(url: str, *, base_dir: Path) -> dict[str, object]:
    """``console://``, ``file:///dir``, ``locmem://``, ``smtp://user:pass@host:587?tls=1``."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        # file:///abs/dir is absolute; file:var/mail is relative to the project.
        path = Path(unquote(parts.netloc + parts.path) or "var/mail")
        directory = path if path.is_absolute() else base_dir / path
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(directory),
        }
    if scheme in ("smtp", "smtps"):
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        if not parts.hostname:
            raise ImproperlyConfigured(
                "ELAN_EMAIL_URL : l'hôte SMTP manque (smtp://utilisateur:motdepasse@hote:587)."
            )
        try:
            port = parts.port or (465 if scheme == "smtps" else 587)
        except ValueError:
            raise ImproperlyConfigured("ELAN_EMAIL_URL : le port n'est pas un nombre.") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": scheme == "smtp" and query.get("tls", "1") in _TRUE,
            "EMAIL_TIMEOUT": 15,
        }
    raise ImproperlyConfigured(
        f"ELAN_EMAIL_URL : schéma {scheme!r} inconnu (console://, file://, locmem://, smtp:// ou smtps://)."
    )
