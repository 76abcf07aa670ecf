"""My teams (authenticated): the teams of the user's household and the data
status of their households — never the values."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from api.auth import token_or_session
from api.schemas import ErrorOut
from challenges.models import Registration, Team
from challenges.status import HouseholdStatus, data_statuses

router = Router(tags=["Équipes"])


class ThemeStatusOut(Schema):
    theme: str
    theme_label: str
    status: str
    status_label: str
    last_on: dt.date | None
    days_since: int | None


class HouseholdOut(Schema):
    members: list[str]
    commune: str
    is_mine: bool
    # Only for one's own household, and for the captain and organisers.
    statuses: list[ThemeStatusOut] | None


class MyTeamOut(Schema):
    territory: str
    challenge: str
    challenge_title: str
    team: str
    team_url: str
    captain: str | None
    members_count: int
    invite_code: str
    households: list[HouseholdOut]


def _statuses(status: HouseholdStatus) -> list[dict[str, Any]]:
    return [
        {
            "theme": theme.theme,
            "theme_label": theme.theme_label,
            "status": str(theme.state.value),
            "status_label": str(theme.state.label),
            "last_on": theme.last_on,
            "days_since": theme.days_since,
        }
        for theme in status.themes
    ]


@router.get(
    "/me/teams",
    response={200: list[MyTeamOut], 401: ErrorOut},
    auth=token_or_session,
    summary="Les équipes de mon foyer et l'état des saisies",
)
def my_teams(request: HttpRequest):  # type: ignore[no-untyped-def]
    user: Any = request.auth  # type: ignore[attr-defined]  # set by django-ninja
    if not user.household_id:
        return []
    teams = list(
        Team.objects.filter(registrations__household_id=user.household_id)
        .select_related("challenge__territory", "captain")
        .order_by("-challenge__starts_on", "name")
    )
    registrations = list(
        Registration.objects.filter(team__in=teams)
        .select_related("household__commune", "challenge")
        .prefetch_related("household__members")
        .order_by("household__name", "pk")
    )
    by_team: dict[int, list[Registration]] = defaultdict(list)
    for registration in registrations:
        by_team[registration.team_id].append(registration)  # type: ignore[index]
    leads = {team.pk for team in teams if user.has_perm("challenges.lead_team", team)}
    readable = [
        r for r in registrations if r.household_id == user.household_id or r.team_id in leads
    ]
    statuses = {status.registration.pk: status for status in data_statuses(readable)}
    return [_team_out(team, by_team[team.pk], statuses, user.household_id) for team in teams]


def _team_out(
    team: Team,
    registrations: list[Registration],
    statuses: dict[int, HouseholdStatus],
    household_id: int,
) -> dict[str, Any]:
    households = [
        {
            "members": [m.public_name for m in r.household.members.all() if m.erased_at is None],
            "commune": r.household.commune.name,
            "is_mine": r.household_id == household_id,
            "statuses": _statuses(statuses[r.pk]) if r.pk in statuses else None,
        }
        for r in registrations
    ]
    return {
        "territory": team.challenge.territory.slug,
        "challenge": team.challenge.slug,
        "challenge_title": team.challenge.title,
        "team": team.name,
        "team_url": team.get_absolute_url(),
        "captain": team.captain.public_name if team.captain else None,
        "members_count": len(registrations),
        "invite_code": team.invite_code,
        "households": households,
    }
