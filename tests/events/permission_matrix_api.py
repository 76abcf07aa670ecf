"""Who may call the events API."""

from events.models import EventStatus
from tests.events.factories import EventFactory
from tests.matrix import PUBLIC, Spec, statuses


def draft_event(w):  # type: ignore[no-untyped-def]
    event = EventFactory(territory=w.territory, status=EventStatus.DRAFT, published_at=None)
    return {"event_id": event.pk}


def public_event(w):  # type: ignore[no-untyped-def]
    return {"event_id": EventFactory(territory=w.territory).pk}


MATRIX = {
    "api:event_list": Spec(PUBLIC),
    "api:event_detail": Spec(
        statuses(404, organiser=200, coordinator=200, admin=200),
        draft_event,
        anonymous_to_login=False,
    ),
    # Any account may take a seat at a public event; the matrix POSTs no body.
    "api:event_register": Spec(
        statuses(201, anonymous=401), public_event, method="POST", anonymous_to_login=False
    ),
    # DELETE only: the matrix's GET gets 405 whoever asks (tests/events/test_api.py
    # covers the DELETE itself: 401 without an account, 204, then 404).
    "api:event_unregister": Spec(statuses(405), public_event, anonymous_to_login=False),
}
