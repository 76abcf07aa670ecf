"""Who may do what with events (see territories/rules.py for the roles).

Visibility is a permission; whether a seat can be taken right now (full,
started, cancelled, closed) is decided by events.services with a message.
"""

from __future__ import annotations

from typing import Any

import rules

from challenges.rules import is_registered
from events.models import Audience, Event, EventStatus
from territories.rules import (
    is_actor_contact,
    is_organiser,
    is_platform_admin,
    is_published,
    is_regional_coordinator,
)


def _event(obj: Any) -> Event | None:
    return obj if isinstance(obj, Event) else None


@rules.predicate
def is_announced(user: Any, obj: Any) -> bool:
    """Published or cancelled: a cancellation stays visible."""
    event = _event(obj)
    return event is not None and event.status != EventStatus.DRAFT


@rules.predicate
def is_for_public(user: Any, obj: Any) -> bool:
    event = _event(obj)
    return event is not None and event.audience == Audience.PUBLIC


@rules.predicate
def is_for_my_challenge(user: Any, obj: Any) -> bool:
    event = _event(obj)
    if event is None or event.audience != Audience.CHALLENGE or event.challenge is None:
        return False
    return bool(is_registered(user, event.challenge))


@rules.predicate
def is_for_network(user: Any, obj: Any) -> bool:
    event = _event(obj)
    return bool(
        event is not None and event.audience == Audience.NETWORK and is_actor_contact(user, event)
    )


manages = is_organiser | is_platform_admin

rules.add_perm(
    "events.view_event", (is_announced & is_published) | manages | is_regional_coordinator
)
# Guests (no account) may register to public events; the other audiences need
# an account that belongs to them. Invitation-only events are filled by the
# organisers.
rules.add_perm(
    "events.register",
    is_announced & is_published & (is_for_public | is_for_my_challenge | is_for_network),
)
rules.add_perm("events.manage_event", manages)  # object: the territory or the event
rules.add_perm("events.view_stats", manages | is_regional_coordinator)
rules.add_perm("events.use_calendar_feed", rules.is_authenticated)


@rules.predicate
def can_view_photo_event(user: Any, obj: Any) -> bool:
    """A photo is seen by whoever sees its event (object: an EventPhoto)."""
    event = getattr(obj, "event", None)
    return isinstance(event, Event) and bool(user.has_perm("events.view_event", event))


rules.add_perm("events.view_photo", can_view_photo_event)
