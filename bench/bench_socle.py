"""Benchmark of the Socle: commune search on the full list and the main pages.

Run: .venv/bin/python bench/bench_socle.py [--database-url URL]
It builds a throw-away database (SQLite by default), loads the 35,000
communes and the demo, then prints the median time and the query count of
each request. A benchmark, not a test: figures, no assertion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="elan-bench-")
    os.environ["ELAN_DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elan.settings")
    os.environ["ELAN_EMAIL_URL"] = "locmem://"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def timed(label: str, fn) -> None:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        fn()
        print(f"{label:<45} {time.perf_counter() - start:8.2f} s")

    print(f"Base : {connection.vendor}")
    timed("migrate", lambda: call_command("migrate", verbosity=0))
    timed("load_communes (liste complète)", lambda: call_command("load_communes", verbosity=0))
    timed(
        "load_communes --if-empty",
        lambda: call_command("load_communes", if_empty=True, verbosity=0),
    )
    timed("seed_demo", lambda: call_command("seed_demo", verbosity=0))
    timed("seed_demo (2e passage)", lambda: call_command("seed_demo", verbosity=0))

    client = Client()
    requests = [
        ("/", "accueil"),
        ("/territoires/", "liste des territoires"),
        ("/t/val-de-drome/", "page publique d'un territoire"),
        ("/communes/recherche/?q=cre", "communes « cre » (HTMX)"),
        ("/communes/recherche/?q=saint", "communes « saint »"),
        ("/communes/recherche/?q=26400", "communes code postal 26400"),
        ("/communes/recherche/?q=les%20mont", "communes « les mont » (mot interne)"),
        ("/api/v1/communes?q=lyon", "API communes « lyon »"),
        ("/api/v1/territories", "API territoires"),
        ("/api/v1/territories/val-de-drome", "API un territoire"),
    ]
    print(f"\n{'requête':<45} {'médiane':>9} {'p95':>9} {'requêtes SQL':>13}")
    for url, label in requests:
        durations = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                durations.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        durations.sort()
        p95 = durations[int(len(durations) * 0.95) - 1]
        print(f"{label:<45} {statistics.median(durations):7.1f}ms {p95:7.1f}ms {len(queries):>13}")


if __name__ == "__main__":
    main()
