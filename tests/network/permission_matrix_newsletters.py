"""Who may open the pages of the network's newsletters: organisers (and
admins) write, choose the recipients, send and read the figures; a
coordinator of the region does not (the recipients are people). Anyone
reads the public archive of a published territory and may subscribe; the
confirmation page is for whoever holds the e-mailed link."""

from network import newsletters
from network.models import Newsletter, NewsletterStatus
from tests.matrix import PUBLIC, Spec, statuses

ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
# A draft to a network without any contact: refused, with its message.
ORGANISER_EMPTY_SEND = statuses(403, anonymous=302, organiser=400, admin=400)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def _letter(w, **kwargs) -> Newsletter:  # type: ignore[no-untyped-def]
    values = {"subject": "La lettre de printemps", "body": "Des **nouvelles**.", **kwargs}
    return Newsletter.objects.create(territory=w.territory, **values)


def draft(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "pk": _letter(w).pk}


def sent(w):  # type: ignore[no-untyped-def]
    letter = _letter(w, status=NewsletterStatus.SENT, in_archive=True)
    return {"slug": w.territory.slug, "pk": letter.pk}


def token(w):  # type: ignore[no-untyped-def]
    consent = newsletters.subscription_request(
        territory=w.territory, email="camille@example.org", page_url="https://elan.example.org/"
    )
    assert consent is not None
    return {"token": newsletters.subscription_token(consent)}


MATRIX = {
    "network:newsletters": Spec(ORGANISER, territory),
    "network:newsletter_create": Spec(ORGANISER, territory),
    "network:newsletter_preview": Spec(
        ORGANISER, territory, method="POST", data={"body": "Un **texte**"}
    ),
    "network:newsletter_detail": Spec(ORGANISER, draft),
    "network:newsletter_edit": Spec(ORGANISER, draft),
    "network:newsletter_recipients": Spec(ORGANISER, draft),
    "network:newsletter_send": Spec(ORGANISER_EMPTY_SEND, draft, method="POST"),
    "network:newsletter_archive": Spec(PUBLIC, territory),
    "network:newsletter_public": Spec(PUBLIC, sent),
    "network:newsletter_subscribe": Spec(PUBLIC, territory),
    "network:newsletter_subscribe_sent": Spec(PUBLIC, territory),
    "network:newsletter_subscribe_confirm": Spec(PUBLIC, token),
}
