"""Who may enter, import and see measures (see challenges/rules.py)."""

from __future__ import annotations

from typing import Any

import rules

from challenges.models import Registration, Team
from challenges.rules import captains, coordinates, is_published_challenge, manages


@rules.predicate
def own_household(user: Any, obj: Any) -> bool:
    """The object (a Registration, or anything with a household) is the user's household's."""
    household_id = getattr(obj, "household_id", None)
    return bool(user.is_authenticated and household_id and household_id == user.household_id)


@rules.predicate
def captain_of_shared(user: Any, registration: Any) -> bool:
    """Captains see a household's values only when it shares them."""
    if not isinstance(registration, Registration) or not registration.shares_values_with_team:
        return False
    team = registration.team
    return team is not None and team.captain_id == user.pk


@rules.predicate
def in_this_team(user: Any, team: Any) -> bool:
    return (
        isinstance(team, Team)
        and user.is_authenticated
        and team.registrations.filter(household_id=user.household_id).exists()
    )


# object: a Registration
rules.add_perm("measures.enter_data", own_household)
rules.add_perm("measures.view_household_results", own_household | captain_of_shared | manages)
# object: a Challenge (aggregates are public once the challenge is)
rules.add_perm("measures.view_challenge_results", is_published_challenge | manages | coordinates)
# object: a Team
rules.add_perm(
    "measures.view_team_results", is_published_challenge | in_this_team | captains | manages
)
# object: a Challenge
rules.add_perm("measures.import_data", manages)
rules.add_perm("measures.export_data", manages)
