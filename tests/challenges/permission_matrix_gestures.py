from django.utils import timezone

from challenges.models import GestureChoice, GestureStatus, Registration, Theme
from tests.factories import EcoGestureFactory
from tests.matrix import PUBLIC, Spec, statuses

# Only households taking part (selected) choose éco-gestes: the member and the
# captain of the standing world. Organisers see the aggregate figures instead.
PARTICIPANTS = statuses(403, anonymous=302, member=200, captain=200)
PARTICIPANTS_POST = statuses(403, anonymous=302, member=302, captain=302)
ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
ORGANISER_POST = statuses(403, anonymous=302, organiser=302, admin=302)


def challenge(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "challenge": w.extra["challenge"].slug}


def offered_gesture(w):  # type: ignore[no-untyped-def]
    return {**challenge(w), "pk": EcoGestureFactory(theme=Theme.ENERGY).pk}


def committed_gesture(w):  # type: ignore[no-untyped-def]
    gesture = EcoGestureFactory(theme=Theme.ENERGY)
    for registration in Registration.objects.filter(challenge=w.extra["challenge"]):
        GestureChoice.objects.create(
            registration=registration, gesture=gesture, status=GestureStatus.COMMITTED
        )
    return {**challenge(w), "pk": gesture.pk}


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def catalogue_gesture(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "pk": EcoGestureFactory().pk}


MATRIX = {
    "challenges:gestures": Spec(PARTICIPANTS, challenge),
    "challenges:gesture_choose": Spec(
        PARTICIPANTS_POST, offered_gesture, method="POST", data={"status": "deja"}
    ),
    "challenges:gesture_tick": Spec(
        PARTICIPANTS_POST,
        committed_gesture,
        method="POST",
        data={"day": timezone.localdate().isoformat()},
    ),
    "challenges:gesture_stats": Spec(PUBLIC, challenge),
    "challenges:catalogue": Spec(ORGANISER, territory),
    "challenges:catalogue_add": Spec(ORGANISER, territory),
    "challenges:catalogue_edit": Spec(ORGANISER, catalogue_gesture),
    "challenges:catalogue_toggle": Spec(ORGANISER_POST, catalogue_gesture, method="POST"),
}
