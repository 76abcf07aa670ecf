"""The commons in a real browser, every page checked by axe (WCAG 2.1 A/AA):
a contributor writes an experience sheet, a second person edits it, a third
who opened the old version is told of the conflict and keeps what they
typed, a curator compares two revisions and reverts; a territory leaves
feedback; a visitor searches « compostage », filters by axis and downloads
the PDF (its text read back); a self-diagnosis shows suggested resources."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from commons.models import Feedback, Resource
from questionnaires.models import Answer, Response
from questionnaires.services import questionnaire_copy, questionnaire_publish
from tests.browser.helpers import assert_accessible, follow, log_in, submit, visit
from tests.commons.factories import curator as make_curator
from tests.factories import UserFactory
from tests.questionnaires.factories import shipped_template

pytestmark = pytest.mark.django_db(transaction=True)


def test_write_edit_conflict_compare_and_revert(page, phone_page):  # type: ignore[no-untyped-def]
    author, second, third = (UserFactory(display_name=n) for n in ("Aurore", "Bastien", "Chloé"))
    log_in(page, author)
    visit(page, "/commun/")
    follow(page, page.get_by_role("link", name="Proposer une ressource"))
    follow(page, page.get_by_role("link", name="Fiche retour d'expérience"))
    page.get_by_label("Titre :", exact=True).fill("Un composteur par hameau")
    page.get_by_label("Résumé :", exact=True).fill("Retour d'une commune de 600 habitants.")
    page.get_by_label("Contexte :", exact=True).fill("Six hameaux, pas de collecte des biodéchets.")
    page.get_by_label("Résultats quantitatifs").fill("40 foyers, 8 tonnes détournées par an.")
    page.get_by_label("Recommandations").fill("Commencer par un hameau volontaire.")
    submit(page, page.locator("form.resource-form"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Un composteur par hameau")
    expect(page.get_by_role("heading", name="Mise en œuvre")).to_be_visible()
    slug = Resource.objects.get(title="Un composteur par hameau").slug

    # Chloé opens the form; meanwhile Bastien edits and saves on his phone.
    log_in(page, third)
    visit(page, f"/commun/r/{slug}/modifier/")
    log_in(phone_page, second)
    visit(phone_page, f"/commun/r/{slug}/modifier/")
    phone_page.get_by_label("Contexte :", exact=True).fill(
        "Six hameaux et un bourg de 300 habitants."
    )
    phone_page.get_by_label("Résumé de votre modification").fill("Le bourg")
    submit(phone_page, phone_page.locator("form.resource-form"))
    expect(phone_page.get_by_text("Version 2 enregistrée.")).to_be_visible()

    page.get_by_label("Recommandations").fill("Former deux référents par hameau.")
    submit(page, page.locator("form.resource-form"), status=409)
    conflict = page.get_by_role("alert")
    expect(conflict).to_contain_text("Quelqu'un a modifié cette ressource")
    expect(conflict.locator("ins").filter(has_text="bourg")).to_have_count(1)
    expect(page.get_by_label("Recommandations")).to_have_value("Former deux référents par hameau.")
    assert Resource.objects.get(slug=slug).recommendations == "Commencer par un hameau volontaire."

    log_in(page, make_curator(display_name="Camille curatrice"))
    visit(page, f"/commun/r/{slug}/historique/")
    follow(page, page.get_by_role("button", name="Comparer les deux versions choisies"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 1 → version 2")
    expect(page.locator("dl.diff ins").first).to_be_visible()
    follow(page, page.get_by_role("button", name="Restaurer la version 1"))
    expect(
        page.get_by_text("La version 1 est restaurée : c'est la nouvelle version 3.")
    ).to_be_visible()
    assert Resource.objects.get(slug=slug).context == "Six hameaux, pas de collecte des biodéchets."


def test_a_territory_leaves_feedback(page, organiser, territory):  # type: ignore[no-untyped-def]
    log_in(page, organiser)
    visit(page, "/commun/r/tenir-un-plan-canicule-et-son-registre/")
    follow(page, page.get_by_role("link", name="Partager le retour de mon territoire"))
    page.get_by_label("Contexte :", exact=True).fill("Été 2025 à Crest.")
    page.get_by_label("Ce qui a marché").fill("Les voisins relais.")
    page.get_by_label("4", exact=True).check()
    submit(page, page.locator("main form"))
    expect(page.get_by_text("Merci : votre retour d'expérience est publié.")).to_be_visible()
    expect(page.get_by_role("heading", name="Val de Drôme")).to_be_visible()
    assert Feedback.objects.get().usefulness == 4


def test_a_visitor_searches_filters_by_axis_and_downloads_the_pdf(page):  # type: ignore[no-untyped-def]
    visit(page, "/commun/")
    page.get_by_label("Rechercher dans le commun").fill("compostage")
    follow(page, page.get_by_role("search").get_by_role("button", name="Rechercher"))
    expect(page.locator(".results h2")).to_contain_text("pour « compostage »")
    axes = page.locator("section", has=page.locator("#facette-axe"))
    follow(page, axes.get_by_role("link", name=re.compile(r"^Alimentation \(\d+\)")))
    results = page.locator(".results-list")
    expect(
        results.get_by_role("link", name="Mettre en place le compostage partagé de quartier")
    ).to_be_visible()
    expect(
        results.get_by_role("link", name="Entretenir les espaces publics sans pesticides")
    ).to_have_count(0)
    expect(page.locator(".snippet mark").first).to_be_visible()
    follow(
        page, results.get_by_role("link", name="Mettre en place le compostage partagé de quartier")
    )
    expect(page.locator("a[rel=license]").first).to_have_text("CC BY-SA 4.0")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en PDF").click()
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages)
    text = " ".join(text.split())
    assert "Mettre en place le compostage partagé de quartier" in text
    assert "CC BY-SA 4.0" in text
    assert "Publier le commentaire" not in text


def test_the_self_diagnosis_suggests_resources(page, organiser, territory):  # type: ignore[no-untyped-def]
    grid = questionnaire_publish(
        questionnaire=questionnaire_copy(
            template=shipped_template("grille-resilience"), territory=territory, user=organiser
        ),
        user=organiser,
    )
    response = Response.objects.create(
        questionnaire=grid, respondent=organiser, submitted_at=timezone.now()
    )
    for question in grid.questions.select_related("axis"):
        Answer.objects.create(
            response=response, question=question, number=0 if question.axis.title == "Santé" else 3
        )
    log_in(page, organiser)
    visit(page, f"/t/{territory.slug}/questionnaires/{grid.slug}/resultats/")
    block = page.locator(".commons-suggestions")
    expect(block).to_contain_text("Ressources suggérées pour Val de Drôme")
    expect(block.get_by_role("link", name="Tenir un plan canicule et son registre")).to_be_visible()
    assert_accessible(page)
