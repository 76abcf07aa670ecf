"""Who may open the challenge pages, the kit and the public challenge API."""

from tests.matrix import PUBLIC, Spec, statuses

ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
ORGANISER_POST = statuses(403, anonymous=302, organiser=302, admin=302)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def challenge(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "challenge": w.extra["challenge"].slug}


def kit_document(w):  # type: ignore[no-untyped-def]
    return {**challenge(w), "pk": w.extra["kit_document"].pk}


MATRIX = {
    "challenges:list": Spec(PUBLIC, territory),
    "challenges:create": Spec(ORGANISER, territory),
    "challenges:detail": Spec(PUBLIC, challenge),
    "challenges:edit": Spec(ORGANISER, challenge),
    "challenges:phase": Spec(ORGANISER, challenge),
    "challenges:manage": Spec(ORGANISER, challenge),
    "challenges:kit": Spec(ORGANISER, challenge),
    "challenges:kit_delete": Spec(ORGANISER_POST, kit_document, method="POST"),
    # The participant guide: registered households (the member, the captain's
    # household) and the organisers; the captain kit is tested in test_kit.py.
    "challenges:kit_download": Spec(
        statuses(403, anonymous=302, member=200, captain=200, organiser=200, admin=200),
        kit_document,
    ),
    "api:challenge_list": Spec(PUBLIC),
    "api:challenge_detail": Spec(
        PUBLIC,
        lambda w: {"territory": w.territory.slug, "slug": w.extra["challenge"].slug},
    ),
}
