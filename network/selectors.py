"""Reads of the actors' network: the organisers' directory with its filters,
the public directory of listed members, the overdue list. Each is one
queryset whose number of queries does not grow with the number of actors
(membership and last contact are subqueries, themes and tags prefetched)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from network.identifiers import normalise_actor_name
from network.models import (
    OVERDUE_DAYS,
    Actor,
    ActorQuerySet,
    ActorTag,
    ActorTheme,
)
from territories.models import Commune, Territory

MAX_DAYS = 3650


@dataclass(frozen=True)
class DirectoryFilters:
    kind: str = ""
    theme: str = ""
    commune: str = ""  # INSEE code
    status: str = ""  # a MembershipStatus, or NO_MEMBERSHIP
    overdue: bool = False
    q: str = ""


def _with_details(actors: ActorQuerySet) -> ActorQuerySet:
    return actors.select_related("commune", "territory").prefetch_related(
        Prefetch("themes", queryset=ActorTheme.objects.order_by("theme")),
        Prefetch("tags", queryset=ActorTag.objects.order_by("label")),
    )


def _narrow(actors: ActorQuerySet, filters: DirectoryFilters) -> ActorQuerySet:
    if filters.kind:
        actors = actors.filter(kind=filters.kind)
    if filters.theme:
        actors = actors.filter(themes__theme=filters.theme)
    if filters.commune:
        actors = actors.filter(commune_id=filters.commune)
    if filters.q:
        key = normalise_actor_name(filters.q)
        condition = Q(name__icontains=filters.q.strip())
        if key:
            condition |= Q(normalised_name__contains=key)
        actors = actors.filter(condition)
    return actors


def directory(
    territory: Territory,
    filters: DirectoryFilters,
    *,
    today: dt.date,
    days: int = OVERDUE_DAYS,
) -> ActorQuerySet:
    """Every actor of the territory (organisers), with ``membership_status``,
    ``member_since`` and ``last_contact_on``."""
    actors = Actor.objects.filter(territory=territory).with_membership().with_last_contact()
    actors = _narrow(actors, filters)
    if filters.status:
        actors = actors.with_status(filters.status)
    if filters.overdue:
        actors = actors.overdue(today=today, days=days)
    return _with_details(actors).order_by("normalised_name", "pk")


def overdue(territory: Territory, *, today: dt.date, days: int = OVERDUE_DAYS) -> ActorQuerySet:
    """The members not contacted for more than `days` days, longest first."""
    actors = (
        Actor.objects.filter(territory=territory)
        .with_membership()
        .with_last_contact()
        .overdue(today=today, days=days)
    )
    return _with_details(actors).longest_without_contact()


def public_directory(territory: Territory, filters: DirectoryFilters) -> ActorQuerySet:
    """The members who agreed to be listed (no personal data in them)."""
    actors = Actor.objects.filter(territory=territory).listed_members()
    return _with_details(_narrow(actors, filters)).order_by("normalised_name", "pk")


def directory_communes(territory: Territory, *, listed_only: bool = False) -> list[Commune]:
    """The communes a directory can be filtered by: the territory's and those
    where its actors are."""
    actors = Actor.objects.filter(territory=territory)
    if listed_only:
        actors = actors.listed_members()
        return list(Commune.objects.filter(pk__in=actors.values("commune_id")).order_by("name"))
    return list(
        Commune.objects.filter(Q(pk__in=actors.values("commune_id")) | Q(territories=territory))
        .distinct()
        .order_by("name")
    )
