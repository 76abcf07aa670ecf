"""The outbox and the suppression list in the personal-data export and erasure."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
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

SCOPE = "newsletter:val-de-drome"


def queue(key: str, to: str, **extra) -> OutgoingEmail:  # type: ignore[no-untyped-def]
    return mail.queue_email(
        key=key,
        to=to,
        subject=extra.pop("subject", "La lettre de mai"),
        body="Bonjour Camille",
        stream=EmailStream.NEWSLETTER,
        unsubscribe_scope=SCOPE,
        reference="newsletter:5",
        **extra,
    )


def export(client) -> dict:  # type: ignore[no-untyped-def]
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("accounts:export")).content))
    return json.loads(archive.read("donnees.json"))


def test_my_emails_suppressions_and_list_consents_are_in_my_export(owner_client, owner) -> None:
    sent = queue("newsletter:5:1", owner.email)
    mail.deliver(sent.pk)
    queue("newsletter:5:2", "inconnu@example.org", subject="Pas pour moi")
    mail.unsubscribe(email=owner.email, scope="reminders:events", source="un_clic")
    services.list_consent_record(
        email=owner.email,
        scope=SCOPE,
        text=ConsentTextFactory(key="lettre", title="Lettre du réseau"),
        source=ConsentSource.IMPORT,
        proof="Fichier adherents-2025.ods",
        double_opt_in=False,
    )

    data = export(owner_client)

    assert [(e["objet"], e["etat"]) for e in data["e_mails"]] == [("La lettre de mai", "envoyé")]
    assert data["e_mails"][0]["adresse"] == owner.email
    assert data["desabonnements"][0]["liste"] == "les rappels des événements où vous êtes inscrit·e"
    assert data["desabonnements"][0]["origine"] == "désabonnement en un clic (messagerie)"
    (consent,) = data["consentements"]
    assert (consent["liste"], consent["preuve"]) == (SCOPE, "Fichier adherents-2025.ods")
    assert consent["confirme_le"] is not None


def test_erasure_empties_my_messages_keeps_the_figures_and_the_suppression(
    owner_client, owner, mailoutbox
) -> None:
    sent = queue("newsletter:5:1", owner.email)
    mail.deliver(sent.pk)
    waiting = queue("newsletter:6:1", owner.email)
    mail.unsubscribe(email=owner.email, scope="reminders:events", source="lien")
    services.list_consent_record(
        email=owner.email,
        scope=SCOPE,
        text=ConsentTextFactory(key="lettre", title="Lettre"),
        source=ConsentSource.FORM,
    )
    address = owner.email

    owner_client.post(
        reverse("accounts:erase"), {"password": "motdepasse-solide-42", "confirm": "on"}
    )

    sent.refresh_from_db()
    waiting.refresh_from_db()
    for row in (sent, waiting):
        assert (row.recipient, row.subject, row.body, row.headers) == ("", "", "", {})
    assert sent.status == EmailStatus.SENT
    assert waiting.status == EmailStatus.SUPPRESSED  # never leaves
    assert OutgoingEmail.objects.for_reference("newsletter:5").tally()[EmailStatus.SENT] == 1
    suppression = EmailSuppression.objects.get()
    assert suppression.email == ""
    assert suppression.email_hash == mail.email_hash(address)
    assert not Consent.objects.filter(email=address).exists()
    # The address comes back (an organiser's import): still unsubscribed.
    again = mail.queue_email(
        key="reminder:evt:1",
        to=address,
        subject="Rappel",
        body="…",
        stream=EmailStream.REMINDER,
        unsubscribe_scope="reminders:events",
    )
    assert again.status == EmailStatus.SUPPRESSED
    assert len(mailoutbox) == 1
