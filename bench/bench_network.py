"""Benchmark of the actors' network at the issue's scale: one territory with
50,000 actors, 150,000 contacts and 500,000 contact-log entries (with their
memberships over three years, themes, councils with invitations, two
campaign weeks and newsletters), beside a small territory of 200 actors
built the same way in the same database.

Run:
    .venv/bin/python bench/bench_network.py                  # SQLite, var/bench/network.sqlite3
    .venv/bin/python bench/bench_network.py --reuse          # the same data, not rebuilt
    .venv/bin/python bench/bench_network.py \\
        --database-url postgres://postgres@127.0.0.1:5432/elan_bench_network
    # options: --actors --contacts-per-actor --logs-per-actor --repeat --reuse

Then, in process (Django's test client as the territory's organiser,
ELAN_DEBUG=0), for the big and the small territory, it prints p50 / p95 and
the query count of: the overdue list, the organiser directory (no filter;
type + theme + commune; « à recontacter »; a name search), the public
directory with filters, the dashboard of indicators, and one of its CSV
downloads; then the import dry run of a 5,000-row XLSX. The query counts of the two territories are compared (the tests
assert that they do not grow with data; here it is visible at 250 times the
size). A benchmark: figures; it asserts only the expected statuses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchkit import pct, progress, say, setup, table, timed  # noqa: E402

DEFAULT_DATABASE = ROOT / "var" / "bench" / "network.sqlite3"
BIG, SMALL = "banc-reseau", "banc-reseau-petit"
BATCH = 5000
KINDS = [
    ("association", 40), ("entreprise", 15), ("artisan", 12), ("commune", 8),
    ("etablissement_scolaire", 8), ("habitant", 6), ("artiste", 4), ("service_public", 3),
    ("bailleur_social", 2), ("universite_hopital", 2),
]  # fmt: skip
THEMES = ["dechets", "energie", "eau", "alimentation", "mobilite", "consommation"]
WORDS = [
    "Jardin", "Repair café", "Ressourcerie", "Atelier", "Collectif", "Amap", "Épicerie",
    "Boulangerie", "Ferme", "École", "Maison", "Compost", "Vélo", "Énergie", "Solidarité",
]  # fmt: skip


def _territory(slug: str, name: str, communes: int) -> Any:
    from territories.models import Commune, Department, Region, Territory, TerritoryKind

    region, _ = Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})
    department, _ = Department.objects.get_or_create(
        code="26", defaults={"name": "Drôme", "region": region}
    )
    territory, _ = Territory.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "region": region,
            "kind": TerritoryKind.values[0],
            "is_published": True,
        },
    )
    made = [
        Commune(
            insee_code=f"{'26' if slug == BIG else '07'}{i:03d}",
            name=f"Commune {slug[-5:]} {i}",
            department=department,
            postal_codes=" 26000",
        )
        for i in range(1, communes + 1)
    ]
    Commune.objects.bulk_create(made, ignore_conflicts=True)
    territory.communes.add(*[c.insee_code for c in made])
    return territory


def _organiser(territory: Any) -> Any:
    from accounts.models import User
    from territories.models import Membership, Role

    user, _ = User.objects.get_or_create(
        email=f"animation@{territory.slug}.example.org", defaults={"first_name": "Claire"}
    )
    Membership.objects.get_or_create(user=user, territory=territory, role=Role.ORGANISER)
    return user


def _build(territory: Any, actors: int, contacts_per: int, logs_per: int, seed: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from events.models import (
        Attendance,
        Audience,
        Event,
        EventKind,
        EventRegistration,
        EventStatus,
        RegistrationStatus,
    )
    from network.identifiers import normalise_actor_name
    from network.models import (
        ActionStatus,
        Actor,
        ActorTheme,
        CampaignAction,
        CampaignActionDate,
        CampaignWeek,
        Contact,
        ContactChannel,
        ContactLog,
        Invitation,
        InvitationAnswer,
        Membership,
        MembershipStatus,
        Newsletter,
        NewsletterStatus,
    )

    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - dt.timedelta(days=3 * 365)
    communes = list(territory.communes.values_list("insee_code", flat=True))
    kinds = [k for k, weight in KINDS for _ in range(weight)]
    channels = list(ContactChannel.values)
    communes_taken: set[str] = set()
    began = time.perf_counter()
    say(f"Construction de « {territory.slug} » : {actors} acteurs")
    for first in range(0, actors, BATCH):
        with transaction.atomic():
            rows = []
            for n in range(first, min(actors, first + BATCH)):
                name = f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} n° {n}"
                kind, commune = rng.choice(kinds), rng.choice(communes)
                if kind == "commune":  # one entry per commune of the territory
                    if commune in communes_taken:
                        kind = "association"
                    communes_taken.add(commune)
                rows.append(
                    Actor(
                        territory=territory,
                        name=name,
                        normalised_name=normalise_actor_name(name),
                        kind=kind,
                        commune_id=commune,
                        listed=rng.random() < 0.7,
                        description="Un acteur du réseau.",
                    )
                )
            made = Actor.objects.bulk_create(rows)
            if not made[0].pk:  # SQLite before 3.35 gives no ids back
                made = list(Actor.objects.filter(territory=territory).order_by("-pk")[: len(rows)])
            memberships, themes, people = [], [], []
            for actor in made:
                draw = rng.random()
                if draw < 0.85:
                    joined = start + dt.timedelta(days=rng.randrange(0, 3 * 365))
                    left = (
                        joined + dt.timedelta(days=rng.randrange(1, 300))
                        if draw < 0.04 and joined + dt.timedelta(days=300) < today
                        else None
                    )
                    memberships.append(
                        Membership(
                            actor=actor,
                            status=MembershipStatus.LEFT if left else MembershipStatus.MEMBER,
                            joined_on=joined,
                            left_on=left,
                        )
                    )
                elif draw < 0.92:
                    memberships.append(Membership(actor=actor, status=MembershipStatus.CANDIDATE))
                for theme in rng.sample(THEMES, rng.randint(1, 2)):
                    themes.append(ActorTheme(actor=actor, theme=theme))
                for c in range(contacts_per):
                    people.append(
                        Contact(
                            actor=actor,
                            first_name="Camille",
                            last_name=f"Martin {actor.pk}-{c}",
                            role="Contact",
                            email=f"c{actor.pk}-{c}@{territory.slug}.example.org",
                        )
                    )
            Membership.objects.bulk_create(memberships)
            ActorTheme.objects.bulk_create(themes)
            Contact.objects.bulk_create(people, batch_size=BATCH)
            logs = [
                ContactLog(
                    actor=actor,
                    happened_on=start + dt.timedelta(days=rng.randrange(0, 3 * 365)),
                    channel=rng.choice(channels),
                    subject="Appel de suivi",
                )
                for actor in made
                for _ in range(logs_per)
            ]
            ContactLog.objects.bulk_create(logs, batch_size=BATCH)
        progress("acteurs (avec contacts et journal)", min(actors, first + BATCH), actors, began)
    # Six councils with up to 200 invitations each, two campaign weeks, twelve newsletters.
    contacts = list(Contact.objects.filter(actor__territory=territory).order_by("pk")[:1200])
    with transaction.atomic():
        for i in range(6):
            starts = timezone.make_aware(
                dt.datetime.combine(start + dt.timedelta(days=100 + i * 170), dt.time(18))
            )
            event = Event.objects.create(
                territory=territory,
                kind=EventKind.ACTOR_COUNCIL,
                audience=Audience.INVITATION,
                title=f"Conseil des acteurs n° {i + 1}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                status=EventStatus.PUBLISHED,
                published_at=starts - dt.timedelta(days=30),
            )
            invited = contacts[i * 200 : (i + 1) * 200]
            registrations = [
                EventRegistration(
                    event=event,
                    email=c.email,
                    name=c.full_name,
                    status=RegistrationStatus.CONFIRMED,
                    attendance=Attendance.PRESENT if k % 4 else Attendance.ABSENT,
                )
                for k, c in enumerate(invited[:60])
            ]
            EventRegistration.objects.bulk_create(registrations)
            Invitation.objects.bulk_create(
                [
                    Invitation(
                        event=event,
                        actor_id=c.actor_id,
                        contact=c,
                        answer=InvitationAnswer.COMING
                        if k < 60
                        else InvitationAnswer.EXCUSED
                        if k < 100
                        else InvitationAnswer.PENDING,
                        registration=registrations[k] if k < 60 else None,
                    )
                    for k, c in enumerate(invited)
                ]
            )
        actor_ids = [c.actor_id for c in contacts]
        for y, count in ((today.year - 2, 74), (today.year - 1, 110)):
            week = CampaignWeek.objects.create(
                territory=territory,
                title=f"SERD {y}",
                theme="dechets",
                starts_on=dt.date(y, 11, 16),
                ends_on=dt.date(y, 11, 24),
                declaration_deadline=dt.date(y, 11, 1),
            )
            for k in range(count):
                action = CampaignAction.objects.create(
                    week=week,
                    actor_id=actor_ids[k % len(actor_ids)],
                    title=f"Action {k}",
                    description="Une action.",
                    status=ActionStatus.ACCEPTED,
                )
                when = dt.datetime(y, 11, 17 + k % 6, 14, tzinfo=timezone.get_current_timezone())
                CampaignActionDate.objects.create(
                    action=action, starts_at=when, ends_at=when + dt.timedelta(hours=2)
                )
        Newsletter.objects.bulk_create(
            [
                Newsletter(
                    territory=territory,
                    subject=f"Lettre n° {k}",
                    body="Bonjour",
                    status=NewsletterStatus.SENT,
                    sent_at=timezone.make_aware(
                        dt.datetime.combine(start + dt.timedelta(days=90 * k + 10), dt.time(9))
                    ),
                    recipients_count=actors,
                )
                for k in range(12)
            ]
        )
    say(f"  fait en {time.perf_counter() - began:.1f} s")


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _cases(territory: Any) -> list[tuple[str, str, dict[str, str]]]:
    from django.urls import reverse

    slug = territory.slug
    commune = territory.communes.order_by("insee_code").values_list("insee_code", flat=True)[0]
    manage = reverse("network:manage", args=[slug])
    return [
        ("à recontacter (90 jours)", reverse("network:overdue", args=[slug]), {}),
        ("à recontacter, page 20", reverse("network:overdue", args=[slug]), {"page": "20"}),
        ("annuaire (gestion), sans filtre", manage, {}),
        (
            "annuaire (gestion), type + thème + commune",
            manage,
            {"kind": "association", "theme": "dechets", "commune": commune},
        ),
        ("annuaire (gestion), à recontacter", manage, {"overdue": "on"}),
        ("annuaire (gestion), recherche d'un nom", manage, {"q": "repair"}),
        (
            "annuaire public, type + thème",
            reverse("network:directory", args=[slug]),
            {"kind": "association", "theme": "energie"},
        ),
        ("tableau de bord des indicateurs", reverse("network:indicators", args=[slug]), {}),
        (
            "indicateurs : CSV des membres",
            reverse("network:indicators_export", args=[slug]),
            {"tableau": "membres"},
        ),
    ]


def _measure(territory: Any, repeat: int) -> dict[str, tuple[float, float, int]]:
    from django.test import Client

    client = Client()
    client.force_login(_organiser(territory))
    figures = {}
    for label, url, params in _cases(territory):
        times, queries = [], 0
        for i in range(repeat + 1):
            response, ms, queries = timed(lambda url=url, params=params: client.get(url, params))
            assert response.status_code == 200, (label, response.status_code)
            if i:  # the first one warms the caches
                times.append(ms)
        figures[label] = (statistics.median(times), pct(times, 0.95), queries)
    return figures


def _import_dry_run(territory: Any, rows: int = 5000) -> None:
    """The dry run of a 5,000-row XLSX against the big directory: half the
    rows are actors already there (found as duplicates or « déjà
    présent »), half are new."""
    from elan.tabular import table_bytes
    from network import importing
    from network.models import Actor

    known = list(
        Actor.objects.filter(territory=territory).values_list("name", "commune_id")[: rows // 2]
    )
    body = [[name, "Association", commune or "", "", ""] for name, commune in known]
    body += [
        [f"Nouvel acteur {i}", "Association", "", f"nouveau{i}@example.org", "Ana"]
        for i in range(rows - len(body))
    ]
    header = ["Nom", "Type", "Commune", "E-mail du contact", "Prénom du contact"]
    data = table_bytes(header, body, "xlsx")
    report, ms, queries = timed(
        lambda: importing.import_preview(territory=territory, data=data, filename="banc.xlsx")
    )
    say(
        f"\nImport, vérification d'un XLSX de {rows:,} lignes ({len(data) / 1024:.0f} Kio) : "
        f"{ms / 1000:.2f} s, {queries} requêtes ; {report.actor_count:,} nouveaux, "
        f"{report.duplicate_count + report.present_count:,} déjà connus, "
        f"{report.error_count} en erreur."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--actors", type=int, default=50_000)
    parser.add_argument("--contacts-per-actor", type=int, default=3)
    parser.add_argument("--logs-per-actor", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    began = time.perf_counter()
    setup(args.database_url, args.reuse, DEFAULT_DATABASE)
    from django.db import connection

    from network.models import Actor, Contact, ContactLog

    big = _territory(BIG, "Banc du réseau", 120)
    small = _territory(SMALL, "Petit banc du réseau", 10)
    if not (args.reuse and Actor.objects.filter(territory=big).exists()):
        _build(big, args.actors, args.contacts_per_actor, args.logs_per_actor, seed=1)
        _build(small, 200, args.contacts_per_actor, args.logs_per_actor, seed=2)
        _analyze()
    say(
        f"\nBase : {connection.vendor}. « {BIG} » : "
        f"{Actor.objects.filter(territory=big).count():,} acteurs, "
        f"{Contact.objects.filter(actor__territory=big).count():,} contacts, "
        f"{ContactLog.objects.filter(actor__territory=big).count():,} entrées du journal ; "
        f"« {SMALL} » : {Actor.objects.filter(territory=small).count()} acteurs.\n"
    )
    large = _measure(big, args.repeat)
    little = _measure(small, args.repeat)
    rows = []
    for label, (p50, p95, queries) in large.items():
        small_p50, _p95, small_queries = little[label]
        rows.append(
            [
                label,
                f"{p50:.1f}",
                f"{p95:.1f}",
                queries,
                f"{small_p50:.1f}",
                small_queries,
                "oui" if queries == small_queries else "NON",
            ]
        )
    table(
        [
            "page",
            f"p50 ms ({args.actors:,} acteurs)",
            f"p95 ms ({args.actors:,})",
            f"requêtes ({args.actors:,})",
            "p50 ms (200)",
            "requêtes (200)",
            "mêmes requêtes",
        ],
        rows,
    )
    _import_dry_run(big)
    say(f"\nDurée totale : {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
