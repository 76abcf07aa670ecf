from tests.factories import WeighingFactory
from tests.matrix import Spec, statuses


def challenge(w):  # type: ignore[no-untyped-def]
    return {"slug": "val-de-drome", "challenge": "hiver-2026"}


def waste_challenge(w):  # type: ignore[no-untyped-def]
    w.extra["challenge"].themes = ["energie", "dechets"]
    w.extra["challenge"].save(update_fields=["themes"])
    return challenge(w)


def member_weighing(w):  # type: ignore[no-untyped-def]
    kwargs = waste_challenge(w)
    return {**kwargs, "pk": WeighingFactory(registration=w.extra["registration"]).pk}


# Each household enters its own data: the member and the captain (both in the
# challenge) get their own page; people without a registration in it, admins
# included, find nothing. Another household's weighing is a 404.
HOUSEHOLDS = statuses(404, anonymous=302, member=200, captain=200)

MATRIX = {
    "measures:entry": Spec(HOUSEHOLDS, challenge),
    "measures:entry_all": Spec(HOUSEHOLDS, challenge),
    "measures:bills": Spec(HOUSEHOLDS, challenge),
    "measures:weighings": Spec(HOUSEHOLDS, waste_challenge),
    "measures:weighing_edit": Spec(statuses(404, anonymous=302, member=200), member_weighing),
    "measures:reminders_toggle": Spec(
        statuses(404, anonymous=302, member=302, captain=302),
        challenge,
        method="POST",
        data={"paused": "1"},
    ),
    # Logged-in callers get 400 for a body that is not JSON; the endpoints are POST only.
    "api:reading_create": Spec(
        statuses(400, anonymous=401), method="POST", anonymous_to_login=False
    ),
    "api:readings_batch": Spec(
        statuses(400, anonymous=401), method="POST", anonymous_to_login=False
    ),
    "api:weighing_create": Spec(
        statuses(400, anonymous=401), method="POST", anonymous_to_login=False
    ),
}
