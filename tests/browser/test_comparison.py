"""The public comparison of closed challenges in a real browser: a visitor on a
phone follows « Comparer » from the home page, sees both territories, opens
the chart's data, narrows to one region, meets a bad filter next to its field;
on a computer they open a challenge's public report (no household named) and
download the CSV. axe checks every page and state (WCAG 2.1 A/AA)."""

from __future__ import annotations

import pytest

from measures.results import challenge_results
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    follow,
    plain,
    submit,
    visit,
)
from tests.factories import RegionFactory, TerritoryFactory
from tests.reports.conftest import HOMES, build_challenge
from tests.reports.test_comparison import closed

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/comparaisons/"
DROME = "Val de Drôme"  # the `territory` fixture of tests/conftest.py
MULHOUSE = "Mulhouse en transition"
HOUSEHOLDS = [name for name, *_rest in HOMES] + ["Famille Tardive"]


def _two_territories(territory):  # type: ignore[no-untyped-def]
    """The real closed challenge of the Val de Drôme (final results stored) and
    a closed challenge of Mulhouse, in another region."""
    challenge, *_rest = build_challenge(territory)
    challenge_results(challenge)  # closed: stores the final snapshot
    east = RegionFactory(code="44", name="Grand Est")
    mulhouse = TerritoryFactory(slug="mulhouse-transition", name=MULHOUSE, region=east)
    closed(mulhouse, year=2024, pct=7.1, households=45, title="Défi Mulhouse")
    return challenge


def _table(page):  # type: ignore[no-untyped-def]
    return page.locator("main table.comparison-table")


def test_a_visitor_compares_two_territories_on_a_phone(phone_page, territory) -> None:
    _two_territories(territory)
    page = phone_page
    visit(page, "/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    follow(page, nav.get_by_role("link", name="Comparer", exact=True))
    assert page.url.endswith(URL)
    main = page.locator("main")
    assert main.get_by_role("heading", level=1).inner_text() == "Comparer les défis des territoires"
    assert plain(main.get_by_role("status").inner_text()) == "2 défis comparés"
    table = plain(_table(page).inner_text())
    assert DROME in table
    assert MULHOUSE in table
    assert_no_horizontal_scroll(page)

    # The chart's numbers, as a table, for who cannot read the bars.
    assert main.locator("figure.chart-figure svg").count() == 1
    details = main.locator("details").filter(
        has_text="Voir les données du graphique sous forme de tableau"
    )
    data = details.locator("table")
    assert not data.is_visible()
    details.locator("summary").click()
    data.wait_for(state="visible")
    chart_data = plain(data.inner_text())  # the bars are named by challenge
    assert "Défi Hiver sobre" in chart_data
    assert "Défi Mulhouse" in chart_data
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    # One region only: the address says so, it can be shared.
    form = main.locator("form.comparison-filters")
    form.get_by_label("Région").select_option(label="Grand Est")
    submit(page, form)
    assert "region=44" in page.url
    assert plain(main.get_by_role("status").inner_text()) == "1 défi comparé"
    table = plain(_table(page).inner_text())
    assert MULHOUSE in table
    assert "Défi Mulhouse" in table
    assert DROME not in table
    assert form.get_by_label("Région").input_value() == "44"
    assert_no_horizontal_scroll(page)

    # A wrong value in the address: told next to its field, the rest still shown.
    visit(page, URL + "?annee=abc", status=400)
    invalid = main.locator("div.field-invalid")
    assert invalid.count() == 1
    assert "Année de début" in invalid.inner_text()
    assert "Choisissez une valeur de la liste." in plain(invalid.inner_text())
    assert form.get_by_label("Année de début").get_attribute("aria-invalid") == "true"
    assert plain(main.get_by_role("status").inner_text()) == "2 défis comparés"
    assert_no_horizontal_scroll(page)


def test_a_visitor_opens_a_public_report_and_downloads_the_csv(page, territory) -> None:
    challenge = _two_territories(territory)
    visit(page, URL)
    main = page.locator("main")
    with page.expect_download() as download_info:
        main.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    with open(download.path(), encoding="utf-8-sig") as csv_file:
        content = csv_file.read()
    assert DROME in content
    assert MULHOUSE in content
    assert "Grand Est" in content
    for name in HOUSEHOLDS:
        assert name not in content

    report = _table(page).get_by_role("link", name=challenge.title, exact=True)
    assert report.get_attribute("href") == f"/t/{territory.slug}/defis/{challenge.slug}/bilan/"
    follow(page, report)
    assert page.url.endswith(f"/t/{territory.slug}/defis/{challenge.slug}/bilan/")
    assert challenge.title in main.get_by_role("heading", level=1).inner_text()
    html = page.content()
    for name in HOUSEHOLDS:
        assert name not in html, f"le bilan public nomme {name}"
    assert "4 foyers participants" in plain(main.inner_text())
