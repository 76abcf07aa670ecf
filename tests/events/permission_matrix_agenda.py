"""Who may open the agenda pages and the iCal feeds."""

from events.ical import calendar_feed_regenerate
from events.models import EventStatus
from tests.events.factories import EventFactory
from tests.matrix import LOGGED_IN, PUBLIC, Spec, statuses

# A draft is seen by the territory's organisers, its region's coordinator and
# admins; for everyone else it does not exist.
DRAFT_READERS = statuses(404, organiser=200, coordinator=200, admin=200)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def challenge(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "challenge": w.extra["challenge"].slug}


def draft_event(w):  # type: ignore[no-untyped-def]
    event = EventFactory(territory=w.territory, status=EventStatus.DRAFT, published_at=None)
    return {"slug": w.territory.slug, "pk": event.pk}


def member_feed(w):  # type: ignore[no-untyped-def]
    return {"token": calendar_feed_regenerate(user=w.users["member"]).token}


MATRIX = {
    "events:agenda": Spec(PUBLIC, territory),
    "events:challenge_agenda": Spec(PUBLIC, challenge),
    "events:challenge_upcoming": Spec(PUBLIC, challenge),
    "events:ical_territory": Spec(PUBLIC, territory),
    "events:ical_challenge": Spec(PUBLIC, challenge),
    "events:ical_event": Spec(DRAFT_READERS, draft_event),
    # Calendar apps cannot log in: whoever holds the secret address reads it.
    "events:ical_personal": Spec(PUBLIC, member_feed),
    "events:calendar_feed": Spec(LOGGED_IN),
}
