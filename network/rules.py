"""Who may do what with the actors' network (see territories/rules.py for
the roles).

- organisers of the territory (and admins) run everything;
- regional coordinators read the organisers' directory, the actors' entries
  and the overdue list, but not the people (contacts, contact log);
- an actor contact — a user with the actor-contact role in the territory
  *and* linked to one of the actor's contacts — edits and confirms that
  actor's entry, and nothing of the others;
- anyone reads the public directory of a published territory (listed
  members only) and may ask to join.
"""

from __future__ import annotations

from typing import Any

import rules

from network.models import Actor, Contact, MembershipStatus
from territories.rules import (
    is_actor_contact,
    is_organiser,
    is_platform_admin,
    is_published,
    is_regional_coordinator,
)


def _actor(obj: Any) -> Actor | None:
    if isinstance(obj, Actor):
        return obj
    actor = getattr(obj, "actor", None)
    return actor if isinstance(actor, Actor) else None


def represented_actor_ids(user: Any) -> set[int]:
    """The actors this user is a contact of (one query per request and user)."""
    cached = getattr(user, "_elan_actor_ids", None)
    if cached is None:
        cached = set(Contact.objects.filter(user=user).values_list("actor_id", flat=True))
        user._elan_actor_ids = cached
    return cached


@rules.predicate
def represents_actor(user: Any, obj: Any) -> bool:
    actor = _actor(obj)
    if actor is None or not user.is_authenticated:
        return False
    return bool(is_actor_contact(user, actor)) and actor.pk in represented_actor_ids(user)


def _current_status(actor: Actor) -> str | None:
    annotated = getattr(actor, "membership_status", "")
    if annotated != "":
        return annotated
    current = actor.memberships.order_by("-pk").values_list("status", flat=True).first()
    return current


@rules.predicate
def is_listed_member(user: Any, obj: Any) -> bool:
    actor = _actor(obj)
    return bool(
        actor is not None
        and actor.listed
        and actor.territory.is_published
        and _current_status(actor) == MembershipStatus.MEMBER
    )


manages = is_organiser | is_platform_admin
reads = manages | is_regional_coordinator

# Object: the territory.
rules.add_perm("network.view_directory", is_published | reads)
rules.add_perm("network.join", is_published)
rules.add_perm("network.view_network", reads)
# Object: the territory or one of its actors.
rules.add_perm("network.manage", manages)
# Object: an actor.
rules.add_perm("network.see_actor", is_listed_member | reads | represents_actor)
rules.add_perm("network.view_actor", reads | represents_actor)
rules.add_perm("network.view_people", manages)
rules.add_perm("network.edit_actor", manages | represents_actor)
# The page of the actors a user represents, whatever the territory.
rules.add_perm("network.view_my_actors", rules.is_authenticated)
# Campaign weeks: an actor's contacts declare its actions. Object: the actor.
rules.add_perm("network.declare_action", manages | represents_actor)
