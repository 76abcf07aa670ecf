"""One e-mail sent through a real Celery worker with Redis as broker.

Everywhere else tasks run in process (no ELAN_BROKER_URL); this test proves
the production path: `.delay()` → Redis → `celery -A elan worker` → SMTP
backend (here the file backend).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from elan.celery import app as celery_app

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


@pytest.fixture
def worker(redis_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    queue = f"elan-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "ELAN_BROKER_URL": redis_url,
        "ELAN_EMAIL_URL": f"file://{mail_dir}",
        "DJANGO_SETTINGS_MODULE": "elan.settings",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "elan",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue, mail_dir, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.celery_worker
def test_it_sends_an_email_through_a_real_worker(worker, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    from accounts.tasks import send_email

    queue, mail_dir, process = worker
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        # An explicit connection: the app's default pool may already point
        # elsewhere in a long test session.
        with celery_app.connection_for_write(redis_url) as connection:
            send_email.apply_async(
                kwargs={
                    "to": ["camille@example.org"],
                    "subject": "Bienvenue dans le défi",
                    "body": "Bonjour Camille",
                },
                queue=queue,
                connection=connection,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (mail_dir.exists() and any(mail_dir.iterdir())):
            assert process.poll() is None, f"Le worker s'est arrêté :\n{process.stdout.read()}"
            time.sleep(0.2)
    finally:
        celery_app.conf.task_always_eager = previous
    files = list(mail_dir.iterdir()) if mail_dir.exists() else []
    if not files:
        process.terminate()
        pytest.fail(
            f"Aucun e-mail écrit par le worker en 60 s. Journal du worker :\n{process.communicate()[0]}"
        )
    content = files[0].read_text()
    assert "camille@example.org" in content
    assert "Bonjour Camille" in content
