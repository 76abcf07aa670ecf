"""Unsubscribing by the link of a message: the page, its button, the
mailbox's one-click POST (RFC 8058), and list consents."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts import mail, services
from accounts.models import (
    Consent,
    ConsentSource,
    EmailStatus,
    EmailStream,
    EmailSuppression,
    OutgoingEmail,
)
from tests.factories import ConsentTextFactory

pytestmark = pytest.mark.django_db

ADDRESS = "camille@example.org"
SCOPE = "newsletter:val-de-drome"


def token(address: str = ADDRESS, scope: str = SCOPE) -> str:
    return mail.unsubscribe_token(address, scope)


def url(name: str = "unsubscribe", value: str | None = None) -> str:
    return reverse(f"mail:{name}", args=[value or token()])


def queued(key: str = "newsletter:1:1", scope: str = SCOPE) -> OutgoingEmail:
    return mail.queue_email(
        key=key,
        to=ADDRESS,
        subject="La lettre",
        body="…",
        stream=EmailStream.NEWSLETTER,
        unsubscribe_scope=scope,
    )


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_the_link_opens_a_french_page_and_changes_nothing(client) -> None:
    row = queued()
    response = client.get(url())
    assert response.status_code == 200
    assert "Vous ne souhaitez plus recevoir" in text(response)
    assert "c•••@example.org" in text(response)
    assert ADDRESS not in text(response)
    assert "Me désabonner" in text(response)
    assert not EmailSuppression.objects.exists()
    row.refresh_from_db()
    assert row.status == EmailStatus.QUEUED


def test_the_page_button_unsubscribes_and_stops_the_queued_messages(client) -> None:
    row = queued()
    other_list = queued(key="reminder:1", scope="reminders:events")
    response = client.post(url("unsubscribe_confirm"), {"portee": "liste"})
    assert response.status_code == 200
    assert "C'est fait" in text(response)
    suppression = EmailSuppression.objects.get()
    assert (suppression.email, suppression.scope, suppression.source) == (ADDRESS, SCOPE, "lien")
    row.refresh_from_db()
    other_list.refresh_from_db()
    assert row.status == EmailStatus.SUPPRESSED
    assert other_list.status == EmailStatus.QUEUED
    assert "déjà désabonnée" in text(client.get(url()))


def test_the_page_button_can_stop_every_list(client) -> None:
    row = queued(key="reminder:1", scope="reminders:events")
    client.post(url("unsubscribe_confirm"), {"portee": "tout"})
    assert EmailSuppression.objects.get().scope == mail.ALL
    row.refresh_from_db()
    assert row.status == EmailStatus.SUPPRESSED


def test_the_page_button_needs_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(url("unsubscribe_confirm"), {"portee": "liste"}).status_code == 403
    assert not EmailSuppression.objects.exists()


def test_one_click_post_unsubscribes_at_once_without_csrf(mailoutbox) -> None:
    row = queued()
    client = Client(enforce_csrf_checks=True)  # a mailbox provider has no cookie
    response = client.post(url(), {"List-Unsubscribe": "One-Click"})
    again = client.post(url(), {"List-Unsubscribe": "One-Click"})
    assert (response.status_code, again.status_code) == (200, 200)
    suppression = EmailSuppression.objects.get()  # idempotent
    assert suppression.source == "un_clic"
    row.refresh_from_db()
    assert row.status == EmailStatus.SUPPRESSED
    assert mail.deliver(row.pk).status == EmailStatus.SUPPRESSED
    assert mailoutbox == []


def test_a_post_that_is_not_the_one_click_form_is_refused(client) -> None:
    response = client.post(url(), {"autre": "chose"})
    assert response.status_code == 400
    assert not EmailSuppression.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        "nimportequoi",
        token()[:-3] + "abc",  # forged signature
        token()[:5] + ("A" if token()[5] != "A" else "B") + token()[6:],  # payload edited
    ],
    ids=["garbage", "forged", "edited"],
)
def test_a_bad_token_is_a_french_404_and_does_nothing(client, bad: str) -> None:
    for response in (
        client.get(url(value=bad)),
        client.post(url(value=bad), {"List-Unsubscribe": "One-Click"}),
        client.post(url("unsubscribe_confirm", bad)),
    ):
        assert response.status_code == 404
        assert "Lien de désabonnement invalide" in text(response)
    assert not EmailSuppression.objects.exists()


def test_a_token_signed_for_something_else_is_refused(client) -> None:
    from django.core import signing

    other = signing.dumps([ADDRESS, SCOPE], salt="autre.usage", compress=True)
    assert client.get(url(value=other)).status_code == 404


def test_resubscribing_undoes_ones_own_unsubscribing(client) -> None:
    client.post(url("unsubscribe_confirm"), {"portee": "liste"})
    response = client.post(url("resubscribe"))
    assert "recevra de nouveau" in text(response)
    assert not EmailSuppression.objects.exists()


def test_resubscribing_does_not_lift_an_administrators_suppression(client) -> None:
    mail.unsubscribe(email=ADDRESS, scope=SCOPE, source="admin")
    response = client.post(url("resubscribe"))
    assert "reste désabonnée" in text(response)
    assert EmailSuppression.objects.count() == 1


def test_unsubscribing_withdraws_the_list_consent_and_resubscribing_gives_it_again(
    client,
) -> None:
    text_ = ConsentTextFactory(key="lettre-reseau", title="Lettre du réseau")
    consent = services.list_consent_record(
        email="Camille@Example.org",
        scope=SCOPE,
        text=text_,
        source=ConsentSource.FORM,
        proof="Formulaire /t/val-de-drome/reseau/rejoindre/",
    )
    assert consent.email == ADDRESS
    assert not Consent.objects.for_list(SCOPE).exists()  # double opt-in: not yet
    services.list_consent_confirm(consent=consent)
    assert list(Consent.objects.for_list(SCOPE)) == [consent]
    assert (
        services.list_consent_record(
            email=ADDRESS, scope=SCOPE, text=text_, source=ConsentSource.FORM
        )
        == consent
    )  # idempotent

    client.post(url(), {"List-Unsubscribe": "One-Click"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not Consent.objects.for_list(SCOPE).exists()

    client.post(url("resubscribe"))
    renewed = Consent.objects.for_list(SCOPE).get()
    assert renewed.pk != consent.pk
    assert renewed.text == text_
    assert "lien de désabonnement signé" in renewed.proof


def test_the_page_names_the_list(client, territory) -> None:
    assert "rappels des événements" in text(client.get(url(value=token(scope="reminders:events"))))
    everything = text(client.get(url(value=token(scope=mail.ALL))))
    assert "tous les envois collectifs" in everything
    assert "Ne plus recevoir aucun envoi collectif" not in everything
