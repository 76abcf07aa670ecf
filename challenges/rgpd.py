"""What the challenges hold about a person, for the RGPD export
(accounts/rgpd.py): their household's registrations (challenge, team,
status, choices about sharing and reminders) and the éco-gestes chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.rgpd import Row, register_section
from challenges.models import GestureChoice, Registration

if TYPE_CHECKING:
    from accounts.models import User


def export_registrations(user: User) -> list[Row]:
    if not user.household_id:
        return []
    registrations = Registration.objects.filter(household_id=user.household_id).select_related(
        "challenge__territory", "team"
    )
    return [
        {
            "defi": r.challenge.title,
            "territoire": r.challenge.territory.name,
            "statut": r.get_status_display(),
            "equipe": r.team.name if r.team else "",
            "inscrit_le": r.registered_at,
            "valeurs_partagees_avec_l_equipe": r.shares_values_with_team,
            "rappels_en_pause": r.reminders_paused,
            "explication_de_la_decision": r.decision_reason,
        }
        for r in registrations.order_by("registered_at", "pk")
    ]


def export_gestures(user: User) -> list[Row]:
    if not user.household_id:
        return []
    choices = GestureChoice.objects.filter(
        registration__household_id=user.household_id
    ).select_related("gesture", "registration__challenge")
    return [
        {
            "defi": c.registration.challenge.title,
            "eco_geste": c.gesture.title,
            "choix": c.get_status_display(),
            "raison": c.get_reason_display() if c.reason else "",
            "le": c.chosen_at,
        }
        for c in choices.order_by("chosen_at", "pk")
    ]


def register_challenges() -> None:
    register_section("inscriptions_defis", export_registrations)
    register_section("eco_gestes", export_gestures)
