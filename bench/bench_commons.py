"""Benchmark of the commons at the issue's scale: 10,000 resources, 100,000
revisions, 300,000 comments (and 20,000 experience feedbacks).

Run:
    .venv/bin/python bench/bench_commons.py                  # SQLite, var/bench/commons.sqlite3
    .venv/bin/python bench/bench_commons.py --reuse          # the same data, not rebuilt
    .venv/bin/python bench/bench_commons.py \\
        --database-url postgres://postgres@127.0.0.1:5432/elan_bench_commons
    # options: --resources --revisions --comments --feedback --searches --reuse

It builds the data with bulk inserts (batches of 1,000 to 5,000 rows, its
progress printed) in var/bench/commons.sqlite3, or in the PostgreSQL database
named by --database-url / ELAN_DATABASE_URL, which is dropped and created
again unless --reuse: its name must start with `elan_bench`, so that no other
database is ever touched. The search index is written by
commons.search.index_resources, as the services do; then VACUUM ANALYZE
(PostgreSQL, what autovacuum would do next) or ANALYZE (SQLite).

The text is French prose drawn from a vocabulary of about 450 words (with
accents, plurals and verb forms): each resource has four topic words that
come back often, so that a topic word matches about one resource in ten and
a common word (« commune ») nearly all of them.

Then, in process (Django's test client, ELAN_DEBUG=0), it prints:

- the search page (results, 6 facets with counts, snippets, the HTML) p50/p95
  and its query count, per case: one word, several words, word + 1 facet,
  words + 3 facets, no word + 2 facets, the commonest word, the API list;
  French queries with accents and capitals (target p95 < 100 ms on PostgreSQL);
- a resource page with 1 revision and no comment against one with 300
  comments, 110 revisions, 60 feedbacks and 40 contributors: query count
  (asserted equal) and time;
- the diff of two revisions of a 5,000-word resource: the function alone and
  the comparison page;
- the PDF of the OPTIGEDE experience sheet (target < 2 s) and of the big
  resource page;
- the open-data dump of every published resource, JSON and CSV: time, size,
  query count.

A benchmark: figures; it asserts only that every answer is the expected
status and that the resource page's query count does not grow.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchkit import pct, progress, say, setup, table, timed  # noqa: E402

DEFAULT_DATABASE = ROOT / "var" / "bench" / "commons.sqlite3"
PREFIX = "banc-"
BIG, SMALL, LONG = "banc-grande", "banc-petite", "banc-longue"
OPTIGEDE_SHEET = "club-optimo-reseau-d-acteurs-de-la-prevention-des-dechets"

# Words a query looks for: each resource has four of them as its topic.
TOPICS = [
    "compostage", "composteurs", "jardin", "jardins", "partagé", "énergie", "énergétique",
    "solaire", "photovoltaïque", "citoyenne", "rénovation", "isolation", "école", "écoles",
    "cantine", "producteurs", "maraîchers", "mobilité", "covoiturage", "vélo", "santé",
    "canicule", "registre", "voisins", "entraide", "réparation", "recyclerie", "réemploi",
    "monnaie", "commande", "clauses", "insertion", "eau", "potable", "sécheresse",
    "biodiversité", "haies", "arbres", "fraîcheur", "végétalisation", "participation",
    "enquête", "diagnostic", "pesticides", "biodéchets", "déchets", "forêt", "bois",
    "chaufferie", "alimentation", "épicerie", "solidarité", "précarité", "mutuelle",
    "médecins", "pharmacie", "économie", "artisans", "circuits", "foncier",
]  # fmt: skip
# Everything else a sheet says, stop words included (the French configuration drops them).
_VOCABULARY = """
le la les un une des du de d l à au aux et ou pour par avec sans dans sur sous entre vers
chez est sont a ont été être fait faire font peut peuvent doit doivent permet permettent
commune communes village villages bourg hameau hameaux intercommunalité territoire
territoires habitants habitantes élus élues conseil municipal mairie maire adjoint
association associations bénévoles collectif collectifs citoyens citoyennes réseau
projet projets action actions démarche démarches étape étapes année années mois semaine
premier première deuxième troisième nouveau nouvelle nouveaux grand grande petit petite
local locale locaux locales public publique publics publiques collectif partagée
service services technique techniques agent agents équipe équipes référent référents
budget coût coûts financement subvention subventions aide aides région département
État ademe partenaires partenaire convention accord charte règlement délibération
réunion réunions atelier ateliers formation formations visite visites exposition
questionnaire enquêtes résultats résultat bilan bilans indicateur indicateurs suivi
mesure mesures objectif objectifs priorité priorités besoin besoins ressource ressources
outil outils méthode méthodes guide guides fiche fiches exemple exemples retour retours
expérience expériences conseil conseils recommandation recommandations difficulté
difficultés réussite facteur facteurs temps durée planning calendrier printemps été
automne hiver matin soir lieu lieux salle place marché marchés rue quartier quartiers
maison maisons logement logements bâtiment bâtiments école gymnase terrain terrains
parcelle parcelles agriculteurs agricole agricoles terre terres sol sols semences
légumes fruits repas produits produit filière filières vente achat achats prix
chauffage électricité consommation consommations facture factures économies réduire
réduction baisser augmenter développer créer organiser animer accompagner mobiliser
informer sensibiliser former partager construire installer entretenir gérer suivre
mesurer évaluer adapter tester valider lancer ouvrir tenir mener monter impliquer
associer rencontrer écouter décider voter choisir proposer présenter publier diffuser
simple simples facile rapide rapides utile utiles efficace durable durables résilient
résiliente résilience transition climat climatique climatiques risque risques crise
crises sécurité autonomie dépendance vulnérabilité vulnérables personnes âgées isolées
jeunes enfants familles foyers ménages tous toutes chacun chacune ensemble plusieurs
chaque autre autres même aussi ainsi donc alors puis enfin déjà encore toujours souvent
parfois jamais très plus moins beaucoup peu bien mieux trop assez environ près loin
"""
COMMON = _VOCABULARY.split()
QUERIES_ONE = [
    "compostage", "Compostage", "composter", "énergie", "rénovation", "école", "canicule",
    "vélo", "réparation", "biodiversité", "fraîcheur", "maraîchers", "santé", "précarité",
]  # fmt: skip
QUERIES_MANY = [
    "jardin partagé", "énergie citoyenne", "cantine producteurs", "registre canicule",
    "monnaie économie", "commande clauses insertion", "haies arbres", "diagnostic enquête",
    "rénovation énergétique isolation", "eau potable sécheresse", "épicerie solidarité",
]  # fmt: skip


def _setup(database_url: str | None, reuse: bool) -> bool:
    """The bench's database, migrated; True if --reuse finds the data."""
    setup(database_url, reuse, DEFAULT_DATABASE)
    from commons.models import Resource

    return reuse and Resource.objects.filter(slug=BIG).exists()


# --- the data -------------------------------------------------------------------------


class Writer:
    """French-looking prose: sentences of 8–20 words, a resource's topics coming back."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def text(self, words: int, topics: list[str] | None = None) -> str:
        rng = self.rng
        picks = rng.choices(COMMON, k=words)
        if topics:
            for i in range(words):
                draw = rng.random()
                if draw < 0.12:
                    picks[i] = rng.choice(topics)
                elif draw < 0.13:
                    picks[i] = rng.choice(TOPICS)
        out, start = [], 0
        while start < words:
            size = rng.randint(8, 20)
            sentence = picks[start : start + size]
            out.append(sentence[0].capitalize() + " " + " ".join(sentence[1:]) + ".")
            start += size
        return " ".join(out)


def _build(resources: int, revisions: int, comments: int, feedback: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from accounts.models import User
    from commons.models import (
        SNAPSHOT_NAMES,
        Axis,
        Comment,
        CommentStatus,
        Feedback,
        Resource,
        Revision,
    )
    from commons.search import index_resources
    from tests.factories import TerritoryFactory

    writer = Writer(2026)
    rng = writer.rng
    began = time.perf_counter()
    authors = User.objects.bulk_create(
        User(
            email=f"banc{i}@example.org",
            display_name=f"Contributrice {i}",
            password=make_password(None),  # unusable
        )
        for i in range(40)
    )
    territories: list[Any] = [
        TerritoryFactory(name=f"Territoire du banc {i}", slug=f"banc-territoire-{i}")
        for i in range(20)
    ]
    axes = list(Axis.objects.all())
    kinds = ["fiche_action", "outil", "methode", "retour_experience", "guide"]
    themes = ["energie", "dechets", "alimentation", "mobilite", "eau", ""]
    licences = ["cc-by-sa-4.0"] * 6 + [
        "cc-by-4.0",
        "cc0-1.0",
        "licence-ouverte-2.0",
        "tous-droits-reserves",
    ]
    say(
        f"Construction : {resources} ressources × {revisions} versions, "
        f"{comments} commentaires et {feedback} retours d'expérience chacune"
    )

    # Resources, their text kept to write their revisions.
    started = time.perf_counter()
    bodies: dict[str, tuple[list[str], dict[str, Any]]] = {}
    for start in range(0, resources, 1000):
        rows: list[Any] = []
        for i in range(start, min(start + 1000, resources)):
            topics = rng.sample(TOPICS, 4)
            summary = writer.text(30, topics)
            body = writer.text(rng.randint(200, 400), topics)
            kind = rng.choice(kinds)
            extra = {}
            if kind == "retour_experience":
                extra = {
                    "context": writer.text(60, topics),
                    "results_quantitative": writer.text(30, topics),
                    "recommendations": writer.text(40, topics),
                }
            slug = f"{PREFIX}{i}"
            title = writer.text(rng.randint(4, 8), topics).rstrip(".")[:190]
            row = Resource(
                slug=slug,
                kind=kind,
                title=title,
                summary=summary,
                body=body,
                search_text=" ".join([summary, body, *extra.values()]),
                axis=rng.choice(axes) if axes else None,
                theme=rng.choice(themes),
                for_rural=rng.random() < 0.5,
                for_periurban=rng.random() < 0.4,
                for_urban=rng.random() < 0.3,
                stage=rng.choice(["disponible", "teste", "valide"]),
                licence=rng.choice(licences),
                author_name=f"Contributrice {i % 40}",
                created_by=authors[i % len(authors)],
                **extra,
            )
            rows.append(row)
            snapshot = dict.fromkeys(SNAPSHOT_NAMES, "") | {
                "title": title,
                "kind": kind,
                "summary": summary,
                "licence": row.licence,
                "stage": row.stage,
                "theme": row.theme,
                "axis": row.axis_id,
                "action": None,
                "questionnaire": None,
                "content_updated_on": None,
                "territory_types": row.territory_types,
                "tags": [],
                **extra,
            }
            bodies[slug] = (body.split(". "), snapshot)
        with transaction.atomic():
            Resource.objects.bulk_create(rows, batch_size=1000)
        progress("ressources", min(start + 1000, resources), resources, started)
    ids = dict(Resource.objects.filter(slug__startswith=PREFIX).values_list("slug", "pk"))

    # Revisions: the sheet grew sentence by sentence; the last one is the resource's text.
    started = time.perf_counter()
    slugs = list(bodies)
    per_batch = max(1, 5000 // max(revisions, 1))
    for start in range(0, len(slugs), per_batch):
        rows = []  # the revisions of this batch
        for slug in slugs[start : start + per_batch]:
            sentences, snapshot = bodies[slug]
            for n in range(1, revisions + 1):
                keep = max(1, len(sentences) * n // revisions)
                rows.append(
                    Revision(
                        resource_id=ids[slug],
                        number=n,
                        kind="creation" if n == 1 else "modification",
                        data=snapshot | {"body": ". ".join(sentences[:keep])},
                        comment="" if n == 1 else f"Complété (étape {n})",
                        author=authors[(ids[slug] + n) % len(authors)],
                    )
                )
        with transaction.atomic():
            Revision.objects.bulk_create(rows, batch_size=1000)
        done = min(start + per_batch, len(slugs)) * revisions
        if done % 20000 < per_batch * revisions or done == len(slugs) * revisions:
            progress("versions", done, len(slugs) * revisions, started)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE commons_resource SET current_revision_id = ("
            "SELECT r.id FROM commons_revision r WHERE r.resource_id = commons_resource.id "
            "ORDER BY r.number DESC LIMIT 1) WHERE slug LIKE %s",
            [f"{PREFIX}%"],
        )
    del bodies

    # Comments (1 % hidden, 0.5 % reported) and feedback.
    started = time.perf_counter()
    pks = list(ids.values())
    total = len(pks) * comments
    per_batch = max(1, 5000 // max(comments, 1))
    done = 0
    for start in range(0, len(pks), per_batch):
        rows = []  # the comments of this batch
        for pk in pks[start : start + per_batch]:
            for c in range(comments):
                hidden = rng.random() < 0.01
                rows.append(
                    Comment(
                        resource_id=pk,
                        author=authors[(pk + c) % len(authors)],
                        body=writer.text(rng.randint(10, 40)),
                        status=CommentStatus.HIDDEN if hidden else CommentStatus.VISIBLE,
                        hidden_reason="Hors sujet" if hidden else "",
                        open_reports=1 if rng.random() < 0.005 else 0,
                    )
                )
        with transaction.atomic():
            Comment.objects.bulk_create(rows, batch_size=5000)
        done += len(rows)
        if done % 50000 < len(rows) or done == total:
            progress("commentaires", done, total, started)
    started = time.perf_counter()
    rows = [
        Feedback(
            resource_id=pk,
            territory=territories[(pk + f) % len(territories)],
            author=authors[(pk + f) % len(authors)],
            context=writer.text(25),
            adapted=writer.text(15),
            worked=writer.text(15),
            did_not_work=writer.text(10),
            usefulness=rng.randint(1, 5),
        )
        for pk in pks
        for f in range(feedback)
    ]
    with transaction.atomic():
        Feedback.objects.bulk_create(rows, batch_size=5000)
    progress("retours d'expérience", len(rows), len(rows), started)
    del rows

    # The search index, as the services write it; then the planner's statistics.
    started = time.perf_counter()
    for start in range(0, len(pks), 1000):
        with transaction.atomic():
            index_resources(pks[start : start + 1000], connection)
        if (start // 1000) % 2 == 1 or start + 1000 >= len(pks):
            progress("index de recherche", min(start + 1000, len(pks)), len(pks), started)
    _special(writer, authors, territories)
    # What autovacuum does a minute after such a load: without it the GIN index
    # keeps its pending list and the planner counts the dead rows of the updates.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    say(f"Données prêtes en {time.perf_counter() - began:.0f} s")


def _special(writer: Writer, authors: list[Any], territories: list[Any]) -> None:
    """The resources the page and diff measures read: a small one; a big one (300
    comments, 110 revisions, 60 feedbacks, 40 contributors); a 5,000-word one with
    two revisions that differ by one word in fifty."""
    from django.db import connection

    from commons.models import Axis, Comment, Feedback, Resource, Revision
    from commons.search import index_resources
    from commons.services import snapshot

    rng = writer.rng
    axis = Axis.objects.first()
    made = []
    for slug, title, words in (
        (SMALL, "Petite fiche : un composteur de hameau", 200),
        (BIG, "Grande fiche : le compostage partagé très commenté", 400),
        (LONG, "Longue fiche : guide complet de la rénovation énergétique", 5000),
    ):
        body = writer.text(words, ["compostage", "rénovation", "énergie", "voisins"])
        resource = Resource.objects.create(
            slug=slug,
            kind="retour_experience",
            title=title,
            summary=writer.text(30),
            body=body,
            context=writer.text(80),
            recommendations=writer.text(60),
            search_text=body,
            axis=axis,
            author_name="Contributrice 1",
            organisation="Banc d'essai",
            created_by=authors[0],
        )
        count = {SMALL: 1, BIG: 110, LONG: 2}[slug]
        data = snapshot(resource)
        revisions = []
        for n in range(1, count + 1):
            text = body
            if slug == LONG and n == 2:  # one word in fifty rewritten
                words_ = body.split(" ")
                for i in range(0, len(words_), 50):
                    words_[i] = rng.choice(COMMON)
                text = " ".join(words_)
            revisions.append(
                Revision(
                    resource=resource,
                    number=n,
                    kind="creation" if n == 1 else "modification",
                    data=data | {"body": text if slug == LONG else f"{body} (v{n})"},
                    author=authors[n % len(authors)],
                )
            )
        Revision.objects.bulk_create(revisions)
        last = Revision.objects.get(resource=resource, number=count)
        Resource.objects.filter(pk=resource.pk).update(
            current_revision=last, body=last.data["body"]
        )
        if slug == BIG:
            Comment.objects.bulk_create(
                Comment(resource=resource, author=authors[i % len(authors)], body=writer.text(25))
                for i in range(300)
            )
            Feedback.objects.bulk_create(
                Feedback(
                    resource=resource,
                    territory=territories[i % len(territories)],
                    author=authors[i % len(authors)],
                    context=writer.text(25),
                    worked=writer.text(15),
                    usefulness=1 + i % 5,
                )
                for i in range(60)
            )
        made.append(resource.pk)
    index_resources(made, connection)


# --- measures -------------------------------------------------------------------------


def _search_cases() -> list[tuple[str, str, list[dict[str, str]]]]:
    """(label, URL, parameter sets) of each search case."""
    from commons.models import Axis

    axes = list(Axis.objects.values_list("code", flat=True))
    page = "/commun/recherche/"
    api = "/api/v1/commons/resources"

    def rotate(queries: list[str], extra: Callable[[int], dict[str, str]]) -> list[dict[str, str]]:
        return [{"q": q} | extra(i) for i, q in enumerate(queries)]

    none: Callable[[int], dict[str, str]] = lambda i: {}  # noqa: E731
    axis: Callable[[int], dict[str, str]] = lambda i: {"axe": axes[i % len(axes)]}  # noqa: E731
    three: Callable[[int], dict[str, str]] = lambda i: {  # noqa: E731
        "axe": axes[i % len(axes)],
        "niveau": ["disponible", "teste", "valide"][i % 3],
        "territoire": ["rural", "urbain", "periurbain"][i % 3],
    }
    browse = [
        {"type": kind, "theme": theme}
        for kind in ("fiche_action", "outil", "retour_experience")
        for theme in ("energie", "dechets", "alimentation")
    ]
    return [
        ("un mot", page, rotate(QUERIES_ONE, none)),
        ("plusieurs mots", page, rotate(QUERIES_MANY, none)),
        ("un mot + axe", page, rotate(QUERIES_ONE, axis)),
        ("mots + axe, niveau, territoire", page, rotate(QUERIES_MANY, three)),
        ("sans mot, type + thème", page, browse),
        ("mot très courant (« commune »)", page, [{"q": "commune"}, {"q": "Communes"}]),
        ("API : un mot + axe", api, rotate(QUERIES_ONE, axis)),
    ]


def _total(html: str) -> int:
    """The number of results the page announces (« 1 234 ressources »)."""
    match = re.search(r'id="titre-resultats"[^>]*>([^<]*?)ressource', html)
    digits = re.sub(r"\D", "", match.group(1)) if match else ""
    return int(digits or 0)


def _search(count: int) -> list[float]:
    import json

    from django.test import Client

    client = Client()
    rows, every = [], []
    for label, url, params in _search_cases():
        timings, queries, found = [], [], []
        for i in range(count + 2):
            query = params[i % len(params)]
            target = f"{url}?{urlencode(query)}"
            response, elapsed, n = timed(partial(client.get, target))
            assert response.status_code == 200, (target, response.status_code)
            if i < 2:
                continue  # warm-up
            timings.append(elapsed)
            queries.append(n)
            if url.startswith("/api/"):
                found.append(json.loads(response.content)["count"])
            else:
                found.append(_total(response.content.decode()))
        every.extend(timings)
        rows.append(
            [
                label,
                count,
                f"{pct(timings, 0.5):.1f}",
                f"{pct(timings, 0.95):.1f}",
                f"{max(timings):.1f}",
                f"{statistics.mean(found):.0f}",
                f"{min(queries)}–{max(queries)}" if min(queries) != max(queries) else queries[0],
            ]
        )
    say("\nRecherche (page complète : résultats, 6 facettes avec leurs nombres, extraits, HTML)")
    table(["cas", "requêtes", "p50 ms", "p95 ms", "max ms", "résultats (moy.)", "SQL"], rows)
    say(
        f"Toutes les recherches ({len(every)}) : p50 {pct(every, 0.5):.1f} ms, "
        f"p95 {pct(every, 0.95):.1f} ms"
    )
    long_query = "compostage " * 182  # 2,002 characters
    response, elapsed, n = timed(lambda: client.get("/commun/recherche/", {"q": long_query}))
    assert response.status_code == 400, response.status_code
    say(f"Recherche de 2 000 caractères : {response.status_code} en {elapsed:.1f} ms, {n} SQL")
    return every


def _page(repeat: int = 10) -> None:
    from django.test import Client

    from commons.models import Comment, Feedback, Resource

    client = Client()
    rows, counts = [], []
    for slug in (SMALL, BIG):
        resource = Resource.objects.get(slug=slug)
        url = resource.get_absolute_url()
        client.get(url)
        timings, queries = [], []
        for _ in range(repeat):
            response, elapsed, n = timed(partial(client.get, url))
            assert response.status_code == 200, response.status_code
            timings.append(elapsed)
            queries.append(n)
        counts.append(queries[0])
        rows.append(
            [
                slug,
                resource.revisions.count(),
                Comment.objects.filter(resource=resource).count(),
                Feedback.objects.filter(resource=resource).count(),
                queries[0],
                f"{statistics.median(timings):.0f}",
                f"{len(response.content) / 1024:.0f} Kio",
            ]
        )
    say(f"\nPage d'une ressource (médiane de {repeat})")
    table(["ressource", "versions", "commentaires", "retours", "SQL", "ms", "HTML"], rows)
    assert counts[0] == counts[1], f"Le nombre de requêtes grandit : {counts}"
    say(f"Nombre de requêtes constant : {counts[0]} = {counts[1]}")


def _diff() -> None:
    from django.test import Client

    from commons import diff
    from commons.models import Resource

    resource = Resource.objects.get(slug=LONG)
    old, new = resource.revisions.order_by("number")
    words = len(old.data["body"].split())
    timings = []
    for _ in range(5):
        result, elapsed, _n = timed(lambda: diff.changes(old.data, new.data))
        timings.append(elapsed)
    segments = sum(len(c.segments) for c in result)
    client = Client()
    url = f"{resource.get_absolute_url()}comparer/?de=1&a=2"
    client.get(url)
    pages = []
    for _ in range(5):
        response, elapsed, n = timed(lambda: client.get(url))
        assert response.status_code == 200, response.status_code
        pages.append(elapsed)
    say(
        f"\nDiff de deux versions de {words} mots (un mot sur 50 réécrit) : "
        f"{statistics.median(timings):.0f} ms pour commons.diff.changes ({segments} segments) ; "
        f"page de comparaison {statistics.median(pages):.0f} ms, {n} SQL, "
        f"{len(response.content) / 1024:.0f} Kio (médianes de 5)"
    )


def _pdf_pages(data: bytes) -> int | str:
    try:
        from pypdf import PdfReader
    except ImportError:  # a development dependency
        return "?"
    import io

    return len(PdfReader(io.BytesIO(data)).pages)


def _pdf() -> None:
    from django.test import Client

    client = Client()
    say("\nPDF (WeasyPrint, elan/pdf.py ; médiane de 3 après un premier rendu)")
    rows = []
    for label, slug in (
        ("fiche retour d'expérience OPTIGEDE livrée", OPTIGEDE_SHEET),
        ("grande fiche, 300 commentaires", BIG),
    ):
        url = f"/commun/r/{slug}/pdf/"
        client.get(url)  # fonts and styles loaded once
        timings = []
        for _ in range(3):
            response, elapsed, n = timed(partial(client.get, url))
            assert response.status_code == 200, (url, response.status_code)
            assert response.content.startswith(b"%PDF"), url
            timings.append(elapsed / 1000)
        pages = _pdf_pages(response.content)
        rows.append(
            [
                label,
                f"{statistics.median(timings):.2f}",
                pages,
                f"{len(response.content) / 1024:.0f} Kio",
                n,
            ]
        )
    table(["ressource", "s", "pages", "taille", "SQL"], rows)


def _dump() -> None:
    from django.test import Client

    from commons.models import Resource

    client = Client()
    published = Resource.objects.published().count()
    say(f"\nDonnées ouvertes ({published} ressources publiées, réponse en flux lue en entier)")
    rows = []
    for label, url in (
        ("JSON", "/commun/donnees/ressources.json"),
        ("CSV", "/commun/donnees/ressources.csv"),
    ):

        def read(u: str = url) -> tuple[int, int]:
            response = client.get(u)
            assert response.status_code == 200, (u, response.status_code)
            size = 0
            chunks: Iterator[bytes] = response.streaming_content  # type: ignore[attr-defined]
            for chunk in chunks:
                size += len(chunk)
            return response.status_code, size

        (_status, size), elapsed, n = timed(read)
        rows.append([label, f"{elapsed / 1000:.1f}", f"{size / 1024 / 1024:.1f} Mio", n])
    table(["format", "s", "taille", "SQL"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--revisions", type=int, default=10)
    parser.add_argument("--comments", type=int, default=30)
    parser.add_argument("--feedback", type=int, default=2)
    parser.add_argument("--searches", type=int, default=40, help="par cas de recherche")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database-url", default=os.environ.get("ELAN_DATABASE_URL"))
    args = parser.parse_args()
    began = time.perf_counter()
    if not _setup(args.database_url, args.reuse):
        _build(args.resources, args.revisions, args.comments, args.feedback)
    from django.db import connection

    from commons.models import Comment, Feedback, Resource, Revision

    if connection.vendor == "postgresql":
        version = ".".join(str(p) for p in divmod(getattr(connection, "pg_version", 0), 10000))
    else:
        import sqlite3

        version = sqlite3.sqlite_version
    say(
        f"\nBase : {connection.vendor} {version} — {Resource.objects.count()} ressources, "
        f"{Revision.objects.count()} versions, {Comment.objects.count()} commentaires, "
        f"{Feedback.objects.count()} retours d'expérience"
    )
    _search(args.searches)
    _page()
    _diff()
    _pdf()
    _dump()
    say(f"\nDurée totale : {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
