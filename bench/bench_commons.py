"""Benchmark of the commons at national scale: 10,000 resources, 100,000
revisions, 300,000 comments.

Run: .venv/bin/python bench/bench_commons.py [--resources 10000] [--revisions 10]
         [--comments 30] [--searches 200] [--reuse] [--database-url URL]

It builds the data in var/bench/commons.sqlite3 (rebuilt each time unless
--reuse) or in the database of --database-url / ELAN_DATABASE_URL
(PostgreSQL), with bulk inserts and the search index written by
commons.search.index_resources, then prints, in process:

- search latency p50/p95 over --searches queries (target p95 < 100 ms on
  PostgreSQL), each a full results page with its 6 facets and snippets;
- the resource page with 300 comments: time and query count, against the
  same page with 3 comments (target: equal counts);
- the diff of two revisions of a 5,000-word resource;
- the PDF export time of one experience sheet (target < 2 s).

A benchmark: figures, no assertion but that every answer is a 200.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = ROOT / "var" / "bench" / "commons.sqlite3"

WORDS = [
    "compostage",
    "composter",
    "jardin",
    "partagé",
    "énergie",
    "solaire",
    "citoyenne",
    "rénovation",
    "école",
    "cantine",
    "producteurs",
    "locaux",
    "mobilité",
    "covoiturage",
    "vélo",
    "santé",
    "canicule",
    "registre",
    "voisins",
    "entraide",
    "réparation",
    "recyclerie",
    "monnaie",
    "locale",
    "commande",
    "publique",
    "clauses",
    "insertion",
    "eau",
    "potable",
    "biodiversité",
    "haies",
    "arbres",
    "fraîcheur",
    "participation",
    "instance",
    "enquête",
    "habitants",
    "diagnostic",
    "résilience",
    "commune",
    "village",
    "hameau",
    "bourg",
    "intercommunalité",
    "association",
    "bénévoles",
    "déchets",
]
QUERIES = [
    "compostage", "composter", "énergie citoyenne", "cantine locale", "canicule", "vélo",
    "monnaie", "réparation", "jardin partagé", "diagnostic habitants", "eau", "haies arbres",
]  # fmt: skip


def _setup(database_url: str | None, reuse: bool) -> bool:
    if database_url:
        os.environ["ELAN_DATABASE_URL"] = database_url
    else:
        DEFAULT_DATABASE.parent.mkdir(parents=True, exist_ok=True)
        if not reuse and DEFAULT_DATABASE.exists():
            DEFAULT_DATABASE.unlink()
        os.environ["ELAN_DATABASE_URL"] = f"sqlite:///{DEFAULT_DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elan.settings")
    os.environ.setdefault("ELAN_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from commons.models import Resource

    return reuse and Resource.objects.filter(slug__startswith="banc-").exists()


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _build(resources: int, revisions: int, comments: int) -> None:
    from django.db import connection, transaction

    from commons.models import Axis, Comment, Resource, Revision
    from commons.search import index_resources
    from tests.factories import UserFactory

    rng = random.Random(2026)
    author = UserFactory(email="banc-commun@example.org")
    axes = list(Axis.objects.all())
    kinds = ["fiche_action", "outil", "methode", "retour_experience", "guide"]
    started = time.perf_counter()
    with transaction.atomic():
        rows = [
            Resource(
                slug=f"banc-{i}",
                kind=kinds[i % len(kinds)],
                title=f"{_text(rng, 4).capitalize()} n° {i}",
                summary=_text(rng, 25),
                body=_text(rng, 150),
                search_text="",
                axis=axes[i % len(axes)] if axes else None,
                theme=["energie", "dechets", "alimentation", "sante", ""][i % 5],
                for_rural=i % 2 == 0,
                for_urban=i % 3 == 0,
                stage=["disponible", "teste", "valide"][i % 3],
                created_by=author,
            )
            for i in range(resources)
        ]
        for row in rows:
            row.search_text = row.body
        Resource.objects.bulk_create(rows, batch_size=1000)
        ids = list(Resource.objects.filter(slug__startswith="banc-").values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            Revision.objects.bulk_create(
                Revision(
                    resource_id=pk,
                    number=n,
                    kind="modification",
                    data={"title": f"n° {pk}", "body": _text(rng, 60)},
                    author=author,
                )
                for pk in ids[start : start + 1000]
                for n in range(1, revisions + 1)
            )
        last = dict(Revision.objects.filter(number=revisions).values_list("resource_id", "pk"))
        for pk, rid in last.items():
            Resource.objects.filter(pk=pk).update(current_revision_id=rid)
        for start in range(0, len(ids), 500):
            Comment.objects.bulk_create(
                Comment(resource_id=pk, author=author, body=_text(rng, 20))
                for pk in ids[start : start + 500]
                for _ in range(comments)
            )
        index_resources(ids, connection)
    print(
        f"Données : {resources} ressources, {resources * revisions} versions, "
        f"{resources * comments} commentaires en {time.perf_counter() - started:.1f} s"
    )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _search(count: int) -> None:
    from django.contrib.auth.models import AnonymousUser

    from commons import selectors

    timings = []
    for i in range(count):
        started = time.perf_counter()
        page = selectors.search_page(
            user=AnonymousUser(), query=QUERIES[i % len(QUERIES)], filters=selectors.Filters()
        )
        timings.append((time.perf_counter() - started) * 1000)
        assert page.results is not None
    print(
        f"Recherche ({count} requêtes, page + 6 facettes + extraits) : "
        f"p50 {_pct(timings, 0.5):.1f} ms, p95 {_pct(timings, 0.95):.1f} ms"
    )


def _page() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from commons.models import Comment, Resource

    client = Client()
    few, many = Resource.objects.filter(slug__in=["banc-1", "banc-2"]).order_by("slug")
    Comment.objects.filter(resource=few).delete()
    Comment.objects.bulk_create(Comment(resource=few, body=f"c{i}") for i in range(3))
    Comment.objects.filter(resource=many).delete()
    Comment.objects.bulk_create(Comment(resource=many, body=f"c{i}") for i in range(300))
    figures = {}
    for label, resource in (("3", few), ("300", many)):
        client.get(resource.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(resource.get_absolute_url())
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        figures[label] = (len(queries), elapsed)
    print(
        f"Page d'une ressource : 3 commentaires {figures['3'][0]} requêtes / {figures['3'][1]:.0f} ms ; "
        f"300 commentaires {figures['300'][0]} requêtes / {figures['300'][1]:.0f} ms"
    )


def _diff() -> None:
    from commons import diff

    rng = random.Random(5000)
    # Sentences of 15 words; one word in fifty rewritten.
    words = [rng.choice(WORDS) + ("." if i % 15 == 14 else "") for i in range(5000)]
    changed = list(words)
    for i in range(0, 5000, 50):
        changed[i] = rng.choice(WORDS)
    started = time.perf_counter()
    result = diff.changes({"body": " ".join(words)}, {"body": " ".join(changed)})
    elapsed = (time.perf_counter() - started) * 1000
    print(
        f"Diff de deux versions de 5 000 mots : {elapsed:.0f} ms ({len(result[0].segments)} segments)"
    )


def _pdf() -> None:
    from django.test import Client

    client = Client()
    url = "/commun/r/club-optimo-reseau-d-acteurs-de-la-prevention-des-dechets/pdf/"
    client.get(url)  # fonts and styles loaded once
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    print(
        f"PDF d'une fiche retour d'expérience : {statistics.median(timings):.2f} s (médiane de 3)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--revisions", type=int, default=10)
    parser.add_argument("--comments", type=int, default=30)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("ELAN_DATABASE_URL"))
    args = parser.parse_args()
    os.environ.setdefault("ELAN_ALLOWED_HOSTS", "testserver,127.0.0.1")
    if not _setup(args.database_url, args.reuse):
        _build(args.resources, args.revisions, args.comments)
    from django.db import connection

    print(f"Base : {connection.vendor}")
    _search(args.searches)
    _page()
    _diff()
    _pdf()


if __name__ == "__main__":
    main()
