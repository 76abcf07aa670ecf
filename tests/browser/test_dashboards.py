"""The activity dashboards in a real browser: an organiser on a phone opens
« En cours et à surveiller » from the territory's management navigation, reads
what needs attention and follows an alert to where to act; a regional
coordinator opens the regional dashboard from their space, sorts it by
territory, downloads the CSV in that order and goes down to a territory's
dashboard. axe checks every page (WCAG 2.1 A/AA)."""

from __future__ import annotations

import csv

import pytest

from tests.browser.helpers import assert_no_horizontal_scroll, follow, log_in, plain, visit
from tests.factories import CoordinatorFactory, TerritoryFactory, UserFactory
from tests.reports.test_dashboards import busy

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
DROME = "Val de Drôme"
CALM = "Aaa tranquille"
REGION = "Auvergne-Rhône-Alpes"
DASHBOARD = f"/t/{SLUG}/animation/suivi/"
REGIONAL = "/regions/84/tableau-de-bord/"
LATE = "1 foyer en retard de relevés dans « Défi Hiver sobre »"
SMALL_TEAM = "L'équipe « Les Solitaires » de « Défi Hiver sobre » compte moins de 3 foyers"


def _first_column(page):  # type: ignore[no-untyped-def]
    """The territory names of the regional table's body, top to bottom."""
    rows = page.locator("main table.dashboard-region tbody tr")
    return [plain(name) for name in rows.locator("th[scope=row] a").all_inner_texts()]


def test_an_organiser_follows_an_alert_on_a_phone(phone_page, territory, organiser) -> None:
    world = busy(territory)
    challenge = world["challenge"]
    page = phone_page
    log_in(page, organiser)
    visit(page, f"/t/{SLUG}/animation/")
    nav = page.get_by_role("navigation", name="Animation du territoire")
    follow(page, nav.get_by_role("link", name="En cours et à surveiller", exact=True))
    assert page.url.endswith(DASHBOARD)
    main = page.locator("main")
    assert plain(main.get_by_role("heading", level=1).inner_text()) == (
        f"En cours et à surveiller — {DROME}"
    )

    attention = main.get_by_role("region", name="À surveiller")
    alerts = [plain(item) for item in attention.get_by_role("listitem").all_inner_texts()]
    assert any(item.startswith(LATE) for item in alerts), alerts
    assert any(item.startswith(SMALL_TEAM) for item in alerts), alerts
    assert "Famille en retard" not in plain(main.inner_text())  # counts, not names
    assert main.get_by_role("heading", name="Les chiffres du jour").is_visible()
    assert main.get_by_role("heading", name="Défis en cours").is_visible()
    assert_no_horizontal_scroll(page)

    small_team = attention.get_by_role("listitem").filter(has_text=SMALL_TEAM)
    link = small_team.get_by_role("link", name="Voir les équipes", exact=True)
    assert link.get_attribute("href") == f"/t/{SLUG}/defis/{challenge.slug}/equipes/"
    follow(page, link)
    assert page.url.endswith(f"/t/{SLUG}/defis/{challenge.slug}/equipes/"), page.url
    assert "Les Solitaires" in plain(page.locator("main").inner_text())
    assert_no_horizontal_scroll(page)


def test_a_coordinator_sorts_downloads_and_opens_a_territory(page, territory) -> None:
    busy(territory)
    TerritoryFactory(name=CALM, slug="tranquille", region=territory.region)
    coordinator = UserFactory(email="coordination@example.org")
    CoordinatorFactory(user=coordinator, region=territory.region)
    log_in(page, coordinator)
    visit(page, "/compte/")
    main = page.locator("main")
    regions = main.get_by_role("region", name="Mes régions")
    follow(
        page, regions.get_by_role("link", name=f"Tableau de bord régional — {REGION}", exact=True)
    )
    assert page.url.endswith(REGIONAL), page.url
    assert plain(main.get_by_role("status").inner_text()) == "2 territoires · 8 points d'attention"
    assert _first_column(page) == [DROME, CALM]  # most alerts first
    table = main.locator("table.dashboard-region")
    alerts_header = table.locator("thead th").filter(has_text="Points d'attention")
    assert alerts_header.get_attribute("aria-sort") == "descending"
    assert plain(table.locator("tfoot").inner_text()).startswith("Région 8")

    # Sorted by name: the address says so, the header tells assistive technologies.
    header = table.locator("thead th").filter(
        has=page.get_by_role("link", name="Territoire", exact=True)
    )
    follow(page, header.get_by_role("link"))
    assert "tri=territoire" in page.url, page.url
    assert "ordre=asc" in page.url, page.url
    assert _first_column(page) == [CALM, DROME]
    assert header.get_attribute("aria-sort") == "ascending"
    assert table.locator("thead th[aria-sort]").count() == 1
    assert_no_horizontal_scroll(page)

    # The CSV keeps the page's order.
    csv_link = main.get_by_role("link", name="CSV", exact=True)
    assert csv_link.get_attribute("href").startswith(f"{REGIONAL}export/?format=csv&")
    with page.expect_download() as download_info:
        csv_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    with open(download.path(), encoding="utf-8-sig", newline="") as csv_file:
        rows = list(csv.reader(csv_file, delimiter=";"))
    assert rows[0][:2] == ["Territoire", "Points d'attention"]
    assert [row[0] for row in rows[1:]] == [CALM, DROME]
    assert rows[2][1] == "8"

    # Down to the busy territory's own dashboard.
    follow(page, table.get_by_role("link", name=DROME, exact=True))
    assert page.url.endswith(DASHBOARD), page.url
    assert main.get_by_role("heading", name="À surveiller", level=2).is_visible()
    attention = main.get_by_role("region", name="À surveiller")
    assert SMALL_TEAM in plain(attention.inner_text())
