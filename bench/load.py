"""Load test of Élan's main journeys, run together against gunicorn: an
equivalent of locust written with the standard library (threads and
http.client), on 127.0.0.1 only, bounded in time.

Run:
    .venv/bin/python bench/load.py --database-url \\
        postgres://postgres@127.0.0.1:5432/elan_bench_national --reuse --users 50 --seconds 60
    .venv/bin/python bench/load.py --scale territory        # SQLite, var/bench/load.sqlite3
    # options: --scale small|territory|national  --workers 2  --mix 25,15,10
    #          --entry formulaire|tous|appli  --minimal-seconds 10  --warmup 5  --think 0
    #          --newsletters 5  --no-broker

It builds the dataset with `manage.py seed_bench` (or, with --reuse, uses the
one the database holds), starts a private Redis (broker and cache, as in
production) and one Celery worker, then `gunicorn elan.wsgi -w 2` (sync
workers, ELAN_DEBUG=0, bench/settings_bench.py and its minimal view). The
users are logged in by forging their session with Django's SessionStore
(allauth's login is rate-limited), with a CSRF cookie of their own.

Every user loops without think time (--think adds some) on its journey:
- visitors: home, territory, challenge, results, campaign, agenda, network
  directory, commons;
- households: post a reading through the entry form (« Saisir mes
  relevés »), as the browser does, and open the form page now and then; a
  302 back to the form is a reading acknowledged. With --entry tous, they
  post every meter at once on « Saisir tous mes compteurs » (a 302 back to
  the entry page acknowledges every reading sent). With --entry appli, their
  phone sends the indexes of all their meters at once instead
  (POST /api/v1/readings/batch), each reading saved (201) acknowledged;
- organisers: the territory's dashboard, the teams, the network's
  management directory and its indicators;
and, beside them, the organisers of a few territories send a newsletter to
their contacts through network.newsletters (the task queues one outbox row
per contact; the rows are counted).

The measured time is cut in two halves, each followed by half of
--minimal-seconds where every user asks for the minimal view instead: its
throughput is measured in the same run, under the same conditions (A B A B).
It prints, per page and per journey: requests, req/s, p50/p95/p99 ms,
errors; the minimal view's req/s; readings acknowledged against the rows in
the database (exit status 1 when they differ), the newsletters' outbox rows;
then the SQL queries and time of each page, measured in process.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchkit import say, setup, stop, table  # noqa: E402

DEFAULT_DATABASE = ROOT / "var" / "bench" / "load.sqlite3"
MINIMAL = "/bench/minimal/"
SECRET_KEY = secrets.token_urlsafe(50)
RUN = secrets.token_hex(3)  # the readings of this run: client keys "ld<RUN>…"


# --- measures ------------------------------------------------------------------------


@dataclass
class Stat:
    journey: str
    label: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    codes: dict[int, int] = field(default_factory=dict)


class Recorder:
    """Latencies per (journey, page), kept per phase; thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stats: dict[tuple[str, str], Stat] = {}
        self.phase = "warmup"
        self.acknowledged = 0  # every reading acknowledged, warm-up and stragglers included
        self.acknowledged_measured = 0  # those of the measured windows

    def add(
        self, journey: str, label: str, started: float, ok: bool, code: int, phase: str = ""
    ) -> None:
        """One answer, counted in the phase its request started in."""
        seconds = time.perf_counter() - started
        with self.lock:
            phase = phase or self.phase
            if phase == "warmup":
                return
            if phase == "minimal":
                journey, label = "vue minimale", MINIMAL
            stat = self.stats.setdefault((journey, label), Stat(journey, label))
            if ok:
                stat.latencies.append(seconds)
            else:
                stat.errors += 1
                stat.codes[code] = stat.codes.get(code, 0) + 1

    def acknowledge(self, readings: int, phase: str) -> None:
        """Readings the server acknowledged, for a request started in `phase`."""
        with self.lock:
            self.acknowledged += readings
            if phase == "journeys":
                self.acknowledged_measured += readings


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# --- HTTP ----------------------------------------------------------------------------


class Browser:
    """One user's keep-alive connection and cookies."""

    def __init__(self, port: int, cookies: str = "") -> None:
        self.port, self.cookies = port, cookies
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: str | None = None, **headers: str
    ) -> tuple[int, str]:
        """(status, Location); the body of a JSON answer in self.json."""
        if self.cookies:
            headers["Cookie"] = self.cookies
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        self.json: Any = None
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
            if (response.getheader("Content-Type") or "").startswith("application/json"):
                self.json = json.loads(content)
            if response.will_close:
                self.connection.close()
            return response.status, response.getheader("Location") or ""
        except (OSError, http.client.HTTPException, ValueError):
            self.connection.close()
            return 0, ""


# --- the journeys --------------------------------------------------------------------


@dataclass
class Plan:
    """What the users need, read once before the run."""

    visitor_pages: list[tuple[str, str]]  # (label, path)
    organisers: list[tuple[str, list[tuple[str, str]]]]  # (cookies, pages)
    households: list[dict[str, Any]]


def _visitor_pages(territories: list[Any]) -> list[tuple[str, str]]:
    from django.urls import reverse

    pages = []
    for territory in territories:
        slug = territory.slug
        pages += [
            ("accueil", "/"),
            ("territoire", reverse("territories:detail", args=[slug])),
            ("défi", reverse("challenges:detail", args=[slug, "energie-positive"])),
            (
                "résultats du défi",
                reverse("measures:challenge_results", args=[slug, "energie-positive"]),
            ),
            ("campagne d'engagements", reverse("pledges:detail", args=[slug, "a-velo"])),
            ("agenda", reverse("events:agenda", args=[slug])),
            ("annuaire du réseau", reverse("network:directory", args=[slug])),
            ("commun de ressources", "/commun/"),
        ]
    return pages


def _organiser_pages(slug: str) -> list[tuple[str, str]]:
    from django.urls import reverse

    return [
        ("tableau de bord (suivi)", reverse("reports:territory_dashboard", args=[slug])),
        ("équipes du défi", reverse("challenges:teams", args=[slug, "energie-positive"])),
        ("réseau : gestion", reverse("network:manage", args=[slug])),
        ("réseau : indicateurs", reverse("network:indicators", args=[slug])),
    ]


def _session(user: Any) -> str:
    """The cookies of a logged-in browser: a session made as django.contrib.auth.login
    makes it, and a CSRF secret (the form field carries the same)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    csrf = get_random_string(32)
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def _households(count: int) -> list[dict[str, Any]]:
    """`count` households spread over the territories: their cookies, entry
    page and meters with the index to post today (the last one plus the
    household's usual daily use since)."""
    from django.db.models import Max, Min
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from measures.models import Reading

    today = timezone.localdate()
    users = list(
        User.objects.filter(household__isnull=False, email__startswith="foyer")
        .select_related("household")
        .order_by("?")[:count]
    )
    by_household: dict[int, list[dict[str, Any]]] = {}
    rows = (
        Reading.objects.filter(
            meter__household__in=[u.household_id for u in users], superseded_by__isnull=True
        )
        .values("meter_id", "register", "meter__household_id")
        .annotate(
            first_on=Min("read_on"), last_on=Max("read_on"), low=Min("value"), high=Max("value")
        )
    )
    for row in rows:
        days = (row["last_on"] - row["first_on"]).days or 1
        usual = float(row["high"] - row["low"]) / days
        value = float(row["high"]) + usual * (today - row["last_on"]).days
        by_household.setdefault(row["meter__household_id"], []).append(
            {"pk": row["meter_id"], "register": row["register"], "value": f"{value:.3f}"}
        )
    found = []
    for user in users:
        slug = user.email.split("@")[1].removesuffix(".example.org")
        cookies = _session(user)
        found.append(
            {
                "cookies": cookies,
                "csrf": cookies.rsplit("=", 1)[1],
                "entry": reverse("measures:entry", args=[slug, "energie-positive"]),
                "entry_all": reverse("measures:entry_all", args=[slug, "energie-positive"]),
                "meters": by_household.get(user.household_id, []),
                "today": today.isoformat(),
            }
        )
    return [h for h in found if h["meters"]]


def plan(*, households: int, organisers: int) -> Plan:
    from accounts.models import User
    from territories.models import Territory

    territories = list(Territory.objects.filter(slug__startswith="banc").order_by("pk"))
    if not territories:
        raise SystemExit("Aucun territoire du banc dans la base : relancez sans --reuse.")
    staff = []
    for territory in territories[: max(1, organisers)]:
        user = User.objects.get(email=f"animation@{territory.slug}.example.org")
        staff.append((_session(user), _organiser_pages(territory.slug)))
    return Plan(_visitor_pages(territories), staff, _households(households))


def visitor(browser: Browser, plan: Plan, rng: random.Random, record: Recorder) -> None:
    label, path = rng.choice(plan.visitor_pages)
    phase, started = record.phase, time.perf_counter()
    status, _location = browser.request("GET", path)
    record.add("visiteurs", label, started, status == 200, status, phase)


def organiser(
    browser: Browser, pages: list[tuple[str, str]], rng: random.Random, record: Recorder
) -> None:
    label, path = rng.choice(pages)
    phase, started = record.phase, time.perf_counter()
    status, _location = browser.request("GET", path)
    record.add("animateurs", label, started, status == 200, status, phase)


def household(
    browser: Browser,
    home: dict[str, Any],
    rng: random.Random,
    record: Recorder,
    counter: Iterator[int],
    entry: str,
) -> None:
    if entry == "appli":
        return household_app(browser, home, record, counter)
    if rng.random() < 0.25:  # the form page, now and then
        phase, started = record.phase, time.perf_counter()
        status, _location = browser.request(
            "GET", home["entry_all" if entry == "tous" else "entry"]
        )
        record.add("foyers", "page de saisie", started, status == 200, status, phase)
        return
    if entry == "tous":
        return household_every_meter(browser, home, record, counter)
    meter = rng.choice([m for m in home["meters"] if m["register"] == "base"])
    prefix = f"m{meter['pk']}-"
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": home["csrf"],
            "meter": meter["pk"],
            f"{prefix}base": meter["value"].replace(".", ","),
            f"{prefix}read_on": home["today"],
            f"{prefix}kind": "normal",
            f"{prefix}client_key": f"ld{RUN}{next(counter)}",
        }
    )
    phase, started = record.phase, time.perf_counter()
    status, location = browser.request("POST", home["entry"], body)
    # Acknowledged: the redirect back to the form with « Relevé enregistré ».
    ok = status == 302 and location.endswith(home["entry"])
    record.add("foyers", "saisie d'un relevé (POST)", started, ok, status, phase)
    if ok:
        record.acknowledge(1, phase)


def household_every_meter(
    browser: Browser, home: dict[str, Any], record: Recorder, counter: Iterator[int]
) -> None:
    """Every meter of the household on the one form of « Saisir tous mes
    compteurs »; the redirect back to the entry page acknowledges them all."""
    fields: dict[str, Any] = {"csrfmiddlewaretoken": home["csrf"]}
    for meter in home["meters"]:
        prefix = f"m{meter['pk']}-"
        fields[f"{prefix}{meter['register']}"] = meter["value"].replace(".", ",")
        fields[f"{prefix}read_on"] = home["today"]
        fields[f"{prefix}kind"] = "normal"
        fields.setdefault(f"{prefix}client_key", f"ld{RUN}{next(counter)}")
    phase, started = record.phase, time.perf_counter()
    status, location = browser.request("POST", home["entry_all"], urllib.parse.urlencode(fields))
    ok = status == 302 and location.endswith(home["entry"])
    record.add("foyers", "saisie de tous les compteurs (POST)", started, ok, status, phase)
    if ok:
        record.acknowledge(len(home["meters"]), phase)


def household_app(
    browser: Browser, home: dict[str, Any], record: Recorder, counter: Iterator[int]
) -> None:
    """The household's phone sends the indexes of all its meters together
    (POST /api/v1/readings/batch); each reading saved (201) is acknowledged."""
    readings = [
        {
            "meter_id": meter["pk"],
            "register": meter["register"],
            "read_on": home["today"],
            "value": meter["value"],
            "client_key": f"ld{RUN}{next(counter)}",
        }
        for meter in home["meters"]
    ]
    phase, started = record.phase, time.perf_counter()
    status, _location = browser.request(
        "POST",
        "/api/v1/readings/batch",
        json.dumps({"readings": readings}),
        **{"Content-Type": "application/json", "X-CSRFToken": home["csrf"]},
    )
    saved = 0
    if status == 200 and browser.json:
        saved = sum(1 for r in browser.json["results"] if r["status"] == 201)
    ok = status == 200 and saved == len(readings)
    record.add("foyers", "relevés de tous les compteurs (API, lot)", started, ok, status, phase)
    record.acknowledge(saved, phase)


def run_users(
    *, port: int, plan: Plan, mix: tuple[int, int, int], think: float, stop: threading.Event,
    record: Recorder, entry: str,
) -> list[threading.Thread]:  # fmt: skip
    visitors, households, organisers = mix
    shared_keys = itertools.count(1)  # next() on it is atomic

    def loop(step: Callable[[Browser, random.Random], None], cookies: str, seed: int) -> None:
        rng = random.Random(seed)
        browser, minimal = Browser(port, cookies), Browser(port)
        while not stop.is_set():
            if record.phase == "minimal":
                started = time.perf_counter()
                status, _location = minimal.request("GET", MINIMAL)
                record.add("", "", started, status == 200, status, "minimal")
                continue
            step(browser, rng)
            if think:
                time.sleep(rng.uniform(0.5, 1.5) * think)

    threads = []
    for i in range(visitors):
        threads.append(
            threading.Thread(target=loop, args=(lambda b, r: visitor(b, plan, r, record), "", i))
        )
    for i in range(households):
        mine = plan.households[i::households]  # each user its own households
        for h in mine:
            h["browser"] = None

        def step(b: Browser, r: random.Random, mine: list[dict[str, Any]] = mine) -> None:
            home = r.choice(mine)
            if home["browser"] is None:
                home["browser"] = Browser(port, home["cookies"])
            household(home["browser"], home, r, record, shared_keys, entry)

        threads.append(threading.Thread(target=loop, args=(step, "", 1000 + i)))
    for i in range(organisers):
        cookies, pages = plan.organisers[i % len(plan.organisers)]

        def visit(b: Browser, r: random.Random, pages: list[tuple[str, str]] = pages) -> None:
            organiser(b, pages, r, record)

        threads.append(threading.Thread(target=loop, args=(visit, cookies, 2000 + i)))
    for thread in threads:
        thread.daemon = True
        thread.start()
    return threads


# --- newsletters ---------------------------------------------------------------------


@dataclass
class Letter:
    territory: str
    recipients: int = 0
    rows: int = 0
    decided_ms: float = 0.0
    queued_s: float = 0.0


def newsletters(count: int, stop: threading.Event, letters: list[Letter], gap: float) -> None:
    """The organisers of `count` territories send their letter to the whole
    network, one after the other during the run."""
    from django.db import close_old_connections

    from accounts.models import OutgoingEmail, User
    from network import newsletters as service
    from network import segments
    from territories.models import Territory

    for territory in Territory.objects.filter(slug__startswith="banc").order_by("pk")[:count]:
        if stop.wait(gap):
            break
        user = User.objects.get(email=f"animation@{territory.slug}.example.org")
        letter = Letter(territory.slug)
        started = time.perf_counter()
        draft = service.newsletter_create(
            territory=territory,
            data={"subject": f"Lettre du réseau {RUN}", "body": "Bonjour à toutes et à tous !"},
            user=user,
        )
        sent = service.newsletter_send(newsletter=draft, segment=segments.Segment(), user=user)
        letter.decided_ms = (time.perf_counter() - started) * 1000
        letter.recipients = sent.recipients_count
        reference = service.reference(sent)
        while time.perf_counter() - started < 120:
            letter.rows = OutgoingEmail.objects.filter(reference=reference).count()
            if letter.rows >= letter.recipients:
                break
            time.sleep(0.5)
        letter.queued_s = time.perf_counter() - started
        letters.append(letter)
        close_old_connections()


# --- CPU ---------------------------------------------------------------------------

CPU_KINDS = ("web (gunicorn)", "worker Celery", "PostgreSQL", "Redis", "générateur de charge")


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by each kind of process of the run (from /proc),
    and by the whole machine ("machine", out of 100 % per core)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(CPU_KINDS, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        name = stat.split("(", 1)[1].rsplit(")", 1)[0]
        if int(entry.name) == os.getpid():
            kind = "générateur de charge"
        elif "gunicorn" in command:
            kind = "web (gunicorn)"
        elif "celery" in command:
            kind = "worker Celery"
        elif name.startswith("postgres"):
            kind = "PostgreSQL"
        elif name.startswith("redis-server"):
            kind = "Redis"
        else:
            continue
        used[kind] += seconds
    total = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    used["machine"] = (sum(int(x) for x in total) - int(total[3]) - int(total[4])) / tick
    return used


def cpu_report(before: dict[str, float], after: dict[str, float], seconds: float) -> None:
    cores = os.cpu_count() or 1
    rows = [
        [kind, f"{after[kind] - before[kind]:.1f}", f"{(after[kind] - before[kind]) / seconds:.2f}"]
        for kind in (*CPU_KINDS, "machine")
    ]
    say(f"\nCPU pendant les {seconds:.0f} s de mesure ({cores} cœurs)")
    table(["processus", "s de CPU", "cœurs occupés"], rows)


# --- servers -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _process(command: list[str], env: dict[str, str], name: str) -> Iterator[Path]:
    with tempfile.NamedTemporaryFile(prefix=f"elan-load-{name}-", suffix=".log") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log, env=env, cwd=ROOT)  # noqa: S603
        try:
            yield Path(log.name)
            if process.poll() is not None:
                raise SystemExit(f"{name} s'est arrêté :\n{Path(log.name).read_text()[-3000:]}")
        finally:
            stop(process)


def _wait(port: int, path: str, log: Path) -> None:
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"gunicorn ne répond pas :\n{log.read_text()[-3000:]}")


def server_env(broker: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "ELAN_DEBUG": "0",
        "ELAN_SECRET_KEY": SECRET_KEY,
        "ELAN_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "ELAN_LOG_LEVEL": "WARNING",
        "ELAN_EMAIL_URL": "locmem://",
    }
    return env


@contextmanager
def redis(enabled: bool) -> Iterator[str]:
    """A private Redis on the loopback (broker db 0, cache db 1), or nothing."""
    if not enabled:
        yield ""
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server manque : relancez avec --no-broker (tâches en processus).")
    port = _free_port()
    command = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    with _process(command, dict(os.environ), "redis"):
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"


# --- report --------------------------------------------------------------------------


def report(record: Recorder, seconds: float, minimal_seconds: float) -> tuple[float, list[str]]:
    rows, journeys = [], {}
    for (journey, label), stat in sorted(record.stats.items()):
        window = minimal_seconds if journey == "vue minimale" else seconds
        rows.append(_row(journey, label, stat.latencies, stat.errors, window, stat.codes))
        mine = journeys.setdefault(journey, ([], [0], {}))
        mine[0].extend(stat.latencies)
        mine[1][0] += stat.errors
    say(f"\nPar page ({seconds:.0f} s de parcours, {minimal_seconds:.0f} s de vue minimale)")
    head = ["parcours", "page", "requêtes", "req/s", "p50 ms", "p95 ms", "p99 ms", "erreurs"]
    table(head, rows)
    total: list[float] = []
    errors = 0
    summary = []
    minimal_rps = 0.0
    for journey, (latencies, errs, _codes) in sorted(journeys.items()):
        window = minimal_seconds if journey == "vue minimale" else seconds
        summary.append(_row(journey, "(tout)", latencies, errs[0], window, {}))
        if journey == "vue minimale":
            minimal_rps = len(latencies) / minimal_seconds
        else:
            total.extend(latencies)
            errors += errs[0]
    summary.append(_row("tous les parcours", "(tout)", total, errors, seconds, {}))
    say("\nPar parcours")
    table(head, summary)
    over = [f"{r[0]} / {r[1]}" for r in rows if r[0] != "vue minimale" and float(r[5]) >= 300]
    return minimal_rps, over


def _row(
    journey: str, label: str, latencies: list[float], errors: int, seconds: float,
    codes: dict[int, int],
) -> list[str]:  # fmt: skip
    detail = f" ({', '.join(f'{c}: {n}' for c, n in sorted(codes.items()))})" if codes else ""
    return [
        journey,
        label,
        str(len(latencies) + errors),
        f"{len(latencies) / seconds:.1f}" if seconds else "0",
        f"{_pct(latencies, 0.50):.0f}",
        f"{_pct(latencies, 0.95):.0f}",
        f"{_pct(latencies, 0.99):.0f}",
        f"{errors}{detail}",
    ]


def queries(plan: Plan) -> None:
    """The SQL queries and time of each page, once warm, in process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    say("\nRequêtes SQL par page (dans le processus, 2e affichage, premier territoire)")
    rows = []
    first = plan.visitor_pages[:8]
    visitor = Client()
    staff = Client()
    slug = first[1][1].strip("/").split("/")[1]
    staff.force_login(User.objects.get(email=f"animation@{slug}.example.org"))
    cases = [(visitor, "visiteurs", label, path) for label, path in first]
    cases += [(staff, "animateurs", label, path) for label, path in plan.organisers[0][1]]
    for client, journey, label, path in cases:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        rows.append([journey, label, response.status_code, len(captured), f"{elapsed:.0f}"])
    table(["parcours", "page", "HTTP", "requêtes SQL", "ms"], rows)


# --- main ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--sqlite", type=Path, default=DEFAULT_DATABASE, help="sans --database-url")
    parser.add_argument("--scale", default="national", choices=["small", "territory", "national"])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--mix", default="", help="visiteurs,foyers,animateurs (défaut 50/30/20 %%)"
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--minimal-seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument(
        "--think", type=float, default=0.0, help="pause moyenne entre deux pages (s)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--newsletters", type=int, default=5)
    parser.add_argument("--broker", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--worker-nice", type=int, default=10, help="priorité du worker Celery (0 : celle du web)"
    )
    parser.add_argument(
        "--entry",
        default="formulaire",
        choices=["formulaire", "tous", "appli"],
        help=(
            "les foyers saisissent par le formulaire d'un compteur, par celui de tous leurs "
            "compteurs, ou par l'API en lot"
        ),
    )
    args = parser.parse_args()
    if args.mix:
        mix = tuple(int(n) for n in args.mix.split(","))
    else:
        mix = (
            args.users // 2,
            args.users * 3 // 10,
            args.users - args.users // 2 - args.users * 3 // 10,
        )
    assert len(mix) == 3, "--mix : trois nombres"
    began = time.perf_counter()
    os.environ["ELAN_SECRET_KEY"] = SECRET_KEY  # the forged sessions' hash uses it
    with ExitStack() as stack:
        broker = stack.enter_context(redis(args.broker))
        if broker:
            os.environ["ELAN_BROKER_URL"] = f"{broker}/0"
            os.environ["ELAN_CACHE_URL"] = f"{broker}/1"
            os.environ["ELAN_RESULTS_PRECOMPUTE"] = "1"
        setup(args.database_url, args.reuse, args.sqlite)
        from django.core.management import call_command
        from django.db import connection

        from measures.models import Reading
        from territories.models import Territory

        if not (args.reuse and Territory.objects.filter(slug__startswith="banc-").exists()):
            started = time.perf_counter()
            call_command("seed_bench", scale=args.scale)
            say(f"Jeu de données construit en {time.perf_counter() - started:.0f} s")
        say(
            f"Base : {connection.vendor} « {connection.settings_dict['NAME']} », "
            f"{Territory.objects.count()} territoires, {Reading.objects.count():,} relevés".replace(
                ",", " "
            )
        )
        the_plan = plan(households=max(200, mix[1] * 20), organisers=mix[2])
        say(
            f"{len(the_plan.households)} foyers et {len(the_plan.organisers)} animateurs connectés "
            "(sessions forgées)"
        )
        connection.close()
        env = server_env(broker)
        if broker:
            # Niced as deploy/systemd/elan-worker.service: on a node shared with
            # the web, results computed in the background yield to the pages.
            nice = ["nice", "-n", str(args.worker_nice)] if args.worker_nice else []
            worker = [*nice, sys.executable, "-m", "celery", "-A", "elan", "worker", "-c", "1"]
            stack.enter_context(_process([*worker, "--loglevel", "warning"], env, "celery"))
        port = _free_port()
        command = [
            *(sys.executable, "-m", "gunicorn", "elan.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "-w", str(args.workers)),
            *("--log-level", "warning", "--timeout", "120"),
        ]
        log = stack.enter_context(_process(command, env, "gunicorn"))
        _wait(port, MINIMAL, log)
        say(
            f"gunicorn -w {args.workers} (sync) sur 127.0.0.1:{port}, "
            f"{'Redis + 1 worker Celery' if broker else 'tâches en processus'} ; "
            f"{sum(mix)} utilisateurs : {mix[0]} visiteurs, {mix[1]} foyers, {mix[2]} animateurs"
        )
        record, stop = Recorder(), threading.Event()
        stored_before = Reading.objects.filter(client_key__startswith=f"ld{RUN}").count()
        threads = run_users(
            port=port, plan=the_plan, mix=mix, think=args.think, stop=stop, record=record,
            entry=args.entry,
        )  # fmt: skip
        letters: list[Letter] = []
        time.sleep(args.warmup)
        cpu_before, measured_from = cpu_seconds(), time.perf_counter()
        half, minimal_half = args.seconds / 2, args.minimal_seconds / 2
        sender = threading.Thread(
            target=newsletters,
            args=(args.newsletters, stop, letters, max(1.0, args.seconds / (args.newsletters + 1))),
        )
        for phase, length in (
            ("journeys", half), ("minimal", minimal_half), ("journeys", half), ("minimal", minimal_half),
        ):  # fmt: skip
            record.phase = phase
            if phase == "journeys" and sender.ident is None:  # once (it may end at once)
                sender.start()
            say(f"  phase {phase} : {length:.0f} s")
            time.sleep(length)
        record.phase = "warmup"  # requests still running are not counted
        cpu_after, measured = cpu_seconds(), time.perf_counter() - measured_from
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        sender.join(timeout=150)
        acknowledged = record.acknowledged_measured
        minimal_rps, over = report(record, args.seconds, args.minimal_seconds)
        stored = Reading.objects.filter(client_key__startswith=f"ld{RUN}").count() - stored_before
        say(f"\nVue minimale, dans le même passage : {minimal_rps:.0f} req/s")
        say(
            f"Relevés : {record.acknowledged} acquittés au total (échauffement compris), "
            f"{stored} en base ; {acknowledged} pendant la mesure, soit "
            f"{acknowledged / args.seconds:.1f} relevés/s"
        )
        if letters:
            table(
                ["lettre (territoire)", "destinataires", "lignes de la boîte d'envoi", "décision ms", "mise en file s"],
                [[x.territory, x.recipients, x.rows, f"{x.decided_ms:.0f}", f"{x.queued_s:.1f}"] for x in letters],
            )  # fmt: skip
        cpu_report(cpu_before, cpu_after, measured)
        queries(the_plan)
        errors = sum(s.errors for s in record.stats.values())
        say(
            f"\nObjectifs : 0 erreur → {errors} ; p95 < 300 ms partout → "
            f"{'oui' if not over else 'non (' + ', '.join(over) + ')'} ; relevés ≥ 200/s → "
            f"{acknowledged / args.seconds:.0f}/s ; acquittés = en base → "
            f"{'oui' if stored == record.acknowledged else 'NON'}"
        )
        say(f"Durée totale : {time.perf_counter() - began:.0f} s")
        if stored != record.acknowledged:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
