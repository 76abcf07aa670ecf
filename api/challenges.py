"""Public read endpoints for challenges (open data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from api.pagination import Pages
from api.schemas import ErrorOut
from challenges.models import Challenge
from challenges.services.challenge import with_counts
from territories.permissions import check

router = Router(tags=["Défis"])


class ChallengeOut(Schema):
    territory: str
    title: str
    slug: str
    summary: str
    themes: list[str]
    registration_opens_on: dt.date
    registration_closes_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    phase: str
    phase_label: str
    selected_households: int
    teams: int
    url: str

    @staticmethod
    def resolve_territory(obj: Challenge) -> str:
        return obj.territory.slug

    @staticmethod
    def resolve_phase(obj: Challenge) -> str:
        return str(obj.phase().value)

    @staticmethod
    def resolve_phase_label(obj: Challenge) -> str:
        return str(obj.phase().label)

    @staticmethod
    def resolve_selected_households(obj: Challenge) -> int:
        return obj.selected_count  # type: ignore[attr-defined]  # annotated by with_counts

    @staticmethod
    def resolve_teams(obj: Challenge) -> int:
        return obj.team_count  # type: ignore[attr-defined]

    @staticmethod
    def resolve_url(obj: Challenge) -> str:
        return obj.get_absolute_url()


class ObjectiveOut(Schema):
    theme: str
    reduction_pct: Decimal


class ChallengeDetailOut(ChallengeOut):
    description: str
    max_households: int
    places_left: int
    reference_weeks: int
    reference_period_starts_on: dt.date
    reference_period_ends_on: dt.date
    objectives: list[ObjectiveOut]

    @staticmethod
    def resolve_places_left(obj: Challenge) -> int:
        return max(obj.max_households - obj.selected_count, 0)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_reference_period_starts_on(obj: Challenge) -> dt.date:
        return obj.reference_period[0]

    @staticmethod
    def resolve_reference_period_ends_on(obj: Challenge) -> dt.date:
        # The last day, as the pages show it (the period itself ends the day after).
        return obj.reference_period[1] - dt.timedelta(days=1)

    @staticmethod
    def resolve_objectives(obj: Challenge) -> list[dict[str, object]]:
        pairs = [
            ("energie", obj.objective_energy_pct),
            ("eau", obj.objective_water_pct),
            ("dechets", obj.objective_waste_pct),
        ]
        return [
            {"theme": theme, "reduction_pct": pct}
            for theme, pct in pairs
            if pct is not None and theme in obj.themes
        ]


def _public_challenges() -> QuerySet[Challenge]:
    return with_counts(
        Challenge.objects.published()
        .filter(territory__is_published=True)
        .select_related("territory")
        .order_by("-starts_on", "pk")
    )


@router.get(
    "/challenges",
    response=list[ChallengeOut],
    summary="Défis publiés",
)
@paginate(Pages)
def challenge_list(request: HttpRequest, territory: Query[str] = ""):  # type: ignore[no-untyped-def]
    """Les défis publiés des territoires publiés ; `territory` filtre par adresse courte."""
    challenges = _public_challenges()
    if territory:
        challenges = challenges.filter(territory__slug=territory[:80])
    return challenges


@router.get(
    "/challenges/{territory}/{slug}",
    response={200: ChallengeDetailOut, 404: ErrorOut},
    summary="Un défi : dates, phase, objectifs, foyers et équipes",
)
def challenge_detail(request: HttpRequest, territory: str, slug: str):  # type: ignore[no-untyped-def]
    challenge = get_object_or_404(
        with_counts(Challenge.objects.select_related("territory")),
        territory__slug=territory,
        slug=slug,
    )
    check(request, "challenges.view_challenge", challenge, visible="challenges.view_challenge")
    return challenge
