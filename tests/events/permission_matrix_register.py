"""Who may open the public event page and register (events/views/register.py)."""

from __future__ import annotations

from events.models import RegistrationStatus
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.matrix import LOGGED_IN, PUBLIC, Spec, statuses


def public_event(w):  # type: ignore[no-untyped-def]
    event = EventFactory(territory=w.territory, capacity=10)
    return {"slug": w.territory.slug, "pk": event.pk}


def guest_token(w):  # type: ignore[no-untyped-def]
    registration = EventRegistrationFactory(
        event=EventFactory(territory=w.territory),
        user=None,
        name="Invitée",
        email="invitee@example.org",
        status=RegistrationStatus.PENDING,
        confirmed_at=None,
    )
    return {"token": registration.token}


MATRIX = {
    "events:detail": Spec(PUBLIC, public_event),
    # Any account may take a seat at a public event; the visitor logs in first.
    "events:register": Spec(statuses(302), public_event, method="POST"),
    # The guest form is for visitors without an account; logged-in people are
    # sent back to the page and its button.
    "events:guest_register": Spec(
        statuses(302, anonymous=200),
        public_event,
        method="POST",
        data={"name": "Léa Martin", "email": "lea@example.org", "consent": "on"},
        anonymous_to_login=False,
    ),
    # The e-mailed links carry the secret token: no login needed.
    "events:guest_confirm": Spec(PUBLIC, guest_token),
    "events:registration_cancel": Spec(PUBLIC, guest_token),
    "events:my_registrations": Spec(LOGGED_IN),
}
