"""Benchmark of the results engine: a challenge of N households × 3 meters.

Run: .venv/bin/python bench/bench_results.py [--sizes 400,4000,40000]
It builds a throw-away SQLite database (bulk_create): per household a gas,
an electricity and a water meter read every 15 days over the reference and
challenge periods, plus daily degree days for the zone. Then it prints the
time to compute all results cold (no cache), the time of a cache hit, and,
when the URL `measures:challenge_results` exists, the time to render the
results page through the test Client. A benchmark, not a test: figures only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START, END = dt.date(2025, 12, 1), dt.date(2026, 4, 30)
TODAY = dt.date(2026, 4, 30)  # last day: the challenge is still running
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="400,4000,40000")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tmp = tempfile.mkdtemp(prefix="elan-bench-results-")
    os.environ["ELAN_DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elan.settings")
    os.environ["ELAN_EMAIL_URL"] = "locmem://"

    import django

    django.setup()
    from django.utils import timezone

    # The pages take today from the clock: here, the challenge's last day.
    timezone.localdate = lambda *args, **kwargs: TODAY  # type: ignore[assignment]
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from measures.factors import current_factor_set
    from measures.results import challenge_results, compute_challenge_results

    print(f"Base : {connection.vendor} ({tmp})")
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate : {time.perf_counter() - t0:.1f} s")
    zone, commune, territory = _world()
    factor_set = current_factor_set(TODAY)
    previous: float | None = None
    prev_n = 0
    for n in sizes:
        t0 = time.perf_counter()
        challenge, readings = _build(n, zone, commune, territory)
        built = time.perf_counter() - t0
        print(f"\nN = {n:,} foyers, {3 * n:,} compteurs, {readings:,} relevés")
        print(f"  construction de la base      {built:8.1f} s")
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            payload = compute_challenge_results(challenge, today=TODAY, factor_set=factor_set)
            cold = time.perf_counter() - t0
        print(
            f"  calcul à froid (sans cache)  {cold * 1000:8.0f} ms, "
            f"{len(ctx.captured_queries)} requêtes, "
            f"{payload['energy']['households_complete']:,} foyers complets, "
            f"économies {payload['energy']['savings_pct']} %"
        )
        t0 = time.perf_counter()
        challenge_results(challenge, today=TODAY)
        stored = time.perf_counter() - t0
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            challenge_results(challenge, today=TODAY)
            hit = time.perf_counter() - t0
        print(f"  calcul + mise en cache       {stored * 1000:8.0f} ms")
        print(
            f"  lecture du cache             {hit * 1000:8.0f} ms, {len(ctx.captured_queries)} requêtes"
        )
        _render_page(challenge)
        _precomputed(challenge)
        if previous is not None:
            print(f"  croissance : ×{cold / previous:.1f} pour ×{n / prev_n:.0f} foyers")
        previous, prev_n = cold, n


def _render_page(challenge) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from tests.factories import MembershipFactory, UserFactory

    try:
        url = reverse("measures:challenge_results", args=[challenge.territory.slug, challenge.slug])
    except NoReverseMatch:
        print("  page des résultats           (URL measures:challenge_results absente)")
        return
    user = UserFactory()
    MembershipFactory(user=user, territory=challenge.territory)  # an organiser
    client = Client()
    client.force_login(user)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
    print(
        f"  page des résultats (équipe d'animation, avec les exclusions) {min(times) * 1000:8.0f} ms "
        f"(HTTP {response.status_code})"
    )


def _precomputed(challenge) -> None:  # type: ignore[no-untyped-def]
    """With ELAN_RESULTS_PRECOMPUTE: a write queues one task, the visitor's
    page reads the latest public part meanwhile, the task computes."""
    import json

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from challenges.models import Registration
    from measures import tasks
    from measures.models import ResultSnapshot
    from measures.results.cache import results_invalidate, results_precompute

    settings.ELAN_RESULTS_PRECOMPUTE = True
    queued: list[int] = []
    real = tasks.precompute_results.apply_async
    tasks.precompute_results.apply_async = lambda args, **kw: queued.append(args[0])  # type: ignore[method-assign]
    try:
        households = Registration.objects.filter(challenge=challenge).values_list(
            "household_id", flat=True
        )
        for household_id in households[:100]:  # 100 households enter a reading
            results_invalidate(household_id=household_id)
        url = reverse("measures:challenge_results", args=[challenge.territory.slug, challenge.slug])
        client = Client()
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t0)
        print(
            f"  100 écritures → tâches       {len(queued)} en file (une par défi)\n"
            f"  page visiteur, tâche en cours {min(times) * 1000:7.0f} ms, "
            f"{len(ctx.captured_queries)} requêtes (HTTP {response.status_code}, dernier instantané)"
        )
        t0 = time.perf_counter()
        computed = results_precompute(challenge.pk, today=TODAY)
        print(
            f"  tâche de précalcul           {(time.perf_counter() - t0) * 1000:8.0f} ms ({computed})"
        )
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        print(
            f"  page visiteur, à jour        {min(times) * 1000:8.0f} ms (HTTP {response.status_code})"
        )
        snapshot = ResultSnapshot.objects.filter(challenge=challenge).latest("computed_at")
        whole = len(json.dumps(snapshot.payload)) / 1024
        public = len(json.dumps(snapshot.public_payload)) / 1024
        print(f"  instantané : {whole:,.0f} Kio en tout, {public:,.0f} Kio de partie publique")
    finally:
        tasks.precompute_results.apply_async = real  # type: ignore[method-assign]
        settings.ELAN_RESULTS_PRECOMPUTE = False


def _world():  # type: ignore[no-untyped-def]
    from measures.engine import spread_monthly_dju
    from measures.models import DegreeDay, WeatherZone
    from tests.factories import CommuneFactory, DepartmentFactory, TerritoryFactory

    department = DepartmentFactory(code="26")
    commune = CommuneFactory(department=department)
    territory = TerritoryFactory(slug="bench")
    zone = WeatherZone.objects.create(code="bench", name="Zone du banc d'essai")
    zone.departments.add(department)
    rows = []
    for year, month, total in (
        (2024, 12, 380),
        (2025, 1, 420),
        (2025, 2, 350),
        (2025, 3, 300),
        (2025, 4, 200),
        (2025, 12, 400),
        (2026, 1, 430),
        (2026, 2, 330),
        (2026, 3, 280),
        (2026, 4, 190),
    ):
        rows += [
            DegreeDay(zone=zone, day=day, value=Decimal(f"{value:.3f}"))
            for day, value in spread_monthly_dju(year, month, total)
        ]
    DegreeDay.objects.bulk_create(rows)
    return zone, commune, territory


def _build(n: int, zone, commune, territory):  # type: ignore[no-untyped-def]
    import random

    from accounts.models import Household
    from challenges.models import Registration, RegistrationStatus, Team
    from measures.models import Meter, Reading
    from tests.factories import ChallengeFactory

    rng = random.Random(n)
    challenge = ChallengeFactory(
        territory=territory,
        slug=f"bench-{n}",
        starts_on=START,
        ends_on=END,
        registration_opens_on=dt.date(2025, 10, 1),
        registration_closes_on=dt.date(2025, 11, 30),
        max_households=2000,
    )
    teams = Team.objects.bulk_create(
        [Team(challenge=challenge, name=f"Équipe {i}") for i in range(max(1, n // 8))]
    )
    households = Household.objects.bulk_create(
        [
            Household(
                name=f"Foyer {n}-{i}",
                adults=2,
                children=rng.randint(0, 3),
                housing_type="maison",
                surface_m2=90,
                main_heating="gaz",
                commune=commune,
            )
            for i in range(n)
        ],
        batch_size=BATCH,
    )
    Registration.objects.bulk_create(
        [
            Registration(
                challenge=challenge,
                household=h,
                status=RegistrationStatus.SELECTED,
                team=teams[i % len(teams)],
            )
            for i, h in enumerate(households)
        ],
        batch_size=BATCH,
    )
    specs = (
        ("gaz", "m3", Decimal("1"), 3.0),
        ("electricite", "kWh", Decimal("0"), 10.0),
        ("eau", "m3", Decimal("0"), 0.3),
    )
    meters = Meter.objects.bulk_create(
        [
            Meter(household=h, carrier=c, unit=u, label=c, heating_share=share)
            for h in households
            for c, u, share, _per_day in specs
        ],
        batch_size=BATCH,
    )
    per_day = {c: d for c, _u, _s, d in specs}
    days = []
    for first, last in (
        (dt.date(2024, 11, 20), dt.date(2025, 5, 10)),
        (START - dt.timedelta(days=10), END + dt.timedelta(days=10)),
    ):
        day = first
        while day <= last:
            days.append(day)
            day += dt.timedelta(days=15)
    count = 0
    batch: list[Reading] = []
    for meter in meters:
        value = 1000.0
        saving = rng.uniform(0.8, 1.05)
        for day in days:
            rate = per_day[meter.carrier] * (
                saving if day.year == 2026 or (day.month == 12 and day.year == 2025) else 1
            )
            value += rate * 15
            batch.append(Reading(meter=meter, read_on=day, value=Decimal(f"{value:.3f}")))
        if len(batch) >= BATCH:
            Reading.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    Reading.objects.bulk_create(batch)
    count += len(batch)
    return challenge, count


if __name__ == "__main__":
    main()
