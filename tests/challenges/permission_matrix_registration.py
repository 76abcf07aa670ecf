from tests.matrix import Spec, statuses


def challenge(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "challenge": w.extra["challenge"].slug}


def member_registration(w):  # type: ignore[no-untyped-def]
    return {**challenge(w), "pk": w.extra["registration"].pk}


ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
ORGANISER_POST = statuses(403, anonymous=302, organiser=302, admin=302)

MATRIX = {
    # Any logged-in person sees the challenges of their own household (none
    # for those without one).
    "challenges:my_challenges": Spec(statuses(200, anonymous=302)),
    # The world's challenge is running: registered households are sent to their
    # registration, everyone else gets the « inscriptions fermées » page.
    "challenges:register": Spec(statuses(403, anonymous=302, member=302, captain=302), challenge),
    # Organisers without a household of their own land on the candidacies.
    "challenges:registration": Spec(
        statuses(403, anonymous=302, member=200, captain=200, organiser=302, admin=302),
        challenge,
    ),
    "challenges:withdraw": Spec(
        statuses(403, anonymous=302, member=302, captain=302, organiser=404, admin=404),
        challenge,
        method="POST",
    ),
    "challenges:candidates": Spec(ORGANISER, challenge),
    "challenges:apply_selection": Spec(ORGANISER_POST, challenge, method="POST"),
    "challenges:decide": Spec(
        ORGANISER_POST,
        member_registration,
        method="POST",
        data={"status": "attente", "reason": "Place réservée à un foyer du quartier"},
    ),
    "api:my_registrations": Spec(statuses(200, anonymous=401), anonymous_to_login=False),
}
