"""Demo part of the reciprocal pledges, in the Val de Drôme: an open citizen
campaign with activity reports and a door-to-door operation in Saillans, a
campaign whose goal is reached, one whose promise is kept, one that expired,
and a company's mobility week (four campaigns for four modes, three sites).

Rows are written directly (bulk), with their counters set to what the
services would have made of them: `participants_count` is the number of
confirmed commitments, `quantity_total` the km reported. Dates are relative to
the day the demo is first loaded; a campaign that exists is left as it is, so
running the demo again creates nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from pledges.models import (
    ActivityMode,
    ActivityReport,
    Audience,
    Campaign,
    CampaignStatus,
    Commitment,
    CommitmentStatus,
    FieldProposal,
    Operation,
    ProposalOutcome,
)
from pledges.services import commune_tallies_rebuild
from territories.demo import COMMUNES, DEMO_DOMAIN, DEMO_SEED, FAMILY_NAMES, FIRST_NAMES
from territories.models import Membership, Partner, Role, Territory

COMPANY = "Biovallée Industries"
COMPANY_DOMAIN = "biovallee-industries.example.org"
SITES = ["Siège Crest", "Usine Eurre", "Entrepôt Livron"]
SAILLANS = "26289"
# Typical km of one day's report, per mode (min, max).
KM: dict[str, tuple[int, int]] = {
    ActivityMode.BIKE: (2, 22),
    ActivityMode.WALK: (1, 6),
    ActivityMode.CARPOOL: (8, 45),
    ActivityMode.PUBLIC_TRANSPORT: (6, 35),
}


@dataclass
class Plan:
    """One demo campaign: what it says, where it stands, how many took part."""

    slug: str
    title: str
    action: str
    sponsor: str
    counterpart: str
    beneficiary: str
    goal: int
    confirmed: int
    status: str
    # Days from today: when it opened, its deadline, and (if any) when it was
    # reached, fulfilled or expired.
    opened: int
    deadline: int
    reached: int | None = None
    fulfilled: int | None = None
    description: str = ""
    pending: int = 0
    reports: int = 0
    modes: list[str] = field(default_factory=list)
    quantity_goal: Decimal | None = None
    fulfilment: str = ""
    company: bool = False
    # An agent goes door to door in Saillans (12 more commitments).
    door_to_door: bool = False


CITIZEN_PLANS = [
    Plan(
        slug="a-velo-pour-solicycle",
        title="À vélo pour Solicycle",
        action="Se déplacer à vélo au moins une fois par semaine",
        description=(
            "Aller au marché, à l'école ou au travail à vélo, même une fois par semaine, "
            "c'est moins de voitures dans la vallée. Engagez-vous, déclarez vos trajets et "
            "regardez le compteur de kilomètres monter."
        ),
        sponsor="Biocoop de la vallée",
        counterpart=(
            "La Biocoop de la vallée donne 3 000 € à l'association Solicycle pour "
            "apprendre à 300 écolières et écoliers à réparer leur vélo."
        ),
        beneficiary="Solicycle, atelier vélo associatif",
        goal=200,
        confirmed=118,
        pending=9,
        door_to_door=True,
        status=CampaignStatus.OPEN,
        opened=-21,
        deadline=24,
        reports=200,
        modes=[ActivityMode.BIKE, ActivityMode.WALK],
        quantity_goal=Decimal("2500"),
    ),
    Plan(
        slug="ecole-solaire-grane",
        title="Une école solaire à Grane",
        action="Éteindre ses appareils en veille chaque soir",
        sponsor="Énergie Partagée Drôme (fictif)",
        counterpart=(
            "Énergie Partagée Drôme installe 6 kWc de panneaux solaires sur le toit de "
            "l'école de Grane."
        ),
        beneficiary="École publique de Grane",
        goal=80,
        confirmed=86,
        pending=2,
        status=CampaignStatus.REACHED,
        opened=-40,
        deadline=12,
        reached=-3,
    ),
    Plan(
        slug="un-composteur-par-quartier",
        title="Un composteur par quartier",
        action="Composter ses biodéchets de cuisine",
        sponsor="Recyclerie La Ressourcerie du Val",
        counterpart="La Ressourcerie du Val installe cinq composteurs partagés à Crest.",
        beneficiary="Les quartiers de Crest",
        goal=60,
        confirmed=74,
        status=CampaignStatus.FULFILLED,
        opened=-95,
        deadline=-20,
        reached=-41,
        fulfilled=-9,
        fulfilment=(
            "Promesse tenue ! Les cinq composteurs partagés sont en place : place du Champ-de-Mars, "
            "quartier Mazorel, les Rampes, la Condamine et près de la gare. Des référents de "
            "quartier les suivent et le premier compost sera distribué au printemps. Merci aux "
            "74 foyers engagés."
        ),
    ),
    Plan(
        slug="zero-gobelet-jetable",
        title="Zéro gobelet jetable",
        action="Apporter sa gourde ou sa tasse au travail et aux fêtes de village",
        sponsor="Association Les Colibris du Crestois",
        counterpart=(
            "Les Colibris du Crestois achètent 1 000 gobelets réutilisables prêtés "
            "gratuitement aux associations de la vallée."
        ),
        beneficiary="Les associations du Val de Drôme",
        goal=150,
        confirmed=47,
        status=CampaignStatus.EXPIRED,
        opened=-70,
        deadline=-6,
    ),
]


def _mobility_week(
    mode: str,
    *,
    goal: int,
    confirmed: int,
    reports: int,
    slug: str,
    title: str,
    action: str,
    counterpart: str,
    beneficiary: str,
) -> Plan:
    """One of the company's four campaigns: one mode each, the same open week."""
    return Plan(
        slug=slug,
        title=title,
        action=action,
        sponsor=COMPANY,
        counterpart=counterpart,
        beneficiary=beneficiary,
        goal=goal,
        confirmed=confirmed,
        status=CampaignStatus.OPEN,
        opened=-4,
        deadline=3,
        reports=reports,
        modes=[mode],
        company=True,
    )


COMPANY_PLANS = [
    _mobility_week(
        ActivityMode.BIKE,
        goal=40,
        confirmed=31,
        reports=90,
        slug="biovallee-au-travail-a-velo",
        title="Au travail à vélo",
        action="Venir au travail à vélo au moins deux fois pendant la semaine",
        counterpart=f"{COMPANY} donne 1 500 € à l'association Solicycle.",
        beneficiary="Solicycle, atelier vélo associatif",
    ),
    _mobility_week(
        ActivityMode.CARPOOL,
        goal=30,
        confirmed=24,
        reports=70,
        slug="biovallee-covoiturage",
        title="Covoiturage entre collègues",
        action="Partager sa voiture avec un·e collègue pendant la semaine",
        counterpart=f"{COMPANY} finance dix places de parking réservées au covoiturage.",
        beneficiary="Les salariés des trois sites",
    ),
    _mobility_week(
        ActivityMode.PUBLIC_TRANSPORT,
        goal=25,
        confirmed=16,
        reports=45,
        slug="biovallee-transports-en-commun",
        title="En bus et en train",
        action="Prendre le bus ou le train pour venir au travail",
        counterpart=f"{COMPANY} rembourse 75 % des abonnements de transport en commun en 2027.",
        beneficiary="Les salariés des trois sites",
    ),
    _mobility_week(
        ActivityMode.WALK,
        goal=20,
        confirmed=13,
        reports=30,
        slug="biovallee-a-pied",
        title="À pied au travail",
        action="Venir à pied au moins une fois pendant la semaine",
        counterpart=f"{COMPANY} plante 100 arbres fruitiers avec les Colibris du Crestois.",
        beneficiary="Association Les Colibris du Crestois",
    ),
]


def seed(ctx: Any) -> None:
    val: Territory = ctx.territories["val-de-drome"]
    # The demo's own draws, whatever the other demo modules drew before.
    rng = random.Random(DEMO_SEED + 6)  # noqa: S311 - demo data, not secrets
    people = _people(val)
    _company_partner(ctx, val)
    for plan in CITIZEN_PLANS:
        campaign, created = _campaign(ctx, val, plan, people, operation=None)
        if created:
            _fill(ctx, campaign, plan, rng)
    operation = _operation(ctx, val)
    for plan in COMPANY_PLANS:
        campaign, created = _campaign(ctx, val, plan, people, operation=operation)
        if created:
            _fill(ctx, campaign, plan, rng)


def _people(territory: Territory) -> dict[str, list[Any]]:
    """The demo accounts that confirm counterparts and go door to door."""
    by_role: dict[str, list[Any]] = {Role.SPONSOR: [], Role.ACTOR_CONTACT: [], Role.ORGANISER: []}
    for membership in Membership.objects.filter(territory=territory).select_related("user"):
        by_role.setdefault(membership.role, []).append(membership.user)
    return {
        "sponsors": by_role[Role.SPONSOR],
        "agents": by_role[Role.ACTOR_CONTACT] or by_role[Role.ORGANISER],
        "organisers": by_role[Role.ORGANISER],
    }


def _company_partner(ctx: Any, territory: Territory) -> None:
    _partner, created = Partner.objects.update_or_create(
        territory=territory,
        name=COMPANY,
        defaults={"url": f"https://{COMPANY_DOMAIN}", "position": 10},
    )
    ctx.count("partenaires", created)


def _operation(ctx: Any, territory: Territory) -> Operation:
    operation, created = Operation.objects.get_or_create(
        territory=territory,
        slug="semaine-mobilite-biovallee",
        defaults={
            "title": f"Semaine de la mobilité — {COMPANY}",
            "organisation": COMPANY,
            "description": (
                "Une semaine pour venir au travail autrement, sur les trois sites de "
                f"{COMPANY} : quatre défis, un par mode de déplacement, et une contrepartie "
                "de l'entreprise pour chacun. Réservé aux salariés (adresse en "
                f"@{COMPANY_DOMAIN})."
            ),
        },
    )
    ctx.count("opérations d'engagement", created)
    return operation


def _at(days: int, hour: int = 12) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _campaign(
    ctx: Any,
    territory: Territory,
    plan: Plan,
    people: dict[str, list[Any]],
    *,
    operation: Operation | None,
) -> tuple[Campaign, bool]:
    campaign, created = Campaign.objects.get_or_create(
        territory=territory,
        slug=plan.slug,
        defaults={
            "operation": operation,
            "title": plan.title,
            "action": plan.action,
            "description": plan.description,
            "participants_goal": plan.goal,
            "quantity_goal": plan.quantity_goal,
            "quantity_unit": "km",
            "deadline": _at(plan.deadline, 23),
            "sponsor": Partner.objects.get(territory=territory, name=plan.sponsor),
            "counterpart": plan.counterpart,
            "beneficiary": plan.beneficiary,
            "audience": Audience.ORGANISATION if plan.company else Audience.PUBLIC,
            "allowed_domains": COMPANY_DOMAIN if plan.company else "",
            "sites": SITES if plan.company else [],
            "reports_activities": bool(plan.modes),
            "activity_modes": list(plan.modes),
            "status": plan.status,
            "published_at": _at(plan.opened, 9),
            "reached_at": _at(plan.reached, 18) if plan.reached is not None else None,
            "fulfilled_at": _at(plan.fulfilled, 11) if plan.fulfilled is not None else None,
            "expired_at": (
                _at(plan.deadline + 1, 3) if plan.status == CampaignStatus.EXPIRED else None
            ),
            "fulfilment_text": plan.fulfilment,
            "fulfilled_by": people["sponsors"][0]
            if plan.fulfilment and people["sponsors"]
            else None,
            "created_by": people["organisers"][0] if people["organisers"] else None,
        },
    )
    ctx.count("campagnes d'engagement", created)
    if created:
        campaign.sponsor_contacts.set(people["sponsors"])
        if plan.door_to_door:
            campaign.agents.set(people["agents"])
    return campaign, created


def _fill(ctx: Any, campaign: Campaign, plan: Plan, rng: random.Random) -> None:
    commitments = _commitments(campaign, plan, rng)
    ctx.created["engagements"] += len(commitments)
    confirmed = [c for c in commitments if c.status == CommitmentStatus.CONFIRMED]
    reports = _reports(campaign, plan, confirmed, rng)
    ctx.created["activités déclarées"] += len(reports)
    if plan.door_to_door:
        _door_to_door(ctx, campaign, rng)
    _set_counters(campaign)


def _email(first: str, last: str, n: int, domain: str) -> str:
    def plain(value: str) -> str:
        ascii_only = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
        return "-".join(ascii_only.lower().replace("'", " ").split())

    return f"{plain(first)}.{plain(last)}{n}@{domain}"


def _commitments(campaign: Campaign, plan: Plan, rng: random.Random) -> list[Commitment]:
    codes = [c["insee_code"] for c in COMMUNES]
    weights = [c["population"] for c in COMMUNES]
    opened = campaign.published_at or timezone.now()
    # Confirmations until the goal was reached, or the deadline, or now.
    last = min(
        timezone.now(), campaign.deadline, (campaign.fulfilled_at or timezone.now())
    ) - dt.timedelta(hours=1)
    span = max(1.0, (last - opened).total_seconds())
    domain = COMPANY_DOMAIN if plan.company else DEMO_DOMAIN
    rows = []
    for n in range(plan.confirmed + plan.pending):
        first, family = rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES)
        # More people commit at the start and as the counter climbs.
        moment = opened + dt.timedelta(seconds=span * rng.random() ** 0.8)
        pending = n >= plan.confirmed
        rows.append(
            Commitment(
                campaign=campaign,
                first_name=first,
                email=_email(first, family, n, domain),
                commune_id=rng.choices(codes, weights=weights)[0],
                site=rng.choices(SITES, weights=[5, 8, 3])[0] if plan.company else "",
                consent=True,
                status=CommitmentStatus.PENDING if pending else CommitmentStatus.CONFIRMED,
                confirmation_sent_at=moment,
                confirmed_at=None
                if pending
                else min(last, moment + dt.timedelta(minutes=rng.randint(2, 600))),
            )
        )
    created = Commitment.objects.bulk_create(rows)
    for commitment in created:
        # The row was saved when the link went out (auto_now_add says today).
        commitment.created_at = commitment.confirmation_sent_at or commitment.created_at
    Commitment.objects.bulk_update(created, ["created_at"])
    return created


def _reports(
    campaign: Campaign, plan: Plan, confirmed: list[Commitment], rng: random.Random
) -> list[ActivityReport]:
    if not plan.reports or not confirmed:
        return []
    today = timezone.localdate()
    last = min(today, timezone.localdate(campaign.deadline))
    reports = []
    for _ in range(plan.reports):
        commitment = rng.choice(confirmed)
        first = timezone.localdate(commitment.confirmed_at or campaign.published_at)
        day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
        mode = rng.choices(plan.modes, weights=[7, 3][: len(plan.modes)])[0]
        low, high = KM[mode]
        km = Decimal(rng.randint(low * 10, high * 10)) / 10
        reports.append(ActivityReport(commitment=commitment, date=day, mode=mode, km=km))
    return ActivityReport.objects.bulk_create(reports)


def _set_counters(campaign: Campaign) -> None:
    """What the services would have counted, from the rows."""
    campaign.participants_count = campaign.commitments.filter(
        status=CommitmentStatus.CONFIRMED
    ).count()
    campaign.quantity_total = ActivityReport.objects.filter(
        commitment__campaign=campaign, commitment__status=CommitmentStatus.CONFIRMED
    ).aggregate(total=Coalesce(Sum("km"), Decimal(0)))["total"]
    campaign.save(update_fields=["participants_count", "quantity_total", "updated_at"])
    commune_tallies_rebuild(campaign=campaign)


def _door_to_door(ctx: Any, campaign: Campaign, rng: random.Random) -> None:
    """An agent knocked on ~40 doors in Saillans; a dozen people committed on the spot."""
    agent = campaign.agents.order_by("pk").first()
    if agent is None:
        return
    outcomes = [ProposalOutcome.COMMITTED] * 12 + [ProposalOutcome.DECLINED] * 15
    outcomes += [ProposalOutcome.ABSENT] * 13
    rng.shuffle(outcomes)
    saturdays = [_at(-14, 10), _at(-7, 10)]
    proposals, committed = [], []
    for n, outcome in enumerate(outcomes):
        moment = saturdays[n % 2] + dt.timedelta(minutes=6 * (n // 2))
        commitment = None
        if outcome == ProposalOutcome.COMMITTED:
            first = rng.choice(FIRST_NAMES)
            commitment = Commitment(
                campaign=campaign,
                first_name=first,
                # Most residents met at the door give no e-mail: the agent records them.
                email=""
                if n % 3
                else _email(first, rng.choice(FAMILY_NAMES), 900 + n, DEMO_DOMAIN),
                commune_id=SAILLANS,
                consent=True,
                status=CommitmentStatus.CONFIRMED,
                agent=agent,
                confirmed_at=moment,
            )
            committed.append(commitment)
        proposals.append((moment, outcome, commitment))
    Commitment.objects.bulk_create(committed)
    rows = [
        FieldProposal(campaign=campaign, agent=agent, outcome=outcome, commitment=commitment)
        for _moment, outcome, commitment in proposals
    ]
    FieldProposal.objects.bulk_create(rows)
    for row, (moment, _outcome, commitment) in zip(rows, proposals, strict=True):
        row.created_at = moment
        if commitment is not None:
            commitment.created_at = moment
    FieldProposal.objects.bulk_update(rows, ["created_at"])
    Commitment.objects.bulk_update(committed, ["created_at"])
    ctx.created["propositions sur le terrain"] += len(rows)
    ctx.created["engagements"] += len(committed)
