"""Who may open the accounts pages. Everything here acts on the user's own
account; other people's objects answer 404."""

from tests.factories import ConsentFactory, ConsentTextFactory
from tests.matrix import LOGGED_IN, PUBLIC, Spec, statuses

# Pages about my household: those without one are sent to create it (302).
HOUSEHOLD_MEMBERS = statuses(302, member=200, captain=200)


def _member_token(w):  # type: ignore[no-untyped-def]
    return {"token": w.users["member"].household.invite_token}


def _member_consent(w):  # type: ignore[no-untyped-def]
    text = ConsentTextFactory(key="defi-donnees", title="Partage de mes relevés")
    return {"pk": ConsentFactory(user=w.users["member"], text=text).pk}


MATRIX = {
    "accounts:dashboard": Spec(LOGGED_IN),
    "accounts:profile": Spec(LOGGED_IN),
    "accounts:household": Spec(LOGGED_IN),
    "accounts:household_invite": Spec(HOUSEHOLD_MEMBERS),
    "accounts:household_leave": Spec(HOUSEHOLD_MEMBERS),
    # Its own members are sent back to their dashboard.
    "accounts:household_join": Spec(statuses(200, anonymous=302, member=302), _member_token),
    "accounts:privacy": Spec(PUBLIC),
    "accounts:export": Spec(LOGGED_IN),
    "accounts:erase": Spec(LOGGED_IN),
    "accounts:consent_withdraw": Spec(
        statuses(404, anonymous=302, member=302), _member_consent, method="POST"
    ),
}
