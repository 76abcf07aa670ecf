"""The demo's past edition and its final report: « Défi Familles à énergie
positive 2025-2026 » ran over the dates that are the current edition's
reference period, so its challenge-period readings are those that
measures.demo already wrote; it gets its own reference readings a year
earlier (a use 4–16 % higher for most households), degree days for that
year, its workshops with attendance and photos, and testimonies given with
consent. Its report page is then complete: /t/val-de-drome/defis/
familles-energie-positive-2025/bilan/."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from challenges.models import (
    Challenge,
    EcoGesture,
    GestureChoice,
    GestureStatus,
    NotForMeReason,
    Registration,
    RegistrationStatus,
    Team,
    Theme,
)
from events.models import Attendance, Event, EventKind, EventPhoto, EventRegistration, EventStatus
from events.models import RegistrationStatus as SeatStatus
from measures import demo as measures_demo
from measures.degree_days import degree_days_write, zone_upsert
from measures.models import DegreeDay, Meter, Reading, Register
from measures.results.cache import results_precompute
from reports import demo_editions
from reports.models import ReportSelection, Testimony

SLUG = "familles-energie-positive-2025"
TEAMS = [
    "Les Lucioles de Crest",
    "Les Éco-logis d'Aouste",
    "Les Radiateurs tièdes",
    "La Drôme sobre",
]
WORKSHOPS = [
    (
        EventKind.WORKSHOP,
        "Soirée de lancement du défi",
        3,
        (52, 120, 88),
        "Une salle des fêtes pleine, des familles écoutent la présentation du défi",
    ),
    (
        EventKind.WORKSHOP,
        "Atelier « Lire sa facture d'énergie »",
        40,
        (40, 90, 140),
        "Des participants comparent leurs factures autour d'une table",
    ),
    (
        EventKind.WORKSHOP,
        "Balade thermique dans le centre de Crest",
        75,
        (150, 70, 40),
        "Un groupe devant une façade, une caméra thermique à la main",
    ),
]
TESTIMONIES = [
    (
        "On a baissé le chauffage d'un degré et posé des rideaux épais : personne n'a eu froid, et la facture de gaz a fondu.",
        "Nadia, Crest",
        True,
    ),
    (
        "Relever le compteur tous les quinze jours, c'est devenu un jeu avec les enfants. Ils traquent les veilles !",
        "Famille Arnaud, Aouste-sur-Sye",
        True,
    ),
    (
        "La balade thermique m'a convaincu d'isoler mes combles. Le défi a été le déclic.",
        "Jean-Pierre, Divajeu",
        True,
    ),
    ("Bonne ambiance dans l'équipe, même si je n'ai pas tout relevé.", "Lucie, Crest", False),
]


def seed(ctx: Any) -> None:
    _past_edition(ctx)
    demo_editions.seed(ctx)


def _past_edition(ctx: Any) -> None:
    current = Challenge.objects.filter(slug=measures_demo.CHALLENGE_SLUG).first()
    if current is None or Challenge.objects.filter(slug=SLUG).exists():
        return
    start, end_exclusive = current.reference_period
    challenge = Challenge.objects.create(
        territory=current.territory,
        slug=SLUG,
        title="Défi Familles à énergie positive 2025-2026",
        summary="La première édition du défi dans la vallée : six mois pour consommer moins, en équipe.",
        themes=[Theme.ENERGY, Theme.WATER],
        registration_opens_on=start - dt.timedelta(days=75),
        registration_closes_on=start - dt.timedelta(days=7),
        starts_on=start,
        ends_on=end_exclusive - dt.timedelta(days=1),
        objective_energy_pct=Decimal("8"),
        objective_water_pct=Decimal("10"),
        organising_association="Les Colibris du Crestois",
        consent_text=current.consent_text,
        published_at=timezone.now() - dt.timedelta(days=480),
    )
    ctx.count("défis", True)
    registrations = _registrations(ctx, current, challenge)
    _reference_readings(ctx, challenge, registrations)
    _degree_days(ctx, challenge)
    photos = _workshops(ctx, challenge, registrations)
    selection = ReportSelection.objects.create(
        challenge=challenge,
        introduction=(
            "Pour sa première édition, le défi a réuni des familles de toute la vallée. "
            "Merci aux foyers, aux capitaines et aux communes qui ont prêté leurs salles."
        ),
        version=1,
    )
    selection.photos.set(photos)
    _testimonies(ctx, challenge, registrations)
    _gestures(ctx, challenge, registrations)
    # Closed: its final results, for the report and the comparison.
    results_precompute(challenge.pk)


def _registrations(ctx: Any, current: Challenge, challenge: Challenge) -> list[Registration]:
    """The households of this year's edition whose meters were read over its
    reference period: they took part last year."""
    start = challenge.starts_on
    households = [
        r.household
        for r in current.registrations.selected().select_related("household").order_by("pk")
        if Reading.objects.filter(
            meter__household=r.household, read_on__lt=start + dt.timedelta(days=20)
        ).exists()
    ][:28]
    teams = []
    for index, name in enumerate(TEAMS):
        members = households[index :: len(TEAMS)]
        if not members:
            continue
        teams.append(
            Team.objects.create(
                challenge=challenge,
                name=name,
                captain=members[0].members.order_by("email").first(),
                commune=members[0].commune,
            )
        )
        ctx.count("équipes", True)
    registrations = []
    for index, household in enumerate(households):
        registrations.append(
            Registration.objects.create(
                challenge=challenge,
                household=household,
                status=RegistrationStatus.SELECTED,
                team=teams[index % len(teams)] if teams else None,
                registered_at=timezone.now() - dt.timedelta(days=470),
                decided_at=timezone.now() - dt.timedelta(days=460),
                registered_by=household.members.order_by("email").first(),
                decision_reason="Retenu : habitant d'une commune du territoire.",
            )
        )
        ctx.count("inscriptions", True)
    return registrations


def _reference_readings(ctx: Any, challenge: Challenge, registrations: list[Registration]) -> None:
    ref_start, ref_end = challenge.reference_period
    start, end = challenge.period
    new: list[Reading] = []
    for meter in Meter.objects.filter(household__in=[r.household_id for r in registrations]):
        readings = sorted(
            meter.readings.filter(
                register=Register.SINGLE,
                read_on__gte=start,
                read_on__lte=end + dt.timedelta(days=15),
            ),
            key=lambda r: r.read_on,
        )
        if len(readings) < 2:
            continue
        days = (readings[-1].read_on - readings[0].read_on).days or 1
        daily = float(readings[-1].value - readings[0].value) / days
        # One household in six used less the year before: a challenge is not a sure win.
        factor = (
            1 - ctx.rng.uniform(0.01, 0.04)
            if meter.household_id % 6 == 1
            else 1 + ctx.rng.uniform(0.04, 0.16)
        )
        index = float(readings[0].value) - daily * factor * 400
        previous = ref_start
        for offset in range(0, (ref_end - ref_start).days + 15, 15):
            day = ref_start + dt.timedelta(days=offset)
            index += daily * factor * (day - previous).days * ctx.rng.uniform(0.9, 1.1)
            previous = day
            new.append(
                Reading(
                    meter=meter,
                    register=Register.SINGLE,
                    read_on=day,
                    value=Decimal(f"{max(index, 0):.1f}"),
                )
            )
    Reading.objects.bulk_create(new)
    ctx.count("relevés de référence (édition passée)", bool(new))
    Challenge.objects.filter(pk=challenge.pk).update(data_version=1)


def _degree_days(ctx: Any, challenge: Challenge) -> None:
    ref_start, _ref_end = challenge.reference_period
    _start, end = challenge.period
    zone = zone_upsert(
        code=measures_demo.ZONE_CODE,
        name=measures_demo.ZONE_NAME,
        departments=[],
        is_synthetic=True,
    )
    known = set(
        DegreeDay.objects.filter(zone=zone, day__gte=ref_start, day__lt=end).values_list(
            "day", flat=True
        )
    )
    values = {}
    day = ref_start
    while day < end:
        if day not in known:
            temperature = measures_demo.daily_temperature(day) + ctx.rng.gauss(0, 2.5)
            values[day] = Decimal(f"{max(0.0, 18 - temperature):.3f}")
        day += dt.timedelta(days=1)
    report = degree_days_write(zone=zone, values=values, source=measures_demo.SOURCE)
    ctx.count("degrés-jours (synthétiques)", report.created)


def _picture(color: tuple[int, int, int], title: str) -> bytes:
    """A simple illustrated card (the demo ships no real photo of anyone)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), color)
    draw = ImageDraw.Draw(image)
    for n in range(6):
        shade = tuple(min(255, c + 18 * (n + 1)) for c in color)
        draw.ellipse((40 + 90 * n, 180 - 12 * n, 140 + 90 * n, 320 - 12 * n), fill=shade)
    draw.rectangle((0, 330, 640, 400), fill=(250, 248, 240))
    draw.text((24, 352), title, fill=(30, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _workshops(
    ctx: Any, challenge: Challenge, registrations: list[Registration]
) -> list[EventPhoto]:
    users = [
        user
        for r in registrations
        if (user := r.household.members.order_by("email").first()) is not None
    ]
    photos = []
    territory = challenge.territory
    crest = territory.communes.filter(insee_code="26108").first() or territory.communes.first()
    for kind, title, day, color, alt in WORKSHOPS:
        starts = timezone.make_aware(
            dt.datetime.combine(challenge.starts_on + dt.timedelta(days=day), dt.time(18, 30))
        )
        event = Event.objects.create(
            territory=challenge.territory,
            challenge=challenge,
            kind=kind,
            theme=Theme.ENERGY,
            title=title,
            description="Un temps fort du défi Familles à énergie positive.",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            place_name="Salle des fêtes de Crest",
            address="Place du Docteur Rozier, 26400 Crest",
            commune=crest,
            latitude=crest.latitude + Decimal("0.0012") if crest and crest.latitude else None,
            longitude=crest.longitude - Decimal("0.0008") if crest and crest.longitude else None,
            status=EventStatus.PUBLISHED,
            published_at=starts - dt.timedelta(days=20),
        )
        ctx.count("événements", True)
        for index, user in enumerate(users):
            if ctx.rng.random() < 0.3:
                continue
            attendance = (
                Attendance.EXCUSED
                if index % 7 == 3
                else (Attendance.ABSENT if index % 11 == 5 else Attendance.PRESENT)
            )
            EventRegistration.objects.create(
                event=event,
                user=user,
                name=str(user),
                email=user.email,
                status=SeatStatus.CANCELLED
                if attendance == Attendance.EXCUSED
                else SeatStatus.CONFIRMED,
                confirmed_at=starts - dt.timedelta(days=5),
                attendance=attendance,
            )
        photo = EventPhoto(event=event, alt_text=alt, caption=f"{title}, le {starts:%d/%m/%Y}")
        photo.image.save(
            f"{challenge.slug}-{day}.png", ContentFile(_picture(color, title)), save=False
        )
        photo.save()
        photos.append(photo)
    return photos


def _testimonies(ctx: Any, challenge: Challenge, registrations: list[Registration]) -> None:
    authors = [r.household.members.order_by("email").first() for r in registrations]
    for (text, signature, selected), author in zip(TESTIMONIES, authors, strict=False):
        Testimony.objects.create(
            challenge=challenge,
            author=author,
            text=text,
            signature=signature,
            consent_at=timezone.now() - dt.timedelta(days=220),
            consent_source="formulaire en ligne du défi",
            selected=selected,
        )
        ctx.count("témoignages", True)


def _gestures(ctx: Any, challenge: Challenge, registrations: list[Registration]) -> None:
    """What the households chose, during the challenge's first weeks."""
    gestures = list(
        EcoGesture.objects.filter(
            territory__isnull=True, theme__in=challenge.themes, is_active=True
        )
    )
    if not gestures:
        return
    weights = [3, 5, 2]  # already, committed, not for me
    statuses = [GestureStatus.ALREADY, GestureStatus.COMMITTED, GestureStatus.NOT_FOR_ME]
    popular = gestures[: max(3, len(gestures) // 3)]
    rows = []
    for registration in registrations:
        for gesture in ctx.rng.sample(gestures, min(6, len(gestures))) + popular[:2]:
            status = ctx.rng.choices(statuses, weights=weights)[0]
            rows.append(
                GestureChoice(
                    registration=registration,
                    gesture=gesture,
                    status=status,
                    reason=NotForMeReason.NOT_APPLICABLE
                    if status == GestureStatus.NOT_FOR_ME
                    else "",
                    chosen_at=timezone.make_aware(
                        dt.datetime.combine(
                            challenge.starts_on + dt.timedelta(days=ctx.rng.randrange(0, 30)),
                            dt.time(20, 0),
                        )
                    ),
                )
            )
    GestureChoice.objects.bulk_create(rows, ignore_conflicts=True)
    ctx.count("choix d'éco-gestes", bool(rows))
