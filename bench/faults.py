"""Fault scenarios on a real server: PostgreSQL cut under load, Redis (cache
and broker) cut, an SMTP server that refuses for a while.

Run:
    .venv/bin/python bench/faults.py --quick \\
        --database-url postgres://postgres:postgres@127.0.0.1:5432/elan_bench_faults

The real services are never stopped (CI shares this machine): a small asyncio
TCP proxy stands in front of PostgreSQL and one in front of Redis, and a cut
closes every connection through the proxy and refuses new ones. `gunicorn
elan.wsgi -w 2` (ELAN_DEBUG=0) serves a database of its own (recreated)
through the proxies.

a. PostgreSQL cut while two clients submit readings to POST /api/v1/readings
   (a token, a client key each, sent again with the same key until
   acknowledged, as the mobile app does): during the cut, 503 with the French
   message and no traceback; after it, 2xx again within N s; the readings
   stored are exactly the ones acknowledged.
b. Redis cut: public pages stay 200; an e-mail queued meanwhile stays in the
   outbox (the broker refuses it) and, once Redis is back, the periodic job's
   delivery (`send_queued_emails --in-process`, run here) sends it once; a
   second pass sends nothing.
c. SMTP: a local aiosmtpd server answers 451 to the first two attempts then
   accepts; the outbox retries with backoff (1 s, 2 s) and the message
   arrives once; an address the server refuses (550) is a failed row with
   the server's answer, as the organisers' pages list it.

Prints a table and exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import itertools
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import benchkit
from benchkit import ROOT, say, stop, table

PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/elan_bench_faults"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Proxy:
    """A TCP proxy in a thread of its own; `cut()` drops every connection and
    refuses new ones, `restore()` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.Server | None = None
        self.transports: set[asyncio.BaseTransport] = set()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.restore()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        pair = {writer.transport, up_writer.transport}
        self.transports |= pair
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.transports -= pair

    async def _start(self) -> None:
        self.server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for transport in list(self.transports):
            transport.abort()  # type: ignore[attr-defined]
        self.transports.clear()

    def cut(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(10)

    def restore(self) -> None:
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)


class Smtp:
    """aiosmtpd handler: 451 to the first `tempfail` DATA, 550 to refuse@…"""

    def __init__(self) -> None:
        self.tempfail = 0
        self.received: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address.startswith("refuse"):
            return "550 5.1.1 Mailbox unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.tempfail > 0:
            self.tempfail -= 1
            return "451 4.3.0 Try again later"
        self.received.append(envelope.content)
        return "250 OK"

    def count(self, message_id: str) -> int:
        return sum(message_from_bytes(raw)["Message-ID"] == message_id for raw in self.received)


def request(
    port: int, method: str, path: str, body: Any = None, token: str = ""
) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, json.dumps(body) if body else None, headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    except OSError as error:
        return 0, str(error)
    finally:
        connection.close()


class Readings(threading.Thread):
    """One client submitting readings, each sent again with its key until acknowledged."""

    def __init__(self, port: int, token: str, meter_id: int, name: str) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.meter_id, self.name_ = port, token, meter_id, name
        self.acked: set[str] = set()
        self.log: list[tuple[float, int, str]] = []
        self.stop = threading.Event()
        self.error = ""
        self.first_day = dt.datetime.now(tz=dt.UTC).date() - dt.timedelta(days=1000)

    def run(self) -> None:
        day = 0
        while not self.stop.is_set():
            key = f"panne-{self.name_}-{day:05d}"
            body = {
                "meter_id": self.meter_id,
                "read_on": (self.first_day + dt.timedelta(days=day)).isoformat(),
                "value": str(1000 + 10 * day),
                "client_key": key,
                "confirm_unusual": True,
            }
            while not self.stop.is_set():
                status, text = request(self.port, "POST", "/api/v1/readings", body, self.token)
                self.log.append((time.monotonic(), status, text))
                if 200 <= status < 300:
                    self.acked.add(key)
                    break
                if status not in (0, 503):
                    self.error = f"relevé refusé ({status}) : {text[:300]}"
                    return
                time.sleep(0.05)
            day += 1


def wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("gunicorn s'est arrêté")
        if request(port, "GET", "/sante/")[0] in (200, 503):
            return
        time.sleep(0.1)
    raise SystemExit("gunicorn ne répond pas")


def scenario_pg(port: int, pg: Proxy, fixtures: dict[str, Any], cut_s: float) -> list[Any]:
    from django.db import connection

    from measures.models import Reading

    clients = [
        Readings(port, fixtures["token"], meter_id, f"c{i}")
        for i, meter_id in enumerate(fixtures["meters"])
    ]
    for client in clients:
        client.start()
    time.sleep(2)
    connection.close()
    cut_at = time.monotonic()
    pg.cut()
    time.sleep(cut_s)
    restored_at = time.monotonic()
    pg.restore()
    time.sleep(3)
    for client in clients:
        client.stop.set()
    for client in clients:
        client.join(30)
    log = sorted((entry for c in clients for entry in c.log), key=lambda e: e[0])
    during = [e for e in log if cut_at <= e[0] < restored_at]
    unavailable = [e for e in during if e[1] == 503]
    french = all("indisponible" in e[2] and "Traceback" not in e[2] for e in unavailable)
    recovered = [e[0] - restored_at for e in log if e[0] >= restored_at and 200 <= e[1] < 300]
    recovery = recovered[0] if recovered else float("inf")
    acked = set().union(*(c.acked for c in clients))
    stored = Reading.objects.filter(client_key__startswith="panne-").count()
    errors = [c.error for c in clients if c.error]
    ok = not errors and bool(unavailable) and french and recovery < 10 and stored == len(acked)
    for error in errors:
        say(f"  {error}")
    return [
        "a. PostgreSQL coupé / cut",
        "OK" if ok else "ÉCHEC",
        f"{len(log)} requêtes, {len(unavailable)} × 503 pendant {cut_s:.0f} s "
        f"(français, sans traceback : {'oui' if french else 'NON'}), "
        f"reprise en {recovery:.2f} s, relevés acquittés {len(acked)} = enregistrés {stored}",
    ]


def scenario_redis(port: int, redis: Proxy, smtp: Smtp, cut_s: float) -> list[Any]:
    from django.db import transaction
    from django.utils import timezone

    from accounts import mail
    from accounts.models import EmailStatus, EmailStream, OutgoingEmail

    redis.cut()
    started = time.monotonic()
    pages: list[int] = []
    with transaction.atomic():
        mail.queue_email(
            key="panne-redis-1",
            to="foyer@example.org",
            subject="Votre relevé",
            body="Merci.",
            stream=EmailStream.TRANSACTIONAL,
        )
    while time.monotonic() - started < cut_s:
        for path in ("/", "/commun/", "/donnees-ouvertes/"):
            pages.append(request(port, "GET", path)[0])
    waiting = OutgoingEmail.objects.get(key="panne-redis-1").status == EmailStatus.QUEUED
    redis.restore()
    later = timezone.now() + 2 * mail.GRACE  # the periodic job's next passes
    mail.deliver_due(now=later)
    mail.deliver_due(now=later + mail.GRACE)
    received = smtp.count(mail.message_id("panne-redis-1"))
    all_200 = bool(pages) and all(status == 200 for status in pages)
    ok = all_200 and waiting and received == 1
    return [
        "b. Redis coupé / cut",
        "OK" if ok else "ÉCHEC",
        f"{len(pages)} pages publiques pendant {cut_s:.0f} s, "
        f"{sum(s == 200 for s in pages)} × 200 ; e-mail en attente pendant la coupure : "
        f"{'oui' if waiting else 'NON'} ; reçu {received} fois après le retour (2 passages)",
    ]


def scenario_smtp(smtp: Smtp) -> list[Any]:
    from django.db import transaction
    from django.utils import timezone

    from accounts import mail
    from accounts.models import EmailStatus, EmailStream, OutgoingEmail

    smtp.tempfail = 2
    with transaction.atomic():
        for key, to in (
            ("panne-smtp-1", "foyer@example.org"),
            ("panne-smtp-2", "refuse@example.org"),
        ):
            mail.queue_email(
                key=key,
                to=to,
                subject="Rappel",
                body="…",
                stream=EmailStream.REMINDER,
                reference="panne:smtp",
            )
    rows = {row.key: row.pk for row in OutgoingEmail.objects.filter(key__startswith="panne-smtp-")}
    attempts_at: list[float] = []
    started = time.monotonic()
    while time.monotonic() - started < 30:
        row = OutgoingEmail.objects.get(pk=rows["panne-smtp-1"])
        if row.status != EmailStatus.QUEUED:
            break
        wait = (row.send_after - timezone.now()).total_seconds()
        if wait > 0:
            time.sleep(wait + 0.05)
        attempts_at.append(time.monotonic())
        mail.deliver(row.pk)
    mail.deliver(rows["panne-smtp-2"])
    mail.deliver(rows["panne-smtp-1"])  # once more: a late duplicate task changes nothing
    sent = OutgoingEmail.objects.get(pk=rows["panne-smtp-1"])
    failed = list(OutgoingEmail.objects.for_reference("panne:smtp").failed())
    gaps = [round(b - a, 1) for a, b in itertools.pairwise(attempts_at)]
    received = smtp.count(mail.message_id("panne-smtp-1"))
    visible = [r.recipient for r in failed] == ["refuse@example.org"] and "550" in failed[
        0
    ].last_error
    ok = sent.status == EmailStatus.SENT and sent.attempts == 3 and received == 1 and visible
    return [
        "c. SMTP 451 puis accepté / 451 then accepted",
        "OK" if ok else "ÉCHEC",
        f"{sent.attempts} tentatives, écarts {gaps} s, reçu {received} fois ; "
        f"en échec visibles : {len(failed)} ({failed[0].last_error[:60] if failed else '—'})",
    ]


def fixtures() -> dict[str, Any]:
    from api.services import token_create
    from tests.factories import HouseholdFactory, MembershipFactory, MeterFactory, UserFactory

    user = UserFactory(email="foyer@example.org", household=HouseholdFactory())
    MembershipFactory(user=user)  # tokens are for organisers
    _token, raw = token_create(user=user, name="banc des pannes")
    meters = [MeterFactory(household=user.household).pk for _ in range(2)]
    return {"token": raw, "meters": meters}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--quick", action="store_true", help="coupures courtes (moins de 2 min)")
    args = parser.parse_args()
    cut_s = 3.0 if args.quick else 8.0
    begun = time.perf_counter()
    pg, redis = Proxy(PG), Proxy(REDIS)
    parts = urlsplit(args.database_url)
    through_proxy = parts._replace(netloc=f"{parts.netloc.rsplit('@', 1)[0]}@127.0.0.1:{pg.port}")
    smtp = Smtp()
    from aiosmtpd.controller import Controller

    smtp_port = free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {
        "ELAN_CACHE_URL": f"redis://127.0.0.1:{redis.port}/11",
        "ELAN_BROKER_URL": f"redis://127.0.0.1:{redis.port}/12",
        "ELAN_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?tls=0",
        "ELAN_EMAIL_RETRY_BACKOFF": "1",
        "ELAN_RESULTS_PRECOMPUTE": "0",
        "ELAN_SECRET_KEY": secrets.token_urlsafe(50),
    }
    os.environ.update(env)
    benchkit.setup(through_proxy.geturl(), False, ROOT / "var" / "bench" / "unused.sqlite3")
    from accounts import mail

    data = fixtures()
    port = free_port()
    command = [
        *(sys.executable, "-m", "gunicorn", "elan.wsgi"),
        *("--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "-w", "2"),
        *("--log-level", "warning"),
    ]
    rows = []
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, env=dict(os.environ), stdout=log, stderr=log)  # noqa: S603
        try:
            wait_ready(port, process)
            say("Scénario a : PostgreSQL…")
            rows.append(scenario_pg(port, pg, data, cut_s))
            say("Scénario b : Redis…")
            rows.append(scenario_redis(port, redis, smtp, cut_s))
            # No worker runs in this bench: the rows are delivered here.
            mail._broker_down_until = time.monotonic() + 3600
            say("Scénario c : SMTP…")
            rows.append(scenario_smtp(smtp))
        finally:
            stop(process)
            controller.stop()
            log.seek(0)
            output = log.read().decode(errors="replace")
    tracebacks = output.count("Traceback")
    say("")
    table(["Scénario / scenario", "Résultat / result", "Chiffres / figures"], rows)
    say(f"\nTracebacks dans le journal du serveur (journal seulement) : {tracebacks}")
    say(f"Durée totale / total time : {time.perf_counter() - begun:.0f} s")
    if any(row[1] != "OK" for row in rows):
        say(output[-3000:])
        sys.exit(1)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
