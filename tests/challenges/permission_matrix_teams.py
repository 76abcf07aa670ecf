from tests.matrix import LOGGED_IN, Spec, statuses

ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
ORGANISER_POST = statuses(403, anonymous=302, organiser=302, admin=302)
# Teams are private: whoever is neither in the team, its captain nor an
# organiser of the territory is told it does not exist.
TEAM_MEMBERS = statuses(404, anonymous=302, member=200, captain=200, organiser=200, admin=200)


def challenge(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "challenge": w.extra["challenge"].slug}


def team(w):  # type: ignore[no-untyped-def]
    return {**challenge(w), "pk": w.extra["team"].pk}


def member_registration(w):  # type: ignore[no-untyped-def]
    return {**team(w), "registration": w.extra["registration"].pk}


def invite_code(w):  # type: ignore[no-untyped-def]
    return {**challenge(w), "code": w.extra["team"].invite_code}


MATRIX = {
    "challenges:teams": Spec(ORGANISER, challenge),
    "challenges:teams_suggest": Spec(ORGANISER, challenge),
    "challenges:team_create": Spec(
        ORGANISER_POST, challenge, method="POST", data={"name": "Les Sobres"}
    ),
    # An empty form: the organiser gets past the permission and sees the errors.
    "challenges:team_move": Spec(
        statuses(403, anonymous=302, organiser=400, admin=400), challenge, method="POST"
    ),
    "challenges:team_captain": Spec(ORGANISER_POST, team, method="POST", data={"captain": ""}),
    "challenges:team_delete": Spec(ORGANISER_POST, team, method="POST"),
    "challenges:team": Spec(TEAM_MEMBERS, team),
    "challenges:captain": Spec(
        statuses(404, anonymous=302, member=403, captain=200, organiser=200, admin=200), team
    ),
    "challenges:remind": Spec(
        statuses(404, anonymous=302, member=403, captain=302, organiser=302, admin=302),
        member_registration,
        method="POST",
    ),
    "challenges:join_team": Spec(LOGGED_IN, challenge),
    "challenges:join_team_code": Spec(LOGGED_IN, invite_code),
    # Households of the team are sent to their team page; the others learn how to join one.
    "challenges:my_team": Spec(statuses(200, anonymous=302, member=302, captain=302), challenge),
    "api:my_teams": Spec(statuses(200, anonymous=401), anonymous_to_login=False),
}
