"""Demo part of the events: the agenda of the Val de Drôme around its running
challenge (launch evening, captain training, workshops, an actor council,
the mid-way evening) and a few dates of Saillans Demain.

Dates hang on the running challenge's start, so later runs find the same
events (natural key: territory + title) and create nothing. Registrations
and attendance are written directly, not through events.services: the demo
sends no e-mail and fills events that are already over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from challenges.models import Challenge
from events.models import (
    Attendance,
    Audience,
    Event,
    EventKind,
    EventRegistration,
    EventStatus,
    RegistrationStatus,
    WorkshopTemplate,
)
from territories.demo import DEMO_DOMAIN, email_for
from territories.models import Partner
from territories.themes import Theme

DEMO_GUEST_DOMAIN = f"invites.{DEMO_DOMAIN}"

GUESTS = [
    "Bernadette Lacroix", "Jean-Marc Peyrard", "Aline Chauvin", "Rémi Bouvier",
    "Odile Sauvan", "Farid Mansouri", "Gisèle Armand", "Paul Teyssier",
    "Nadia Rahmani", "Christophe Mollard", "Véronique Dumas", "Loïc Ferrand",
    "Agnès Reboul", "Samuel Chapuis", "Hélène Coste",
]  # fmt: skip


@dataclass(frozen=True)
class Venue:
    """A place the demo holds events at; several plans share one."""

    commune: str  # INSEE code
    place: str
    address: str
    offset: tuple[float, float] = (0.0, 0.0)  # from the commune's centre


@dataclass
class Plan:
    """One demo event and who comes to it."""

    title: str
    kind: str
    theme: str
    day: int  # days after the challenge's start (negative: before)
    start: tuple[int, int]
    hours: float
    venue: Venue
    territory: str = "val-de-drome"
    audience: str = Audience.PUBLIC
    capacity: int | None = None
    invited: int | None = None
    in_challenge: bool = False
    description: str = ""
    access_note: str = ""
    partner: str = ""
    template_title: str = ""  # in the workshop catalogue (events/data/ateliers.csv)
    status: str = EventStatus.PUBLISHED
    cancel_reason: str = ""
    # Registrations: members (demo households), guests, waiting list; for
    # past events, how many of them came and how many sent word.
    members: int = 0
    guests: int = 0
    waiting: int = 0
    captains: bool = False
    actor: bool = False
    present: int = 0
    excused: int = 0
    walk_ins: list[str] = field(default_factory=list)


SOUBEYRAN = Venue("26108", "Espace Soubeyran", "Rue Sadi Carnot", (0.0012, -0.0010))
MEDIATHEQUE_CREST = Venue(
    "26108", "Médiathèque de Crest", "Salle d'animation, 1er étage", (-0.0008, 0.0015)
)
GRANE = Venue("26144", "Salle des fêtes de Grane", "Place de la Mairie", (-0.0010, 0.0006))

ACCESS_CREST = (
    "Salle de plain-pied, accessible en fauteuil. Bus 28 (Valence–Die), arrêt Crest Gare, "
    "puis 10 minutes à pied. Arceaux vélo devant l'entrée."
)

PLANS = [
    Plan(
        title="Soirée de lancement du défi Familles à énergie positive",
        kind=EventKind.LAUNCH,
        theme=Theme.ENERGY,
        day=-10,
        start=(19, 0),
        hours=2.5,
        venue=SOUBEYRAN,
        capacity=120,
        invited=180,
        in_challenge=True,
        description=(
            "Présentation du défi, constitution des équipes et rencontre avec les capitaines. "
            "Un « quiz énergie » pour se mettre en jambes, puis un verre de l'amitié avec les "
            "producteurs du marché de Crest."
        ),
        access_note=ACCESS_CREST,
        partner="Association Les Colibris du Crestois",
        members=48,
        guests=7,
        present=45,
        excused=4,
        walk_ins=["Mireille Audra", "Yves Pellegrin"],
    ),
    Plan(
        title="Formation des capitaines d'équipe",
        kind=EventKind.CAPTAIN_TRAINING,
        theme=Theme.ENERGY,
        day=-5,
        start=(18, 30),
        hours=2,
        venue=MEDIATHEQUE_CREST,
        audience=Audience.CHALLENGE,
        capacity=12,
        in_challenge=True,
        description=(
            "Le rôle du capitaine, les relevés de compteurs, relancer sans culpabiliser, animer "
            "une réunion d'équipe. Le kit du capitaine est remis à chacun."
        ),
        access_note="Ascenseur à gauche de l'accueil.",
        captains=True,
        present=7,
        excused=1,
    ),
    Plan(
        title="Atelier compostage : les bases",
        kind=EventKind.WORKSHOP,
        theme=Theme.WASTE,
        day=7,
        start=(14, 0),
        hours=2,
        venue=Venue("26011", "Jardin partagé des Aires", "Chemin des Aires", (0.0020, 0.0010)),
        capacity=15,
        in_challenge=True,
        description=(
            "Ce qui va au compost et ce qui n'y va pas, l'équilibre vert / brun, le retournement. "
            "Chaque foyer repart avec un bio-seau."
        ),
        access_note="En extérieur, chemin en terre battue. Prévoir des chaussures fermées.",
        partner="Recyclerie La Ressourcerie du Val",
        template_title="Les bases du compostage",
        members=11,
        guests=2,
        present=11,
        excused=0,
        walk_ins=["Josiane Bérard"],
    ),
    Plan(
        title="Conseil des acteurs de l'automne",
        kind=EventKind.ACTOR_COUNCIL,
        theme="",
        day=14,
        start=(9, 30),
        hours=3,
        venue=GRANE,
        audience=Audience.NETWORK,
        invited=40,
        description=(
            "Bilan des actions de la Semaine européenne de réduction des déchets, programme de "
            "l'hiver, adhésions à la charte. Café d'accueil dès 9 h."
        ),
        access_note="Parking de la mairie ; salle de plain-pied.",
        actor=True,
        guests=13,
        present=12,
        excused=1,
    ),
    Plan(
        title="Soirée de mi-parcours du défi",
        kind=EventKind.MIDWAY,
        theme=Theme.ENERGY,
        day=89,
        start=(18, 30),
        hours=2.5,
        venue=SOUBEYRAN,
        capacity=150,
        invited=180,
        in_challenge=True,
        description=(
            "Les premiers résultats équipe par équipe, les éco-gestes les plus adoptés, une "
            "balade thermique commentée à la caméra infrarouge et un buffet partagé."
        ),
        access_note=ACCESS_CREST,
        partner="Énergie Partagée Drôme (fictif)",
        members=26,
        guests=3,
    ),
    Plan(
        title="Lire et comprendre ses factures d'énergie",
        kind=EventKind.WORKSHOP,
        theme=Theme.ENERGY,
        day=28,
        start=(18, 0),
        hours=2,
        venue=MEDIATHEQUE_CREST,
        capacity=15,
        in_challenge=True,
        description="Apportez vos factures : abonnement, heures creuses, kWh et chèque énergie.",
        access_note="Ascenseur à gauche de l'accueil.",
        template_title="Lire et comprendre sa facture d'énergie",
        members=6,
    ),
    Plan(
        title="Fabriquer ses produits ménagers",
        kind=EventKind.WORKSHOP,
        theme=Theme.CONSUMPTION,
        day=33,
        start=(14, 30),
        hours=2,
        venue=Venue(
            "26183", "Médiathèque de Mirabel-et-Blacons", "Place de l'Église", (0.0006, 0.0009)
        ),
        capacity=12,
        in_challenge=True,
        description=(
            "Lessive au savon de Marseille, nettoyant multi-usage, pastilles lave-vaisselle : "
            "trois recettes simples, économiques et sans perturbateurs endocriniens."
        ),
        access_note="Accessible en fauteuil par l'entrée latérale.",
        template_title="Fabriquer ses produits ménagers",
        members=10,
        guests=2,
        waiting=3,
    ),
    Plan(
        title="Repair café de la vallée",
        kind=EventKind.WORKSHOP,
        theme=Theme.CONSUMPTION,
        day=40,
        start=(14, 0),
        hours=3,
        venue=Venue(
            "26289", "Salle polyvalente de Saillans", "Avenue de la Gare", (0.0010, -0.0012)
        ),
        description=(
            "Petit électroménager, vêtements, vélos : des bénévoles réparent avec vous. "
            "Entrée libre, inscription conseillée."
        ),
        access_note="Gare de Saillans à 5 minutes à pied (TER Valence–Die).",
        partner="Recyclerie La Ressourcerie du Val",
        template_title="Repair café",
        members=5,
        guests=2,
    ),
    Plan(
        title="Économiser l'eau au quotidien",
        kind=EventKind.WORKSHOP,
        theme=Theme.WATER,
        day=36,
        start=(18, 0),
        hours=1.5,
        venue=Venue("26289", "Médiathèque de Saillans", "Grande Rue", (-0.0006, 0.0004)),
        capacity=15,
        in_challenge=True,
        description="Mousseurs, chasse d'eau, récupération d'eau de pluie : essais sur place.",
        template_title="Les éco-gestes eau",
        status=EventStatus.CANCELLED,
        cancel_reason=(
            "L'intervenante est malade : l'atelier sera reprogrammé en janvier, les personnes "
            "inscrites seront prévenues en priorité."
        ),
        members=4,
    ),
    Plan(
        title="Cuisine anti-gaspi de saison",
        kind=EventKind.WORKSHOP,
        theme=Theme.FOOD,
        day=47,
        start=(10, 0),
        hours=2.5,
        venue=GRANE,
        capacity=10,
        description="Fanes, pain rassis et restes du frigo : un repas complet cuisiné ensemble.",
        template_title="Cuisine anti-gaspi",
        members=4,
    ),
    Plan(
        title="Balade thermique dans le vieux Crest",
        kind=EventKind.VISIT,
        theme=Theme.HOUSING,
        day=54,
        start=(18, 0),
        hours=1.5,
        venue=Venue(
            "26108", "Départ devant la tour de Crest", "Montée de la Tour", (0.0020, 0.0005)
        ),
        capacity=20,
        in_challenge=True,
        description=(
            "À la tombée de la nuit, une caméra thermique montre où les maisons perdent leur "
            "chaleur ; un conseiller France Rénov' répond aux questions."
        ),
        access_note="Parcours en pente, pavés ; non accessible en fauteuil.",
        template_title="Balade thermique",
        members=8,
    ),
    Plan(
        title="Visite de la chaufferie bois de Crest",
        kind=EventKind.VISIT,
        theme=Theme.ENERGY,
        day=70,
        start=(10, 0),
        hours=2,
        venue=Venue("26108", "Chaufferie bois communale", "Zone artisanale", (-0.0030, -0.0020)),
        capacity=15,
        in_challenge=True,
        status=EventStatus.DRAFT,
        description="À confirmer avec le service technique de la ville.",
    ),
    Plan(
        title="Atelier vélo : entretenir son vélo",
        kind=EventKind.WORKSHOP,
        theme=Theme.MOBILITY,
        day=30,
        start=(10, 0),
        hours=3,
        venue=Venue("26289", "Atelier La Roue Libre", "Place du Prieuré", (0.0004, 0.0008)),
        territory="saillans-demain",
        capacity=8,
        description="Freins, dérailleur, crevaison : venez avec votre vélo, on apprend ensemble.",
        partner="Atelier vélo La Roue Libre (fictif)",
        template_title="Réparer son vélo",
        members=3,
        guests=1,
    ),
    Plan(
        title="Réunion mensuelle du collectif",
        kind=EventKind.TEAM_MEETING,
        theme="",
        day=21,
        start=(20, 0),
        hours=2,
        venue=Venue(
            "26289", "Salle des fêtes de Saillans", "Place de la Mairie", (-0.0004, -0.0006)
        ),
        territory="saillans-demain",
        description="Ordre du jour ouvert ; les curieux sont les bienvenus.",
    ),
]


def seed(ctx: Any) -> None:
    # One query tells what exists already: a second run costs two queries.
    existing = set(
        Event.objects.filter(
            territory__slug__in={p.territory for p in PLANS}, title__in={p.title for p in PLANS}
        ).values_list("territory__slug", "title")
    )
    missing = [p for p in PLANS if (p.territory, p.title) not in existing]
    if not missing:
        return
    val = ctx.territories["val-de-drome"]
    challenge = Challenge.objects.filter(territory=val, slug="familles-energie-positive").first()
    anchor = challenge.starts_on if challenge else timezone.localdate() - dt.timedelta(days=21)
    organisers = {
        slug: ctx.users.get(email)
        for slug, email in [
            ("val-de-drome", f"animatrice@{DEMO_DOMAIN}"),
            ("saillans-demain", f"animateur.saillans@{DEMO_DOMAIN}"),
        ]
    }
    for plan in missing:
        event, created = _event(ctx, plan, anchor, challenge, organisers.get(plan.territory))
        ctx.count("événements", created)
        if created:
            _registrations(ctx, plan, event, challenge)


def _moment(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _event(
    ctx: Any, plan: Plan, anchor: dt.date, challenge: Challenge | None, organiser: Any
) -> tuple[Event, bool]:
    territory = ctx.territories[plan.territory]
    venue = plan.venue
    commune = ctx.communes[venue.commune]
    starts_at = _moment(anchor + dt.timedelta(days=plan.day), *plan.start)
    now = timezone.now()
    # The catalogue ships with events' data migration; without it, no link.
    template = (
        WorkshopTemplate.objects.filter(territory__isnull=True, title=plan.template_title).first()
        if plan.template_title
        else None
    )
    partner = (
        Partner.objects.filter(territory=territory, name=plan.partner).first()
        if plan.partner
        else None
    )
    return Event.objects.get_or_create(
        territory=territory,
        title=plan.title,
        defaults={
            "challenge": challenge if plan.in_challenge else None,
            "template": template,
            "kind": plan.kind,
            "theme": plan.theme,
            "audience": plan.audience,
            "description": plan.description,
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(hours=plan.hours),
            "place_name": venue.place,
            "address": venue.address,
            "commune": commune,
            "latitude": _shift(commune.latitude, venue.offset[0]),
            "longitude": _shift(commune.longitude, venue.offset[1]),
            "access_note": plan.access_note,
            "contact": organiser,
            "partner": partner,
            "capacity": plan.capacity,
            "invited_count": plan.invited,
            "status": plan.status,
            "published_at": None
            if plan.status == EventStatus.DRAFT
            else now - dt.timedelta(days=30),
            "cancelled_at": now if plan.status == EventStatus.CANCELLED else None,
            "cancel_reason": plan.cancel_reason,
            "sequence": 1 if plan.status == EventStatus.CANCELLED else 0,
            "created_by": organiser,
        },
    )


def _shift(value: Decimal | None, offset: float) -> Decimal | None:
    if value is None:
        return None
    return (value + Decimal(str(offset))).quantize(Decimal("0.00001"))


def _people(ctx: Any, plan: Plan, challenge: Challenge | None) -> list[Any]:
    """Demo accounts for the plan, the same ones on every run."""
    if plan.captains and challenge is not None:
        return [
            t.captain
            for t in challenge.teams.select_related("captain").order_by("name")
            if t.captain
        ]
    if plan.actor:
        return [u for e, u in ctx.users.items() if e.startswith("acteur@")]
    members = sorted((u for u in ctx.users.values() if u.household_id), key=lambda u: u.email)
    # A different slice for each event, so that the same people are not everywhere.
    start = sum(map(ord, plan.title)) % max(len(members), 1)
    rotated = members[start:] + members[:start]
    return rotated[: plan.members]


def _registrations(ctx: Any, plan: Plan, event: Event, challenge: Challenge | None) -> None:
    people = _people(ctx, plan, challenge)
    guests = [(name, _guest_email(name)) for name in GUESTS[: plan.guests]]
    past = event.ends_at < timezone.now()
    confirmed_at = event.starts_at - dt.timedelta(days=12)
    rows: list[EventRegistration] = []
    seats = plan.capacity if plan.capacity is not None else len(people) + len(guests)
    entries = [(user, "", "") for user in people] + [(None, n, e) for n, e in guests]
    for index, (user, name, email) in enumerate(entries):
        status = RegistrationStatus.CONFIRMED if index < seats else RegistrationStatus.WAITING
        rows.append(
            EventRegistration(
                event=event,
                user=user,
                name=name,
                email=email,
                status=status,
                confirmed_at=confirmed_at,
                attendance=_attendance(plan, index) if past else Attendance.UNKNOWN,
            )
        )
    for index in range(plan.waiting):
        name = GUESTS[-(index + 1)]
        rows.append(
            EventRegistration(
                event=event,
                name=name,
                email=_guest_email(name),
                status=RegistrationStatus.WAITING,
                confirmed_at=confirmed_at,
            )
        )
    if past:
        rows += [
            EventRegistration(
                event=event,
                name=name,
                status=RegistrationStatus.CONFIRMED,
                walk_in=True,
                attendance=Attendance.PRESENT,
                confirmed_at=event.starts_at,
            )
            for name in plan.walk_ins
        ]
    # One by one: created_at orders the waiting list.
    for row in rows:
        row.save()
    ctx.created["inscriptions aux événements"] += len(rows)


def _attendance(plan: Plan, index: int) -> str:
    if index < plan.present:
        return Attendance.PRESENT
    if index < plan.present + plan.excused:
        return Attendance.EXCUSED
    return Attendance.ABSENT


def _guest_email(name: str) -> str:
    first, _space, last = name.partition(" ")
    return email_for(first, last).replace(DEMO_DOMAIN, DEMO_GUEST_DOMAIN)
