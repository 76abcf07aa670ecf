"""A challenge's final report in a real browser: the organiser chooses a
photo and a testimony, follows the PDF's progress (the HTMX status swaps
itself until the PDF is ready), downloads the PDF and finds the key figures
in its text; a visitor opens the public report and sees no household. axe
checks every page and state (WCAG 2.1 A/AA)."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from elan import pdf
from reports.content import key_figures, report_context
from reports.models import Audience, Report, ReportStatus
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    follow,
    log_in,
    plain,
    submit,
    visit,
)
from tests.reports.conftest import build_challenge

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
BASE = f"/t/{SLUG}/defis/hiver/bilan/"


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint/Pango absents")
def test_an_organiser_prepares_follows_and_downloads_the_report(
    page, organiser, territory, tmp_path
) -> None:
    challenge, *_rest = build_challenge(territory)
    log_in(page, organiser)
    visit(page, BASE + "preparer/")
    main = page.locator("main")
    main.get_by_label("Mot d'introduction").fill("Merci aux foyers de la vallée !")
    main.get_by_role("checkbox", name="Atelier éco-gestes — L'atelier du 12 janvier").check()
    main.get_by_role("checkbox", name="Claire, Crest", exact=False).check()
    submit(page, main.locator("form").filter(has=page.get_by_label("Mot d'introduction")))
    assert "Vos choix sont enregistrés" in plain(main.inner_text())

    # A generation under way: the status polls itself and swaps once the PDF is ready.
    running = Report.objects.create(
        challenge=challenge,
        audience=Audience.ORGANISER,
        data_key="en-cours",
        status=ReportStatus.RUNNING,
        progress=45,
        step="Mise en page du PDF",
        started_at=timezone.now(),
    )
    visit(page, BASE + "preparer/")
    organiser_box = main.locator("#bilan-animation")
    assert "Mise en page du PDF (45 %)" in plain(organiser_box.inner_text())
    assert organiser_box.get_by_role("progressbar").get_attribute("value") == "45"
    Report.objects.filter(pk=running.pk).update(status=ReportStatus.FAILED, error="Essai.")
    main.locator("#bilan-animation [role=alert]").wait_for(timeout=5000)
    assert_accessible(page)

    # The public version, made by the button (HTMX): the box says it is ready.
    public_box = main.locator("#bilan-public")
    public_box.get_by_role("button", name="Fabriquer le PDF").click()
    ready = main.locator("#bilan-public").get_by_role(
        "link", name="Télécharger le PDF", exact=False
    )
    ready.wait_for(timeout=30000)
    assert "PDF prêt" in plain(main.locator("#bilan-public").inner_text())
    assert_accessible(page)
    with page.expect_download() as download_info:
        ready.click()
    path = tmp_path / "bilan.pdf"
    download_info.value.save_as(path)
    from pypdf import PdfReader

    text = plain(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages))
    assert "Bilan : Défi Hiver sobre" in text
    assert "Merci aux foyers de la vallée !" in text
    assert "Nous avons baissé le chauffage" in text
    assert "Famille" not in text, "la version publique ne nomme aucun foyer"
    for row in key_figures(report_context(challenge, Audience.PUBLIC)):
        if row["unite"]:
            assert plain(f"{row['valeur']} {row['unite']}") in text, row


def test_a_visitor_reads_the_public_report_on_a_phone(phone_page, territory) -> None:
    build_challenge(territory)
    page = phone_page
    visit(page, BASE)
    main = page.locator("main")
    assert main.get_by_role("heading", level=1).inner_text() == "Bilan : Défi Hiver sobre"
    text = plain(main.inner_text())
    assert "4 foyers participants" in text
    assert "Famille" not in text
    assert "Annexe : la méthode" in text
    assert "Météo-France, station de Montélimar" in text
    assert not main.get_by_role("link", name="Préparer le bilan", exact=False).count()
    assert_no_horizontal_scroll(page)
    follow(page, main.get_by_role("link", name="Résultats détaillés du défi"))
