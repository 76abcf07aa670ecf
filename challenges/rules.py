"""Who may do what with challenges (see territories/rules.py for the roles)."""

from __future__ import annotations

from typing import Any

import rules

from challenges.models import (
    Challenge,
    KitDocument,
    KitKind,
    Registration,
    RegistrationStatus,
    Team,
)
from territories.rules import is_organiser, is_platform_admin, is_regional_coordinator


def challenge_of(obj: Any) -> Challenge | None:
    if isinstance(obj, Challenge):
        return obj
    challenge = getattr(obj, "challenge", None)
    return challenge if isinstance(challenge, Challenge) else None


def _territory(obj: Any) -> Any:
    """The territory of a challenge-related object, or the object itself."""
    challenge = challenge_of(obj)
    return challenge.territory if challenge is not None else obj


def registration_of(user: Any, challenge: Challenge | None) -> Registration | None:
    """The registration of the user's household in the challenge (cached per user)."""
    if challenge is None or not user.is_authenticated or not user.household_id:
        return None
    cache = user.__dict__.setdefault("_elan_registrations", {})
    if challenge.pk not in cache:
        cache[challenge.pk] = Registration.objects.filter(
            challenge=challenge, household_id=user.household_id
        ).first()
    return cache[challenge.pk]


@rules.predicate
def organises(user: Any, obj: Any) -> bool:
    return bool(is_organiser(user, _territory(obj)))


@rules.predicate
def coordinates(user: Any, obj: Any) -> bool:
    return bool(is_regional_coordinator(user, _territory(obj)))


@rules.predicate
def is_published_challenge(user: Any, obj: Any) -> bool:
    challenge = challenge_of(obj)
    return bool(challenge and challenge.published_at and challenge.territory.is_published)


@rules.predicate
def is_registered(user: Any, obj: Any) -> bool:
    return registration_of(user, challenge_of(obj)) is not None


@rules.predicate
def is_participant(user: Any, obj: Any) -> bool:
    """Selected households take part (teams, éco-gestes, data)."""
    registration = registration_of(user, challenge_of(obj))
    return registration is not None and registration.status == RegistrationStatus.SELECTED


@rules.predicate
def in_team(user: Any, team: Any) -> bool:
    if not isinstance(team, Team):
        return False
    registration = registration_of(user, team.challenge)
    return registration is not None and registration.team_id == team.pk


@rules.predicate
def captains(user: Any, obj: Any) -> bool:
    if isinstance(obj, Team):
        return user.is_authenticated and obj.captain_id == user.pk
    challenge = challenge_of(obj)
    if challenge is None or not user.is_authenticated:
        return False
    return challenge.teams.filter(captain_id=user.pk).exists()


@rules.predicate
def kit_document_for_participants(user: Any, document: Any) -> bool:
    return isinstance(document, KitDocument) and document.kind != KitKind.CAPTAIN_KIT


manages = organises | is_platform_admin

rules.add_perm(
    "challenges.view_challenge",
    is_published_challenge | organises | coordinates | is_platform_admin,
)
rules.add_perm("challenges.add_challenge", manages)  # object: the territory
rules.add_perm("challenges.manage_challenge", manages)
rules.add_perm("challenges.register", rules.is_authenticated)
# Views look registrations up by the user's own household only.
rules.add_perm("challenges.view_own_registrations", rules.is_authenticated)
rules.add_perm("challenges.view_registration", is_registered | manages)
rules.add_perm("challenges.view_team", in_team | captains | manages)
rules.add_perm("challenges.lead_team", captains | manages)
rules.add_perm("challenges.choose_gestures", is_participant)
rules.add_perm("challenges.view_gesture_stats", is_published_challenge | manages | coordinates)
rules.add_perm("challenges.edit_gestures", manages)  # object: the territory
rules.add_perm(
    "challenges.download_kit",
    (kit_document_for_participants & is_registered) | captains | manages,
)
# Meters (measures app): a logged-in person declares those of their own
# household; the views look meters up within that household, so another
# household's meter is a 404 (for platform admins too: they use the admin).
rules.add_perm("measures.declare_meters", rules.is_authenticated)
