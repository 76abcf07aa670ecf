"""What the in-process benchmarks share: a throw-away database of their own
(SQLite under var/bench/, or a PostgreSQL database whose name starts with
elan_bench, dropped and created again unless --reuse), production-like
settings (ELAN_DEBUG=0), and timing with the query count of each call."""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def say(text: str) -> None:
    print(text, flush=True)


def recreate_postgres(url: str) -> None:
    """Drop and create the benchmark's own database (its name starts with elan_bench)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("elan_bench"):
        raise SystemExit(
            f"Base « {name} » refusée : le banc ne recrée qu'une base dont le nom commence "
            "par elan_bench (ou relancez avec --reuse)."
        )
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(database_url: str | None, reuse: bool, sqlite_path: Path) -> None:
    """Point Django at the bench's database (PostgreSQL from `database_url`,
    else SQLite at `sqlite_path`), as in production, and migrate."""
    if database_url and database_url.startswith(("postgres://", "postgresql://")):
        if not reuse:
            recreate_postgres(database_url)
        os.environ["ELAN_DATABASE_URL"] = database_url
    elif database_url:
        raise SystemExit("--database-url : PostgreSQL seulement (SQLite : sans option).")
    else:
        sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        os.environ["ELAN_DATABASE_URL"] = f"sqlite:///{sqlite_path}"
    # As in production: no debug, so no query log nor debug templates.
    for key, value in {
        "DJANGO_SETTINGS_MODULE": "elan.settings",
        "ELAN_DEBUG": "0",
        "ELAN_SECRET_KEY": secrets.token_urlsafe(50),
        "ELAN_SITE_URL": "http://127.0.0.1:8000",
        "ELAN_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "ELAN_SSL_REDIRECT": "0",
        "ELAN_SECURE_COOKIES": "0",
        "ELAN_HSTS_SECONDS": "0",
        "ELAN_EMAIL_URL": "locmem://",
        "ELAN_LOG_LEVEL": "WARNING",
    }.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()
    # WeasyPrint warns about every screen-only CSS rule it skips; 4xx answers on
    # purpose are logged by django.request; collectstatic is not needed in process.
    for name in ("weasyprint", "fontTools", "django.request"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="No directory at")
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    say(f"Migrations : {time.perf_counter() - started:.1f} s")


def progress(label: str, done: int, total: int, started: float) -> None:
    say(f"  {label} : {done:>7} / {total} ({time.perf_counter() - started:5.1f} s)")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(call: Callable[[], Any]) -> tuple[Any, float, int]:
    """(result, ms, queries) of one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - started) * 1000
    return result, elapsed, len(queries)


def table(head: list[str], rows: list[list[Any]]) -> None:
    say("| " + " | ".join(head) + " |")
    say("|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|")
    for row in rows:
        say("| " + " | ".join(str(c) for c in row) + " |")


def stop(process: subprocess.Popen[bytes], *, grace: float = 30) -> None:
    """Stop a server or worker the bench started: asked first, killed after
    `grace` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
