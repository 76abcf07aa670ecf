"""The registrations of the user's household (« mes inscriptions »)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from api.auth import token_or_session
from api.schemas import ErrorOut
from challenges.models import Registration

router = Router()


class MyRegistrationOut(Schema):
    challenge_slug: str
    challenge_title: str
    territory_slug: str
    status: str
    status_label: str
    explanation: str
    registered_at: dt.datetime
    decided_at: dt.datetime | None
    waiting_rank: int | None
    team_name: str | None
    shares_values_with_team: bool
    reminders_paused: bool


def _out(r: Registration) -> dict[str, Any]:
    return {
        "challenge_slug": r.challenge.slug,
        "challenge_title": r.challenge.title,
        "territory_slug": r.challenge.territory.slug,
        "status": r.status,
        "status_label": str(r.get_status_display()),
        "explanation": r.decision_reason,
        "registered_at": r.registered_at,
        "decided_at": r.decided_at,
        "waiting_rank": r.waiting_rank,
        "team_name": r.team.name if r.team else None,
        "shares_values_with_team": r.shares_values_with_team,
        "reminders_paused": r.reminders_paused,
    }


@router.get(
    "/me/registrations",
    response={200: list[MyRegistrationOut], 401: ErrorOut},
    auth=token_or_session,
    tags=["Compte"],
    summary="Les inscriptions de mon foyer aux défis",
)
def my_registrations(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Statut, explication de la décision, rang sur la liste d'attente et équipe."""
    user: Any = request.auth  # type: ignore[attr-defined]  # set by django-ninja
    if not user.household_id:
        return []
    registrations = (
        Registration.objects.filter(household_id=user.household_id)
        .select_related("challenge__territory", "team")
        .order_by("-registered_at")
    )
    return [_out(r) for r in registrations]
