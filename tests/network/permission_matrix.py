"""Who may open the network's pages: the public directory and form, the
organisers' pages (coordinators read the directory, the overdue list and the
entries), an actor's pages. Actor contacts are no role of the matrix: their
rights are tested in test_actor_views.py."""

from django.core.files.uploadedfile import SimpleUploadedFile

from network.models import JoinRequestStatus
from tests.matrix import LOGGED_IN, PUBLIC, Spec, statuses
from tests.network.factories import ContactFactory, JoinRequestFactory, member_actor

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
READERS = statuses(403, anonymous=302, organiser=200, coordinator=200, admin=200)
ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
# Objects only organisers see (people, requests): a 404 for the others.
HIDDEN = statuses(404, organiser=200, admin=200)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def listed_actor(w):  # type: ignore[no-untyped-def]
    actor = member_actor(
        w.territory,
        name="Repair café",
        listed=True,
        logo=SimpleUploadedFile("logo.gif", GIF),
        logo_alt="Logo du Repair café",
    )
    return {"slug": w.territory.slug, "pk": actor.pk}


def contact(w):  # type: ignore[no-untyped-def]
    kwargs = listed_actor(w)
    found = ContactFactory(actor_id=kwargs["pk"])
    return {**kwargs, "contact": found.pk}


def join_request(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "pk": JoinRequestFactory(territory=w.territory).pk}


def token(w):  # type: ignore[no-untyped-def]
    found = JoinRequestFactory(territory=w.territory, status=JoinRequestStatus.UNCONFIRMED)
    return {"token": found.token}


MATRIX = {
    "network:directory": Spec(PUBLIC, territory),
    "network:join": Spec(PUBLIC, territory),
    "network:join_sent": Spec(PUBLIC, territory),
    "network:join_confirm": Spec(PUBLIC, token),
    "network:actor_logo": Spec(PUBLIC, listed_actor),
    "network:manage": Spec(READERS, territory),
    "network:overdue": Spec(READERS, territory),
    "network:actor_create": Spec(ORGANISER, territory),
    # The directory's file holds people's data: organisers only.
    "network:actor_import": Spec(ORGANISER, territory),
    "network:actor_export": Spec(ORGANISER, territory),
    "network:members_by_right": Spec(ORGANISER, territory),
    "network:changes": Spec(ORGANISER, territory),
    "network:charter": Spec(ORGANISER, territory),
    "network:join_requests": Spec(ORGANISER, territory),
    "network:join_request_decide": Spec(HIDDEN, join_request, anonymous_to_login=False),
    "network:actor_detail": Spec(READERS, listed_actor),
    "network:actor_edit": Spec(ORGANISER, listed_actor),
    "network:actor_confirm": Spec(
        statuses(403, anonymous=302, organiser=302, admin=302), listed_actor, method="POST"
    ),
    # No address: the form comes back with its error.
    "network:actor_sheets": Spec(
        statuses(403, anonymous=302, organiser=400, admin=400), listed_actor, method="POST"
    ),
    # An empty entry: the organiser gets the form back with its errors.
    "network:contact_log_add": Spec(
        statuses(403, anonymous=302, organiser=400, admin=400), listed_actor, method="POST"
    ),
    "network:membership_edit": Spec(ORGANISER, listed_actor),
    "network:contact_create": Spec(ORGANISER, listed_actor),
    "network:contact_edit": Spec(HIDDEN, contact, anonymous_to_login=False),
    "network:contact_delete": Spec(HIDDEN, contact, anonymous_to_login=False),
    "network:my_actors": Spec(LOGGED_IN),
}
