"""A closed challenge with real readings: three households of Crest in two
teams read their gas and water meters every 15 days during the reference
(one year earlier) and the challenge; one household has no reference and is
excluded. A workshop with attendance and a photo, a testimony given with
consent, degree days for both periods."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import Attendance
from measures.models import Carrier, DegreeDay, Unit, WeatherZone
from measures.results import one_year_before
from reports.models import Testimony
from tests.events.factories import EventFactory, EventPhotoFactory, EventRegistrationFactory
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

# (household, persons, team index, gas m³/day reference → challenge, water m³/day)
HOMES = [
    ("Famille Lambert", 2, 0, (5.0, 4.5), (0.30, 0.27)),
    ("Famille Roux", 4, 0, (6.0, 5.1), (0.50, 0.45)),
    ("Famille Diallo", 3, 1, (4.0, 3.8), (0.40, 0.38)),
]


def _every_15_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=n) for n in range(0, (last - first).days, 15)]
    return [*days, last]


def build_challenge(territory, *, with_degree_days: bool = True, title: str = "Défi Hiver sobre"):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    start = today - dt.timedelta(days=130)
    end = today - dt.timedelta(days=10)
    challenge = ChallengeFactory(
        territory=territory,
        title=title,
        slug="hiver",
        starts_on=start,
        ends_on=end,
        registration_opens_on=start - dt.timedelta(days=60),
        registration_closes_on=start - dt.timedelta(days=1),
        objective_energy_pct=Decimal("8"),
        objective_water_pct=Decimal("15"),
    )
    commune = territory.communes.first()
    teams = [
        TeamFactory(challenge=challenge, name="Les Économes de Crest"),
        TeamFactory(challenge=challenge, name="Les Sobres du Val"),
    ]
    users = []
    for name, persons, team, gas, water in HOMES:
        home = HouseholdFactory(name=name, adults=2, children=persons - 2, commune=commune)
        users.append(UserFactory(display_name=name.replace("Famille ", "Claire "), household=home))
        RegistrationFactory(challenge=challenge, household=home, team=teams[team])
        for carrier, rates, base in ((Carrier.GAS, gas, 1000), (Carrier.WATER, water, 100)):
            meter = MeterFactory(household=home, carrier=carrier, unit=Unit.M3)
            ref_start = one_year_before(start)
            for day in _every_15_days(ref_start, one_year_before(end + dt.timedelta(days=1))):
                ReadingFactory(
                    meter=meter, read_on=day, value=base + rates[0] * (day - ref_start).days
                )
            for day in _every_15_days(start, end + dt.timedelta(days=1)):
                ReadingFactory(
                    meter=meter, read_on=day, value=5 * base + rates[1] * (day - start).days
                )
    # A fourth household with no reference readings: excluded, never counted as zero.
    late = HouseholdFactory(name="Famille Tardive", adults=1, children=0, commune=commune)
    RegistrationFactory(challenge=challenge, household=late, team=teams[1])
    meter = MeterFactory(household=late, carrier=Carrier.GAS, unit=Unit.M3)
    ReadingFactory(meter=meter, read_on=start, value=10)
    ReadingFactory(meter=meter, read_on=end, value=400)
    if with_degree_days:
        zone_code = commune.department.code if commune.department_id else "26"
        zone, _ = WeatherZone.objects.get_or_create(code=zone_code, defaults={"name": "Drôme"})
        if commune.department_id:
            zone.departments.add(commune.department)
        for first, last, value in (
            (one_year_before(start), one_year_before(end + dt.timedelta(days=1)), Decimal("10")),
            (start, end + dt.timedelta(days=1), Decimal("9")),
        ):
            DegreeDay.objects.bulk_create(
                DegreeDay(
                    zone=zone,
                    day=first + dt.timedelta(days=n),
                    value=value,
                    source="Météo-France, station de Montélimar",
                )
                for n in range((last - first).days)
            )
    workshop = EventFactory(
        territory=territory,
        challenge=challenge,
        title="Atelier éco-gestes",
        starts_at=timezone.now() - dt.timedelta(days=100),
    )
    for user in users:
        EventRegistrationFactory(event=workshop, user=user, attendance=Attendance.PRESENT)
    photo = EventPhotoFactory(event=workshop, caption="L'atelier du 12 janvier")
    testimony = Testimony.objects.create(
        challenge=challenge,
        author=users[0],
        text="Nous avons baissé le chauffage d'un degré sans y penser.",
        signature="Claire, Crest",
        consent_at=timezone.now(),
        consent_source="formulaire en ligne du défi",
    )
    return challenge, photo, testimony, users


@pytest.fixture
def closed_challenge(territory):  # type: ignore[no-untyped-def]
    return build_challenge(territory)
