from tests.matrix import Spec, statuses


def challenge_args(w):  # type: ignore[no-untyped-def]
    return {"slug": "val-de-drome", "challenge": w.extra["challenge"].slug}


# Import and export are for the challenge's organisers (and admins); other
# logged-in people see the challenge (published) but may not act: 403.
MATRIX = {
    "measures:import": Spec(statuses(403, anonymous=302, organiser=200, admin=200), challenge_args),
    "measures:export": Spec(statuses(403, anonymous=302, organiser=200, admin=200), challenge_args),
}
