"""Benchmark of the comparison across territories: 100 territories in 13
regions × 5 years of closed challenges with final results (500 challenges),
then the page /comparaisons/ unfiltered, by region, by year and by theme, its
CSV export and GET /api/v1/comparisons: time (best of 5) and query count, at
10 and at 100 territories to show that the count does not grow.

Run:
    .venv/bin/python bench/bench_comparison.py      # SQLite, var/bench/comparison.sqlite3
    .venv/bin/python bench/bench_comparison.py \\
        --database-url postgres://postgres@127.0.0.1:5432/elan_bench_comparison

Each snapshot's payload has the shape of the results engine's (energy, water,
waste blocks, 8 teams, 30 households in the private part, which the
comparison never reads). A benchmark, not a test: figures only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

import benchkit
from benchkit import ROOT, say, table

YEARS = [2021, 2022, 2023, 2024, 2025]
REGIONS = [
    ("84", "Auvergne-Rhône-Alpes"),
    ("27", "Bourgogne-Franche-Comté"),
    ("53", "Bretagne"),
    ("24", "Centre-Val de Loire"),
    ("94", "Corse"),
    ("44", "Grand Est"),
    ("32", "Hauts-de-France"),
    ("11", "Île-de-France"),
    ("28", "Normandie"),
    ("75", "Nouvelle-Aquitaine"),
    ("76", "Occitanie"),
    ("52", "Pays de la Loire"),
    ("93", "Provence-Alpes-Côte d'Azur"),
]


def _payload(rng: random.Random, households: int) -> dict:
    def block(pct: float) -> dict:
        return {
            "households_total": households,
            "households_complete": households - rng.randint(0, 4),
            "savings_pct": round(pct, 1),
            "mean_household_pct": round(pct + rng.uniform(-1, 1), 1),
            "savings_kwh_per_household": round(pct * 110),
            "savings_kwh_per_person": round(pct * 45),
            "savings_m3_per_person_year": round(pct / 4, 2),
            "residual_reduction_pct": round(pct * 2, 1),
            "avoided_tonnes": round(pct / 3, 3),
            "objective_pct": 8.0,
        }

    return {
        "factor_set": {"id": 1, "name": "Table de démonstration"},
        "climate": {"corrected": True, "zones": {"26": {"ratio": 0.98}}},
        "energy": block(rng.uniform(2, 16)),
        "water": block(rng.uniform(1, 12)),
        "waste": block(rng.uniform(5, 30)),
        "teams": [{"id": i, "name": f"Équipe {i}", "rank": i} for i in range(8)],
        "progress": {"weeks": [f"2025-12-{d:02d}" for d in range(1, 29, 7)]},
    }


def _build(territories: int, first: int) -> int:
    from challenges.models import Challenge, Team
    from measures.factors import current_factor_set
    from measures.models import ResultSnapshot
    from measures.results.cache import public_part
    from territories.models import Region, Territory

    rng = random.Random(territories)
    factor_set = current_factor_set()
    regions = [Region.objects.get_or_create(code=c, defaults={"name": n})[0] for c, n in REGIONS]
    created = 0
    for index in range(first, territories):
        territory = Territory.objects.create(
            name=f"Territoire {index:03d}",
            slug=f"territoire-{index:03d}",
            kind="epci",
            region=regions[index % len(regions)],
        )
        for year in YEARS:
            start = dt.date(year, 12, 1)
            challenge = Challenge.objects.create(
                territory=territory,
                slug=f"defi-{year}",
                title=f"Défi {year}-{year + 1}",
                themes=["energie", "eau", "dechets"],
                registration_opens_on=start - dt.timedelta(days=60),
                registration_closes_on=start - dt.timedelta(days=5),
                starts_on=start,
                ends_on=start + dt.timedelta(days=150),
                published_at=dt.datetime(year, 9, 1, tzinfo=dt.UTC),
            )
            Team.objects.bulk_create(
                Team(challenge=challenge, name=f"Équipe {i}") for i in range(8)
            )
            payload = _payload(rng, rng.randint(20, 450))
            whole = {**payload, "households": {str(i): {"energy": {}} for i in range(30)}}
            ResultSnapshot.objects.create(
                challenge=challenge,
                factor_set=factor_set,
                data_version=0,
                payload=whole,
                public_payload=public_part(whole),
                is_final=True,
            )
            created += 1
    return created


def _best(call, runs: int = 5) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    best, queries, status = float("inf"), 0, 0
    for _ in range(runs):
        response, ms, queries = benchkit.timed(call)
        best = min(best, ms)
        status = response.status_code
    return best, queries, status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    benchkit.setup(args.database_url, args.reuse, ROOT / "var" / "bench" / "comparison.sqlite3")
    from django.db import connection
    from django.test import Client

    say(f"Base : {connection.vendor}")
    client = Client()
    pages = [
        ("page, sans filtre (énergie)", "/comparaisons/"),
        ("page, une région", "/comparaisons/?region=44"),
        ("page, une année, par foyers", "/comparaisons/?annee=2024&tri=foyers"),
        ("page, déchets", "/comparaisons/?theme=dechets"),
        ("CSV, sans filtre", "/comparaisons.csv"),
        ("API, sans filtre", "/api/v1/comparisons"),
    ]
    rows = []
    built = 0
    for territories in (10, 100):
        started = time.perf_counter()
        built += _build(territories, first=built // len(YEARS))
        say(
            f"\n{territories} territoires × {len(YEARS)} ans = {built} défis clos "
            f"(construits en {time.perf_counter() - started:.1f} s)"
        )
        for label, url in pages:
            ms, queries, status = _best(lambda u=url: client.get(u))
            rows.append([f"{territories} × {len(YEARS)}", label, f"{ms:.0f}", queries, status])
    say("")
    table(["Défis", "Requête", "ms (meilleur de 5)", "requêtes", "HTTP"], rows)


if __name__ == "__main__":
    main()
