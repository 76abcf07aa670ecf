"""An organiser imports the network's spreadsheet in a real browser: the
LibreOffice file (ODS) with a wrong SIRET and a broken e-mail comes back
with its rows in error and nothing written; the corrected file is clean and
shows one actor already in the directory, which the organiser merges (the
blank fields filled, the ones already set left alone); the same file again
changes nothing. axe checks every page and state (WCAG 2.1 A/AA)."""

from __future__ import annotations

import pytest

from elan.tabular import table_bytes
from network.models import Actor, Contact
from tests.browser.helpers import follow, log_in, submit, visit
from tests.network.factories import ActorFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
URL = f"/t/{SLUG}/reseau/gerer/import/"
HEADER = [
    "Nom",
    "Type",
    "Commune",
    "SIRET",
    "Site web",
    "Présentation",
    "Prénom du contact",
    "E-mail du contact",
]
GOOD_SIRET = "73282932000074"  # a real company's: its Luhn keys hold
REPAIR = [
    "Repair cafe",  # the directory's « Repair café », written without its accent
    "Association",
    "26108",
    "",
    "https://autre-site.example.org",
    "Atelier mensuel de réparation",
    "Hugo",
    "hugo@repair.example.org",
]


def _text(locator) -> str:  # type: ignore[no-untyped-def]
    text = locator.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    return " ".join(text.split())


def _ods(path, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    path.write_bytes(table_bytes(HEADER, rows, "ods"))
    return path


def _upload(page, path, *, status: int) -> None:  # type: ignore[no-untyped-def]
    form = page.locator("main form").filter(has=page.locator("input[type=file]"))
    form.get_by_label("Fichier CSV, XLSX ou ODS").set_input_files(str(path))
    submit(page, form, status=status)


def test_an_organiser_corrects_a_file_then_merges_a_duplicate(
    page, organiser, territory, tmp_path
) -> None:
    existing = ActorFactory(
        territory=territory,
        name="Repair café",
        commune=territory.communes.get(),
        website="https://repair.example.org",
        description="",
    )
    log_in(page, organiser)
    visit(page, URL)
    main = page.locator("main")

    faulty = _ods(
        tmp_path / "reseau.ods",
        [
            REPAIR,
            ["Ressourcerie du Val", "Entreprise", "26108", "73282932000075", "", "", "", ""],
            ["Jardins partagés", "Association", "26108", "", "", "", "Lou", "lou@"],
        ],
    )
    _upload(page, faulty, status=400)
    report = main.get_by_role("region", name="Vérification de « reseau.ods »")
    assert "2 lignes contiennent des erreurs" in _text(report.get_by_role("alert").first)
    errors = report.get_by_role("table", name="Lignes en erreur").locator("tbody tr")
    assert errors.count() == 2
    assert errors.nth(0).get_by_role("rowheader").inner_text() == "3"
    assert "clé de contrôle invalide" in _text(errors.nth(0))
    assert errors.nth(1).get_by_role("rowheader").inner_text() == "4"
    assert "« lou@ » n'est pas une adresse e-mail" in _text(errors.nth(1))
    assert not report.get_by_role("button", name="Importer").count()
    assert Actor.objects.count() == 1, "la vérification n'écrit rien"

    # The columns were recognised by their titles; the mapping is there to change.
    mapping = report.locator("details.mapping")
    mapping.locator("summary").click()
    assert mapping.get_by_label("Colonne « SIRET »").input_value() == "siret"

    corrected = _ods(
        tmp_path / "reseau-corrige.ods",
        [
            REPAIR,
            ["Ressourcerie du Val", "Entreprise", "26108", GOOD_SIRET, "", "", "", ""],
            ["Jardins partagés", "Association", "26108", "", "", "", "Lou", "lou@example.org"],
        ],
    )
    _upload(page, corrected, status=200)
    report = main.get_by_role("region", name="Vérification de « reseau-corrige.ods »")
    stats = _text(report.locator(".stats"))
    assert "3 lignes lues" in stats
    assert "2 acteurs à ajouter" in stats
    assert "1 doublon à examiner" in stats
    duplicate = report.get_by_role(
        "group", name="Ligne 2 : « Repair cafe » ressemble à « Repair café »"
    )
    changes = _text(duplicate)
    assert "Présentation ajouté" in changes
    assert "Contact ajouté : Hugo" in changes
    assert "Site web" not in changes, "un champ déjà rempli n'est jamais écrasé"
    assert Actor.objects.count() == 1
    duplicate.get_by_label("Fusionner avec la fiche existante").check()
    follow(page, report.get_by_role("button", name="Importer"))
    message = _text(main.locator(".message").first)
    assert "2 acteurs ajoutés" in message
    assert "1 doublon fusionné" in message

    assert Actor.objects.count() == 3
    existing.refresh_from_db()
    assert existing.description == "Atelier mensuel de réparation"
    assert existing.website == "https://repair.example.org"
    assert list(existing.contacts.values_list("email", flat=True)) == ["hugo@repair.example.org"]
    assert Actor.objects.get(name="Ressourcerie du Val").siret == GOOD_SIRET

    # The same file again: every row is there already, nothing to import.
    contacts = Contact.objects.count()
    visit(page, URL)
    _upload(page, corrected, status=200)
    report = main.get_by_role("region", name="Vérification de « reseau-corrige.ods »")
    assert "3 lignes déjà présentes" in _text(report.locator(".stats"))
    assert "Rien à importer" in _text(report)
    assert not report.get_by_role("button", name="Importer").count()
    assert (Actor.objects.count(), Contact.objects.count()) == (3, contacts)
