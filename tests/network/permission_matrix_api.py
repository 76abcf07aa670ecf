"""Who may call the network API. The directory is public; the organisers'
endpoints need an account (401 without), and the people (contacts, log) are
for organisers only. A write shares its path with a read: the matrix GETs
it; tests/network/test_api.py covers each write by role."""

from tests.matrix import PUBLIC, Spec, statuses
from tests.network.factories import member_actor

READERS = statuses(403, anonymous=401, organiser=200, coordinator=200, admin=200)
ORGANISER = statuses(403, anonymous=401, organiser=200, admin=200)


def territory(w):  # type: ignore[no-untyped-def]
    return {"territory": w.territory.slug}


def actor(w):  # type: ignore[no-untyped-def]
    return {"territory": w.territory.slug, "actor_id": member_actor(w.territory).pk}


MATRIX = {
    "api:network_directory": Spec(PUBLIC, territory),
    "api:network_actor_list": Spec(READERS, territory, anonymous_to_login=False),
    "api:network_actor_create": Spec(READERS, territory, anonymous_to_login=False),
    "api:network_actor_detail": Spec(READERS, actor, anonymous_to_login=False),
    "api:network_actor_update": Spec(READERS, actor, anonymous_to_login=False),
    "api:network_contact_list": Spec(ORGANISER, actor, anonymous_to_login=False),
    "api:network_contact_create": Spec(ORGANISER, actor, anonymous_to_login=False),
    "api:network_contact_log": Spec(ORGANISER, actor, anonymous_to_login=False),
    "api:network_contact_log_add": Spec(ORGANISER, actor, anonymous_to_login=False),
    "api:network_overdue": Spec(READERS, territory, anonymous_to_login=False),
}
