"""Who may open the results pages (measures/views/results.py) and API."""

from tests.matrix import PUBLIC, Spec, statuses


def challenge(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "challenge": w.extra["challenge"].slug}


def team(w):  # type: ignore[no-untyped-def]
    return {**challenge(w), "pk": w.extra["team"].pk}


def api_challenge(w):  # type: ignore[no-untyped-def]
    return {"territory": w.territory.slug, "slug": w.extra["challenge"].slug}


def api_team(w):  # type: ignore[no-untyped-def]
    return {**api_challenge(w), "team_id": w.extra["team"].pk}


MATRIX = {
    # Aggregates are public once the challenge is published.
    "measures:challenge_results": Spec(PUBLIC, challenge),
    "measures:challenge_results_summary": Spec(PUBLIC, challenge),
    "measures:team_results": Spec(PUBLIC, team),
    "measures:territory_results": Spec(PUBLIC, lambda w: {"slug": w.territory.slug}),
    # My household's results: only households registered in the challenge.
    "measures:household_results": Spec(
        statuses(404, anonymous=302, member=200, captain=200), challenge
    ),
    "measures:results_export": Spec(
        statuses(403, anonymous=302, organiser=200, admin=200), challenge
    ),
    "api:my_results": Spec(statuses(200, anonymous=401), anonymous_to_login=False),
    "api:challenge_results": Spec(PUBLIC, api_challenge),
    "api:team_results": Spec(PUBLIC, api_team),
}
