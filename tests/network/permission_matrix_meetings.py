"""Who may open the pages of the network's meetings and trainings: the list
by year and the trainings (figures, no people) for organisers and the
region's coordinators; a meeting, its invitations and the marking at the
door for organisers only; the answer page for whoever holds the e-mailed
link."""

from events.models import Audience, EventKind
from network.models import Invitation
from tests.events.factories import EventFactory
from tests.matrix import PUBLIC, Spec, statuses
from tests.network.factories import ActorFactory, ContactFactory

READERS = statuses(403, anonymous=302, organiser=200, coordinator=200, admin=200)
ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
ORGANISER_POST = statuses(403, anonymous=302, organiser=302, admin=302)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def _council(w):  # type: ignore[no-untyped-def]
    return EventFactory(
        territory=w.territory, kind=EventKind.ACTOR_COUNCIL, audience=Audience.INVITATION, theme=""
    )


def meeting(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "pk": _council(w).pk}


def _invitation(w) -> Invitation:  # type: ignore[no-untyped-def]
    contact = ContactFactory(actor=ActorFactory(territory=w.territory))
    return Invitation.objects.create(event=_council(w), actor=contact.actor, contact=contact)


def invitation(w):  # type: ignore[no-untyped-def]
    found = _invitation(w)
    return {"slug": w.territory.slug, "pk": found.event_id, "invitation": found.pk}


def module(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "theme": "dechets"}


def token(w):  # type: ignore[no-untyped-def]
    return {"token": _invitation(w).token}


MATRIX = {
    "network:meetings": Spec(READERS, territory),
    "network:meeting_create": Spec(ORGANISER, territory),
    "network:meeting_detail": Spec(ORGANISER, meeting),
    "network:meeting_invite": Spec(ORGANISER, meeting),
    "network:meeting_present": Spec(ORGANISER_POST, invitation, method="POST"),
    "network:trainings": Spec(READERS, territory),
    "network:training_module": Spec(READERS, module),
    "network:invitation_answer": Spec(PUBLIC, token),
}
