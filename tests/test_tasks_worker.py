"""E-mail sent through a real Celery worker with Redis as broker.

Everywhere else tasks run in process (no ELAN_BROKER_URL); these tests prove
the production path: `queue_email` → outbox row → `.delay()` after the commit
→ Redis → `celery -A elan worker` → mail backend (here the file backend).
The worker reads the outbox, so the producer and the worker share a migrated
SQLite file of their own (the test database lives in this process's memory).
"""

from __future__ import annotations

import email
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("ELAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def redis_url() -> str:
    if not _redis_available():
        message = f"Redis injoignable à {REDIS_URL} : le test du worker Celery ne peut pas tourner."
        if os.environ.get("CI"):
            pytest.fail(message)
        print(
            f"\n\n!!! {message} Démarrez Redis (redis-server --daemonize yes). !!!\n",
            file=sys.stderr,
        )
        pytest.skip(message)
    return REDIS_URL


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("worker-db") / "template.sqlite3"
    env = {**os.environ, "ELAN_DATABASE_URL": f"sqlite:///{path}"}
    env.pop("ELAN_BROKER_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--skip-checks", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def worker(redis_url: str, migrated_db: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A worker on a queue of its own (no other run steals its tasks), the
    environment the producer must share with it, its mail folder and log."""
    queue = f"elan-test-{uuid.uuid4().hex[:8]}"
    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated_db, database)
    env = {
        **os.environ,
        "ELAN_BROKER_URL": redis_url,
        "ELAN_DATABASE_URL": f"sqlite:///{database}",
        "ELAN_EMAIL_URL": f"file://{tmp_path / 'mail'}",
        "ELAN_EMAIL_QUEUE": queue,
        "ELAN_EMAIL_BULK_QUEUE": queue,
        "ELAN_SITE_URL": "https://elan.example.org",
        "DJANGO_SETTINGS_MODULE": "elan.settings",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "elan", "worker", "--pool", "solo", "-Q", queue],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield env, tmp_path, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _produce(env: dict[str, str], code: str) -> None:
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=60)


def _queue_length(env: dict[str, str]) -> int:
    import redis

    return int(redis.Redis.from_url(env["ELAN_BROKER_URL"]).llen(env["ELAN_EMAIL_QUEUE"]))


def _wait_for_mail(env: dict[str, str], folder: Path, process: subprocess.Popen) -> list[Path]:  # type: ignore[type-arg]
    mail_dir = folder / "mail"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, (folder / "worker.log").read_text()
        if mail_dir.exists() and any(mail_dir.iterdir()) and _queue_length(env) == 0:
            break
        time.sleep(0.2)
    else:
        pytest.fail(
            f"Aucun e-mail en 60 s. Journal du worker :\n{(folder / 'worker.log').read_text()}"
        )
    time.sleep(1.5)  # leave the worker the time to run what it holds
    return sorted(mail_dir.iterdir())


def _rows(folder: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(folder / "db.sqlite3") as db:
        return db.execute("SELECT key, status, attempts FROM accounts_outgoingemail").fetchall()


@pytest.mark.celery_worker
def test_it_sends_a_queued_email_through_a_real_worker(worker) -> None:  # type: ignore[no-untyped-def]
    env, folder, process = worker
    _produce(
        env,
        """
        from accounts.mail import queue_email
        from accounts.models import EmailStream
        queue_email(key="bienvenue:1", to="camille@example.org", subject="Bienvenue dans le défi",
                    body="Bonjour Camille", stream=EmailStream.TRANSACTIONAL)
        """,
    )
    (message,) = _wait_for_mail(env, folder, process)
    content = message.read_text()
    assert "camille@example.org" in content
    assert "Bonjour Camille" in content
    assert _rows(folder) == [("bienvenue:1", "envoye", 1)]


@pytest.mark.celery_worker
def test_a_message_enqueued_three_times_is_delivered_once(worker) -> None:  # type: ignore[no-untyped-def]
    env, folder, process = worker
    # Queued twice under the same key, its task handed to the broker three
    # times (the commit hook, a retry, the periodic job): one message.
    _produce(
        env,
        """
        from accounts import mail
        from accounts.models import EmailStream
        def queue():
            return mail.queue_email(key="event-reminder:7:2026-12-12T08:00:00+00:00",
                                    to="dominique@example.org", subject="Rappel : Atelier lessive",
                                    body="À samedi", stream=EmailStream.REMINDER,
                                    unsubscribe_scope="reminders:events")
        row = queue()
        queue()
        assert mail.dispatch([(row.pk, row.stream)]) == 1
        assert mail.dispatch([(row.pk, row.stream)]) == 1
        """,
    )
    messages = _wait_for_mail(env, folder, process)
    assert len(messages) == 1
    message = email.message_from_string(messages[0].read_text().split("\n-----")[0])
    assert (
        message["List-Unsubscribe"].strip().startswith("<https://elan.example.org/desabonnement/")
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _rows(folder) == [("event-reminder:7:2026-12-12T08:00:00+00:00", "envoye", 1)]
