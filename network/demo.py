"""Demo part of the actors' network: about sixty actors of the Val de Drôme
over three years of growth (the six communes members by right from the
start, then associations, companies, craftspeople, schools, a social
landlord, artists, residents), two versions of the charter, contacts, a
contact log over the three years in which some members are overdue, and a
few « rejoindre le réseau » requests. `acteur@demo.elan.localhost` keeps the
entry of the recyclerie.

Dates hang on today; every write is keyed on a natural key (territory +
name, actor + e-mail) and the log of an actor is written once, so a second
run creates nothing. Written directly, not through network.services: the
demo e-mails no one.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from network import demo_activity
from network.identifiers import luhn_valid, normalise_actor_name
from network.models import (
    Actor,
    ActorKind,
    ActorTag,
    ActorTheme,
    Charter,
    Contact,
    ContactChannel,
    ContactLog,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
)
from territories.demo import DEMO_DOMAIN, FAMILY_NAMES, FIRST_NAMES
from territories.models import Territory
from territories.themes import Theme

SEED = 1908  # the local law of Alsace-Moselle's associations, for luck
ACTOR_DOMAIN = f"acteurs.{DEMO_DOMAIN}"
YEAR = 365

CRE, AOU, SAI, GRA, MIR, PIE = "26108", "26011", "26289", "26144", "26183", "26234"

CHARTER_V1 = """\
Les membres du réseau des acteurs du Val de Drôme en transition s'engagent à :
- diffuser la lettre du réseau et les informations de la communauté de communes auprès de leurs publics ;
- faire connaître le réseau sur leurs supports et lors de leurs événements ;
- organiser des actions de prévention des déchets, d'économies d'énergie ou d'eau, seuls ou à plusieurs.

La communauté de communes s'engage à communiquer régulièrement, à promouvoir les expériences \
des membres par des fiches de bonnes pratiques et à co-organiser des actions avec eux.

Le réseau est informel et sans cotisation."""

CHARTER_V2 = (
    CHARTER_V1
    + """

Depuis la version 2 : les membres acceptent un échange au moins tous les trois mois avec \
l'équipe d'animation, même par écrit, et peuvent mettre à jour eux-mêmes leur fiche."""
)


@dataclass(frozen=True)
class Plan:
    name: str
    kind: str
    commune: str
    themes: tuple[str, ...]
    year: int | None  # year of joining (0, 1, 2), None: never joined
    status: str = MembershipStatus.MEMBER
    tags: tuple[str, ...] = ()
    listed: bool = True
    website: bool = True
    identifiers: str = ""  # "siret", "rna", "both"
    description: str = ""
    contacts: int = 1
    overdue: bool = False  # no contact for more than 90 days
    extra: dict[str, Any] = field(default_factory=dict)


A, E, C = ActorKind.ASSOCIATION, ActorKind.COMPANY, ActorKind.CRAFT
W, EN, WA, FO = Theme.WASTE, Theme.ENERGY, Theme.WATER, Theme.FOOD
MO, CO, SO, BI = Theme.MOBILITY, Theme.CONSUMPTION, Theme.SOLIDARITY, Theme.BIODIVERSITY
RECYCLERIE = "Recyclerie La Ressourcerie du Val"

PLANS: list[Plan] = [
    # Year 1: the founding associations and partners
    Plan(RECYCLERIE, A, CRE, (W, CO), 0, tags=("réemploi", "réparation"), identifiers="both",
         description="Collecte, remise en état et vente d'objets de seconde main ; ateliers de réparation.",
         contacts=2),
    Plan("Association Les Colibris du Crestois", A, CRE, (W, FO, SO), 0, tags=("compost",),
         identifiers="rna", contacts=2),
    Plan("Repair café de la vallée", A, AOU, (W, CO), 0, tags=("réparation",), identifiers="rna"),
    Plan("Énergie Partagée Drôme (fictif)", A, CRE, (EN,), 0, identifiers="both"),
    Plan("Biocoop de la vallée", E, CRE, (FO, CO, W), 0, tags=("vrac",), identifiers="siret"),
    Plan("Jardin partagé des Tilleuls", A, GRA, (FO, BI), 0, tags=("jardin",), identifiers="rna"),
    Plan("Collège Armorin", ActorKind.SCHOOL, CRE, (W, EN), 0, website=False),
    Plan("Atelier vélo La Roue Libre (fictif)", A, SAI, (MO, CO), 0, tags=("vélo", "réparation"),
         identifiers="rna", overdue=True),
    Plan("Centre social Les Maisons de la vallée", A, CRE, (SO, W), 0, identifiers="rna"),
    Plan("Couture solidaire de Grane", A, GRA, (CO, SO), 0, tags=("couture",), identifiers="rna",
         listed=False),
    Plan("Ressourcerie textile Fil à fil", A, MIR, (W, CO), 0, tags=("textile",), identifiers="rna"),
    Plan("Comité des fêtes de Piégros", A, PIE, (SO,), 0, website=False, identifiers="rna",
         overdue=True),
    # Year 2
    Plan("Boulangerie Au Levain d'Aouste", C, AOU, (FO, W), 1, tags=("vrac", "zéro déchet"),
         identifiers="siret", website=False),
    Plan("Cordonnerie Chabert", C, CRE, (CO,), 1, tags=("réparation",), identifiers="siret",
         website=False),
    Plan("Drôme Habitat (fictif)", ActorKind.SOCIAL_LANDLORD, CRE, (EN, Theme.HOUSING), 1,
         identifiers="siret"),
    Plan("École primaire de Saillans", ActorKind.SCHOOL, SAI, (W, BI), 1, website=False),
    Plan("Compagnie Les Arts Récup'", ActorKind.ARTIST, MIR, (W, CO), 1, tags=("récup",),
         identifiers="rna"),
    Plan("Amap du Val de Drôme", A, GRA, (FO,), 1, tags=("circuit court",), identifiers="rna"),
    Plan("Menuiserie Reynaud", C, PIE, (CO, W), 1, identifiers="siret", website=False,
         overdue=True),
    Plan("Marché de producteurs de Crest", A, CRE, (FO,), 1, identifiers="rna"),
    Plan("Covoiturage Vallée (fictif)", A, SAI, (MO,), 1, identifiers="rna"),
    Plan("Hôpital de Crest", ActorKind.UNIVERSITY_HOSPITAL, CRE, (Theme.HEALTH, W), 1,
         identifiers="siret"),
    Plan("Épicerie vrac La Cagette", E, SAI, (FO, W, CO), 1, tags=("vrac",), identifiers="siret"),
    Plan("Lycée professionnel du Val", ActorKind.SCHOOL, CRE, (EN, W), 1, website=False),
    Plan("Association Rivière Drôme vivante", A, SAI, (WA, BI), 1, identifiers="rna",
         overdue=True),
    Plan("Garage solidaire Mirabel", A, MIR, (MO, SO), 1, identifiers="both"),
    Plan("Ludothèque La Toupie", A, AOU, (CO, SO), 1, tags=("jeux", "prêt"), identifiers="rna"),
    Plan("Habitant·e relais : Jeanne Mounier", ActorKind.RESIDENT, GRA, (W,), 1, listed=False,
         website=False),
    Plan("Bricothèque du Crestois", A, CRE, (CO,), 1, tags=("prêt",), identifiers="rna",
         status=MembershipStatus.LEFT),
    # Year 3
    Plan("Brasserie artisanale de la Gervanne", E, MIR, (FO, W), 2, tags=("consigne",),
         identifiers="siret"),
    Plan("Fromagerie du Pilat drômois", C, SAI, (FO,), 2, identifiers="siret", website=False),
    Plan("Compostage de quartier Crest-Sud", A, CRE, (W,), 2, tags=("compost",), identifiers="rna"),
    Plan("Maison de l'énergie (fictif)", ActorKind.PUBLIC_SERVICE, CRE, (EN, Theme.HOUSING), 2),
    Plan("Atelier céramique Terre d'ici", ActorKind.ARTIST, AOU, (CO,), 2, website=False),
    Plan("Scouts et guides de la vallée", A, GRA, (BI, SO), 2, identifiers="rna"),
    Plan("Pharmacie du Marché", E, CRE, (Theme.HEALTH, W), 2, identifiers="siret",
         website=False, overdue=True),
    Plan("Électricien Rey & fils", C, PIE, (EN,), 2, identifiers="siret", website=False),
    Plan("Restaurant Le Bistrot d'Aouste", E, AOU, (FO, W), 2, tags=("anti-gaspi",),
         identifiers="siret", website=False),
    Plan("Vélo-école de Crest", A, CRE, (MO,), 2, identifiers="rna"),
    Plan("Crèche Les Petits Pas", A, SAI, (W, Theme.HEALTH), 2, identifiers="rna",
         website=False),
    Plan("Photographe Lucie Brunel", ActorKind.ARTIST, SAI, (BI,), 2, listed=False, website=False),
    Plan("Ferme des Trois Becs", C, GRA, (FO, BI), 2, identifiers="siret"),
    Plan("Association des commerçants de Crest", A, CRE, (CO, Theme.ECONOMY), 2,
         identifiers="rna", overdue=True),
    Plan("Habitant·e relais : Omar Haddad", ActorKind.RESIDENT, CRE, (W, EN), 2, listed=False,
         website=False),
    Plan("Supermarché du Val (fictif)", E, CRE, (W, FO), 2, identifiers="siret",
         status=MembershipStatus.LEFT),
    # Not (yet) members
    Plan("Imprimerie de la vallée", E, CRE, (CO,), None, status=MembershipStatus.CANDIDATE,
         identifiers="siret"),
    Plan("Club de rugby du Crestois", A, CRE, (SO,), None, status=MembershipStatus.CANDIDATE,
         identifiers="rna"),
    Plan("Foyer des jeunes travailleurs", A, CRE, (SO, Theme.HOUSING), None,
         status=MembershipStatus.CANDIDATE, identifiers="rna"),
    Plan("Agence immobilière Le Toit drômois", E, CRE, (Theme.HOUSING,), None,
         status=MembershipStatus.DECLINED, identifiers="siret",
         extra={"reason": "Activité sans lien avec la prévention des déchets ou l'énergie."}),
    Plan("Camping Les Berges de la Drôme", E, SAI, (WA, W), None, status="", identifiers="siret"),
    Plan("Golf de la vallée (fictif)", E, GRA, (WA,), None, status="", identifiers="siret"),
]  # fmt: skip

SUBJECTS = [
    ("Point sur les actions de l'année", ContactChannel.APPOINTMENT),
    ("Invitation au conseil des acteurs", ContactChannel.EMAIL),
    ("Relance pour la lettre du réseau", ContactChannel.EMAIL),
    ("Préparation de la semaine de réduction des déchets", ContactChannel.MEETING),
    ("Appel de suivi trimestriel", ContactChannel.PHONE),
    ("Visite de l'atelier", ContactChannel.VISIT),
    ("Envoi de la charte mise à jour", ContactChannel.LETTER),
    ("Fiche de bonne pratique à rédiger ensemble", ContactChannel.APPOINTMENT),
    ("Prêt du kit de compostage", ContactChannel.PHONE),
]

REQUESTS = [
    # name, kind, commune, first, last, e-mail local part, status, days ago
    ("Association Zéro Déchet Crest", A, CRE, "Inès", "Vial", "ines.vial", "a_examiner", 4),
    ("Repair Café de Saillans", A, SAI, "Paul", "Teyssier", "paul.teyssier", "a_examiner", 9),
    ("Ciné-club de Grane", A, GRA, "Agnès", "Reboul", "agnes.reboul", "a_confirmer", 1),
    (
        "Vente à domicile Cosmétiques (fictif)",
        E,
        CRE,
        "Loïc",
        "Ferrand",
        "loic.ferrand",
        "refusee",
        40,
    ),
]


def _plain(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_only.lower()).split())


def _luhn_complete(digits: str) -> str:
    for key in "0123456789":
        if luhn_valid(digits + key):
            return digits + key
    raise AssertionError(digits)  # pragma: no cover - one key always fits


def demo_siret(n: int) -> str:
    """A valid-looking SIRET (both Luhn keys right), fictional: 8xx xxx xxx."""
    siren = _luhn_complete(f"8{n:07d}"[:8])
    return _luhn_complete(f"{siren}0001")


def demo_rna(n: int) -> str:
    return f"W26{1000000 + n * 137:07d}"


def seed(ctx: Any) -> None:
    territory = ctx.territories.get("val-de-drome")
    if territory is None:
        return
    today = timezone.localdate()
    start = today - dt.timedelta(days=3 * YEAR)
    charters = _charters(ctx, territory, start)
    rng = random.Random(SEED)  # noqa: S311 - a demo, not a secret
    _communes(ctx, territory, start)
    for n, plan in enumerate(PLANS):
        _actor(ctx, territory, plan, n, start=start, today=today, charters=charters, rng=rng)
    _acteur_account(ctx, territory)
    _requests(ctx, territory, charters[-1], today)
    demo_activity.seed(ctx)


def _charters(ctx: Any, territory: Territory, start: dt.date) -> list[Charter]:
    made = []
    for version, body, day in [
        (1, CHARTER_V1, start - dt.timedelta(days=30)),
        (2, CHARTER_V2, start + dt.timedelta(days=int(1.6 * YEAR))),
    ]:
        charter, created = Charter.objects.get_or_create(
            territory=territory,
            version=version,
            defaults={"title": "Charte du réseau des acteurs", "body": body, "published_on": day},
        )
        ctx.count("chartes du réseau", created)
        made.append(charter)
    return made


def _communes(ctx: Any, territory: Territory, start: dt.date) -> None:
    for commune in territory.communes.order_by("name"):
        actor, created = Actor.objects.get_or_create(
            territory=territory,
            kind=ActorKind.COMMUNE,
            commune=commune,
            defaults={
                "name": commune.name,
                "normalised_name": normalise_actor_name(commune.name),
                "postal_code": commune.main_postal_code,
                "listed": True,
                "website": f"https://{_plain(commune.name)}.example.org",
            },
        )
        ctx.count("acteurs du réseau", created)
        if not created:
            continue
        Membership.objects.create(
            actor=actor, status=MembershipStatus.MEMBER, by_right=True, joined_on=start
        )
        ActorTheme.objects.bulk_create(
            [ActorTheme(actor=actor, theme=t) for t in (Theme.WASTE, Theme.ENERGY)]
        )
        office = Contact.objects.create(
            actor=actor,
            first_name="Secrétariat",
            last_name="de mairie",
            role="Accueil de la mairie",
            email=f"mairie@{_plain(commune.name)}.{ACTOR_DOMAIN}",
        )
        ctx.count("contacts des acteurs", True)
        plan = Plan(commune.name, ActorKind.COMMUNE, commune.pk, (), 0, overdue=commune.pk == PIE)
        rng = random.Random(f"{SEED}-{commune.pk}")  # noqa: S311
        _log(actor, plan, [office], start, timezone.localdate(), rng)


def _actor(
    ctx: Any,
    territory: Territory,
    plan: Plan,
    n: int,
    *,
    start: dt.date,
    today: dt.date,
    charters: list[Charter],
    rng: random.Random,
) -> None:
    # Every draw is made whatever the database holds: a re-run draws the same.
    joined = None
    if plan.year is not None:
        joined = start + dt.timedelta(days=plan.year * YEAR + rng.randrange(10, 330))
        # An overdue member joined long enough ago to be overdue; one who
        # left, long enough ago to have left (200 days later) before today.
        long_ago = plan.overdue or plan.status == MembershipStatus.LEFT
        joined = min(joined, today - dt.timedelta(days=260 if long_ago else 20))
    people = [(rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES)) for _ in range(plan.contacts)]
    log_seed = rng.random()
    commune = territory.communes.get(pk=plan.commune)
    slug = _plain(plan.name)[:40]
    actor, created = Actor.objects.get_or_create(
        territory=territory,
        name=plan.name,
        defaults={
            "normalised_name": normalise_actor_name(plan.name),
            "kind": plan.kind,
            "commune": commune,
            "postal_code": commune.main_postal_code,
            "website": f"https://{slug}.example.org" if plan.website else "",
            "description": plan.description,
            "siret": demo_siret(n) if plan.identifiers in ("siret", "both") else "",
            "rna": demo_rna(n) if plan.identifiers in ("rna", "both") else "",
            "listed": plan.listed and plan.status == MembershipStatus.MEMBER,
            "last_confirmed_at": timezone.make_aware(dt.datetime.combine(joined, dt.time(10)))
            if joined and n % 3 == 0
            else None,
        },
    )
    ctx.count("acteurs du réseau", created)
    if not created:
        return
    ActorTheme.objects.bulk_create([ActorTheme(actor=actor, theme=t) for t in plan.themes])
    ActorTag.objects.bulk_create([ActorTag(actor=actor, label=t) for t in plan.tags])
    contacts = [
        Contact.objects.create(
            actor=actor,
            first_name=first,
            last_name=last,
            role="Présidente" if i == 0 and plan.kind == ActorKind.ASSOCIATION else "",
            email=f"{_plain(first)}.{_plain(last)}.{n}@{ACTOR_DOMAIN}",
            phone=f"04 75 {n:02d} {10 + i:02d} {(n * 7) % 100:02d}",
        )
        for i, (first, last) in enumerate(people)
    ]
    for _contact in contacts:
        ctx.count("contacts des acteurs", True)
    _membership(actor, plan, joined, charters)
    _log(actor, plan, contacts, joined, today, random.Random(log_seed))  # noqa: S311


def _membership(actor: Actor, plan: Plan, joined: dt.date | None, charters: list[Charter]) -> None:
    if not plan.status:
        return
    charter = next((c for c in reversed(charters) if joined and c.published_on <= joined), None)
    values: dict[str, Any] = {"status": plan.status, "joined_on": joined}
    if joined and charter:
        values.update(charter=charter, charter_signed_on=joined)
    if plan.status == MembershipStatus.LEFT and joined:
        values["left_on"] = joined + dt.timedelta(days=200)
    if plan.status == MembershipStatus.DECLINED:
        values["decline_reason"] = plan.extra.get("reason", "")
    Membership.objects.create(actor=actor, **values)


def _log(
    actor: Actor,
    plan: Plan,
    contacts: list[Contact],
    joined: dt.date | None,
    today: dt.date,
    rng: random.Random,
) -> None:
    """An exchange every one to three months since joining; the overdue
    members' last one is 100 to 200 days old, the others' under 80 days."""
    if joined is None:
        return
    end = today - dt.timedelta(
        days=rng.randrange(100, 200) if plan.overdue else rng.randrange(3, 75)
    )
    if plan.status == MembershipStatus.LEFT:
        end = joined + dt.timedelta(days=180)
    day, entries = joined, []
    while day <= end:
        subject, channel = rng.choice(SUBJECTS)
        entries.append(
            ContactLog(
                actor=actor,
                contact=rng.choice(contacts) if contacts else None,
                happened_on=day,
                channel=channel,
                subject=subject,
                notes="",
            )
        )
        day += dt.timedelta(days=rng.randrange(30, 95))
    if entries and entries[-1].happened_on != end:
        entries[-1].happened_on = end
    ContactLog.objects.bulk_create(entries)


def _acteur_account(ctx: Any, territory: Territory) -> None:
    """acteur@… keeps the recyclerie's entry (the role comes from territories.demo)."""
    user = ctx.users.get(f"acteur@{DEMO_DOMAIN}")
    actor = Actor.objects.filter(territory=territory, name=RECYCLERIE).first()
    if user is None or actor is None:
        return
    _contact, created = Contact.objects.get_or_create(
        actor=actor,
        user=user,
        defaults={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": "Coordinateur",
            "email": user.email,
        },
    )
    ctx.count("contacts des acteurs", created)


def _requests(ctx: Any, territory: Territory, charter: Charter, today: dt.date) -> None:
    for name, kind, insee, first, last, local, status, days in REQUESTS:
        sent = timezone.now() - dt.timedelta(days=days)
        values: dict[str, Any] = {
            "kind": kind,
            "commune": territory.communes.get(pk=insee),
            "first_name": first,
            "last_name": last,
            "email": f"{local}@{ACTOR_DOMAIN}",
            "status": status,
            "charter": charter,
            "listed": True,
            "themes": [Theme.WASTE],
            "message": "Nous aimerions rejoindre le réseau et participer aux actions.",
            "confirmed_at": None if status == JoinRequestStatus.UNCONFIRMED else sent,
        }
        if status == JoinRequestStatus.DECLINED:
            values.update(
                decided_at=sent + dt.timedelta(days=3),
                decline_reason="Le réseau réunit des acteurs de la prévention des déchets "
                "et de la transition ; la vente à domicile n'en relève pas.",
            )
        request, created = JoinRequest.objects.get_or_create(
            territory=territory, name=name, defaults=values
        )
        if created:
            JoinRequest.objects.filter(pk=request.pk).update(created_at=sent)
        ctx.count("demandes d'adhésion au réseau", created)
