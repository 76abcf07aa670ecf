"""Benchmark of a viral pledge campaign: 1,000,000 confirmed commitments.

Run: .venv/bin/python bench/bench_pledges.py [--size 1000000] [--small-size 10000]
         [--concurrency 8] [--duration 10] [--warmup 2] [--workers 2] [--threads 4]
         [--reuse] [--database-url URL]

It builds two open campaigns in a territory of 300 communes, one with --size
confirmed commitments and one with --small-size, in var/bench/pledges.sqlite3
(rebuilt each time unless --reuse) or in the database of --database-url /
ELAN_DATABASE_URL (PostgreSQL). Rows are written by one INSERT … SELECT per
campaign: a million ORM objects would take minutes.

Then it serves Élan with gunicorn on 127.0.0.1 (ELAN_DEBUG=0, the cache of
ELAN_CACHE_URL or else local memory in each process, bench/settings_bench.py
adding a minimal view) and loads it with concurrent keep-alive clients
(threads + http.client) for a fixed time after a warm-up: the minimal view,
the widget, the campaign page at both sizes and its counter partial. It prints
requests/s, p50/p95 latencies, the widget's share of the minimal view's
throughput (target ≥ 70 %), and the query counts of those pages at both sizes,
measured in process with CaptureQueriesContext (target: equal). A benchmark:
figures, no assertion but that every answer is a 200.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchkit import stop  # noqa: E402

DEFAULT_DATABASE = ROOT / "var" / "bench" / "pledges.sqlite3"
TERRITORY = "banc-viral"
BIG, SMALL = "virale", "moyenne"
COMMUNES = 300
TARGET_RATIO = 0.70
LABELS = {"widget": "widget", "page": "page de la campagne", "counter": "compteur (partiel HTMX)"}


@dataclass
class Load:
    """What the clients saw of one URL during the measured window."""

    label: str
    size: int | None
    path: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    # Seconds until every client had its first answer (and the fixed warm-up passed).
    warmup: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[int(share * (len(ordered) - 1))] * 1000 if ordered else 0.0


# --- data ----------------------------------------------------------------------------


def bench_territory() -> tuple[Any, list[str]]:
    """The published territory of the benchmark and the codes of its 300 communes."""
    from territories.models import (
        Commune,
        Department,
        Region,
        Territory,
        TerritoryKind,
        normalize_name,
    )

    region, _ = Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})
    department, _ = Department.objects.get_or_create(
        code="26", defaults={"name": "Drôme", "region": region}
    )
    codes = [f"B{i:04d}" for i in range(COMMUNES)]
    Commune.objects.bulk_create(
        [
            Commune(
                insee_code=code,
                name=f"Commune du banc {i + 1}",
                search_name=normalize_name(f"Commune du banc {i + 1}"),
                postal_codes=f" 26{i:03d}",
                department=department,
                population=500 + 37 * i,
                latitude=Decimal("44.40000") + Decimal(i % 20) * Decimal("0.03"),
                longitude=Decimal("4.70000") + Decimal(i // 20) * Decimal("0.05"),
            )
            for i, code in enumerate(codes)
        ],
        ignore_conflicts=True,
    )
    territory, _ = Territory.objects.get_or_create(
        slug=TERRITORY,
        defaults={
            "name": "Banc d'essai — campagne virale",
            "kind": TerritoryKind.EPCI,
            "region": region,
        },
    )
    territory.communes.add(*codes)
    return territory, codes


def build_campaign(*, territory: Any, communes: list[str], slug: str, size: int) -> Any:
    """An open campaign with `size` confirmed commitments and its counter set."""
    from django.db import transaction
    from django.utils import timezone

    from territories.bench_data import open_campaign
    from territories.models import Partner

    now = timezone.now()
    sponsor, _ = Partner.objects.get_or_create(
        territory=territory, name="Mairie du banc", defaults={"url": "https://mairie.example.org"}
    )
    with transaction.atomic():
        campaign = open_campaign(
            territory=territory,
            sponsor=sponsor,
            slug=slug,
            title=f"À vélo, tout le monde ({_number(size)} engagements)",
            communes=communes,
            size=size,
            now=now,
        )
    campaign.refresh_from_db()
    return campaign


def insert_commitments(*, campaign: Any, communes: list[str], size: int, now: dt.datetime) -> None:
    """`size` confirmed commitments in one statement (shared with `manage.py seed_bench`)."""
    from territories.bench_data import insert_commitments as insert

    insert(campaign=campaign, communes=communes, size=size, now=now)


def prepare(*, size: int, small_size: int, reuse: bool) -> tuple[Any, Any, list[str]]:
    """The two campaigns, built or (with --reuse) found; and what it took."""
    from pledges.models import Campaign

    territory, communes = bench_territory()
    campaigns, lines = [], []
    for slug, wanted in ((BIG, size), (SMALL, small_size)):
        existing = Campaign.objects.filter(territory=territory, slug=slug).first()
        if existing is not None:
            rows = existing.commitments.count()
            if not reuse or existing.participants_count != wanted or rows != wanted:
                raise SystemExit(
                    f"La base contient déjà la campagne « {slug} » ({_number(rows)} engagements) : "
                    f"relancez avec --reuse et --size {rows}, ou sur une base vide."
                )
            lines.append(f"campagne « {slug} » réutilisée : {_number(wanted)} engagements")
            campaigns.append(existing)
            continue
        started = time.perf_counter()
        campaigns.append(
            build_campaign(territory=territory, communes=communes, slug=slug, size=wanted)
        )
        lines.append(
            f"campagne « {slug} » construite : {_number(wanted)} engagements confirmés "
            f"en {time.perf_counter() - started:.1f} s"
        )
    return campaigns[0], campaigns[1], lines


# --- measures ------------------------------------------------------------------------


def paths(campaign: Any) -> dict[str, str]:
    from django.urls import reverse

    args = [campaign.territory.slug, campaign.slug]
    return {
        "widget": reverse("pledges:widget", args=args),
        "page": reverse("pledges:detail", args=args),
        "counter": reverse("pledges:counter", args=args),
    }


@dataclass
class InProcess:
    """One page shown twice in process: cache empty, then warm."""

    queries: tuple[int, int]
    milliseconds: tuple[float, float]


def in_process(campaigns: list[Any]) -> dict[str, dict[int, InProcess]]:
    """Queries and time of each page per campaign size, cold then warm cache."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    seen: dict[str, dict[int, InProcess]] = {}
    for campaign in campaigns:
        for name, path in paths(campaign).items():
            cache.clear()
            queries, times = [], []
            for _ in range(2):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{path} : HTTP {response.status_code}")
                queries.append(len(captured.captured_queries))
            seen.setdefault(name, {})[campaign.participants_count] = InProcess(
                (queries[0], queries[1]), (times[0], times[1])
            )
    return seen


def load(
    base_url: str,
    path: str,
    *,
    concurrency: int,
    duration: float,
    warmup: float,
    warmup_limit: float = 120.0,
    expect: int = 200,
) -> Load:
    """`concurrency` keep-alive clients ask for `path` in a loop. Each warms up
    for `warmup` seconds and until it got one answer (a page whose cache is
    cold in every server process may take long: that time is reported apart);
    then all send requests together for `duration` seconds, and the throughput
    is the answers received over the time until the last one."""
    url = urllib.parse.urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    begin = time.perf_counter()
    result = Load(label="", size=None, path=path, seconds=0.0)
    window: dict[str, float] = {}
    lock = threading.Lock()

    def open_window() -> None:
        window["from"] = time.perf_counter()
        window["to"] = window["from"] + duration
        result.warmup = window["from"] - begin

    barrier = threading.Barrier(concurrency, action=open_window)

    def client() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=warmup_limit)

        def fetch() -> int:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.will_close:
                    connection.close()
                return response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                return 0

        answered = False
        while not answered or time.perf_counter() < begin + warmup:
            if time.perf_counter() > begin + warmup + warmup_limit:
                break
            answered = fetch() == expect or answered
        barrier.wait()
        latencies, errors, end = [], 0, window["from"]
        # A request started in the window counts; the window ends with the last answer.
        while (start := time.perf_counter()) < window["to"]:
            status = fetch()
            end = time.perf_counter()
            if status == expect:
                latencies.append(end - start)
            else:
                errors += 1
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            result.seconds = max(result.seconds, end - window["from"])

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


def measure_all(
    base_url: str, big: Any, small: Any, *, concurrency: int, duration: float, warmup: float
) -> list[Load]:
    from pledges.views.public import counter_key

    # What a page open in a browser polls every 10 s: 204 while nothing changed.
    unchanged = f"{paths(big)['counter']}?vu={urllib.parse.quote(counter_key(big))}"
    targets = [
        ("vue Django minimale", None, "/bench/minimal/", 200),
        (LABELS["widget"], big.participants_count, paths(big)["widget"], 200),
        (LABELS["page"], big.participants_count, paths(big)["page"], 200),
        (LABELS["page"], small.participants_count, paths(small)["page"], 200),
        (LABELS["counter"], big.participants_count, paths(big)["counter"], 200),
        ("compteur inchangé (204)", big.participants_count, unchanged, 204),
    ]
    loads = []
    for label, size, path, expect in targets:
        measured = load(
            base_url,
            path,
            concurrency=concurrency,
            duration=duration,
            warmup=warmup,
            expect=expect,
        )
        measured.label, measured.size = label, size
        loads.append(measured)
    return loads


# --- server --------------------------------------------------------------------------


def server_environment(database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "ELAN_DATABASE_URL": database_url,
        "ELAN_DEBUG": "0",
        "ELAN_SECRET_KEY": secrets.token_urlsafe(50),
        "ELAN_SSL_REDIRECT": "0",
        "ELAN_SECURE_COOKIES": "0",
        "ELAN_HSTS_SECONDS": "0",
        "ELAN_EMAIL_URL": "locmem://",
        "ELAN_LOG_LEVEL": "WARNING",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(*, workers: int, threads: int) -> Iterator[str]:
    """Élan under gunicorn on the loopback, for the time of the block."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        *(sys.executable, "-m", "gunicorn", "elan.wsgi:application"),
        *("--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)),
        *("--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads)),
        *("--keep-alive", "5", "--log-level", "warning"),
    ]
    with tempfile.NamedTemporaryFile(prefix="elan-bench-gunicorn-", suffix=".log") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log, env=os.environ.copy())  # noqa: S603
        try:
            _wait_until_ready(base_url, process, Path(log.name))
            yield base_url
        finally:
            stop(process)


def _wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    url = urllib.parse.urlsplit(base_url)
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn s'est arrêté :\n{log.read_text()[-3000:]}")
        try:
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=2)
            connection.request("GET", "/bench/minimal/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"gunicorn ne répond pas sur {base_url} :\n{log.read_text()[-3000:]}")


# --- report --------------------------------------------------------------------------


def _number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", " ")


def print_report(
    loads: list[Load],
    seen: dict[str, dict[int, InProcess]],
    *,
    concurrency: int,
    duration: float,
) -> None:
    minimal = next(item for item in loads if item.size is None)
    print(
        f"\nDébit sous charge ({concurrency} clients simultanés, {duration:g} s mesurées par ligne)"
    )
    print(
        f"{'requête':<26} {'engagements':>12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'erreurs':>8} {'/ minimale':>10} {'chauffe s':>10}"
    )
    for item in loads:
        share = item.per_second / minimal.per_second if minimal.per_second else 0.0
        print(
            f"{item.label:<26} {_number(item.size):>12} {item.per_second:>8.1f} "
            f"{item.percentile_ms(0.50):>8.1f} {item.percentile_ms(0.95):>8.1f} "
            f"{item.errors:>8} {share * 100:>8.0f} % {item.warmup:>10.1f}"
        )
    sizes = sorted({size for per_size in seen.values() for size in per_size})
    print("\nUn affichage dans le processus : requêtes SQL et durée, cache vide → cache chaud")
    print(f"{'requête':<26}" + "".join(f" {_number(size) + ' engagements':>28}" for size in sizes))
    for name, per_size in seen.items():
        cells = ""
        for size in sizes:
            one = per_size[size]
            cell = (
                f"{one.queries[0]} → {one.queries[1]} req., "
                f"{one.milliseconds[0]:.0f} → {one.milliseconds[1]:.0f} ms"
            )
            cells += f" {cell:>28}"
        print(f"{LABELS.get(name, name):<26}{cells}")

    widget = next(item for item in loads if item.label == LABELS["widget"])
    ratio = widget.per_second / minimal.per_second if minimal.per_second else 0.0
    verdict = "atteint" if ratio >= TARGET_RATIO else "NON ATTEINT"
    print(
        f"\nWidget / vue minimale : {ratio * 100:.0f} % "
        f"(objectif ≥ {TARGET_RATIO * 100:.0f} %) — {verdict}"
    )
    page = seen["page"]
    same = len({page[size].queries for size in sizes}) == 1
    verdict = "les mêmes à chaque taille — atteint" if same else "varient — NON ATTEINT"
    print(f"Requêtes de la page de la campagne : {verdict}")
    failed = [item for item in loads if item.errors or not item.latencies]
    if failed:
        print("Réponses en erreur : " + ", ".join(f"{i.label} ({i.errors})" for i in failed))


def describe_machine(*, database: str) -> None:
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


# --- main ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--small-size", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="secondes mesurées par URL")
    parser.add_argument("--warmup", type=float, default=2.0, help="secondes de chauffe par URL")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="réutilise la base déjà construite")
    parser.add_argument("--database-url", default=os.environ.get("ELAN_DATABASE_URL", ""))
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if not args.database_url:
        DEFAULT_DATABASE.parent.mkdir(parents=True, exist_ok=True)
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{DEFAULT_DATABASE}{suffix}").unlink(missing_ok=True)
    database_url = args.database_url or f"sqlite:///{DEFAULT_DATABASE}"
    os.environ.update(server_environment(database_url))

    import django

    # WhiteNoise warns that STATIC_ROOT is missing: the files come from the finders.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    import gunicorn as gunicorn_package
    from django.conf import settings
    from django.core.management import call_command

    print("Banc d'essai : une campagne d'engagements virale")
    describe_machine(database=database_url.split("@")[-1])
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(
        f"Serveur : gunicorn {gunicorn_package.__version__}, {args.workers} processus × "
        f"{args.threads} fils (gthread), 127.0.0.1, ELAN_DEBUG=0, cache {cache}"
        + (" (un par processus)" if cache == "LocMemCache" else "")
    )
    print(
        f"Clients : {args.concurrency} fils (http.client, keep-alive), "
        f"{args.warmup:g} s de chauffe puis {args.duration:g} s mesurées par URL\n"
    )
    step = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate : {time.perf_counter() - step:.1f} s")
    big, small, lines = prepare(size=args.size, small_size=args.small_size, reuse=args.reuse)
    print("\n".join(lines))

    seen = in_process([small, big])
    with gunicorn(workers=args.workers, threads=args.threads) as base_url:
        loads = measure_all(
            base_url,
            big,
            small,
            concurrency=args.concurrency,
            duration=args.duration,
            warmup=args.warmup,
        )
    print_report(loads, seen, concurrency=args.concurrency, duration=args.duration)
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nDurée totale : {time.perf_counter() - started:.0f} s (charge moyenne {load_average})")


if __name__ == "__main__":
    main()
