"""Demo of what the Val de Drôme network did over its three years, so that
its dashboard has the seeds' figures to show: two actor councils and a
technical meeting a year with invitations, answers and attendance (the last
council not fully marked yet), the relay-actor training in five modules in
the second year, two editions of the European Week for Waste Reduction
(SERD) with their actions — more in the second edition, by most of the
actors trained that year — and an upcoming week open to declarations, and
good-practice sheets written by members, published in the commons.

Written directly, not through the services: the demo e-mails no one. Every
row is keyed on a natural key (territory + title, event + contact, week +
actor + title), so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

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
from network.models import (
    ActionAudience,
    ActionStatus,
    Actor,
    CampaignAction,
    CampaignActionDate,
    CampaignWeek,
    Contact,
    Invitation,
    InvitationAnswer,
    Membership,
    MembershipStatus,
)
from territories.demo import DEMO_DOMAIN
from territories.models import Territory
from territories.themes import Theme

SEED = 2014
YEAR = 365
STAFF_DAY = Decimal("200")

COUNCILS = [
    # (day of the network's year, title, kind, theme)
    (95, "Conseil des acteurs de printemps", EventKind.ACTOR_COUNCIL, ""),
    (205, "Réunion technique : la collecte des biodéchets", EventKind.TECHNICAL_MEETING, ""),
    (290, "Conseil des acteurs d'automne", EventKind.ACTOR_COUNCIL, ""),
]
MODULES = [
    (Theme.WASTE, "Formation relais : réduire les déchets au quotidien", 20),
    (Theme.ENERGY, "Formation relais : économiser l'énergie à la maison", 45),
    (Theme.WATER, "Formation relais : l'eau, une ressource à préserver", 70),
    (Theme.FOOD, "Formation relais : bien manger sans gaspiller", 95),
    (Theme.CONSUMPTION, "Formation relais : réparer, réemployer, partager", 120),
]
ACTION_TITLES = [
    "Atelier de réparation de petits appareils",
    "Disco-soupe avec les invendus du marché",
    "Troc de vêtements et de jouets",
    "Atelier compostage et lombricompostage",
    "Fabrication de produits ménagers maison",
    "Collecte de vélos à remettre en état",
    "Visite du centre de tri",
    "Atelier couture : zéro déchet dans la salle de bain",
    "Gratiferia : la boutique gratuite",
    "Exposition d'objets détournés",
    "Défi « une semaine sans emballage »",
    "Atelier cuisine des restes",
    "Stand « stop pub » et prêt d'objets",
    "Ciné-débat sur le gaspillage",
    "Nettoyage des berges de la Drôme",
    "Atelier réparation de vélos",
    "Vente au poids et en vrac : découverte",
    "Animation tri à la cantine",
    "Atelier bee wraps et sacs à vrac",
    "Balade « plantes sauvages comestibles »",
    "Bourse aux livres",
    "Atelier d'affûtage et d'entretien d'outils",
    "Repas partagé zéro déchet",
    "Jeu de piste du réemploi",
    "Atelier création de jouets en matériaux récupérés",
    "Permanence du broyeur de végétaux",
    "Conférence : les coulisses de nos poubelles",
    "Atelier réparation de meubles",
    "Marché de la seconde main",
    "Atelier de fabrication de compost en pied d'immeuble",
    "Concours de la poubelle la plus légère",
    "Atelier « réparer son smartphone »",
]
SHEETS = [
    # (actor, title, year of the network)
    ("Recyclerie La Ressourcerie du Val", "Un atelier de réparation itinérant dans la vallée", 0),
    ("Association Les Colibris du Crestois", "Une disco-soupe avec les invendus du marché", 0),
    ("Biocoop de la vallée", "Passer au vrac dans un magasin de quartier", 1),
    ("Collège Armorin", "Réduire le gaspillage à la cantine d'un collège", 1),
    ("Compostage de quartier Crest-Sud", "Un composteur partagé au pied des immeubles", 2),
    ("Boulangerie Au Levain d'Aouste", "Une boulangerie sans sachets jetables", 2),
]


def seed(ctx: Any) -> None:
    territory = ctx.territories.get("val-de-drome")
    if territory is None:
        return
    today = timezone.localdate()
    start = today - dt.timedelta(days=3 * YEAR)
    organiser = ctx.users.get(f"animatrice@{DEMO_DOMAIN}")
    rng = random.Random(SEED)  # noqa: S311 - a demo, not a secret
    _meetings(ctx, territory, start, organiser, rng)
    trained = _trainings(ctx, territory, start, organiser, rng)
    _campaign_weeks(ctx, territory, today, organiser, trained, rng)
    _sheets(ctx, territory, start, organiser)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _members_on(territory: Territory, day: dt.date) -> list[Actor]:
    ids = Membership.objects.filter(
        actor__territory=territory,
        status__in=[MembershipStatus.MEMBER, MembershipStatus.LEFT],
        joined_on__lte=day,
    ).values("actor_id")
    return list(Actor.objects.filter(pk__in=ids).order_by("pk"))


def _event(
    ctx: Any,
    territory: Territory,
    *,
    title: str,
    kind: str,
    theme: str,
    starts_at: dt.datetime,
    organiser: Any,
    place: str = "Salle du conseil, communauté de communes",
    audience: str = Audience.INVITATION,
    description: str = "",
) -> tuple[Event, bool]:
    crest = territory.communes.filter(pk="26108").first()
    event, created = Event.objects.get_or_create(
        territory=territory,
        title=title,
        defaults={
            "kind": kind,
            "theme": theme,
            "audience": audience,
            "description": description
            or "Rencontre des membres du réseau : bilan des actions, projets de l'année, "
            "échanges de pratiques.",
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(hours=2, minutes=30),
            "place_name": place,
            "address": "Rue de la République, Crest",
            "commune": crest,
            # The communauté de communes' room, near Crest's centre (the map).
            "latitude": crest.latitude if crest else None,
            "longitude": crest.longitude if crest else None,
            "status": EventStatus.PUBLISHED,
            "published_at": starts_at - dt.timedelta(days=30),
            "registration_open": audience == Audience.PUBLIC,
            "contact": organiser,
            "created_by": organiser,
        },
    )
    ctx.count("réunions et formations du réseau" if kind != EventKind.CAMPAIGN_ACTION
              else "événements des semaines thématiques", created)  # fmt: skip
    return event, created


def _invite(
    event: Event,
    contacts: list[Contact],
    rng: random.Random,
    *,
    now: dt.datetime,
    unmarked: int = 0,
    training: bool = False,
) -> None:
    """Invitations with answers; those coming get a place, and attendance is
    marked once the meeting is over (but for the last `unmarked` ones)."""
    held = event.ends_at < now
    invitations: list[Invitation] = []
    registrations: list[EventRegistration] = []
    for index, contact in enumerate(contacts):
        draw = rng.random()
        if training or draw < 0.42:
            answer = InvitationAnswer.COMING
        elif draw < 0.64:
            answer = InvitationAnswer.EXCUSED
        elif draw < 0.78:
            answer = InvitationAnswer.NOT_COMING
        else:
            answer = InvitationAnswer.PENDING
        registration = None
        if answer == InvitationAnswer.COMING:
            mark = Attendance.UNKNOWN
            if held and index < len(contacts) - unmarked:
                roll = rng.random()
                mark = (
                    Attendance.PRESENT
                    if roll < (0.92 if training else 0.86)
                    else Attendance.EXCUSED
                    if roll < 0.95
                    else Attendance.ABSENT
                )
            registration = EventRegistration(
                event=event,
                name=contact.full_name,
                email=contact.email,
                status=RegistrationStatus.CONFIRMED,
                confirmed_at=event.starts_at - dt.timedelta(days=10),
                attendance=mark,
            )
            registrations.append(registration)
        invitations.append(
            Invitation(
                event=event,
                actor=contact.actor,
                contact=contact,
                answer=answer,
                answered_at=None
                if answer == InvitationAnswer.PENDING
                else event.starts_at - dt.timedelta(days=rng.randrange(5, 20)),
                registration=registration,
            )
        )
    EventRegistration.objects.bulk_create(registrations)
    Invitation.objects.bulk_create(invitations)
    Invitation.objects.filter(event=event).update(
        invited_at=event.starts_at - dt.timedelta(days=28)
    )


def _meetings(
    ctx: Any, territory: Territory, start: dt.date, organiser: Any, rng: random.Random
) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    last_council = max(
        (
            start + dt.timedelta(days=year * YEAR + day)
            for year in range(3)
            for day, _title, kind, _theme in COUNCILS
            if kind == EventKind.ACTOR_COUNCIL
            and start + dt.timedelta(days=year * YEAR + day) < today
        ),
        default=None,
    )
    for year in range(3):
        for day, title, kind, theme in COUNCILS:
            on = start + dt.timedelta(days=year * YEAR + day)
            if on >= today:
                continue
            event, created = _event(
                ctx,
                territory,
                title=f"{title} {on.year}",
                kind=kind,
                theme=theme,
                starts_at=_at(on, 18),
                organiser=organiser,
            )
            if not created:
                continue
            actors = _members_on(territory, on)
            if kind == EventKind.TECHNICAL_MEETING:
                actors = [a for a in actors if a.kind != "habitant"][: len(actors) // 2]
            contacts = list(
                Contact.objects.filter(actor__in=actors).exclude(email="").order_by("pk")
            )
            _invite(event, contacts, rng, now=now, unmarked=6 if on == last_council else 0)


def _trainings(
    ctx: Any, territory: Territory, start: dt.date, organiser: Any, rng: random.Random
) -> list[Actor]:
    """The relay-actor training of the second year: five modules, about
    twenty people of fifteen member actors. Returns the trained actors."""
    now = timezone.now()
    today = timezone.localdate(now)
    first = start + dt.timedelta(days=YEAR)
    candidates = [
        a for a in _members_on(territory, first) if a.kind in ("association", "commune", "habitant")
    ]
    group = candidates[:15]
    people = list(
        Contact.objects.filter(actor__in=group).exclude(email="").order_by("actor_id", "pk")
    )[:22]
    for theme, title, day in MODULES:
        on = first + dt.timedelta(days=day)
        if on >= today:
            continue
        event, created = _event(
            ctx,
            territory,
            title=f"{title} ({on.year})",
            kind=EventKind.RELAY_TRAINING,
            theme=theme,
            starts_at=_at(on, 9),
            organiser=organiser,
            place="Maison de l'intercommunalité, salle de formation",
            description="Une matinée pour devenir acteur relais : les gestes, les chiffres, "
            "les outils pour animer une action auprès de son public.",
        )
        if created:
            # Most of the group at each module, some at a few only.
            shown = [p for i, p in enumerate(people) if (i + day) % 5 != 0]
            _invite(event, shown, rng, now=now, training=True)
    return group


def _week(
    ctx: Any, territory: Territory, title: str, starts_on: dt.date, theme: str, description: str
) -> CampaignWeek:
    week, created = CampaignWeek.objects.get_or_create(
        territory=territory,
        title=title,
        defaults={
            "theme": theme,
            "description": description,
            "starts_on": starts_on,
            "ends_on": starts_on + dt.timedelta(days=8),
            "declaration_deadline": starts_on - dt.timedelta(days=14),
            "staff_day_value": STAFF_DAY,
        },
    )
    ctx.count("semaines thématiques du réseau", created)
    return week


def _serd_start(year: int) -> dt.date:
    """The SERD opens on the Saturday of the second half of November."""
    day = dt.date(year, 11, 16)
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


def _campaign_weeks(
    ctx: Any,
    territory: Territory,
    today: dt.date,
    organiser: Any,
    trained: list[Actor],
    rng: random.Random,
) -> None:
    text = (
        "La Semaine européenne de réduction des déchets : pendant neuf jours, les membres "
        "du réseau proposent des actions ouvertes à tous pour produire moins de déchets."
    )
    year = today.year if _serd_start(today.year) + dt.timedelta(days=8) < today else today.year - 1
    editions = [
        (_week(ctx, territory, f"SERD {y}", _serd_start(y), Theme.WASTE, text), n)
        for y, n in ((year - 1, 18), (year, 30))
    ]
    upcoming = _week(
        ctx,
        territory,
        f"Quinzaine du réemploi {(today + dt.timedelta(days=40)).year}",
        today + dt.timedelta(days=40),
        Theme.CONSUMPTION,
        "Quinze jours pour réparer, donner, échanger : déclarez vos actions avant la date limite.",
    )
    del upcoming  # open to declarations: its actions come from the actors themselves
    members = [a for a in _members_on(territory, editions[0][0].starts_on) if a.kind != "habitant"]
    for index, (week, count) in enumerate(editions):
        if week.actions.exists():
            continue
        if index == 0:
            # The first edition: the founding members, no one trained yet.
            actors = [a for a in members if a not in trained][:13]
        else:
            # The second: eleven of the fifteen actors trained that year, and more members.
            later = _members_on(territory, week.starts_on)
            actors = trained[:11] + [a for a in later if a not in trained and a.kind != "habitant"]
            actors = actors[:24]
        _actions(ctx, week, actors, count, organiser, rng)


def _actions(
    ctx: Any,
    week: CampaignWeek,
    actors: list[Actor],
    count: int,
    organiser: Any,
    rng: random.Random,
) -> None:
    moderated = timezone.make_aware(
        dt.datetime.combine(week.declaration_deadline + dt.timedelta(days=3), dt.time(10))
    )
    for n in range(count + 2):
        actor = actors[n % len(actors)]
        refused = n >= count
        title = ACTION_TITLES[(n * 7 + week.starts_on.year) % len(ACTION_TITLES)]
        action, created = CampaignAction.objects.get_or_create(
            week=week,
            actor=actor,
            title=title,
            defaults={
                "description": "Une action ouverte à tous, proposée par un membre du réseau.",
                "place_name": actor.name if actor.kind != "commune" else "Salle des fêtes",
                "commune": actor.commune,
                "audience": ActionAudience.PUBLIC if n % 4 else ActionAudience.SCHOOL,
                "expected_attendance": rng.randrange(10, 80),
                "staff_days": Decimal(rng.choice(["0.5", "1", "1.5", "2", "3"])),
                "material_expenses": Decimal(rng.randrange(0, 13) * 50),
                "status": ActionStatus.REFUSED if refused else ActionStatus.ACCEPTED,
                "moderation_note": "Action commerciale : hors du cadre de la semaine."
                if refused
                else "",
                "moderated_by": organiser,
                "moderated_at": moderated,
            },
        )
        ctx.count("actions des semaines thématiques", created)
        if not created:
            continue
        if n % 3 == 0 and len(actors) > 1:
            action.partners.add(actors[(n + 5) % len(actors)])
        if n % 5 == 1:
            action.other_partners = "Médiathèque intercommunale"
            action.save(update_fields=["other_partners"])
        repeats = 2 if n % 4 == 1 else 1
        for offset in range(repeats):
            day = week.starts_on + dt.timedelta(days=(n + offset * 3) % 9)
            starts = _at(day, 14 if n % 2 else 10)
            when = CampaignActionDate.objects.create(
                action=action, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
            )
            if refused:
                continue
            event, _created = _event(
                ctx,
                week.territory,
                title=f"{title} — {actor.name}" + (f" ({offset + 1})" if repeats > 1 else ""),
                kind=EventKind.CAMPAIGN_ACTION,
                theme=week.theme,
                starts_at=starts,
                organiser=organiser,
                place=action.place_name,
                audience=Audience.PUBLIC,
                description=f"{action.description}\n\nDans le cadre de « {week.title} ».",
            )
            when.event = event
            when.save(update_fields=["event"])


def _sheets(ctx: Any, territory: Territory, start: dt.date, organiser: Any) -> None:
    from commons import services as commons_services
    from commons.models import Resource

    if organiser is None:
        return
    for name, title, year in SHEETS:
        actor = Actor.objects.filter(territory=territory, name=name).first()
        if actor is None:
            continue
        sheet = Resource.objects.filter(title=title).first()
        created = sheet is None
        if sheet is None:
            sheet = commons_services.resource_create(
                user=organiser,
                data={
                    "title": title,
                    "kind": "retour_experience",
                    "summary": f"Le retour d'expérience de {name}, membre du réseau du Val de Drôme.",
                    "context": "Un territoire rural de la vallée de la Drôme.",
                    "objectives": "Réduire les déchets et faire connaître les gestes qui marchent.",
                    "implementation": "L'action est décrite pas à pas par l'équipe qui l'a menée.",
                    "results_quantitative": "Une trentaine de participants à chaque édition.",
                    "recommendations": "Commencer petit, s'appuyer sur les bénévoles du réseau.",
                    "licence": "cc-by-sa-4.0",
                    "stage": "disponible",
                    "theme": Theme.WASTE,
                    "territory_types": ["rural"],
                    "organisation": name,
                },
            )
            written = _at(start + dt.timedelta(days=year * YEAR + 150), 10)
            Resource.objects.filter(pk=sheet.pk).update(created_at=written)
        actor.practice_sheets.add(sheet)
        ctx.count("fiches de bonne pratique du réseau", created)
