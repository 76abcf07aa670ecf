"""An organiser works through the members to contact again, in a real
browser: opens the overdue list, opens a member, logs a phone call with the
HTMX form of its page (the journal updates in place), and the list is one
shorter. axe checks every page (WCAG 2.1 A/AA), the HTMX part included."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible, follow, log_in, visit
from tests.network.factories import member_actor

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


@pytest.fixture
def late_members(territory):  # type: ignore[no-untyped-def]
    crest = territory.communes.get()
    for name, days in [("Atelier vélo", 200), ("Repair café", 150), ("Ludothèque", 95)]:
        member_actor(territory, name=name, commune=crest, days_since_contact=days)
    member_actor(territory, name="Compost de quartier", commune=crest, days_since_contact=10)


def test_an_organiser_logs_a_contact_and_the_overdue_list_shrinks(
    page, organiser, late_members
) -> None:
    log_in(page, organiser)
    visit(page, f"/t/{SLUG}/reseau/gerer/a-recontacter/")
    rows = page.locator("tr.overdue-row")
    assert rows.count() == 3
    assert page.get_by_role("status").filter(has_text="3 membres à recontacter").is_visible()
    assert rows.first.get_by_role("rowheader").inner_text() == "Atelier vélo"

    follow(page, rows.first.get_by_role("link", name="Atelier vélo"))
    assert page.locator("h1").inner_text() == "Atelier vélo"
    journal = page.locator("#journal")
    journal.get_by_label("Canal").select_option(label="Téléphone")
    journal.get_by_label("Objet").fill("Appel pour la semaine des déchets")
    journal.get_by_label("Notes").fill("Un stand de réparation le samedi.")
    journal.get_by_role("button", name="Noter l'échange").click()
    page.locator("#journal").get_by_text("Appel pour la semaine des déchets").wait_for()
    assert page.locator("#journal").get_by_text("Échange noté.").is_visible()
    assert_accessible(page)  # the journal swapped in by HTMX

    # An empty subject: the error sits next to the field, the notes stay.
    journal = page.locator("#journal")
    journal.get_by_label("Notes").fill("Rappeler jeudi.")
    journal.get_by_role("button", name="Noter l'échange").click()
    page.locator("#journal .errorlist").first.wait_for()
    assert page.locator("#journal").get_by_label("Notes").input_value() == "Rappeler jeudi."
    assert_accessible(page)

    visit(page, f"/t/{SLUG}/reseau/gerer/a-recontacter/")
    assert rows.count() == 2
    assert page.get_by_text("Atelier vélo").count() == 0
    assert page.get_by_role("status").filter(has_text="2 membres à recontacter").is_visible()

    visit(page, f"/t/{SLUG}/reseau/gerer/a-recontacter/?jours=120")
    assert rows.count() == 1
