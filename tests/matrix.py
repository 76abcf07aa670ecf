"""The standing world and roles of the permission matrix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from challenges.models import RegistrationStatus
from tests.factories import (
    ChallengeFactory,
    CommuneFactory,
    CoordinatorFactory,
    HouseholdFactory,
    KitDocumentFactory,
    MembershipFactory,
    PartnerFactory,
    RegistrationFactory,
    TeamFactory,
    TerritoryFactory,
    UserFactory,
)

ROLES = ["anonymous", "member", "captain", "organiser", "other_organiser", "coordinator", "admin"]


@dataclass
class World:
    territory: Any
    other_territory: Any
    partner: Any
    membership: Any
    users: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    territory = TerritoryFactory(slug="val-de-drome", name="Val de Drôme")
    commune = CommuneFactory(insee_code="26108", name="Crest", postal_codes=" 26400")
    territory.communes.add(commune)
    other = TerritoryFactory(
        slug="pays-voisin", name="Pays voisin", region__code="11", region__name="Île-de-France"
    )
    organiser = UserFactory(email="animatrice@example.org")
    membership = MembershipFactory(user=organiser, territory=territory)
    other_organiser = UserFactory(email="autre@example.org")
    MembershipFactory(user=other_organiser, territory=other)
    member = UserFactory(email="foyer@example.org", household=HouseholdFactory(commune=commune))
    # Captains get their own rights with the challenges module; until then a
    # captain is a household member like any other.
    captain = UserFactory(
        email="capitaine@example.org", household=HouseholdFactory(commune=commune)
    )
    coordinator = CoordinatorFactory(
        user=UserFactory(email="coord@example.org"), region=territory.region
    ).user
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    users = {
        "anonymous": None,
        "member": member,
        "captain": captain,
        "organiser": organiser,
        "other_organiser": other_organiser,
        "coordinator": coordinator,
        "admin": admin,
    }
    world = World(territory, other, PartnerFactory(territory=territory), membership, users)
    # A running challenge: the captain leads a team the member belongs to.
    challenge = ChallengeFactory(territory=territory, slug="hiver-2026")
    team = TeamFactory(challenge=challenge, name="Les Économes", captain=captain)
    member_registration = RegistrationFactory(
        challenge=challenge,
        household=member.household,
        team=team,
        status=RegistrationStatus.SELECTED,
    )
    RegistrationFactory(challenge=challenge, household=captain.household, team=team)
    world.extra.update(
        challenge=challenge,
        team=team,
        registration=member_registration,
        kit_document=KitDocumentFactory(challenge=challenge),
        captain_kit=KitDocumentFactory(
            challenge=challenge, kind="kit_capitaine", title="Kit du capitaine"
        ),
    )
    return world


@dataclass
class Spec:
    expected: dict[str, int]
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    anonymous_to_login: bool = True


def statuses(default: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, default) for role in ROLES}


PUBLIC = statuses(200)
LOGGED_IN = statuses(200, anonymous=302)
