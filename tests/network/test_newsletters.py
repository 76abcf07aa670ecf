"""Newsletters of the network: Markdown sanitised, the exact list of
recipients (segment, subscribers, who is left out and why), the sending
(a decision, then a task that queues one message per address through the
outbox, never twice, never to someone unsubscribed), the one-click
unsubscribe honoured at once, the figures from the outbox in one query,
the consent to the list with its proof and double opt-in, the pages
(organisers, public archive, subscription) and bad input (French message,
4xx, never a 500)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import mail
from accounts.models import (
    Consent,
    ConsentSource,
    EmailStatus,
    EmailStream,
    EmailSuppression,
    OutgoingEmail,
    SuppressionSource,
)
from accounts.services import account_erase
from network import newsletters
from network.models import ActorKind, Newsletter, NewsletterStatus
from network.segments import Segment
from network.services import NetworkRefused
from tests.factories import UserFactory
from tests.network.factories import ActorFactory, ContactFactory

pytestmark = pytest.mark.django_db

SLUG = "val-de-drome"
SCOPE = "newsletter:val-de-drome"
EVERYONE = Segment()
ASSOCIATIONS = Segment(kinds=(ActorKind.ASSOCIATION,))


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def words(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text without its tags, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def url(name: str, *args: object) -> str:
    return reverse(f"network:{name}", args=[SLUG, *args])


@pytest.fixture
def people(territory):  # type: ignore[no-untyped-def]
    """Two associations and a company with a contact each, a contact without
    address, one unsubscribed from the letter, one from every list."""
    crest = territory.communes.get()
    jardins = ActorFactory(territory=territory, name="Jardins partagés", commune=crest)
    repair = ActorFactory(territory=territory, name="Repair café", commune=crest)
    company = ActorFactory(territory=territory, name="La Cagette", kind=ActorKind.COMPANY)
    found = {
        "lou": ContactFactory(actor=jardins, first_name="Lou", email="lou@jardins.example.org"),
        "karim": ContactFactory(actor=repair, first_name="Karim", email="karim@repair.example.org"),
        "nina": ContactFactory(actor=company, first_name="Nina", email="nina@cagette.example.org"),
        "sans": ContactFactory(actor=repair, first_name="Sans", email=""),
        "parti": ContactFactory(
            actor=jardins, first_name="Parti", email="parti@jardins.example.org"
        ),
        "tout": ContactFactory(actor=company, first_name="Tout", email="tout@cagette.example.org"),
    }
    mail.unsubscribe(email="parti@jardins.example.org", scope=SCOPE, source="lien")
    mail.unsubscribe(email="tout@cagette.example.org", scope=mail.ALL, source="un_clic")
    return found


@pytest.fixture
def letter(territory, organiser):  # type: ignore[no-untyped-def]
    return newsletters.newsletter_create(
        territory=territory,
        data={
            "subject": "La lettre de printemps",
            "body": "# Printemps\n\nLe **Repair café** rouvre. <script>alert(1)</script>\n\n"
            "[Programme](https://example.org/programme) · [piège](javascript:alert(1))",
            "in_archive": True,
        },
        user=organiser,
    )


@pytest.fixture
def send(django_capture_on_commit_callbacks, organiser):  # type: ignore[no-untyped-def]
    """Decide the sending and run what follows the commit (the task, the
    deliveries), as a worker would."""

    def sending(newsletter, segment=EVERYONE, **kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            newsletters.newsletter_send(
                newsletter=newsletter, segment=segment, user=organiser, **kwargs
            )
        newsletter.refresh_from_db()
        return newsletter

    return sending


def subscribe(territory, email: str, *, confirm: bool = True) -> Consent:  # type: ignore[no-untyped-def]
    consent = newsletters.subscription_request(
        territory=territory, email=email, page_url="https://elan.example.org/abonnement/"
    )
    assert consent is not None
    if confirm:
        newsletters.subscription_confirm(consent=consent)
    return consent


def rows(newsletter) -> list[OutgoingEmail]:  # type: ignore[no-untyped-def]
    return list(OutgoingEmail.objects.for_reference(newsletters.reference(newsletter)))


# --- rendering --------------------------------------------------------------------------------


def test_markdown_is_rendered_and_sanitised(letter) -> None:
    rendered = str(newsletters.render_html(letter.body))
    assert "<strong>Repair café</strong>" in rendered
    assert "<h2>Printemps</h2>" in rendered  # the page has its own h1
    # Raw HTML comes out as text, a javascript: link as plain text.
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered
    assert 'href="javascript' not in rendered
    assert 'href="https://example.org/programme"' in rendered


# --- recipients ----------------------------------------------------------------------------------


def test_the_list_leaves_out_who_has_no_address_or_unsubscribed(territory, people) -> None:
    found = newsletters.recipients(territory, EVERYONE)
    assert sorted(r.email for r in found.recipients) == [
        "karim@repair.example.org",
        "lou@jardins.example.org",
        "nina@cagette.example.org",
    ]
    assert found.without_email == [people["sans"]]
    assert sorted(r.email for r in found.unsubscribed) == [
        "parti@jardins.example.org",
        "tout@cagette.example.org",
    ]
    assert found.actors_count == 3


def test_subscribers_get_the_letter_to_the_whole_network_only(territory, people) -> None:
    subscribe(territory, "Habitante@Example.org")
    subscribe(territory, "lou@jardins.example.org")  # also a contact: one message
    subscribe(territory, "pas-confirme@example.org", confirm=False)
    everyone = newsletters.recipients(territory, EVERYONE)
    addresses = [r.email for r in everyone.recipients]
    assert "habitante@example.org" in addresses
    assert addresses.count("lou@jardins.example.org") == 1
    assert "pas-confirme@example.org" not in addresses
    assert everyone.subscribers_count == 1
    targeted = newsletters.recipients(territory, ASSOCIATIONS)
    assert "habitante@example.org" not in [r.email for r in targeted.recipients]


def test_the_fingerprint_changes_with_the_list(territory, people) -> None:
    before = newsletters.recipients(territory, EVERYONE).fingerprint
    assert newsletters.recipients(territory, EVERYONE).fingerprint == before
    mail.unsubscribe(email="nina@cagette.example.org", scope=SCOPE, source="lien")
    assert newsletters.recipients(territory, EVERYONE).fingerprint != before


def test_the_list_runs_a_constant_number_of_queries(territory, people) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            newsletters.recipients(territory, EVERYONE)
        return len(queries)

    subscribe(territory, "premiere@example.org")
    few = count()
    for n in range(20):
        ContactFactory(actor=ActorFactory(territory=territory), email=f"c{n}@example.org")
        subscribe(territory, f"abonne{n}@example.org")
    assert count() == few


# --- sending ----------------------------------------------------------------------------------------


def test_sending_queues_one_message_per_address_with_one_click_unsubscribe(
    territory, people, letter, send
) -> None:
    send(letter)
    assert letter.status == NewsletterStatus.SENT
    assert (letter.recipients_count, letter.skipped_unsubscribed, letter.skipped_no_email) == (
        3,
        2,
        1,
    )
    assert letter.segment == EVERYONE.as_dict()
    outbox = rows(letter)
    assert sorted(r.recipient for r in outbox) == [
        "karim@repair.example.org",
        "lou@jardins.example.org",
        "nina@cagette.example.org",
    ]
    row = next(r for r in outbox if r.recipient == "lou@jardins.example.org")
    assert row.key == f"newsletter:{letter.pk}:{mail.email_hash('lou@jardins.example.org')}"
    assert (row.stream, row.unsubscribe_scope, row.status) == (
        EmailStream.NEWSLETTER,
        SCOPE,
        EmailStatus.SENT,
    )
    assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The token is signed with a timestamp: compare what it says, not its bytes.
    header = row.headers["List-Unsubscribe"]
    prefix = mail.unsubscribe_url("lou@jardins.example.org", SCOPE).rsplit("/", 2)[0] + "/"
    assert header.startswith(f"<{prefix}")
    assert header.endswith("/>")
    token = header.removeprefix(f"<{prefix}").removesuffix("/>")
    assert mail.read_unsubscribe_token(token) == ("lou@jardins.example.org", SCOPE)
    assert prefix in row.body
    assert html.escape(prefix) in row.html
    assert "« Jardins partagés »" in row.body
    assert "<strong>Repair café</strong>" in row.html
    assert "<script>" not in row.html
    received = sorted(m.to[0] for m in django_mail.outbox)
    assert received == sorted(r.recipient for r in outbox)
    assert all(m.subject == "La lettre de printemps" for m in django_mail.outbox)
    assert "Val de Drôme" in django_mail.outbox[0].from_email


def test_an_empty_segment_is_refused_in_french(territory, people, letter, send) -> None:
    with pytest.raises(NetworkRefused) as refused:
        send(letter, Segment(kinds=(ActorKind.SCHOOL,)))
    assert refused.value.code == newsletters.EMPTY
    assert "aucune personne joignable" in refused.value.messages[0]
    letter.refresh_from_db()
    assert letter.status == NewsletterStatus.DRAFT
    assert not rows(letter)


def test_a_letter_leaves_once(territory, people, letter, send) -> None:
    send(letter)
    with pytest.raises(NetworkRefused) as refused:
        send(letter)
    assert refused.value.code == newsletters.ALREADY_SENT
    # The task run again (a retry, a duplicate hand-over) sends nothing twice.
    assert newsletters.newsletter_deliver(newsletter_id=letter.pk) == 0
    assert len(rows(letter)) == 3
    assert len(django_mail.outbox) == 3
    with pytest.raises(NetworkRefused):
        newsletters.newsletter_update(newsletter=letter, data={"subject": "Autre"})


def test_a_list_changed_since_the_preview_is_refused(territory, people, letter, send) -> None:
    shown = newsletters.recipients(territory, EVERYONE).fingerprint
    ContactFactory(actor=people["lou"].actor, email="nouvelle@jardins.example.org")
    with pytest.raises(NetworkRefused) as refused:
        send(letter, fingerprint=shown)
    assert refused.value.code == newsletters.CHANGED


def test_a_letter_still_going_out_is_handed_over_again_without_duplicates(
    territory, people, letter, send, django_capture_on_commit_callbacks, organiser
) -> None:
    # The broker was down: the decision is taken, the task never ran.
    with django_capture_on_commit_callbacks(execute=False):
        newsletters.newsletter_send(newsletter=letter, segment=EVERYONE, user=organiser)
    letter.refresh_from_db()
    assert letter.status == NewsletterStatus.SENDING
    assert not rows(letter)
    send(letter)
    send_again = newsletters.newsletter_deliver(newsletter_id=letter.pk)
    assert letter.status == NewsletterStatus.SENT
    assert send_again == 0
    assert len(django_mail.outbox) == 3


def test_nobody_unsubscribed_is_written_to_even_during_the_sending(
    territory, people, letter, organiser, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as decision:
        newsletters.newsletter_send(newsletter=letter, segment=EVERYONE, user=organiser)
    # Between the decision and the task.
    mail.unsubscribe(email="karim@repair.example.org", scope=SCOPE, source="lien")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for callback in decision:
            callback()
    # Queued, not delivered yet: one more unsubscribes in one click.
    mail.unsubscribe(email="nina@cagette.example.org", scope=mail.ALL, source="un_clic")
    for callback in queued:
        callback()
    letter.refresh_from_db()
    assert [m.to for m in django_mail.outbox] == [["lou@jardins.example.org"]]
    assert letter.skipped_unsubscribed == 3  # parti, tout, karim
    figures = newsletters.figures(letter)
    assert (figures.sent, figures.suppressed, figures.waiting) == (1, 1, 0)


# --- figures -------------------------------------------------------------------------------------------


def test_figures_read_the_outbox_and_who_unsubscribed_since(
    territory, people, letter, send, client
) -> None:
    send(letter)
    OutgoingEmail.objects.filter(recipient="nina@cagette.example.org").update(
        status=EmailStatus.FAILED
    )
    # Lou presses the mailbox's one-click button (RFC 8058).
    link = mail.unsubscribe_url("lou@jardins.example.org", SCOPE)
    response = client.post(urlparse(link).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert mail.is_suppressed("lou@jardins.example.org", SCOPE)
    figures = newsletters.figures(letter)
    assert (figures.queued, figures.sent, figures.failed, figures.unsubscribed) == (3, 2, 1, 1)

    second = newsletters.newsletter_create(
        territory=territory, data={"subject": "Été", "body": "Bel été."}, user=letter.created_by
    )
    send(second)
    assert "lou@jardins.example.org" not in [r.recipient for r in rows(second)]
    assert second.skipped_unsubscribed == 3
    with CaptureQueriesContext(connection) as queries:
        both = newsletters.figures_for([letter, second])
    assert len(queries) == 1
    assert both[second.pk].sent == 2
    assert both[letter.pk].unsubscribed == 1


def test_a_draft_has_empty_figures(letter) -> None:
    assert newsletters.figures(letter) == newsletters.NewsletterFigures()
    assert newsletters.figures_for([]) == {}


def test_erasing_a_recipient_keeps_the_figures(territory, people, letter, send) -> None:
    user = UserFactory(email="karim@repair.example.org")
    send(letter)
    mail.unsubscribe(email=user.email, scope=SCOPE, source="lien")
    before = newsletters.figures(letter)
    account_erase(user=user)
    assert not OutgoingEmail.objects.filter(recipient="karim@repair.example.org").exists()
    assert newsletters.figures(letter) == before
    assert before.unsubscribed == 1


# --- consent to the list ---------------------------------------------------------------------------------


def test_a_subscription_records_its_proof_and_waits_for_its_confirmation(
    territory, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        consent = subscribe(territory, "Camille@Example.org", confirm=False)
    assert (consent.email, consent.scope, consent.source) == (
        "camille@example.org",
        SCOPE,
        ConsentSource.FORM,
    )
    assert consent.given_at is not None
    assert consent.confirmed_at is None
    assert "Formulaire « Recevoir la lettre »" in consent.proof
    assert "version 1" in consent.proof
    assert consent.text.key == newsletters.CONSENT_KEY
    assert newsletters.subscribers(territory) == []
    (message,) = django_mail.outbox
    # The token is signed with its time: read the mailed one back rather
    # than signing again (a second later, the two would differ).
    prefix = reverse("network:newsletter_subscribe_confirm", args=["x"])[:-2]
    assert prefix in message.body
    token = message.body.split(prefix, 1)[1].split("/", 1)[0]
    assert newsletters.subscription_from_token(token) == consent
    newsletters.subscription_confirm(consent=consent)
    consent.refresh_from_db()
    assert consent.confirmed_at is not None
    assert consent.confirmed_at >= consent.given_at
    assert newsletters.subscribers(territory) == ["camille@example.org"]
    # Asking again once subscribed sends nothing.
    assert (
        newsletters.subscription_request(
            territory=territory, email="camille@example.org", page_url="x"
        )
        is None
    )
    assert len(django_mail.outbox) == 1


def test_subscribing_again_after_unsubscribing_lifts_ones_own_suppression(territory) -> None:
    subscribe(territory, "camille@example.org")
    mail.unsubscribe(email="camille@example.org", scope=SCOPE, source="lien")
    assert newsletters.subscribers(territory) == []
    subscribe(territory, "camille@example.org")
    assert newsletters.subscribers(territory) == ["camille@example.org"]
    assert not mail.is_suppressed("camille@example.org", SCOPE)
    # An administrator's suppression is not the person's to lift.
    EmailSuppression.objects.create(
        email_hash=mail.email_hash("bloque@example.org"),
        email="bloque@example.org",
        scope=SCOPE,
        source=SuppressionSource.ADMIN,
    )
    subscribe(territory, "bloque@example.org")
    assert mail.is_suppressed("bloque@example.org", SCOPE)
    found = newsletters.recipients(territory, EVERYONE)
    assert [r.email for r in found.unsubscribed] == ["bloque@example.org"]


def test_bad_confirmation_tokens_give_nothing(territory) -> None:
    consent = subscribe(territory, "camille@example.org", confirm=False)
    token = newsletters.subscription_token(consent)
    assert newsletters.subscription_from_token(token + "x") is None
    assert newsletters.subscription_from_token("n'importe quoi") is None
    mail.unsubscribe(email="camille@example.org", scope=SCOPE, source="lien")
    assert newsletters.subscription_from_token(token) is None  # withdrawn since


def test_the_unsubscribe_page_names_the_letter(territory, client) -> None:
    link = mail.unsubscribe_url("lou@example.org", SCOPE)
    response = client.get(urlparse(link).path)
    assert "la lettre d'information du réseau d'acteurs de Val de Drôme" in text(response)


# --- the organisers' pages ----------------------------------------------------------------------------------


def test_the_list_shows_each_letter_with_its_figures(
    client, organiser, territory, people, letter, send
) -> None:
    send(letter)
    newsletters.newsletter_create(
        territory=territory, data={"subject": "Brouillon d'été", "body": "…"}, user=organiser
    )
    client.force_login(organiser)
    response = client.get(url("newsletters"))
    assert response.status_code == 200
    page = text(response)
    assert "La lettre de printemps" in page
    assert "Brouillon d'été" in page
    assert "Lettres d'information" in page  # the network's menu

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url("newsletters"))
        return len(queries)

    few = count()
    for n in range(4):
        send(
            newsletters.newsletter_create(
                territory=territory, data={"subject": f"Lettre {n}", "body": "x"}, user=organiser
            )
        )
    assert count() == few


def test_composing_shows_a_preview_without_saving(client, organiser) -> None:
    client.force_login(organiser)
    data = {"subject": "Essai", "body": "Un **texte** <script>x</script>", "apercu": "1"}
    response = client.post(url("newsletter_create"), data)
    assert response.status_code == 200
    assert "<strong>texte</strong>" in response.content.decode()
    assert "<script>x" not in response.content.decode()
    assert not Newsletter.objects.exists()
    partial = client.post(url("newsletter_preview"), data, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<strong>texte</strong>" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_composing_saves_a_draft_then_asks_for_recipients(client, organiser, territory) -> None:
    client.force_login(organiser)
    response = client.post(
        url("newsletter_create"),
        {"subject": " Essai\r\nBcc: x ", "body": "Texte", "in_archive": "on"},
    )
    letter = Newsletter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("newsletter_recipients", letter.pk)
    assert (letter.subject, letter.status, letter.territory, letter.created_by) == (
        "Essai Bcc: x",
        NewsletterStatus.DRAFT,
        territory,
        organiser,
    )
    bad = client.post(url("newsletter_create"), {"subject": "", "body": ""})
    assert bad.status_code == 400
    assert "Donnez un objet à la lettre." in text(bad)


def test_editing_a_sent_letter_is_refused(client, organiser, people, letter, send) -> None:
    client.force_login(organiser)
    assert client.get(url("newsletter_edit", letter.pk)).status_code == 200
    send(letter)
    for response in (
        client.get(url("newsletter_edit", letter.pk)),
        client.post(url("newsletter_edit", letter.pk), {"subject": "Autre", "body": "Autre"}),
    ):
        assert response.status_code == 409
        assert "déjà envoyée" in text(response)
    letter.refresh_from_db()
    assert letter.subject == "La lettre de printemps"


def test_the_recipients_page_shows_the_exact_list_and_who_is_left_out(
    client, organiser, people, letter
) -> None:
    client.force_login(organiser)
    response = client.get(
        url("newsletter_recipients", letter.pk), {"voir": "1", "kinds": "association"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "2 personnes recevront la lettre (2 acteurs)" in page
    assert "karim@repair.example.org" in page
    assert "lou@jardins.example.org" in page
    assert "nina@cagette.example.org" not in page
    assert "1 contact écarté faute d'adresse e-mail" in page
    assert "1 personne écartée car désabonnée" in page
    assert "Envoyer la lettre à 2 personnes" in page
    assert "Types : Association" in page


def test_a_bad_segment_is_a_400_in_french(client, organiser, people, letter) -> None:
    client.force_login(organiser)
    response = client.get(
        url("newsletter_recipients", letter.pk),
        {"voir": "1", "kinds": "fusée", "communes": "75056"},
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in text(response)


def test_sending_from_the_page(
    client, organiser, people, letter, django_capture_on_commit_callbacks
) -> None:
    client.force_login(organiser)
    found = newsletters.recipients(letter.territory, ASSOCIATIONS)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("newsletter_send", letter.pk),
            {"kinds": "association", "empreinte": found.fingerprint},
        )
    assert response.status_code == 302
    assert response["Location"] == url("newsletter_detail", letter.pk)
    assert sorted(m.to[0] for m in django_mail.outbox) == [
        "karim@repair.example.org",
        "lou@jardins.example.org",
    ]
    detail = client.get(url("newsletter_detail", letter.pk))
    page = words(detail)
    assert "2 destinataires" in page
    assert "2 envoyés" in page
    assert "1 car déjà désabonnés" in page
    again = client.post(url("newsletter_send", letter.pk), {"kinds": "association"})
    assert again.status_code == 409
    assert "déjà envoyée : elle ne part qu'une fois" in text(again)
    assert len(django_mail.outbox) == 2


def test_sending_to_an_empty_segment_is_a_400(client, organiser, people, letter) -> None:
    client.force_login(organiser)
    response = client.post(url("newsletter_send", letter.pk), {"kinds": "etablissement_scolaire"})
    assert response.status_code == 400
    assert "Ce segment ne contient aucune personne joignable par e-mail" in text(response)
    assert not OutgoingEmail.objects.exists()


def test_a_letter_of_another_territory_is_a_404(
    client, organiser, other_territory, other_organiser, letter
) -> None:
    theirs = newsletters.newsletter_create(
        territory=other_territory, data={"subject": "Chez eux", "body": "x"}, user=other_organiser
    )
    client.force_login(organiser)
    for name in ("newsletter_detail", "newsletter_edit", "newsletter_recipients"):
        assert client.get(url(name, theirs.pk)).status_code == 404
    assert client.post(url("newsletter_send", theirs.pk)).status_code == 404
    # Their own territory's URL, with our letter: a 404 too.
    other = reverse("network:newsletter_detail", args=[other_territory.slug, letter.pk])
    client.force_login(other_organiser)
    assert client.get(other).status_code == 404


# --- the public side -------------------------------------------------------------------------------------------


def test_the_archive_shows_the_letters_sent_and_kept_only(
    client, territory, people, letter, send, organiser
) -> None:
    hidden = newsletters.newsletter_create(
        territory=territory,
        data={"subject": "Interne", "body": "x", "in_archive": False},
        user=organiser,
    )
    draft = newsletters.newsletter_create(
        territory=territory, data={"subject": "Pas prête", "body": "x"}, user=organiser
    )
    send(letter)
    send(hidden)
    page = text(client.get(url("newsletter_archive")))
    assert "La lettre de printemps" in page
    assert "Interne" not in page
    assert "Pas prête" not in page
    public = client.get(url("newsletter_public", letter.pk))
    assert public.status_code == 200
    assert "<strong>Repair café</strong>" in public.content.decode()
    assert "lou@jardins.example.org" not in public.content.decode()
    for other in (hidden, draft):
        assert client.get(url("newsletter_public", other.pk)).status_code == 404


def test_subscribing_on_the_public_page(
    client, territory, django_capture_on_commit_callbacks
) -> None:
    form = client.get(url("newsletter_subscribe"))
    assert "J'accepte de recevoir par e-mail la lettre" in text(form)
    refused = client.post(url("newsletter_subscribe"), {"email": "camille@example.org"})
    assert refused.status_code == 400
    assert "Sans votre accord, nous ne pouvons pas vous écrire." in text(refused)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("newsletter_subscribe"), {"email": "Camille@Example.org", "consent": "on"}
        )
    assert response.status_code == 302
    assert response["Location"] == url("newsletter_subscribe_sent")
    consent = Consent.objects.get(email="camille@example.org")
    assert "/t/val-de-drome/reseau/lettres/abonnement/" in consent.proof
    (message,) = django_mail.outbox
    link = next(line for line in message.body.splitlines() if "/reseau/lettre/confirmer/" in line)
    path = urlparse(link.strip()).path
    assert client.get(path).status_code == 200
    consent.refresh_from_db()
    assert consent.confirmed_at is None  # a mail scanner following the link confirms nothing
    assert client.post(path).status_code == 302
    consent.refresh_from_db()
    assert consent.confirmed_at is not None
    assert "votre abonnement est confirmé" in text(client.get(path))
    bad = client.get(reverse("network:newsletter_subscribe_confirm", args=["faux"]))
    assert bad.status_code == 404
    assert "Ce lien de confirmation n'est pas valable" in text(bad)


def test_subscribing_too_often_is_a_429(client, territory) -> None:
    for n in range(5):
        client.post(url("newsletter_subscribe"), {"email": f"p{n}@example.org", "consent": "on"})
    response = client.post(
        url("newsletter_subscribe"), {"email": "p9@example.org", "consent": "on"}
    )
    assert response.status_code == 429
    assert "Trop de demandes" in text(response)


def test_the_letter_page_lists_the_addresses_that_failed_and_why(
    client, organiser, people, letter, send
) -> None:
    sent = send(letter, ASSOCIATIONS)
    lou = next(row for row in rows(sent) if row.recipient == "lou@jardins.example.org")
    OutgoingEmail.objects.filter(pk=lou.pk).update(
        status=EmailStatus.FAILED,
        attempts=6,
        last_error="SMTPRecipientsRefused: 550 5.1.1 boîte inconnue",
    )
    client.force_login(organiser)
    page = words(client.get(url("newsletter_detail", letter.pk)))
    assert "1 en échec" in page
    assert "E-mails en échec" in page
    assert "lou@jardins.example.org SMTPRecipientsRefused: 550 5.1.1 boîte inconnue 6" in page
    assert "karim@repair.example.org" not in page
