"""A newsletter from the draft to the archive, in a real browser: the
organiser writes it in Markdown and looks at the preview (an HTMX swap),
picks a segment (the associations), reads the exact list of recipients and
who is left out, sends it; a contact unsubscribes in one click from the
e-mail's link (and another with the mailbox's RFC 8058 button); the next
letter skips them, and the figures of the first say so. axe checks every
page (WCAG 2.1 A/AA), the preview's swap included."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.core import mail as django_mail

from accounts import mail
from accounts.models import OutgoingEmail, SuppressionSource
from network.models import ActorKind, Newsletter
from tests.browser.helpers import assert_accessible, follow, log_in, submit, visit
from tests.network.factories import ActorFactory, ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
SCOPE = f"newsletter:{SLUG}"


@pytest.fixture
def network(territory):  # type: ignore[no-untyped-def]
    crest = territory.communes.get()
    jardins = ActorFactory(territory=territory, name="Jardins partagés", commune=crest)
    repair = ActorFactory(territory=territory, name="Repair café", commune=crest)
    company = ActorFactory(territory=territory, name="La Cagette", kind=ActorKind.COMPANY)
    ContactFactory(actor=jardins, first_name="Lou", last_name="Roux", email="lou@example.org")
    ContactFactory(actor=repair, first_name="Karim", last_name="Diallo", email="karim@example.org")
    ContactFactory(actor=repair, first_name="Inès", last_name="Vial", email="ines@example.org")
    ContactFactory(actor=repair, first_name="Paul", last_name="Sansmail", email="")
    ContactFactory(actor=jardins, first_name="Zoé", last_name="Partie", email="zoe@example.org")
    ContactFactory(actor=company, first_name="Nina", last_name="Cagette", email="nina@example.org")
    mail.unsubscribe(email="zoe@example.org", scope=SCOPE, source=SuppressionSource.LINK)


def _compose(page, subject: str, body: str) -> None:  # type: ignore[no-untyped-def]
    visit(page, f"/t/{SLUG}/reseau/gerer/lettres/")
    follow(page, page.get_by_role("link", name="Nouvelle lettre"))
    page.get_by_label("Objet de l'e-mail").fill(subject)
    page.get_by_label("Texte de la lettre (Markdown)").fill(body)


def _segment_associations(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("checkbox", name="Association", exact=True).check()
    follow(page, page.get_by_role("button", name="Voir les destinataires"))


def _unsubscribe_link(address: str) -> str:
    row = OutgoingEmail.objects.filter(recipient=address).latest("pk")
    return urlparse(row.headers["List-Unsubscribe"].strip("<>")).path


def test_an_organiser_sends_a_letter_and_unsubscribed_contacts_are_skipped(
    page, organiser, network
) -> None:
    log_in(page, organiser)
    _compose(
        page,
        "La lettre de printemps",
        "## Au programme\n\nLe **Repair café** rouvre samedi. <script>alert(1)</script>",
    )
    # The preview, swapped in by HTMX: sanitised, nothing saved.
    page.get_by_role("button", name="Aperçu").click()
    preview = page.locator("#apercu article")
    preview.locator("strong", has_text="Repair café").wait_for()
    assert "<script>" in preview.inner_text()  # shown as text, never run
    assert Newsletter.objects.count() == 0
    assert_accessible(page)

    submit(page, page.locator("form#lettre"))
    assert page.get_by_text("Brouillon enregistré").is_visible()

    _segment_associations(page)
    status = page.get_by_role("status").filter(has_text="recevront la lettre")
    assert "3 personnes recevront la lettre" in status.inner_text()
    recipients = page.locator("#liste-destinataires tbody tr")
    assert sorted(recipients.locator("th").all_inner_texts()) == [
        "Inès Vial",
        "Karim Diallo",
        "Lou Roux",
    ]
    assert page.get_by_text("1 contact écarté faute d'adresse e-mail").is_visible()
    assert page.get_by_text("1 personne écartée car désabonnée").is_visible()
    assert page.get_by_text("Nina").count() == 0
    follow(page, page.get_by_role("button", name="Envoyer la lettre à 3 personnes"))
    assert page.get_by_text("La lettre part vers 3 destinataires.").is_visible()
    assert sorted(m.to[0] for m in django_mail.outbox) == [
        "ines@example.org",
        "karim@example.org",
        "lou@example.org",
    ]
    first_letter = page.url

    # Lou follows the e-mail's link and unsubscribes with one click; Karim's
    # mailbox posts RFC 8058's one-click request itself.
    page.context.clear_cookies()
    visit(page, _unsubscribe_link("lou@example.org"))
    assert page.get_by_text("la lettre d'information du réseau d'acteurs de Val de Drôme").count()
    follow(page, page.get_by_role("button", name="Me désabonner"))
    assert mail.is_suppressed("lou@example.org", SCOPE)
    response = page.request.post(
        _unsubscribe_link("karim@example.org"), form={"List-Unsubscribe": "One-Click"}
    )
    assert response.status == 200
    assert mail.is_suppressed("karim@example.org", SCOPE)

    # The next letter skips them.
    log_in(page, organiser)
    _compose(page, "La lettre d'été", "Bel été à toutes et tous.")
    submit(page, page.locator("form#lettre"))
    _segment_associations(page)
    assert "1 personne recevra la lettre" in page.locator("#nombre-destinataires").inner_text()
    assert page.get_by_text("3 personnes écartées car désabonnées").is_visible()
    follow(page, page.get_by_role("button", name="Envoyer la lettre à 1 personne"))
    second = Newsletter.objects.get(subject="La lettre d'été")
    received = [m.to[0] for m in django_mail.outbox if m.subject == "La lettre d'été"]
    assert received == ["ines@example.org"]
    assert second.skipped_unsubscribed == 3

    visit(page, first_letter)
    figures = " ".join(page.locator("#chiffres-envoi").inner_text().split())
    for figure in ("3 destinataires", "3 envoyés", "0 en échec", "2 désabonnés depuis"):
        assert figure in figures, figures
    visit(page, f"/t/{SLUG}/reseau/gerer/lettres/")
    assert page.locator("tr.newsletter-row").count() == 2

    # The public archive.
    page.context.clear_cookies()
    visit(page, f"/t/{SLUG}/reseau/lettres/")
    follow(page, page.get_by_role("link", name="La lettre de printemps"))
    assert page.locator("article strong", has_text="Repair café").count() == 1
