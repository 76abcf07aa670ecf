"""Results (METHODOLOGY.md): my household's, and the public aggregates of a
challenge and of a team. The figures are the payload of
`measures.results.challenge_results`, the same the pages and the CSV show."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from api.auth import token_or_session
from api.schemas import ErrorOut
from challenges.models import Challenge, Registration, Team
from measures.views.results import challenge_payload, has_started
from territories.permissions import check

router = Router(tags=["Résultats"])

VIEW_CHALLENGE = "challenges.view_challenge"


def _challenge(territory: str, slug: str) -> Challenge:
    return get_object_or_404(
        Challenge.objects.select_related("territory"), territory__slug=territory, slug=slug
    )


def _payload(challenge: Challenge, *, public: bool = False) -> dict[str, Any] | None:
    return challenge_payload(challenge, public=public) if has_started(challenge) else None


@router.get(
    "/me/results",
    response={200: list[dict[str, Any]], 401: ErrorOut},
    auth=token_or_session,
    summary="Les résultats de mon foyer, défi par défi",
)
def my_results(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Pour chaque défi mesuré où mon foyer est inscrit : mes chiffres (énergie,
    eau, déchets, avec ce qui manque) et ceux de mon équipe."""
    user: Any = request.auth  # type: ignore[attr-defined]  # set by django-ninja
    if not user.household_id:
        return []
    registrations = (
        Registration.objects.filter(household_id=user.household_id)
        .select_related("challenge__territory", "team")
        .order_by("-challenge__starts_on", "pk")
    )
    out = []
    for registration in registrations:
        challenge = registration.challenge
        payload = _payload(challenge)
        if payload is None:
            continue
        mine = (payload.get("households") or {}).get(str(registration.pk))
        team = next(
            (t for t in payload.get("teams") or [] if t["id"] == registration.team_id), None
        )
        out.append(
            {
                "territory": challenge.territory.slug,
                "challenge": challenge.slug,
                "challenge_title": challenge.title,
                "computed_at": payload.get("computed_at"),
                "factor_set": payload.get("factor_set"),
                "periods": payload.get("periods"),
                "household": mine,
                "team": team,
            }
        )
    return out


@router.get(
    "/challenges/{territory}/{slug}/results",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="Les résultats agrégés d'un défi",
)
def challenge_results(request: HttpRequest, territory: str, slug: str):  # type: ignore[no-untyped-def]
    """Totaux du défi, classement des équipes, progression, complétude : jamais
    le détail d'un foyer. `null` tant que le défi n'a pas commencé."""
    challenge = _challenge(territory, slug)
    check(request, "measures.view_challenge_results", challenge, visible=VIEW_CHALLENGE)
    payload = _payload(challenge, public=True)
    return {"results": payload}


@router.get(
    "/challenges/{territory}/{slug}/teams/{team_id}/results",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="Les résultats agrégés d'une équipe",
)
def team_results(request: HttpRequest, territory: str, slug: str, team_id: int):  # type: ignore[no-untyped-def]
    """Les chiffres de l'équipe et son rang, sans le détail de ses foyers."""
    team = get_object_or_404(
        Team.objects.select_related("challenge__territory"),
        challenge__territory__slug=territory,
        challenge__slug=slug,
        pk=team_id,
    )
    check(request, "measures.view_team_results", team, visible=VIEW_CHALLENGE)
    payload = _payload(team.challenge, public=True)
    if payload is None:
        return {"team": None, "teams_count": 0, "computed_at": None, "factor_set": None}
    teams = payload.get("teams") or []
    return {
        "team": next((t for t in teams if t["id"] == team.pk), None),
        "teams_count": len(teams),
        "computed_at": payload.get("computed_at"),
        "factor_set": payload.get("factor_set"),
    }
