"""What runs now in a territory, with what needs attention, for the
territory's organisers and, side by side for every territory of a region,
for its regional coordinator.

`territory_figures` computes the same key figures for any number of
territories in a fixed number of queries (each module's counts grouped by
territory); `attention` lists the items behind the alerts for one territory.
Thresholds follow the seeds: a team is small below 3 households, a member is
overdue after 90 days without contact, an event is short of people when it
is two weeks away or less with fewer than 3 registrations or less than a
third of its places taken, a pledge campaign is close to its deadline two
weeks before it."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from challenges.models import Challenge, Phase, Registration, RegistrationStatus, Team
from challenges.status import data_statuses
from commons.models import Feedback
from events.models import Event, EventStatus
from events.models import RegistrationStatus as SeatStatus
from network.models import (
    ActionStatus,
    Actor,
    CampaignAction,
    CampaignWeek,
    JoinRequest,
    JoinRequestStatus,
)
from network.selectors import OVERDUE_DAYS
from pledges.models import Campaign, CampaignStatus
from territories.models import Territory

SMALL_TEAM = 3
SOON = dt.timedelta(days=14)
UPCOMING = dt.timedelta(days=30)
RUNNING_PHASES = {Phase.REGISTRATION, Phase.REFERENCE, Phase.RUNNING}
DATA_PHASES = {Phase.REFERENCE, Phase.RUNNING}

# The columns of the side-by-side table: key, label, whether more is worse.
COLUMNS: list[tuple[str, Any, bool]] = [
    ("challenges", gettext_lazy("Défis en cours"), False),
    ("households", gettext_lazy("Foyers engagés"), False),
    ("households_late", gettext_lazy("Foyers en retard de relevés"), True),
    ("small_teams", gettext_lazy("Équipes de moins de 3 foyers"), True),
    ("candidates", gettext_lazy("Inscriptions à examiner"), True),
    ("events", gettext_lazy("Événements à venir (30 jours)"), False),
    ("events_short", gettext_lazy("Événements peu remplis"), True),
    ("campaigns", gettext_lazy("Campagnes d'engagements ouvertes"), False),
    ("pledges", gettext_lazy("Engagements pris"), False),
    ("campaigns_soon", gettext_lazy("Campagnes proches de l'échéance"), True),
    ("members", gettext_lazy("Membres du réseau"), False),
    ("overdue", gettext_lazy("Membres à recontacter"), True),
    ("join_requests", gettext_lazy("Demandes d'adhésion à examiner"), True),
    ("actions_to_moderate", gettext_lazy("Actions de semaine à relire"), True),
    ("feedback", gettext_lazy("Retours d'expérience au commun (12 mois)"), False),
]
KEYS = [key for key, _label, _worse in COLUMNS]


@dataclass
class Figures:
    territory: Territory
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    # Per running challenge: (households selected, households late with their data),
    # so that `running` need not compute the households' statuses a second time.
    challenges: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def alerts(self) -> int:
        return sum(self.values[key] for key, _label, worse in COLUMNS if worse)

    def __getitem__(self, key: str) -> int:
        return self.values[key]


def _running_challenges(ids: Sequence[int], today: dt.date) -> list[Challenge]:
    found = Challenge.objects.filter(
        territory_id__in=ids, published_at__isnull=False, archived_at__isnull=True
    ).select_related("territory")
    return [c for c in found if c.phase(today) in RUNNING_PHASES]


def _per_territory(queryset: Any, field: str = "territory_id") -> Any:
    """(territory id, count) pairs of `queryset`, grouped by `field`."""
    return queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n")


def _add(figures: dict[int, Figures], key: str, rows: Any) -> None:
    for territory_id, n in rows:
        if territory_id in figures:
            figures[territory_id].values[key] += n


def _household_counts(
    challenges: Sequence[Challenge], today: dt.date
) -> dict[int, tuple[int, int]]:
    """Per challenge: households selected, and those late with their readings or
    weighings (counted only while data is collected)."""
    by_pk = {c.pk: c for c in challenges}
    # The fields a status reads, and the challenges already loaded: a
    # thousand registrations, not a thousand copies of their challenge.
    registrations = list(
        Registration.objects.selected()
        .filter(challenge__in=challenges)
        .only("pk", "household_id", "challenge_id", "shares_values_with_team")
    )
    for registration in registrations:
        registration.challenge = by_pk[registration.challenge_id]
    households: Counter[int] = Counter()
    late: Counter[int] = Counter()
    collecting: dict[int, bool] = {}
    for status in data_statuses(registrations, today=today, values=False):
        challenge = status.registration.challenge
        households[challenge.pk] += 1
        if challenge.pk not in collecting:
            collecting[challenge.pk] = challenge.phase(today) in DATA_PHASES
        if collecting[challenge.pk] and status.needs_reminder:
            late[challenge.pk] += 1
    return {pk: (n, late[pk]) for pk, n in households.items()}


def territory_figures(
    territories: Sequence[Territory], *, now: dt.datetime | None = None
) -> list[Figures]:
    """The key figures of each territory, in the order given."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    figures = {t.pk: Figures(t) for t in territories}
    ids = list(figures)
    if not ids:
        return []
    challenges = _running_challenges(ids, today)
    by_challenge = {c.pk: c for c in challenges}
    for challenge in challenges:
        figures[challenge.territory_id].values["challenges"] += 1
    for challenge_id, (households, late) in _household_counts(challenges, today).items():
        challenge = by_challenge[challenge_id]
        territory = figures[challenge.territory_id]
        territory.challenges[challenge_id] = (households, late)
        territory.values["households"] += households
        territory.values["households_late"] += late
    _add(
        figures,
        "candidates",
        _per_territory(
            Registration.objects.filter(
                challenge__in=challenges, status=RegistrationStatus.CANDIDATE
            ),
            "challenge__territory_id",
        ),
    )
    # One row per small team (a count grouped by territory would sum the
    # households of all its teams before comparing them with 3).
    small = Counter(_small_teams(challenges).values_list("challenge__territory_id", flat=True))
    _add(figures, "small_teams", small.items())
    events = _upcoming_events(ids, now)
    _add(figures, "events", _per_territory(events))
    for event in _short_events(events, now):
        figures[event.territory_id].values["events_short"] += 1
    campaigns = _open_campaigns(ids)
    for campaign in campaigns:
        values = figures[campaign.territory_id].values
        values["campaigns"] += 1
        values["pledges"] += campaign.participants_count
        if _campaign_soon(campaign, now):
            values["campaigns_soon"] += 1
    actors = Actor.objects.filter(territory_id__in=ids).with_membership()
    _add(figures, "members", _per_territory(actors.members()))
    overdue = actors.with_last_contact().overdue(today=today, days=OVERDUE_DAYS)
    _add(figures, "overdue", _per_territory(overdue))
    _add(
        figures,
        "join_requests",
        _per_territory(
            JoinRequest.objects.filter(territory_id__in=ids, status=JoinRequestStatus.PENDING)
        ),
    )
    _add(
        figures,
        "actions_to_moderate",
        _per_territory(
            CampaignAction.objects.filter(
                week__territory_id__in=ids, status=ActionStatus.SUBMITTED
            ),
            "week__territory_id",
        ),
    )
    _add(
        figures,
        "feedback",
        _per_territory(
            Feedback.objects.filter(
                territory_id__in=ids, created_at__gte=now - dt.timedelta(days=365)
            )
        ),
    )
    return [figures[t.pk] for t in territories]


def _small_teams(challenges: Sequence[Challenge]) -> Any:
    return (
        Team.objects.filter(challenge__in=challenges)
        .annotate(
            households=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.SELECTED)
            )
        )
        .filter(households__lt=SMALL_TEAM)
    )


def _upcoming_events(ids: Sequence[int], now: dt.datetime) -> Any:
    return Event.objects.filter(
        territory_id__in=ids,
        status=EventStatus.PUBLISHED,
        starts_at__gte=now,
        starts_at__lt=now + UPCOMING,
    )


def _with_confirmed(events: Any) -> Any:
    return events.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=SeatStatus.CONFIRMED))
    )


def _is_short(event: Event, now: dt.datetime) -> bool:
    """Two weeks away or less with fewer than 3 confirmed or under a third of
    its places taken (needs `_with_confirmed`)."""
    confirmed = event.confirmed  # type: ignore[attr-defined]
    return event.starts_at < now + SOON and (
        confirmed < 3 or bool(event.capacity and confirmed * 3 < event.capacity)
    )


def _short_events(events: Any, now: dt.datetime) -> list[Event]:
    soon = _with_confirmed(events.filter(starts_at__lt=now + SOON))
    return [e for e in soon.order_by("starts_at") if _is_short(e, now)]


def _open_campaigns(ids: Sequence[int]) -> list[Campaign]:
    return list(
        Campaign.objects.filter(territory_id__in=ids, status=CampaignStatus.OPEN)
        .select_related("territory")
        .order_by("deadline")
    )


def _campaign_soon(campaign: Campaign, now: dt.datetime) -> bool:
    return campaign.deadline - now <= SOON and not campaign.threshold_met()


# --- one territory's attention list ---------------------------------------------------


@dataclass
class Alert:
    text: str
    url: str
    link: str


def running(
    territory: Territory, *, now: dt.datetime | None = None, figures: Figures | None = None
) -> dict[str, Any]:
    """What runs now in the territory, for the organisers' dashboard. Given the
    territory's `figures` (territory_figures, same `now`), it reuses their counts
    of households instead of computing the households' statuses again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    challenges = _running_challenges([territory.pk], today)
    if figures is not None and figures.territory.pk == territory.pk:
        counts = figures.challenges
    else:
        counts = _household_counts(challenges, today)
    small = defaultdict(list)
    for team in _small_teams(challenges).order_by("name"):
        small[team.challenge_id].append(team)
    challenge_rows = [
        {
            "challenge": c,
            "phase": c.phase(today),
            "households": counts.get(c.pk, (0, 0))[0],
            "late": counts.get(c.pk, (0, 0))[1],
            "small_teams": small[c.pk],
        }
        for c in sorted(challenges, key=lambda c: (c.starts_on, c.title))
    ]
    events = list(_with_confirmed(_upcoming_events([territory.pk], now)).order_by("starts_at"))
    campaigns = _open_campaigns([territory.pk])
    weeks = list(
        CampaignWeek.objects.filter(territory=territory, declaration_deadline__gte=today).order_by(
            "declaration_deadline"
        )
    )
    return {
        "challenges": challenge_rows,
        "events": [{"event": e, "short": _is_short(e, now)} for e in events],
        "campaigns": [{"campaign": c, "soon": _campaign_soon(c, now)} for c in campaigns],
        "weeks": weeks,
    }


def alerts(territory: Territory, figures: Figures, context: dict[str, Any]) -> list[Alert]:
    """What needs attention, each with where to act."""
    slug = territory.slug
    found: list[Alert] = []
    for row in context["challenges"]:
        challenge = row["challenge"]
        if row["late"]:
            found.append(
                Alert(
                    ngettext(
                        "%(n)d foyer en retard de relevés dans « %(title)s »",
                        "%(n)d foyers en retard de relevés dans « %(title)s »",
                        row["late"],
                    )
                    % {"n": row["late"], "title": challenge.title},
                    reverse("challenges:manage", args=[slug, challenge.slug]),
                    _("Suivre les foyers"),
                )
            )
        for team in row["small_teams"]:
            found.append(
                Alert(
                    _("L'équipe « %(team)s » de « %(title)s » compte moins de 3 foyers")
                    % {"team": team.name, "title": challenge.title},
                    reverse("challenges:teams", args=[slug, challenge.slug]),
                    _("Voir les équipes"),
                )
            )
    if figures["candidates"]:
        found.append(
            Alert(
                ngettext(
                    "%(n)d inscription à examiner",
                    "%(n)d inscriptions à examiner",
                    figures["candidates"],
                )
                % {"n": figures["candidates"]},
                context["challenges"][0]["challenge"].get_absolute_url()
                if context["challenges"]
                else reverse("territories:detail", args=[slug]),
                _("Examiner"),
            )
        )
    for row in context["events"]:
        if row["short"]:
            event = row["event"]
            found.append(
                Alert(
                    _("« %(title)s » le %(day)s : %(n)d inscrit·es")
                    % {
                        "title": event.title,
                        "day": timezone.localtime(event.starts_at).strftime("%d/%m"),
                        "n": event.confirmed,
                    },
                    reverse("events:registrations", args=[slug, event.pk]),
                    _("Voir les inscriptions"),
                )
            )
    for row in context["campaigns"]:
        if row["soon"]:
            campaign = row["campaign"]
            found.append(
                Alert(
                    _("« %(title)s » : %(n)d engagé·es sur %(goal)d, échéance le %(day)s")
                    % {
                        "title": campaign.title,
                        "n": campaign.participants_count,
                        "goal": campaign.participants_goal,
                        "day": timezone.localtime(campaign.deadline).strftime("%d/%m"),
                    },
                    reverse("pledges:manage", args=[slug]),
                    _("Relancer"),
                )
            )
    network = [
        (
            "overdue",
            "%(n)d membre du réseau sans contact depuis plus de 90 jours",
            "%(n)d membres du réseau sans contact depuis plus de 90 jours",
            reverse("network:overdue", args=[slug]),
            _("Voir la liste"),
        ),
        (
            "join_requests",
            "%(n)d demande d'adhésion à examiner",
            "%(n)d demandes d'adhésion à examiner",
            reverse("network:join_requests", args=[slug]),
            _("Examiner"),
        ),
        (
            "actions_to_moderate",
            "%(n)d action de semaine à relire",
            "%(n)d actions de semaine à relire",
            reverse("network:manage", args=[slug]),
            _("Relire"),
        ),
    ]
    for key, one, many, url, link in network:
        if figures[key]:
            found.append(Alert(ngettext(one, many, figures[key]) % {"n": figures[key]}, url, link))
    return found
