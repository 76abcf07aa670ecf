"""An actor council from invitation to attendance, in a real browser: the
organiser creates the council, picks a segment (the associations), sees the
exact list of recipients and who is left out, sends; contacts answer by
their personal link without an account; the organiser takes attendance on
the events engine's sheet and reads invited / present / excused / « non
relevé » on the meeting's page. axe checks every page (WCAG 2.1 A/AA),
the HTMX swaps of the attendance sheet included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.mail import unsubscribe
from accounts.models import OutgoingEmail, SuppressionSource
from network.meetings import invitation_scope
from network.models import ActorKind, Invitation
from tests.browser.helpers import assert_accessible, follow, log_in, submit, visit
from tests.network.factories import ActorFactory, ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


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
    unsubscribe(
        email="zoe@example.org", scope=invitation_scope(territory), source=SuppressionSource.LINK
    )


def _answer(page, first_name: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    token = Invitation.objects.get(contact__first_name=first_name).token
    visit(page, reverse("network:invitation_answer", args=[token]))
    follow(page, page.get_by_role("button", name=choice))
    assert page.get_by_text("Merci, votre réponse est enregistrée.").is_visible()


def test_an_organiser_runs_an_actor_council(page, organiser, network) -> None:
    log_in(page, organiser)
    visit(page, f"/t/{SLUG}/reseau/gerer/reunions/")
    follow(page, page.get_by_role("link", name="Nouvelle réunion ou formation"))

    starts = timezone.localtime() + dt.timedelta(days=20)
    page.get_by_label("Titre").fill("Conseil des acteurs d'automne")
    page.get_by_label("Type").select_option(label="Conseil des acteurs")
    page.get_by_label("Début").fill(starts.strftime("%Y-%m-%dT18:00"))
    page.get_by_label("Fin").fill(starts.strftime("%Y-%m-%dT20:00"))
    page.get_by_label("Lieu").fill("Salle des fêtes de Crest")
    submit(page, page.locator("form.network-form"))
    assert page.locator("h1").inner_text() == "Conseil des acteurs d'automne"

    # The segment: the associations. The exact list comes before any sending.
    page.get_by_role("checkbox", name="Association", exact=True).check()
    follow(page, page.get_by_role("button", name="Voir les destinataires"))
    status = page.get_by_role("status").filter(has_text="recevront l'invitation")
    assert "3 personnes recevront l'invitation" in status.inner_text()
    recipients = page.locator("#liste-destinataires tbody tr")
    assert sorted(recipients.locator("th").all_inner_texts()) == [
        "Inès Vial",
        "Karim Diallo",
        "Lou Roux",
    ]
    assert page.get_by_text("1 contact écarté faute d'adresse e-mail").is_visible()
    assert page.get_by_text("1 contact écarté car désabonné").is_visible()
    assert page.get_by_text("Nina").count() == 0
    follow(page, page.get_by_role("button", name="Envoyer 3 invitations"))
    assert page.get_by_text("3 invitations envoyées.").is_visible()
    assert OutgoingEmail.objects.filter(reference__startswith="network-meeting:").count() == 3
    meeting_url = page.url

    # The contacts answer with their link, no account needed.
    page.context.clear_cookies()
    _answer(page, "Lou", "Je viens")
    _answer(page, "Inès", "Je viens")
    _answer(page, "Karim", "Je suis excusé·e")

    # The organiser takes attendance on the events engine's sheet.
    log_in(page, organiser)
    visit(page, meeting_url)
    follow(page, page.get_by_role("link", name="Pointer les présences (feuille de présence)"))
    row = page.locator(".attendance-row").filter(has_text="Lou Roux")
    row.get_by_role("button", name="Présent·e").click()
    page.locator(".attendance-row").filter(has_text="Lou Roux").locator(
        "[aria-pressed=true]"
    ).wait_for()
    assert_accessible(page)

    visit(page, meeting_url)
    answers = page.locator("#chiffres-reponses")
    assert "3 invité·es" in " ".join(answers.inner_text().split())
    attendance = " ".join(page.locator("#chiffres-presences").inner_text().split())
    for figure in ("1 présent·es", "1 excusé·es", "0 absent·es", "1 non relevé"):
        assert figure in attendance, attendance
    rows = page.locator("#liste-invitations tbody tr")
    assert rows.filter(has_text="Inès Vial").locator("td").nth(2).inner_text() == "Non relevé"
    assert rows.filter(has_text="Karim Diallo").locator("td").nth(2).inner_text() == "Excusé·e"

    visit(page, f"/t/{SLUG}/reseau/gerer/reunions/")
    assert page.locator("tr.meeting-row").filter(has_text="Conseil des acteurs d'automne").count()
