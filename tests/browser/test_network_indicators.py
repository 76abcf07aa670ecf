"""The network's dashboard in a real browser: the organiser reads members
per year as a chart and as a table with the same numbers, downloads a
table, and links a good-practice sheet of the commons to an actor (with the
error next to the field first). axe checks each page (WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from network.models import ActorKind, MembershipStatus
from tests.browser.helpers import assert_accessible, follow, log_in, submit, visit
from tests.commons.factories import resource
from tests.network.factories import ActorFactory, ContactLogFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


@pytest.fixture
def network(territory):  # type: ignore[no-untyped-def]
    year = timezone.localdate().year
    made = []
    for joined, kind in [
        (dt.date(year - 2, 3, 1), ActorKind.COMMUNE),
        (dt.date(year - 2, 5, 1), ActorKind.ASSOCIATION),
        (dt.date(year - 1, 2, 1), ActorKind.ASSOCIATION),
        (dt.date(year - 1, 6, 1), ActorKind.COMPANY),
        (dt.date(year, 1, 15), ActorKind.SCHOOL),
    ]:
        actor = ActorFactory(territory=territory, kind=kind, name=f"Acteur {kind} {joined.year}")
        MembershipFactory(actor=actor, joined_on=joined, status=MembershipStatus.MEMBER)
        ContactLogFactory(actor=actor, happened_on=timezone.localdate() - dt.timedelta(days=200))
        made.append(actor)
    return made


def test_an_organiser_reads_the_dashboard_and_downloads_a_table(page, organiser, network) -> None:
    log_in(page, organiser)
    visit(page, f"/t/{SLUG}/reseau/gerer/")
    follow(page, page.get_by_role("link", name="Indicateurs", exact=True))
    assert page.locator("h1").inner_text() == "Indicateurs du réseau"
    chart = page.get_by_role("img", name="Membres à la fin de chaque année")
    assert chart.is_visible()
    totals = page.locator("#tableau-membres tbody tr td:nth-last-child(3)").all_inner_texts()
    assert totals == ["2", "4", "5"]
    assert page.get_by_text("5 membres sans contact depuis plus de 90 jours").is_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV — Membres du réseau à la fin de chaque année").click()
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Année;")
    assert len(text.strip().splitlines()) == 4


def test_an_organiser_links_a_sheet_of_the_commons_to_an_actor(page, organiser, network) -> None:
    sheet = resource(title="Un composteur partagé au pied des immeubles")
    actor = network[1]
    log_in(page, organiser)
    visit(page, f"/t/{SLUG}/reseau/acteurs/{actor.pk}/")
    form = page.locator("#fiches form").last
    form.get_by_label("Adresse de la fiche dans le commun").fill("https://ailleurs.example.org/x")
    submit(page, form, status=400)
    field = page.get_by_label("Adresse de la fiche dans le commun")
    assert field.input_value() == "https://ailleurs.example.org/x"  # nothing lost
    assert page.get_by_text("Aucune fiche publiée du commun n'a cette adresse").is_visible()
    assert_accessible(page)
    field.fill(f"http://127.0.0.1:8000/commun/r/{sheet.slug}/")
    submit(page, page.locator("#fiches form").last)
    assert page.get_by_role("link", name=sheet.title).is_visible()
    assert page.get_by_text("est rattachée").is_visible()
    assert_accessible(page)
