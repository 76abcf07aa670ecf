"""The benchmark datasets of `manage.py seed_bench`: real, coherent rows of
every app (territories and communes, challenges with teams and households,
meters and a season of readings, actors of the network, commons resources
with revisions, pledge campaigns with commitments, events), written in bulk.

It sits beside seed_demo and, like it, knows every app: the imports are made
inside the functions so that `territories` keeps no import-time dependency
on the apps above it. bench/bench_pledges.py shares `insert_commitments`.

Nothing here goes through the services: bulk_create sends no signal and the
few derived values (current revisions, the pledge map's tallies, the search
index, the results snapshots) are computed once per block, as the services
would have computed them row by row."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

BATCH = 5000
COMMUNES_PER_TERRITORY = 10
# Commitments are spread over the last 30 days.
SPREAD_SECONDS = 30 * 86_400
FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Inès", "Julie", "Sophie", "Fatima", "Lucie", "Anne", "Chloé",
    "Thomas", "Nicolas", "Hugo", "Mehdi", "Karim", "Pierre", "Lucas", "Yannick", "Olivier", "Sam",
]  # fmt: skip
DEPARTMENTS = [
    ("26", "Drôme"), ("07", "Ardèche"), ("38", "Isère"), ("73", "Savoie"), ("74", "Haute-Savoie"),
    ("01", "Ain"), ("69", "Rhône"), ("42", "Loire"), ("43", "Haute-Loire"), ("63", "Puy-de-Dôme"),
]  # fmt: skip
WORDS = [
    "Jardin", "Repair café", "Ressourcerie", "Atelier", "Collectif", "Amap", "Épicerie",
    "Boulangerie", "Ferme", "École", "Maison", "Compost", "Vélo", "Énergie", "Solidarité",
]  # fmt: skip
ACTOR_KINDS = ["association"] * 5 + ["entreprise"] * 2 + ["artisan", "etablissement_scolaire"]
THEMES = ["dechets", "energie", "eau", "alimentation", "mobilite", "consommation"]
# Monthly heating degree days of a Drôme-like climate.
MONTHLY_DJU = {1: 430, 2: 350, 3: 300, 4: 200, 5: 90, 6: 15, 9: 40, 10: 150, 11: 300, 12: 400}
# carrier, unit, heating share, daily use.
METERS = (
    ("gaz", "m3", Decimal(1), 3.0),
    ("electricite", "kWh", Decimal(0), 10.0),
    ("eau", "m3", Decimal(0), 0.3),
)


@dataclass(frozen=True)
class Scale:
    territories: int
    households: int
    readings: int
    actors: int
    resources: int
    commitments: int
    events_per_territory: int = 6
    revisions_per_resource: int = 3


SCALES = {
    "small": Scale(
        territories=2, households=120, readings=2_400, actors=60, resources=20, commitments=400
    ),
    "territory": Scale(
        territories=1,
        households=2_000,
        readings=100_000,
        actors=1_000,
        resources=500,
        commitments=20_000,
    ),
    "national": Scale(
        territories=100,
        households=100_000,
        readings=5_000_000,
        actors=50_000,
        resources=10_000,
        commitments=1_000_000,
    ),
}

Say = Callable[[str], None]


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


@dataclass
class Report:
    """Rows written per block and the time they took."""

    say: Say
    counts: dict[str, int] = field(default_factory=dict)

    def block(self, label: str, rows: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        self.counts[label] = self.counts.get(label, 0) + rows
        rate = rows / elapsed if elapsed > 0 else 0.0
        self.say(
            f"  {label} : {_number(rows)} lignes en {elapsed:.1f} s ({_number(rate)} lignes/s)"
        )


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _split(total: int, parts: int) -> list[int]:
    """`total` in `parts` shares that differ by one at most."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def database_holds_data() -> bool:
    from accounts.models import User
    from territories.models import Territory

    return Territory.objects.exists() or User.objects.exists()


def run_tag() -> str:
    """The prefix of this run's slugs and addresses: banc-, then banc2-, banc3-… (--append)."""
    from territories.models import Territory

    tag, n = "banc", 1
    while Territory.objects.filter(slug__startswith=f"{tag}-").exists():
        n += 1
        tag = f"banc{n}"
    return tag


# --- the world: region, departments, communes, weather -------------------------------


def _communes(territories: int) -> list[list[str]]:
    """Ten communes per territory (shared by the runs of --append), and the
    weather zone of their departments with a degree day for every day of the
    reference and challenge seasons."""
    from measures.models import DegreeDay, WeatherZone
    from territories.models import Commune, Department, Region, normalize_name

    region, _ = Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})
    departments = []
    for code, name in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "region": region}
        )
        departments.append(department)
    codes: list[list[str]] = []
    rows = []
    for t in range(territories):
        department = departments[t % len(departments)]
        mine = []
        for i in range(COMMUNES_PER_TERRITORY):
            n = t * COMMUNES_PER_TERRITORY + i
            code = f"Z{n:04d}"
            name = f"Commune du banc {n + 1}"
            rows.append(
                Commune(
                    insee_code=code,
                    name=name,
                    search_name=normalize_name(name),
                    postal_codes=f" {department.code}{n % 1000:03d}",
                    department=department,
                    population=500 + 37 * n,
                    latitude=Decimal("44.40000") + Decimal(n % 20) * Decimal("0.03"),
                    longitude=Decimal("4.70000") + Decimal(n // 20 % 20) * Decimal("0.05"),
                )
            )
            mine.append(code)
        codes.append(mine)
    Commune.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    zone, created = WeatherZone.objects.get_or_create(
        code="banc", defaults={"name": "Zone du banc d'essai"}
    )
    zone.departments.add(*departments)
    if created:
        from measures.engine import spread_monthly_dju

        today = timezone.localdate()
        days = []
        for year in (today.year - 2, today.year - 1, today.year, today.year + 1):
            for month, total in MONTHLY_DJU.items():
                days += spread_monthly_dju(year, month, total)
        DegreeDay.objects.bulk_create(
            [DegreeDay(zone=zone, day=day, value=Decimal(f"{v:.3f}")) for day, v in days],
            batch_size=BATCH,
        )
    return codes


# --- territories, organisers, challenges, households ---------------------------------


@dataclass
class World:
    tag: str
    territories: list[Any]
    communes: list[list[str]]
    organisers: list[Any]
    say: Say
    challenges: list[Any] = field(default_factory=list)


def _territories(tag: str, scale: Scale, report: Report, say: Say) -> World:
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from territories.models import Membership, Region, Role, Territory, TerritoryKind

    started = time.perf_counter()
    communes = _communes(scale.territories)
    region = Region.objects.get(code="84")
    territories = Territory.objects.bulk_create(
        [
            Territory(
                name=f"Territoire du banc {t + 1}",
                slug=f"{tag}-t{t + 1}",
                kind=TerritoryKind.EPCI,
                region=region,
                tagline="Un territoire du banc d'essai",
                description="Un territoire engagé dans la transition, pour mesurer Élan.",
                is_published=True,
            )
            for t in range(scale.territories)
        ]
    )
    territories = list(Territory.objects.filter(slug__startswith=f"{tag}-t").order_by("pk"))
    through = Territory.communes.through
    through.objects.bulk_create(
        [
            through(territory_id=territory.pk, commune_id=code)
            for territory, codes in zip(territories, communes, strict=True)
            for code in codes
        ],
        batch_size=BATCH,
    )
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=f"animation@{territory.slug}.example.org",
                first_name="Claire",
                display_name=f"Claire, {territory.name}",
                password=password,
            )
            for territory in territories
        ]
    )
    by_email = {u.email: u for u in User.objects.filter(email__startswith="animation@")}
    organisers = [by_email[f"animation@{t.slug}.example.org"] for t in territories]
    Membership.objects.bulk_create(
        [
            Membership(user=user, territory=territory, role=Role.ORGANISER)
            for user, territory in zip(organisers, territories, strict=True)
        ]
    )
    report.block("territoires, communes et animateurs", len(territories) * 12, started)
    return World(tag, territories, communes, organisers, say)


def _challenges(world: World, scale: Scale, report: Report) -> None:
    from challenges.models import Challenge, Theme

    started = time.perf_counter()
    today = timezone.localdate()
    starts = today - dt.timedelta(days=40)
    world.challenges = Challenge.objects.bulk_create(
        [
            Challenge(
                territory=territory,
                title="Défi Foyers à énergie positive",
                slug="energie-positive",
                summary="Économiser l'énergie et l'eau en équipe, tout un hiver.",
                themes=[Theme.ENERGY, Theme.WATER],
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=180),
                registration_opens_on=starts - dt.timedelta(days=60),
                registration_closes_on=starts - dt.timedelta(days=1),
                objective_energy_pct=8,
                max_households=max(100, scale.households // scale.territories),
                published_at=timezone.now() - dt.timedelta(days=100),
            )
            for territory in world.territories
        ]
    )
    world.challenges = list(
        Challenge.objects.filter(territory__in=world.territories).order_by("territory_id")
    )
    report.block("défis", len(world.challenges), started)


def _households(world: World, scale: Scale, report: Report) -> list[int]:
    """Households, their account (one member each), their team and registration.
    Returns the households' ids in order."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Household, User
    from challenges.models import Registration, RegistrationStatus, Team

    rng = random.Random(1)  # noqa: S311 - benchmark data, not secrets
    password = make_password(None)
    ids: list[int] = []
    started = time.perf_counter()
    for index, (territory, challenge, codes, size) in enumerate(
        zip(
            world.territories,
            world.challenges,
            world.communes,
            _split(scale.households, scale.territories),
            strict=True,
        )
    ):
        with transaction.atomic():
            teams = Team.objects.bulk_create(
                [
                    Team(
                        challenge=challenge, name=f"Les Économes {i + 1}", commune_id=codes[i % 10]
                    )
                    for i in range(max(1, size // 8))
                ]
            )
            teams = list(Team.objects.filter(challenge=challenge).order_by("pk"))
            households = Household.objects.bulk_create(
                [
                    Household(
                        name=f"Foyer {territory.slug}-{i + 1}",
                        adults=rng.randint(1, 2),
                        children=rng.randint(0, 3),
                        housing_type=rng.choice(["maison", "appartement"]),
                        surface_m2=rng.randint(40, 140),
                        main_heating="gaz",
                        commune_id=codes[i % len(codes)],
                    )
                    for i in range(size)
                ],
                batch_size=BATCH,
            )
            if not households or households[0].pk is None:  # SQLite before 3.35
                households = list(
                    Household.objects.filter(name__startswith=f"Foyer {territory.slug}-").order_by(
                        "pk"
                    )
                )
            User.objects.bulk_create(
                [
                    User(
                        email=f"foyer{i + 1}@{territory.slug}.example.org",
                        first_name=rng.choice(FIRST_NAMES),
                        display_name=f"Foyer {i + 1}",
                        password=password,
                        household_id=household.pk,
                    )
                    for i, household in enumerate(households)
                ],
                batch_size=BATCH,
            )
            Registration.objects.bulk_create(
                [
                    Registration(
                        challenge=challenge,
                        household_id=household.pk,
                        status=RegistrationStatus.SELECTED,
                        team=teams[i % len(teams)],
                    )
                    for i, household in enumerate(households)
                ],
                batch_size=BATCH,
            )
        ids += [h.pk for h in households]
        if (index + 1) % 10 == 0 or index + 1 == scale.territories:
            world.say(
                f"    foyers : {_number(len(ids))} / {_number(scale.households)} "
                f"({time.perf_counter() - started:.1f} s)"
            )
    report.block("foyers, comptes, équipes et inscriptions", len(ids) * 3, started)
    return ids


def _reading_days(per_meter: int) -> list[dt.date]:
    """`per_meter` days evenly spread over the reference season (the
    challenge's, one year earlier, with ten days each side) and the challenge
    so far (from ten days before its start to yesterday)."""
    today = timezone.localdate()
    starts = today - dt.timedelta(days=40)
    ends = starts + dt.timedelta(days=180)
    reference = _days(_year_before(starts) - dt.timedelta(days=10), _year_before(ends))
    current = _days(starts - dt.timedelta(days=10), today - dt.timedelta(days=1))
    pool = reference + current
    if per_meter >= len(pool):
        return pool
    # At least three in the challenge so far, the rest over the reference season.
    now = min(len(current), max(3, per_meter * len(current) // len(pool)))
    before = per_meter - now
    return _evenly(reference, before) + _evenly(current, now)


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _evenly(days: list[dt.date], count: int) -> list[dt.date]:
    if count <= 0:
        return []
    if count == 1:
        return [days[-1]]
    return [days[round(i * (len(days) - 1) / (count - 1))] for i in range(count)]


def _readings(households: list[int], scale: Scale, report: Report, say: Say) -> None:
    """Three meters per household (gas, electricity, water), each read on the
    same days; the index grows with the daily use, a bit less this winter."""
    from measures.models import Meter, Reading

    started = time.perf_counter()
    made = Meter.objects.bulk_create(
        [
            Meter(household_id=h, carrier=c, unit=u, label=c.capitalize(), heating_share=share)
            for h in households
            for c, u, share, _daily in METERS
        ],
        batch_size=BATCH,
    )
    report.block("compteurs", len(made), started)
    if made and made[0].pk is None:  # SQLite before 3.35 gives no ids back
        made = list(Meter.objects.order_by("-pk")[: len(made)])[::-1]
    meters = [(m.pk, m.carrier) for m in made]
    daily = {c: d for c, _u, _s, d in METERS}
    shares = _split(scale.readings, len(meters))
    schedules = {n: _reading_days(n) for n in set(shares)}
    this_winter = timezone.localdate() - dt.timedelta(days=60)
    rng = random.Random(2)  # noqa: S311 - benchmark data, not secrets
    now = timezone.now()
    started = time.perf_counter()
    written, batch, reported = 0, [], 0
    step = max(BATCH * 20, scale.readings // 10)
    for (pk, carrier), count in zip(meters, shares, strict=True):
        value, previous = 1000.0 + rng.random() * 500, None
        saving = rng.uniform(0.8, 1.05)
        for day in schedules[count]:
            if previous is not None:
                rate = daily[carrier] * (saving if day >= this_winter else 1.0)
                value += rate * (day - previous).days * rng.uniform(0.9, 1.1)
            previous = day
            batch.append(
                Reading(meter_id=pk, read_on=day, value=Decimal(f"{value:.3f}"), entered_at=now)
            )
        if len(batch) >= BATCH * 4:
            with transaction.atomic():
                Reading.objects.bulk_create(batch, batch_size=BATCH)
            written += len(batch)
            batch = []
            if written - reported >= step:
                reported = written
                elapsed = time.perf_counter() - started
                say(
                    f"    relevés : {_number(written)} / {_number(scale.readings)} "
                    f"({elapsed:.1f} s, {_number(written / elapsed)} lignes/s)"
                )
    with transaction.atomic():
        Reading.objects.bulk_create(batch, batch_size=BATCH)
    written += len(batch)
    report.block("relevés", written, started)


# --- the actors' network -------------------------------------------------------------


def _network(world: World, scale: Scale, report: Report) -> None:
    from network.identifiers import normalise_actor_name
    from network.models import (
        Actor,
        ActorTheme,
        Contact,
        ContactChannel,
        ContactLog,
        Membership,
        MembershipStatus,
    )

    rng = random.Random(3)  # noqa: S311 - benchmark data, not secrets
    today = timezone.localdate()
    start = today - dt.timedelta(days=3 * 365)
    channels = list(ContactChannel.values)
    started = time.perf_counter()
    rows = 0
    for territory, codes, size in zip(
        world.territories, world.communes, _split(scale.actors, scale.territories), strict=True
    ):
        with transaction.atomic():
            names = [
                f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} n° {n + 1}" for n in range(size)
            ]
            Actor.objects.bulk_create(
                [
                    Actor(
                        territory=territory,
                        name=name,
                        normalised_name=normalise_actor_name(name),
                        kind=rng.choice(ACTOR_KINDS),
                        commune_id=rng.choice(codes),
                        listed=rng.random() < 0.7,
                        description="Un acteur du réseau du territoire.",
                    )
                    for name in names
                ],
                batch_size=BATCH,
            )
            actors = list(Actor.objects.filter(territory=territory).values_list("pk", flat=True))
            members, themes, people, logs = [], [], [], []
            for n, actor in enumerate(actors):
                if rng.random() < 0.85:
                    members.append(
                        Membership(
                            actor_id=actor,
                            status=MembershipStatus.MEMBER,
                            joined_on=start + dt.timedelta(days=rng.randrange(0, 3 * 365)),
                        )
                    )
                for theme in rng.sample(THEMES, rng.randint(1, 2)):
                    themes.append(ActorTheme(actor_id=actor, theme=theme))
                people.append(
                    Contact(
                        actor_id=actor,
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=f"Martin {n + 1}",
                        role="Contact",
                        email=f"contact{n + 1}@{territory.slug}.example.org",
                    )
                )
                logs += [
                    ContactLog(
                        actor_id=actor,
                        happened_on=start + dt.timedelta(days=rng.randrange(0, 3 * 365)),
                        channel=rng.choice(channels),
                        subject="Appel de suivi",
                    )
                    for _ in range(2)
                ]
            Membership.objects.bulk_create(members, batch_size=BATCH)
            ActorTheme.objects.bulk_create(themes, batch_size=BATCH)
            Contact.objects.bulk_create(people, batch_size=BATCH)
            ContactLog.objects.bulk_create(logs, batch_size=BATCH)
            rows += len(actors) + len(members) + len(themes) + len(people) + len(logs)
    report.block("acteurs, adhésions, thèmes, contacts et journal", rows, started)


# --- the commons ---------------------------------------------------------------------


def _commons(world: World, scale: Scale, report: Report) -> None:
    from commons.models import Axis, Resource, Revision
    from commons.search import index_resources
    from commons.services import snapshot

    rng = random.Random(4)  # noqa: S311 - benchmark data, not secrets
    axes = list(Axis.objects.all())
    kinds = ["fiche_action", "outil", "methode", "retour_experience", "guide"]
    themes = ["energie", "dechets", "alimentation", "mobilite", "eau", ""]
    started = time.perf_counter()
    rows = 0
    for chunk in _chunks(range(scale.resources), 1000):
        with transaction.atomic():
            made = []
            for i in chunk:
                theme = rng.choice(themes)
                made.append(
                    Resource(
                        slug=f"{world.tag}-ressource-{i + 1}",
                        kind=rng.choice(kinds),
                        title=f"{rng.choice(WORDS)} : mode d'emploi n° {i + 1}",
                        summary="Une méthode éprouvée sur un territoire, à reprendre ailleurs.",
                        body="## Étapes\n\n" + "Réunir les habitants, mesurer, partager. " * 20,
                        search_text="réunir habitants mesurer partager " + theme,
                        axis=rng.choice(axes) if axes else None,
                        theme=theme,
                        for_rural=rng.random() < 0.5,
                        stage="teste",
                        licence="cc-by-sa-4.0",
                        author_name="Contributrice du banc",
                        created_by=world.organisers[i % len(world.organisers)],
                    )
                )
            Resource.objects.bulk_create(made)
            ids = dict(
                Resource.objects.filter(slug__in=[r.slug for r in made]).values_list("slug", "pk")
            )
            revisions = [
                Revision(
                    resource_id=ids[resource.slug],
                    number=n,
                    kind="creation" if n == 1 else "modification",
                    data=snapshot(resource),
                    comment="" if n == 1 else f"Complété (étape {n})",
                    author=resource.created_by,
                )
                for resource in made
                for n in range(1, scale.revisions_per_resource + 1)
            ]
            Revision.objects.bulk_create(revisions, batch_size=BATCH)
            pks = list(ids.values())
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE commons_resource SET current_revision_id = ("
                    "SELECT r.id FROM commons_revision r WHERE r.resource_id = commons_resource.id "
                    "ORDER BY r.number DESC LIMIT 1) WHERE id >= %s AND id <= %s",
                    [min(pks), max(pks)],
                )
            index_resources(pks)
        rows += len(made) + len(revisions)
    report.block("ressources du commun et versions", rows, started)


# --- pledges -------------------------------------------------------------------------


def open_campaign(
    *,
    territory: Any,
    sponsor: Any,
    slug: str,
    title: str,
    communes: list[str],
    size: int,
    now: dt.datetime,
) -> Any:
    """An open bike campaign with `size` confirmed commitments written in bulk,
    its counter and its communes' tallies set (the caller holds the transaction)."""
    from pledges.models import Campaign, CampaignStatus
    from pledges.services import commune_tallies_rebuild

    campaign = Campaign.objects.create(
        territory=territory,
        slug=slug,
        title=title,
        action="Se déplacer à vélo au moins une fois par semaine",
        participants_goal=size + size // 2 + 1,
        deadline=now + dt.timedelta(days=30),
        sponsor=sponsor,
        counterpart="La Mairie donne 5 000 € à l'association Solicycle.",
        beneficiary="Solicycle",
        status=CampaignStatus.OPEN,
        published_at=now - dt.timedelta(days=30),
    )
    insert_commitments(campaign=campaign, communes=communes, size=size, now=now)
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=size)
    commune_tallies_rebuild(campaign=campaign)
    return campaign


def insert_commitments(*, campaign: Any, communes: list[str], size: int, now: dt.datetime) -> None:
    """`size` confirmed commitments in one statement: every commune, some far
    more than others (a million ORM objects would take minutes)."""
    n, names = len(communes), len(FIRST_NAMES)
    if connection.vendor == "postgresql":
        sequence = "seq(n) AS (SELECT generate_series(0, %s - 1))"
        moment = f"CAST(%s AS timestamptz) - (seq.n %% {SPREAD_SECONDS}) * INTERVAL '1 second'"
        at: Any = now
    else:
        sequence = "seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < %s)"
        moment = f"datetime(%s, '-' || (seq.n %% {SPREAD_SECONDS}) || ' seconds')"
        at = now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    # Half the people spread evenly over the communes, half crowd the first ones.
    place = (
        f"CASE WHEN seq.n %% 2 = 0 THEN (seq.n / 2) %% {n} "
        f"ELSE ((seq.n / 2) %% {n}) * ((seq.n / 2) %% {n}) / {n} END"
    )
    sql = f"""
        WITH RECURSIVE {sequence},
        names(i, name) AS (VALUES {", ".join(["(%s, %s)"] * names)}),
        places(i, code) AS (VALUES {", ".join(["(%s, %s)"] * n)})
        INSERT INTO pledges_commitment (campaign_id, first_name, email, commune_id, site,
            consent, status, confirm_token, report_token, created_at, confirmed_at)
        SELECT %s, names.name, 'p' || seq.n || %s, places.code, '', %s, %s,
            %s || seq.n, %s || seq.n, {moment}, {moment}
        FROM seq
        JOIN names ON names.i = seq.n %% {names}
        JOIN places ON places.i = {place}
    """  # noqa: S608 - only numbers and placeholders are formatted in
    params: list[Any] = [size]
    for i, name in enumerate(FIRST_NAMES):
        params += [i, name]
    for i, code in enumerate(communes):
        params += [i, code]
    params += [
        campaign.pk,
        f"@{campaign.slug}-{campaign.pk}.banc.example",
        True,
        "confirme",
        f"b{campaign.pk}c",
        f"b{campaign.pk}r",
        at,
        at,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("ANALYZE pledges_commitment")


def _pledges(world: World, scale: Scale, report: Report) -> None:
    from territories.models import Partner

    now = timezone.now()
    started = time.perf_counter()
    for territory, codes, size in zip(
        world.territories,
        world.communes,
        _split(scale.commitments, scale.territories),
        strict=True,
    ):
        with transaction.atomic():
            sponsor = Partner.objects.create(
                territory=territory, name="Mairie du banc", url="https://mairie.example.org"
            )
            open_campaign(
                territory=territory,
                sponsor=sponsor,
                slug="a-velo",
                title="À vélo, tout le monde",
                communes=codes,
                size=size,
                now=now,
            )
    report.block("campagnes d'engagement et engagements", scale.commitments, started)


# --- events --------------------------------------------------------------------------


def _events(world: World, scale: Scale, report: Report) -> None:
    from events.models import Audience, Event, EventKind, EventStatus

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    started = time.perf_counter()
    rows = [
        Event(
            territory=territory,
            challenge=challenge if k % 2 == 0 else None,
            kind=EventKind.WORKSHOP,
            audience=Audience.PUBLIC,
            title=f"Atelier n° {k + 1} : réduire sa facture",
            description="Un atelier pratique, ouvert à toutes et à tous.",
            starts_at=now + dt.timedelta(days=7 * k - 14, hours=2),
            ends_at=now + dt.timedelta(days=7 * k - 14, hours=4),
            place_name="Salle des fêtes",
            commune_id=codes[k % len(codes)],
            status=EventStatus.PUBLISHED,
            published_at=now - dt.timedelta(days=30),
        )
        for territory, challenge, codes in zip(
            world.territories, world.challenges, world.communes, strict=True
        )
        for k in range(scale.events_per_territory)
    ]
    Event.objects.bulk_create(rows, batch_size=BATCH)
    report.block("événements", len(rows), started)


# --- after the rows ------------------------------------------------------------------


def _results(world: World, report: Report, say: Say) -> None:
    """A results snapshot per challenge, as the nightly task stores them: the
    public pages read it (with ELAN_RESULTS_PRECOMPUTE, never compute)."""
    from measures.results.cache import results_precompute

    started = time.perf_counter()
    for index, challenge in enumerate(world.challenges):
        results_precompute(challenge.pk)
        if (index + 1) % 10 == 0:
            say(
                f"    instantanés des résultats : {index + 1} / {len(world.challenges)} "
                f"({time.perf_counter() - started:.1f} s)"
            )
    report.block("instantanés des résultats", len(world.challenges), started)


def _analyze() -> None:
    # VACUUM cannot run inside a transaction (a test's, or a caller's atomic):
    # ANALYZE alone then, which is what the planner needs.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def seed(scale: Scale, *, say: Say, results: bool = True) -> dict[str, int]:
    """Write one dataset of `scale`; returns the rows written per block."""
    report = Report(say)
    tag = run_tag()
    world = _territories(tag, scale, report, say)
    _challenges(world, scale, report)
    households = _households(world, scale, report)
    _readings(households, scale, report, say)
    _network(world, scale, report)
    _commons(world, scale, report)
    _pledges(world, scale, report)
    _events(world, scale, report)
    started = time.perf_counter()
    _analyze()
    say(f"  statistiques de la base (ANALYZE) : {time.perf_counter() - started:.1f} s")
    if results:
        _results(world, report, say)
    return report.counts


def totals() -> dict[str, int]:
    """Rows in the database per table that the benchmarks care about."""
    from accounts.models import Household, User
    from challenges.models import Challenge, Registration, Team
    from commons.models import Resource, Revision
    from events.models import Event
    from measures.models import Meter, Reading, ResultSnapshot
    from network.models import Actor, Contact, ContactLog
    from pledges.models import Campaign, Commitment
    from territories.models import Commune, Territory

    models: list[tuple[str, Any]] = [
        ("territoires", Territory),
        ("communes", Commune),
        ("comptes", User),
        ("défis", Challenge),
        ("équipes", Team),
        ("foyers", Household),
        ("inscriptions", Registration),
        ("compteurs", Meter),
        ("relevés", Reading),
        ("instantanés des résultats", ResultSnapshot),
        ("acteurs", Actor),
        ("contacts", Contact),
        ("journal des contacts", ContactLog),
        ("ressources", Resource),
        ("versions", Revision),
        ("campagnes", Campaign),
        ("engagements", Commitment),
        ("événements", Event),
    ]
    return {label: model.objects.count() for label, model in models}
