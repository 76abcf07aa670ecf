"""Unsubscribe links: the signed token is the only authorisation, whoever
opens them (logged in or not, any role)."""

from accounts import mail
from tests.matrix import PUBLIC, Spec


def _token(w):  # type: ignore[no-untyped-def]
    return {"token": mail.unsubscribe_token(w.users["member"].email, "reminders:events")}


MATRIX = {
    "mail:unsubscribe": Spec(PUBLIC, _token),
    "mail:unsubscribe_confirm": Spec(PUBLIC, _token, method="POST", data={"portee": "liste"}),
    "mail:resubscribe": Spec(PUBLIC, _token, method="POST"),
}
