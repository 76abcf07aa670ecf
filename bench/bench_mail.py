"""Benchmark of the outbox: a newsletter to 10,000 recipients through a real
Celery worker and a local SMTP sink.

Run: .venv/bin/python bench/bench_mail.py [--messages 10000] [--unsubscribed 500]
         [--late-unsubscribed 100] [--duplicates 1000] [--concurrency 2]
         [--redis-url redis://127.0.0.1:6379/13] [--rate-limit 200/s] [--timeout 300]
         [--database-url URL]

Everything stays on 127.0.0.1. It starts an SMTP sink (aiosmtpd, a free port)
in this process, migrates a fresh SQLite file var/bench/mail.sqlite3 (or the
database of --database-url), and starts `celery -A elan worker` (prefork,
--concurrency processes) on a queue of its own against Redis (a database
number of its own, flushed first). Then:

- --unsubscribed addresses unsubscribe from the list before it is sent;
- --messages messages are queued in one transaction (`queue_emails`), their
  tasks handed to the broker after the commit;
- --late-unsubscribed of the last recipients unsubscribe while the letter is
  going out (their messages are still queued: they must never arrive);
- the tasks of --duplicates messages are handed to the broker a second time,
  as a lost-task recovery or a retry would.

It prints the queuing and hand-over times, the delivery rate (messages
received by the sink per second, from the commit to the last one; target
≥ 100/s), what the sink received, duplicates (same Message-ID or recipient
twice; must be 0) and messages received by unsubscribed addresses (must be 0).
A benchmark: figures, no assertion. Bounded by --timeout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchkit import stop  # noqa: E402

DEFAULT_DATABASE = ROOT / "var" / "bench" / "mail.sqlite3"
SCOPE = "newsletter:banc-lettre"
REFERENCE = "newsletter:banc"


class Sink:
    """What the SMTP sink received: (recipient, Message-ID, time) per message."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[str, str, float]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message_id = message_from_bytes(envelope.content)["Message-ID"] or ""
        now = time.monotonic()
        with self.lock:
            self.received.extend((rcpt.lower(), message_id, now) for rcpt in envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@contextmanager
def celery_worker(*, concurrency: int, queue: str) -> Iterator[subprocess.Popen[bytes]]:
    command = [
        *(sys.executable, "-m", "celery", "-A", "elan", "worker"),
        *("--pool", "prefork", "--concurrency", str(concurrency), "-Q", queue),
        *("--loglevel", "WARNING", "--without-gossip", "--without-mingle"),
    ]
    with tempfile.NamedTemporaryFile(prefix="elan-bench-worker-", suffix=".log") as log:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, stdout=log, stderr=log, env=os.environ.copy()
        )
        try:
            time.sleep(1)
            if process.poll() is not None:
                raise SystemExit(f"Le worker s'est arrêté :\n{Path(log.name).read_text()}")
            yield process
        finally:
            stop(process)
            errors = [line for line in Path(log.name).read_text().splitlines() if "ERROR" in line]
            if errors:
                print("Erreurs du worker :\n" + "\n".join(errors[:10]))


def worker_ready(redis_url: str, timeout: float = 60) -> None:
    from elan.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1)
        if replies:
            return
    raise SystemExit(f"Aucun worker ne répond sur {redis_url} en {timeout:.0f} s.")


def environment(
    *, database_url: str, redis_url: str, smtp_port: int, queue: str, rate: str
) -> dict[str, str]:
    return {
        "ELAN_DATABASE_URL": database_url,
        "ELAN_BROKER_URL": redis_url,
        "ELAN_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?tls=0",
        "ELAN_EMAIL_QUEUE": queue,
        "ELAN_EMAIL_BULK_QUEUE": queue,
        "ELAN_EMAIL_BULK_RATE_LIMIT": rate,
        "ELAN_SITE_URL": "https://elan.example.org",
        "ELAN_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "elan.settings",
    }


def describe_machine(database: str) -> None:
    import django
    from django.db import connection

    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Date : {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(
        f"Machine : {platform.system()} {platform.machine()}, {os.cpu_count()} cœurs, "
        f"charge moyenne {load_average} ; Python {platform.python_version()}, "
        f"Django {django.get_version()}"
    )
    version = (
        connection.Database.sqlite_version
        if connection.vendor == "sqlite"
        else connection.pg_version  # type: ignore[attr-defined]
    )
    print(f"Base : {connection.vendor} {version} ({database})")


def addresses(count: int) -> list[str]:
    return [f"abonne{n:05d}@banc.example.org" for n in range(count)]


def run(args: argparse.Namespace, sink: Sink) -> None:
    from django.db import transaction

    from accounts import mail
    from accounts.models import EmailStatus, EmailStream, OutgoingEmail

    recipients = addresses(args.messages)
    chooser = random.Random(2026)
    early = set(chooser.sample(recipients[: -args.late_unsubscribed or None], args.unsubscribed))
    late = set(recipients[len(recipients) - args.late_unsubscribed :])
    step = time.perf_counter()
    for address in sorted(early):
        mail.unsubscribe(email=address, scope=SCOPE, source="lien")
    print(f"{len(early)} désabonnements avant l'envoi : {time.perf_counter() - step:.1f} s")

    emails = [
        mail.Email(
            key=f"{REFERENCE}:{n}",
            to=address,
            subject="La lettre du banc d'essai",
            body=f"Bonjour,\n\nVoici la lettre n° {n}.\n",
            stream=EmailStream.NEWSLETTER,
            unsubscribe_scope=SCOPE,
            reference=REFERENCE,
        )
        for n, address in enumerate(recipients)
    ]
    step = time.perf_counter()
    with transaction.atomic():
        rows = mail.queue_emails(emails)
        queued = time.perf_counter()
    commit = time.monotonic()  # the hand-over ran in the commit hook
    handed = time.perf_counter()
    print(
        f"{len(rows)} messages mis en file (queue_emails) : {queued - step:.1f} s ; "
        f"remis au broker après le commit : {handed - queued:.1f} s"
    )
    for address in sorted(late):
        mail.unsubscribe(email=address, scope=SCOPE, source="un_clic")
    print(f"{len(late)} désabonnements pendant l'envoi (les derniers de la liste)")
    doubles = chooser.sample([(r.pk, r.stream) for r in rows], args.duplicates)
    print(f"{mail.dispatch(doubles)} tâches remises une seconde fois au broker")

    expected = args.messages - len(early) - len(late)
    deadline = time.monotonic() + args.timeout
    last_report = time.monotonic()
    while time.monotonic() < deadline:
        busy = OutgoingEmail.objects.filter(
            reference=REFERENCE, status__in=[EmailStatus.QUEUED, EmailStatus.SENDING]
        ).count()
        if sink.count() >= expected and busy == 0:
            break
        if time.monotonic() - last_report > 10:
            print(f"  … {sink.count()} reçus, {busy} en attente")
            last_report = time.monotonic()
        time.sleep(0.5)
    else:
        print(f"!!! Délai de {args.timeout} s dépassé.")
    time.sleep(2)  # a duplicate would arrive now
    report(sink, commit=commit, expected=expected, early=early, late=late)


def report(sink: Sink, *, commit: float, expected: int, early: set[str], late: set[str]) -> None:
    from accounts.models import OutgoingEmail

    with sink.lock:
        received = list(sink.received)
    by_id = Counter(message_id for _rcpt, message_id, _at in received)
    by_rcpt = Counter(rcpt for rcpt, _id, _at in received)
    seconds = (max(at for *_rest, at in received) - commit) if received else 0.0
    rate = len(received) / seconds if seconds else 0.0
    tally = OutgoingEmail.objects.for_reference(REFERENCE).tally()
    print("\nRésultats")
    print(f"  débit : {rate:.0f} e-mails/s ({len(received)} en {seconds:.1f} s ; objectif ≥ 100/s)")
    print(f"  reçus par le puits SMTP : {len(received)} (attendus : {expected})")
    print(
        f"  doublons : {sum(n - 1 for n in by_id.values() if n > 1)} par Message-ID, "
        f"{sum(n - 1 for n in by_rcpt.values() if n > 1)} par destinataire (objectif 0)"
    )
    print(
        f"  reçus par des désabonnés : {sum(by_rcpt[a] for a in early)} désabonnés avant, "
        f"{sum(by_rcpt[a] for a in late)} pendant l'envoi (objectif 0)"
    )
    print("  outbox : " + ", ".join(f"{status} {n}" for status, n in tally.items()))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--unsubscribed", type=int, default=500)
    parser.add_argument("--late-unsubscribed", type=int, default=100)
    parser.add_argument("--duplicates", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--rate-limit", default="200/s", help="ELAN_EMAIL_BULK_RATE_LIMIT")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--database-url", default=os.environ.get("ELAN_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    if "127.0.0.1" not in args.redis_url and "localhost" not in args.redis_url:
        raise SystemExit("Le banc reste sur la boucle locale : --redis-url doit viser 127.0.0.1.")

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    started = time.perf_counter()
    if not args.database_url:
        DEFAULT_DATABASE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEFAULT_DATABASE}{suffix}").unlink(missing_ok=True)
    database_url = args.database_url or f"sqlite:///{DEFAULT_DATABASE}"
    queue = f"banc-mail-{os.getpid()}"
    with smtp_sink() as (sink, port):
        os.environ.update(
            environment(
                database_url=database_url,
                redis_url=args.redis_url,
                smtp_port=port,
                queue=queue,
                rate=args.rate_limit,
            )
        )
        import django

        django.setup()
        from django.core.management import call_command

        print("Banc d'essai : une lettre d'information par l'outbox, un worker Celery réel")
        describe_machine(database_url.split("@")[-1])
        print(
            f"Worker : celery prefork × {args.concurrency}, Redis {args.redis_url}, "
            f"limite des envois de masse {args.rate_limit or 'aucune'} ; "
            f"puits SMTP aiosmtpd 127.0.0.1:{port}\n"
        )
        step = time.perf_counter()
        call_command("migrate", verbosity=0, skip_checks=True)
        print(f"migrate : {time.perf_counter() - step:.1f} s")
        with celery_worker(concurrency=args.concurrency, queue=queue):
            worker_ready(args.redis_url)
            run(args, sink)
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nDurée totale : {time.perf_counter() - started:.0f} s (charge moyenne {load_average})")


if __name__ == "__main__":
    main()
