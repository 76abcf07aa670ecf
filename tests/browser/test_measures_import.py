"""An organiser imports readings from a CSV file in a real browser: the dry
run lists the faulty rows and writes nothing; the corrected file is clean,
« Importer » writes every row; the same file again writes nothing new.
Every page and state is checked by axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from measures.models import Carrier, Reading, Unit
from tests.browser.helpers import follow, log_in, submit, visit
from tests.factories import ChallengeFactory, HouseholdFactory, MeterFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
HEADER = "foyer;compteur;date;index;type"


def _day(n: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=n)).strftime("%d/%m/%Y")


def _text(locator) -> str:
    text = locator.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    return " ".join(text.split())


@pytest.fixture
def challenge(territory):
    """A running challenge with two selected households and their meters."""
    challenge = ChallengeFactory(territory=territory, title="Défi Hiver sobre", slug="hiver")
    commune = territory.communes.first()
    for name, meters in (
        ("Famille Martin", [(Carrier.GAS, "Compteur gaz"), (Carrier.WATER, "Compteur d'eau")]),
        ("Famille Roux", [(Carrier.GAS, "Compteur gaz")]),
    ):
        household = HouseholdFactory(name=name, commune=commune)
        RegistrationFactory(challenge=challenge, household=household)
        for carrier, label in meters:
            MeterFactory(household=household, carrier=carrier, unit=Unit.M3, label=label)
    return challenge


def _write(path, lines: list[str]):
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _upload(page, path, *, status: int) -> None:
    form = page.locator("main form").filter(has=page.locator("input[type=file]"))
    form.get_by_role("radio", name="Relevés de compteurs").check()
    form.get_by_label("Fichier CSV, XLSX ou ODS").set_input_files(str(path))
    submit(page, form, status=status)


def test_organiser_checks_corrects_and_imports_a_readings_file(
    page, challenge, organiser, tmp_path
):
    good = [
        f"Famille Martin;Compteur gaz;{_day(20)};4210;releve",
        f"Famille Martin;Compteur gaz;{_day(6)};4262,5;releve",
    ]
    faulty = _write(
        tmp_path / "releves-hiver.csv",
        [
            good[0],
            f"Famille Roux;Compteur fioul;{_day(20)};812;releve",
            good[1],
            "Famille Martin;Compteur d'eau;le 3 mars;301;releve",
        ],
    )
    log_in(page, organiser)
    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/donnees/import/")
    main = page.locator("main")
    assert main.get_by_role("heading", level=1).inner_text() == "Importer des relevés ou des pesées"

    # Dry run of the faulty file: the rows in error are listed, nothing is written.
    _upload(page, faulty, status=400)
    report = main.get_by_role("region", name="Vérification de « releves-hiver.csv »")
    stats = _text(report.locator(".stats"))
    assert "4 lignes lues" in stats
    assert "2 en erreur" in stats
    assert "2 lignes contiennent des erreurs" in _text(report.get_by_role("alert"))
    errors = report.get_by_role("table", name="Lignes en erreur")
    rows = errors.locator("tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_by_role("rowheader").inner_text() == "3"
    assert "le foyer n'a pas de compteur « Compteur fioul »" in _text(rows.nth(0))
    assert rows.nth(1).get_by_role("rowheader").inner_text() == "5"
    assert "date « le 3 mars » illisible" in _text(rows.nth(1))
    assert not report.get_by_role("button", name="Importer").count()
    assert Reading.objects.count() == 0

    # The corrected file: a clean report, then « Importer » writes the four rows.
    corrected = _write(
        tmp_path / "releves-hiver-corrige.csv",
        [
            good[0],
            f"Famille Roux;Compteur gaz;{_day(20)};812;releve",
            good[1],
            f"Famille Martin;Compteur d'eau;{_day(6)};301;releve",
        ],
    )
    _upload(page, corrected, status=200)
    report = main.get_by_role("region", name="Vérification de « releves-hiver-corrige.csv »")
    assert "Aucune erreur : 4 lignes seront enregistrées." in _text(report)
    assert not report.get_by_role("table").count()
    assert Reading.objects.count() == 0, "la vérification n'écrit rien"
    follow(page, report.get_by_role("button", name="Importer"))
    assert page.url.endswith(f"/defis/{challenge.slug}/donnees/import/")
    assert "4 lignes importées." in _text(main.locator(".message").first)
    assert Reading.objects.count() == 4
    martin_gas = Reading.objects.filter(
        meter__household__name="Famille Martin", meter__carrier=Carrier.GAS
    ).order_by("read_on")
    assert [r.value for r in martin_gas] == [Decimal("4210"), Decimal("4262.5")]

    # The same file again: every row is already there, nothing new is written.
    _upload(page, corrected, status=200)
    report = main.get_by_role("region", name="Vérification de « releves-hiver-corrige.csv »")
    stats = _text(report.locator(".stats"))
    assert "0 à importer" in stats
    assert "4 déjà présentes (ignorées)" in stats
    follow(page, report.get_by_role("button", name="Importer"))
    message = _text(main.locator(".message").first)
    # French puts 0 in the singular; without a French catalog ngettext says « 0 lignes ».
    assert re.search(r"\b0 lignes? importées? ; 4 déjà présentes, ignorées\.", message), message
    assert Reading.objects.count() == 4
