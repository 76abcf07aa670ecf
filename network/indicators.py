"""The network's indicators: the figures the seeds' programmes report each
year, computed from the data rather than kept in a spreadsheet.

- members at the end of each year, by type of actor (Club OPTIMO's
  « 130 → 210 → 305 adhérents »), with the year's new members and departures;
- newsletters sent, good-practice sheets written (resources of the commons
  linked to an actor), meetings held, contacts logged, per year;
- council attendance (invited / present / excused), from network.meetings;
- the relay-actor training's impact (network.meetings.training_impact);
- each campaign week's figures beside the previous edition's
  (network.campaigns);
- the members overdue for contact now (network.selectors.overdue).

Every function reads a fixed number of queries whatever the size of the
network (asserted in tests/network/test_indicators.py). « Membre à la fin
de l'année » means a membership of status « membre » (or « parti » after
that day) whose ``joined_on`` is on or before 31 December (today for the
current year): candidates and declined requests are not members.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from commons.models import Resource
from network import campaigns, meetings
from network.models import (
    OVERDUE_DAYS,
    Actor,
    ActorKind,
    CampaignWeek,
    ContactLog,
    Membership,
    MembershipStatus,
    Newsletter,
    NewsletterStatus,
)
from territories.models import Territory

# The dashboard shows this many years at most (the latest ones).
MAX_YEARS = 10
# The chart groups the types of actors into these series; the table keeps every type.
KIND_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("communes", (ActorKind.COMMUNE, ActorKind.EPCI, ActorKind.PUBLIC_SERVICE)),
    ("associations", (ActorKind.ASSOCIATION,)),
    ("entreprises", (ActorKind.COMPANY, ActorKind.CRAFT, ActorKind.SOCIAL_LANDLORD)),
)


@dataclass
class MembersYear:
    """Members at the end of `year` (today for the current year), by type."""

    year: int
    by_kind: dict[str, int] = field(default_factory=dict)
    joined: int = 0
    left: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    def group(self, kinds: Sequence[str]) -> int:
        return sum(self.by_kind.get(kind, 0) for kind in kinds)


def _year_end(year: int, today: dt.date) -> dt.date:
    return min(dt.date(year, 12, 31), today)


def _member_on(day: dt.date) -> Q:
    return Q(joined_on__lte=day) & (
        Q(status=MembershipStatus.MEMBER, left_on__isnull=True) | Q(left_on__gt=day)
    )


def years_shown(territory: Territory, today: dt.date) -> list[int]:
    """From the first year with a member or a meeting to this year, at most
    MAX_YEARS. One query."""
    first = (
        Membership.objects.filter(actor__territory=territory, joined_on__isnull=False)
        .order_by("joined_on")
        .values_list("joined_on", flat=True)
        .first()
    )
    start = first.year if first else today.year
    start = max(start, today.year - MAX_YEARS + 1)
    return list(range(start, today.year + 1))


def members_per_year(
    territory: Territory, years: Sequence[int], *, today: dt.date
) -> list[MembersYear]:
    """Members at each year's end by type, new members and departures of the
    year: one query, a column per year."""
    if not years:
        return []
    aggregates = {}
    for year in years:
        end = _year_end(year, today)
        aggregates[f"m{year}"] = Count("actor", filter=_member_on(end), distinct=True)
        aggregates[f"j{year}"] = Count("actor", filter=Q(joined_on__year=year), distinct=True)
        aggregates[f"l{year}"] = Count("actor", filter=Q(left_on__year=year), distinct=True)
    rows = (
        Membership.objects.filter(
            actor__territory=territory,
            status__in=[MembershipStatus.MEMBER, MembershipStatus.LEFT],
            joined_on__isnull=False,
        )
        .values("actor__kind")
        .annotate(**aggregates)
        .order_by()
    )
    result = {year: MembersYear(year=year) for year in years}
    for found in rows:
        row: dict[str, Any] = dict(found)
        kind = row["actor__kind"]
        for year in years:
            shown = result[year]
            if row[f"m{year}"]:
                shown.by_kind[kind] = row[f"m{year}"]
            shown.joined += row[f"j{year}"]
            shown.left += row[f"l{year}"]
    return [result[year] for year in years]


@dataclass
class ActivityYear:
    """What the network did in a year."""

    year: int
    newsletters: int = 0
    newsletter_recipients: int = 0
    sheets: int = 0
    meetings: int = 0
    councils: int = 0
    invited: int = 0
    present: int = 0
    excused: int = 0
    contact_logs: int = 0
    actors_contacted: int = 0

    @property
    def attendance_percent(self) -> int | None:
        return round(self.present * 100 / self.invited) if self.invited else None


def activity_per_year(
    territory: Territory,
    years: Sequence[int],
    *,
    now: dt.datetime | None = None,
) -> list[ActivityYear]:
    """Newsletters, sheets, meetings and contacts per year: six queries."""
    rows = {year: ActivityYear(year=year) for year in years}
    if not years:
        return []
    first, last = years[0], years[-1]
    letters = (
        Newsletter.objects.filter(
            territory=territory,
            status=NewsletterStatus.SENT,
            sent_at__year__gte=first,
            sent_at__year__lte=last,
        )
        .annotate(year=ExtractYear("sent_at"))
        .values("year")
        .annotate(n=Count("pk"), recipients=Sum("recipients_count"))
        .order_by()
    )
    for row in letters:
        rows[row["year"]].newsletters = row["n"]
        rows[row["year"]].newsletter_recipients = row["recipients"] or 0
    sheets = (
        Resource.objects.filter(
            network_actors__territory=territory,
            created_at__year__gte=first,
            created_at__year__lte=last,
        )
        .annotate(year=ExtractYear("created_at"))
        .values("year")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for sheet in sheets:
        rows[sheet["year"]].sheets = sheet["n"]
    for held in meetings.meetings_per_year(territory, now=now):
        if held.year in rows:
            shown = rows[held.year]
            shown.meetings, shown.councils = held.meetings, held.councils
            shown.invited, shown.present = held.invited, held.present
            shown.excused = held.excused
    # One pass over the log with a column per year (grouping by an extracted
    # year costs twice as much on half a million entries).
    spans = {
        year: Q(happened_on__gte=dt.date(year, 1, 1), happened_on__lte=dt.date(year, 12, 31))
        for year in years
    }
    logs = ContactLog.objects.filter(actor__territory=territory).aggregate(
        **{f"n{year}": Count("pk", filter=span) for year, span in spans.items()},
        **{f"a{year}": Count("actor", filter=span, distinct=True) for year, span in spans.items()},
    )
    for year in years:
        rows[year].contact_logs = logs[f"n{year}"]
        rows[year].actors_contacted = logs[f"a{year}"]
    return [rows[year] for year in years]


@dataclass(frozen=True)
class OverdueFigures:
    members: int
    overdue: int
    never_contacted: int
    days: int

    @property
    def overdue_percent(self) -> int | None:
        return round(self.overdue * 100 / self.members) if self.members else None


def overdue_figures(
    territory: Territory, *, today: dt.date, days: int = OVERDUE_DAYS
) -> OverdueFigures:
    """Members now, members overdue for contact (the overdue list's own rule:
    a member never contacted counts from the day they joined), members never
    contacted: two queries."""
    actors = Actor.objects.filter(territory=territory).with_membership().with_last_contact()
    counts = actors.members().aggregate(
        members=Count("pk"), never=Count("pk", filter=Q(last_contact_on__isnull=True))
    )
    return OverdueFigures(
        members=counts["members"],
        overdue=actors.overdue(today=today, days=days).count(),
        never_contacted=counts["never"],
        days=days,
    )


def campaign_editions(territory: Territory) -> list[campaigns.EditionComparison]:
    """Every campaign week, latest first, each beside the previous edition of
    its theme: four queries whatever the number of editions."""
    weeks = list(CampaignWeek.objects.filter(territory=territory).order_by("-starts_on", "-pk"))
    figures = campaigns.figures_for(weeks)
    comparisons = []
    for index, week in enumerate(weeks):
        before = next(
            (older for older in weeks[index + 1 :] if older.theme == week.theme),
            None,
        )
        comparisons.append(
            campaigns.EditionComparison(
                current=figures[week.pk],
                previous=figures[before.pk] if before else None,
            )
        )
    return comparisons


@dataclass
class Dashboard:
    years: list[int]
    members: list[MembersYear]
    activity: list[ActivityYear]
    overdue: OverdueFigures
    training: meetings.TrainingImpact
    editions: list[campaigns.EditionComparison]

    @property
    def current_members(self) -> MembersYear | None:
        return self.members[-1] if self.members else None

    @property
    def kinds(self) -> list[tuple[str, str]]:
        """The types of actors present in some year, in the vocabulary's order."""
        seen = {kind for row in self.members for kind in row.by_kind}
        return [(code, str(label)) for code, label in ActorKind.choices if code in seen]


PARTS = ("members", "activity", "overdue", "training", "editions")


def dashboard(
    territory: Territory, *, now: dt.datetime | None = None, parts: Sequence[str] = PARTS
) -> Dashboard:
    """Everything the dashboard shows (or only `parts` of it, for a download):
    about fifteen queries whatever the size of the network."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    years = years_shown(territory, today)
    return Dashboard(
        years=years,
        members=members_per_year(territory, years, today=today) if "members" in parts else [],
        activity=activity_per_year(territory, years, now=now) if "activity" in parts else [],
        overdue=overdue_figures(territory, today=today)
        if "overdue" in parts
        else OverdueFigures(0, 0, 0, OVERDUE_DAYS),
        training=meetings.training_impact(territory, now=now)
        if "training" in parts
        else meetings.TrainingImpact(0, 0, 0, 0, []),
        editions=campaign_editions(territory) if "editions" in parts else [],
    )
