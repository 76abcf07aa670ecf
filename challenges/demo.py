"""Demo part of the challenges: a running energy & water challenge in the Val
de Drôme with 8 teams, and a zero-waste challenge open for registration in
Saillans. Dates are set relative to the day the demo is first loaded, so a
fresh demo always shows a challenge under way; later runs create nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import ConsentText, Heating, Household
from challenges.models import (
    Challenge,
    EcoGesture,
    GestureChoice,
    GestureStatus,
    GestureTick,
    KitDocument,
    KitKind,
    NotForMeReason,
    Registration,
    RegistrationDecision,
    RegistrationStatus,
    SelectionRule,
    Team,
    Theme,
)
from measures.models import Carrier, Meter, Reading, Register, Unit

TEAM_NAMES = [
    "Les Watt'else",
    "Les Radiateurs tièdes",
    "Les Gouttes d'eau",
    "Les Marmottes",
    "Les Lucioles",
    "Les Castors",
    "Les Colibris",
    "Les Pulls en laine",
]
SELECTED = 38

# Carrier of the main heating meter, with its unit and daily winter use.
HEATING_METERS: dict[str, tuple[str, str, str, float]] = {
    Heating.GAS: (Carrier.GAS, Unit.M3, "Compteur gaz", 4.5),
    Heating.FUEL_OIL: (Carrier.FUEL_OIL, Unit.LITRE, "Cuve de fioul", 5.0),
    Heating.PELLETS: (Carrier.PELLETS, Unit.KG, "Silo à granulés", 9.0),
    Heating.LOGS: (Carrier.LOGS, Unit.STERE, "Tas de bûches", 0.04),
}


def seed(ctx: Any) -> None:
    val, saillans = ctx.territories["val-de-drome"], ctx.territories["saillans-demain"]
    energy, created = _energy_challenge(ctx, val)
    # The challenge is built in the same transaction as everything around it:
    # when it exists, so do its teams, readings and choices.
    if created:
        registrations = _registrations(ctx, energy)
        selected = [r for r in registrations if r.status == RegistrationStatus.SELECTED]
        _teams(ctx, energy, selected)
        for registration in registrations:
            _meters_and_readings(ctx, energy, registration)
        _gesture_choices(ctx, energy, registrations)
        _kit(ctx, energy)
    _waste_challenge(ctx, saillans)
    team = energy.teams.select_related("captain").order_by("name").first()
    if team is not None and team.captain is not None:
        ctx.logins.append((team.captain.email, f"capitaine de l'équipe « {team.name} »"))


def _consent_text(ctx: Any, key: str, title: str) -> ConsentText:
    text, created = ConsentText.objects.get_or_create(
        key=key,
        version=1,
        defaults={
            "title": title,
            "body": (
                "J'accepte que mes relevés de compteurs et mes pesées soient enregistrés pour calculer "
                "les résultats de mon foyer, de mon équipe et du défi. Mon capitaine voit si mes "
                "données sont à jour, pas leurs valeurs, sauf si je choisis de les partager. Seuls des "
                "résultats agrégés et anonymes sont publiés. Je peux retirer mon consentement et "
                "supprimer mes données à tout moment depuis « Données personnelles »."
            ),
        },
    )
    ctx.count("textes de consentement", created)
    return text


def _energy_challenge(ctx: Any, territory: Any) -> tuple[Challenge, bool]:
    today = timezone.localdate()
    start = today - dt.timedelta(days=21)
    challenge, created = Challenge.objects.get_or_create(
        territory=territory,
        slug="familles-energie-positive",
        defaults={
            "title": "Défi Familles à énergie positive 2026-2027",
            "summary": "Six mois pour réduire nos consommations d'énergie et d'eau, en équipe et dans la bonne humeur.",
            "description": (
                "Par équipes de 3 à 10 foyers, relevez vos compteurs tous les quinze jours, essayez des "
                "éco-gestes et retrouvez-vous aux ateliers de la vallée. Objectif : 8 % d'énergie et 10 % "
                "d'eau en moins par rapport à l'hiver dernier, à climat comparable.\n\n"
                "Soirée de lancement à la salle des fêtes de Crest, atelier « lire sa facture » en "
                "décembre, balade thermique en janvier, soirée de clôture et remise des prix au printemps."
            ),
            "themes": [Theme.ENERGY, Theme.WATER],
            "registration_opens_on": start - dt.timedelta(days=75),
            "registration_closes_on": start - dt.timedelta(days=7),
            "starts_on": start,
            "ends_on": start + dt.timedelta(days=179),
            "objective_energy_pct": Decimal("8"),
            "objective_water_pct": Decimal("10"),
            "max_households": SELECTED,
            "reading_frequency_days": 15,
            "selection_rule": SelectionRule.RESIDENTS_FIRST,
            "organising_association": "Les Colibris du Crestois",
            "consent_text": _consent_text(
                ctx, "defi-val-de-drome-energie", "Usage de mes données dans le défi"
            ),
            "published_at": timezone.now() - dt.timedelta(days=100),
        },
    )
    ctx.count("défis", created)
    return challenge, created


def _registrations(ctx: Any, challenge: Challenge) -> list[Registration]:
    households = sorted(ctx.households[:40], key=lambda h: (h.commune_id, h.name))
    registrations = []
    registered_at = timezone.now() - dt.timedelta(days=90)
    for index, household in enumerate(households):
        selected = index < SELECTED
        status = RegistrationStatus.SELECTED if selected else RegistrationStatus.WAITING
        reason = (
            "Retenu : habitant d'une commune du territoire, inscrit parmi les premiers."
            if selected
            else f"Liste d'attente (rang {index - SELECTED + 1}) : les {SELECTED} places sont prises."
        )
        registration, created = Registration.objects.get_or_create(
            challenge=challenge,
            household=household,
            defaults={
                "status": status,
                "registered_at": registered_at + dt.timedelta(hours=7 * index),
                "registered_by": household.members.order_by("email").first(),
                "decision_reason": reason,
                "decided_at": timezone.now() - dt.timedelta(days=40),
                "waiting_rank": None if selected else index - SELECTED + 1,
                "shares_values_with_team": index % 3 == 0,
            },
        )
        ctx.count("inscriptions", created)
        if created:
            RegistrationDecision.objects.create(
                registration=registration,
                status=RegistrationStatus.CANDIDATE,
                reason="Candidature reçue.",
                decided_at=registration.registered_at,
            )
            RegistrationDecision.objects.create(
                registration=registration,
                status=status,
                reason=reason,
                decided_at=registration.decided_at or timezone.now(),
            )
        registrations.append(registration)
    return registrations


def _teams(ctx: Any, challenge: Challenge, selected: list[Registration]) -> list[Team]:
    """Eight teams of 4 or 5 households, neighbours together."""
    ordered = sorted(selected, key=lambda r: (r.household.commune_id, r.household.name))
    size, extra = divmod(len(ordered), len(TEAM_NAMES))
    teams, start = [], 0
    for position, name in enumerate(TEAM_NAMES):
        end = start + size + (1 if position < extra else 0)
        members = ordered[start:end]
        start = end
        captain = members[0].household.members.order_by("email").first()
        team, created = Team.objects.get_or_create(
            challenge=challenge,
            name=name,
            defaults={
                "captain": captain,
                "captain_trained": position < 6,
                "commune": members[0].household.commune,
            },
        )
        ctx.count("équipes", created)
        Registration.objects.filter(pk__in=[r.pk for r in members], team__isnull=True).update(
            team=team
        )
        teams.append(team)
    return teams


def _meters(household: Household) -> list[Meter]:
    plans: list[tuple[str, str, str, Decimal]] = [
        (Carrier.ELECTRICITY, Unit.KWH, "Compteur Linky", Decimal("0"))
    ]
    if household.main_heating in HEATING_METERS:
        carrier, unit, label, _daily = HEATING_METERS[household.main_heating]
        plans.append((carrier, unit, label, Decimal("1")))
    elif household.main_heating in (Heating.ELECTRICITY, Heating.HEAT_PUMP):
        plans[0] = (Carrier.ELECTRICITY, Unit.KWH, "Compteur Linky", Decimal("0.7"))
    plans.append((Carrier.WATER, Unit.M3, "Compteur d'eau", Decimal("0")))
    meters = []
    for carrier, unit, label, share in plans:
        meter, _created = Meter.objects.get_or_create(
            household=household,
            carrier=carrier,
            label=label,
            defaults={"unit": unit, "heating_share": share},
        )
        meters.append(meter)
    return meters


def _daily_use(meter: Meter, household: Household) -> float:
    if meter.carrier == Carrier.WATER:
        return 0.12 * household.persons
    if meter.carrier == Carrier.ELECTRICITY:
        return 22.0 if meter.heating_share > 0 else 7.0
    return next(
        daily for carrier, _u, _l, daily in HEATING_METERS.values() if carrier == meter.carrier
    )


def _meters_and_readings(ctx: Any, challenge: Challenge, registration: Registration) -> None:
    """Readings every 15 days since the start; some households are late, a
    few have entered nothing, so that captains have someone to remind."""
    household = registration.household
    profile = household.pk % 6  # 0: nothing yet, 1: late, else up to date
    today = timezone.localdate()
    for meter in _meters(household):
        if profile == 0 or meter.readings.exists():
            continue
        last_day = today - dt.timedelta(days=26 if profile == 1 else ctx.rng.randrange(1, 9))
        days = [challenge.starts_on + dt.timedelta(days=d) for d in range(0, 200, 15)]
        days = [d for d in days if d < last_day] + [last_day]
        index = float(ctx.rng.randrange(1_000, 40_000))
        daily = _daily_use(meter, household)
        previous = days[0]
        for day in days:
            index += daily * (day - previous).days * ctx.rng.uniform(0.8, 1.15)
            previous = day
            Reading.objects.create(
                meter=meter, register=Register.SINGLE, read_on=day, value=Decimal(f"{index:.1f}")
            )
        ctx.count("compteurs relevés", True)


def _gesture_choices(ctx: Any, challenge: Challenge, registrations: list[Registration]) -> None:
    gestures = list(
        EcoGesture.objects.filter(
            territory__isnull=True, theme__in=challenge.themes, is_active=True
        )
    )
    if not gestures:
        return
    today = timezone.localdate()
    statuses = [
        GestureStatus.ALREADY,
        GestureStatus.COMMITTED,
        GestureStatus.COMMITTED,
        GestureStatus.NOT_FOR_ME,
    ]
    reasons = [
        NotForMeReason.NOT_APPLICABLE,
        NotForMeReason.TOO_EXPENSIVE,
        NotForMeReason.NOT_MY_DECISION,
    ]
    for registration in registrations:
        if registration.status != RegistrationStatus.SELECTED or registration.household.pk % 6 == 0:
            continue
        for gesture in ctx.rng.sample(gestures, min(8, len(gestures))):
            status = ctx.rng.choice(statuses)
            choice, created = GestureChoice.objects.get_or_create(
                registration=registration,
                gesture=gesture,
                defaults={
                    "status": status,
                    "reason": ctx.rng.choice(reasons) if status == GestureStatus.NOT_FOR_ME else "",
                    "chosen_at": timezone.now() - dt.timedelta(days=ctx.rng.randrange(1, 21)),
                },
            )
            ctx.count("choix d'éco-gestes", created)
            if created and status == GestureStatus.COMMITTED:
                days = {
                    today - dt.timedelta(days=ctx.rng.randrange(0, 20))
                    for _ in range(ctx.rng.randrange(1, 8))
                }
                GestureTick.objects.bulk_create(
                    [GestureTick(choice=choice, done_on=d) for d in sorted(days)]
                )


def _pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF (Helvetica, Latin-1), so the kit can be opened."""
    text = ["BT", "/F1 18 Tf", "72 770 Td", f"({_pdf_escape(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        text += ["0 -22 Td", f"({_pdf_escape(line)}) Tj"]
    stream = "\n".join([*text, "ET"]).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _pdf_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


KIT = [
    (
        KitKind.PARTICIPANT_GUIDE,
        "Guide du participant",
        "guide-participant.pdf",
        [
            "Bienvenue dans le défi Familles à énergie positive !",
            "1. Déclarez vos compteurs dans votre espace.",
            "2. Relevez-les tous les quinze jours, le même jour de la semaine si possible.",
            "3. Choisissez vos éco-gestes et cochez ce que vous faites.",
            "4. Retrouvez votre équipe aux ateliers et aux soirées du défi.",
        ],
    ),
    (
        KitKind.GESTURES_GUIDE,
        "Guide des éco-gestes",
        "guide-eco-gestes.pdf",
        [
            "Chauffer à 19 °C : chaque degré en moins, environ 7 % de chauffage économisé (ADEME).",
            "Couper les veilles, laver à 30 °C, fermer les volets la nuit.",
            "Mousseurs et douchette économe : jusqu'à 50 % d'eau en moins à la douche.",
        ],
    ),
    (
        KitKind.CAPTAIN_KIT,
        "Kit du capitaine",
        "kit-capitaine.pdf",
        [
            "Votre rôle : encourager, pas contrôler.",
            "Chaque quinzaine, regardez qui n'a pas relevé ses compteurs et relancez-le d'un clic.",
            "Proposez une réunion d'équipe par mois : un café, une balade thermique, un atelier.",
        ],
    ),
]


def _kit(ctx: Any, challenge: Challenge) -> None:
    for position, (kind, title, filename, lines) in enumerate(KIT):
        if KitDocument.objects.filter(challenge=challenge, kind=kind, title=title).exists():
            continue
        document = KitDocument(challenge=challenge, kind=kind, title=title, position=position)
        document.file.save(filename, ContentFile(_pdf(title, lines)), save=True)
        ctx.count("documents du kit", True)


def _waste_challenge(ctx: Any, territory: Any) -> None:
    today = timezone.localdate()
    start = today + dt.timedelta(days=50)
    _challenge, created = Challenge.objects.get_or_create(
        territory=territory,
        slug="zero-dechet-2027",
        defaults={
            "title": "Défi Familles zéro déchet 2027",
            "summary": "Peser nos poubelles pendant six mois et viser -20 % de déchets non recyclables.",
            "description": (
                "Quatre semaines de pesées sans rien changer, puis cinq mois d'ateliers (compostage, "
                "faire soi-même, réparation) et d'astuces partagées entre voisins."
            ),
            "themes": [Theme.WASTE, Theme.FOOD],
            "registration_opens_on": today - dt.timedelta(days=10),
            "registration_closes_on": today + dt.timedelta(days=40),
            "starts_on": start,
            "ends_on": start + dt.timedelta(days=180),
            "reference_weeks": 4,
            "objective_waste_pct": Decimal("20"),
            "max_households": 30,
            "weighing_frequency_days": 7,
            "selection_rule": SelectionRule.FIRST_COME,
            "consent_text": _consent_text(
                ctx, "defi-saillans-zero-dechet", "Usage de mes pesées dans le défi"
            ),
            "published_at": timezone.now() - dt.timedelta(days=12),
        },
    )
    ctx.count("défis", created)
