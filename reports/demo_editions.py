"""Past editions in several territories, so that the comparison across
territories (/comparaisons/) has something to compare: Saillans Demain ran
two winters of the challenge, and a third territory in another region,
Mulhouse (Grand Est: seed 002's programme), ran two. Each edition has its own
households, teams, gas and water meters read every 15 days over the
reference (a year earlier) and the challenge, synthetic degree days for its
zone, and its final results computed from those readings as any closed
challenge's: nothing here writes a figure. A household in six used less the
year before, and one in eight never read its meter at the end: excluded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Household
from challenges.models import Challenge, Registration, RegistrationStatus, Team, Theme
from measures import demo as measures_demo
from measures.degree_days import degree_days_write, zone_upsert
from measures.models import Carrier, DegreeDay, Meter, Reading, Unit, WeatherZone
from measures.results import one_year_before
from measures.results.cache import results_precompute
from territories.models import Commune, Department, Region, Territory, TerritoryKind

MULHOUSE_COMMUNES = [
    ("68224", "Mulhouse", " 68100 68200", 108942, "47.74944", "7.33972"),
    ("68154", "Illzach", " 68110", 14668, "47.78083", "7.34639"),
    ("68278", "Riedisheim", " 68400", 12478, "47.74833", "7.36722"),
    ("68376", "Wittenheim", " 68270", 15001, "47.80833", "7.33694"),
]
# (territory slug, slug, title, first day, households, teams, mean saving)
EDITIONS = [
    (
        "saillans-demain",
        "saillans-sobre-2023",
        "Défi Saillans sobre 2023-2024",
        (2023, 12, 1),
        14,
        ["Les Tilleuls", "La Place"],
        0.07,
    ),
    (
        "saillans-demain",
        "saillans-sobre-2024",
        "Défi Saillans sobre 2024-2025",
        (2024, 12, 1),
        16,
        ["Les Tilleuls", "La Place", "Le Moulin"],
        0.10,
    ),
    (
        "mulhouse-transition",
        "declics-mulhouse-2023",
        "Défi Déclics Mulhouse 2023-2024",
        (2023, 12, 1),
        24,
        ["Dornach", "Rebberg", "Illzach durable", "Les Riedisheimois"],
        0.09,
    ),
    (
        "mulhouse-transition",
        "declics-mulhouse-2024",
        "Défi Déclics Mulhouse 2024-2025",
        (2024, 12, 1),
        30,
        ["Dornach", "Rebberg", "Illzach durable", "Les Riedisheimois", "Wittenheim en action"],
        0.12,
    ),
]
FIRST_NAMES = ["Muller", "Schmitt", "Meyer", "Weber", "Keller", "Klein", "Roth", "Fischer", "Wagner", "Koehler", "Bauer", "Hoffmann", "Zimmermann", "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"]  # fmt: skip


def seed(ctx: Any) -> None:
    mulhouse = _mulhouse(ctx)
    territories = {
        "saillans-demain": Territory.objects.filter(slug="saillans-demain").first(),
        mulhouse.slug: mulhouse,
    }
    for slug_of_territory, slug, title, first, size, teams, saving in EDITIONS:
        territory = territories.get(slug_of_territory)
        if territory is None or Challenge.objects.filter(slug=slug).exists():
            continue
        challenge = _edition(ctx, territory, slug, title, dt.date(*first), teams)
        registrations = _households(ctx, territory, challenge, size)
        _readings(ctx, challenge, registrations, saving)
        _degree_days(ctx, territory, challenge)
        # Closed: its final results, from the readings (what the nightly task does).
        results_precompute(challenge.pk)
        ctx.count("bilans définitifs (éditions passées)", True)


def _mulhouse(ctx: Any) -> Territory:
    region, created = Region.objects.get_or_create(code="44", defaults={"name": "Grand Est"})
    ctx.count("régions", created)
    department, created = Department.objects.get_or_create(
        code="68", defaults={"name": "Haut-Rhin", "region": region}
    )
    ctx.count("départements", created)
    communes = []
    for insee, name, postal, population, lat, lon in MULHOUSE_COMMUNES:
        commune, created = Commune.objects.update_or_create(
            insee_code=insee,
            defaults={
                "name": name,
                "postal_codes": postal,
                "population": population,
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                "department": department,
            },
        )
        communes.append(commune)
        ctx.communes[insee] = commune
        ctx.count("communes", created)
    territory, created = Territory.objects.update_or_create(
        slug="mulhouse-transition",
        defaults={
            "name": "Mulhouse en transition",
            "kind": TerritoryKind.EPCI,
            "region": region,
            "tagline": "Des foyers, des quartiers et des acteurs qui réduisent ensemble.",
            "description": (
                "Le programme de prévention et de transition de l'agglomération : défis "
                "« Familles à énergie positive », conseils des acteurs et semaine de "
                "réduction des déchets (territoire fictif inspiré d'un retour d'expérience)."
            ),
            "accent_color": "#8c2f39",
            "contact_email": "mulhouse@demo.elan.example.org",
            "is_published": True,
        },
    )
    ctx.count("territoires", created)
    territory.communes.add(*communes)
    ctx.territories[territory.slug] = territory
    zone_upsert(code="68", name="Haut-Rhin (68)", departments=["68"], is_synthetic=True)
    return territory


def _edition(
    ctx: Any, territory: Territory, slug: str, title: str, start: dt.date, teams: list[str]
) -> Challenge:
    end = start + dt.timedelta(days=150)
    challenge = Challenge.objects.create(
        territory=territory,
        slug=slug,
        title=title,
        summary="Cinq mois d'hiver pour consommer moins d'énergie et d'eau, en équipe.",
        themes=[Theme.ENERGY, Theme.WATER],
        registration_opens_on=start - dt.timedelta(days=70),
        registration_closes_on=start - dt.timedelta(days=5),
        starts_on=start,
        ends_on=end,
        objective_energy_pct=Decimal("8"),
        objective_water_pct=Decimal("10"),
        organising_association=f"Espace Info Énergie — {territory.name}",
        published_at=timezone.make_aware(dt.datetime.combine(start, dt.time(9)))
        - dt.timedelta(days=80),
    )
    ctx.count("défis", True)
    communes = list(territory.communes.order_by("-population"))
    for index, name in enumerate(teams):
        Team.objects.create(challenge=challenge, name=name, commune=communes[index % len(communes)])
        ctx.count("équipes", True)
    return challenge


def _households(
    ctx: Any, territory: Territory, challenge: Challenge, size: int
) -> list[Registration]:
    communes = list(territory.communes.order_by("-population"))
    teams = list(challenge.teams.order_by("pk"))
    registrations = []
    for index in range(size):
        family = FIRST_NAMES[(index * 7 + challenge.pk) % len(FIRST_NAMES)]
        household = Household.objects.create(
            name=f"Foyer {family} ({challenge.starts_on.year})",
            adults=ctx.rng.choice([1, 2, 2, 2, 3]),
            children=ctx.rng.choice([0, 0, 1, 2, 3]),
            commune=communes[index % len(communes)],
        )
        ctx.count("foyers (éditions passées)", True)
        registrations.append(
            Registration.objects.create(
                challenge=challenge,
                household=household,
                status=RegistrationStatus.SELECTED,
                team=teams[index % len(teams)],
                registered_at=timezone.make_aware(
                    dt.datetime.combine(challenge.registration_opens_on, dt.time(20))
                ),
                decision_reason="Retenu : habitant d'une commune du territoire.",
            )
        )
        ctx.count("inscriptions", True)
    return registrations


def _every_15_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=n) for n in range(0, (last - first).days, 15)]
    return [*days, last]


def _readings(
    ctx: Any, challenge: Challenge, registrations: list[Registration], saving: float
) -> None:
    start, end = challenge.period  # end exclusive
    ref_start, ref_end = one_year_before(start), one_year_before(end)
    new: list[Reading] = []
    for index, registration in enumerate(registrations):
        persons = registration.household.adults + registration.household.children
        gas_day = ctx.rng.uniform(3.0, 7.0) * (0.7 + 0.1 * persons)
        water_day = ctx.rng.uniform(0.08, 0.14) * persons
        # One in six used less the year before; the others save around `saving`.
        kept = (
            1 + ctx.rng.uniform(0.0, 0.03)
            if index % 6 == 5
            else 1 - max(0.0, ctx.rng.gauss(saving, 0.04))
        )
        for carrier, daily, base, heating in (
            (Carrier.GAS, gas_day, 2000, Decimal("1")),
            (Carrier.WATER, water_day, 300, Decimal("0")),
        ):
            meter = Meter.objects.create(
                household=registration.household,
                carrier=carrier,
                unit=Unit.M3,
                label="Compteur gaz" if carrier == Carrier.GAS else "Compteur d'eau",
                heating_share=heating,
            )
            value = float(base)
            previous = ref_start
            for day in _every_15_days(ref_start, ref_end):
                value += daily * (day - previous).days * ctx.rng.uniform(0.9, 1.1)
                previous = day
                new.append(Reading(meter=meter, read_on=day, value=Decimal(f"{value:.2f}")))
            value += daily * (start - previous).days
            previous = start
            days = _every_15_days(start, end)
            if index % 8 == 7:
                days = days[:-3]  # stopped reading: excluded, never counted as zero
            for day in days:
                value += daily * kept * (day - previous).days * ctx.rng.uniform(0.9, 1.1)
                previous = day
                new.append(Reading(meter=meter, read_on=day, value=Decimal(f"{value:.2f}")))
    Reading.objects.bulk_create(new)
    ctx.count("relevés (éditions passées)", bool(new))
    Challenge.objects.filter(pk=challenge.pk).update(data_version=1)


def _degree_days(ctx: Any, territory: Territory, challenge: Challenge) -> None:
    code = "68" if territory.slug == "mulhouse-transition" else measures_demo.ZONE_CODE
    zone = WeatherZone.objects.get(code=code)
    start, end = challenge.period
    colder = 2.5 if code == "68" else 0.0  # the Alsace winter is colder than the Drôme's
    for first, last in ((one_year_before(start), one_year_before(end)), (start, end)):
        known = set(
            DegreeDay.objects.filter(zone=zone, day__gte=first, day__lt=last).values_list(
                "day", flat=True
            )
        )
        values = {}
        day = first
        while day < last:
            if day not in known:
                temperature = measures_demo.daily_temperature(day) - colder + ctx.rng.gauss(0, 2.5)
                values[day] = Decimal(f"{max(0.0, 18 - temperature):.3f}")
            day += dt.timedelta(days=1)
        report = degree_days_write(zone=zone, values=values, source=measures_demo.SOURCE)
        ctx.count("degrés-jours (synthétiques)", report.created)
