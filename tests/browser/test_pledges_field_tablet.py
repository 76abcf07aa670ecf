"""Assisted mode on a tablet (1024×768, then 768×1024): a field agent records
a door nobody opened, a refusal and a commitment with consent, one tap each
(HTMX); the counts follow; the organiser then reads the agent's line in the
field report. axe checks every page and every swapped panel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from pledges.models import Commitment, CommitmentStatus, FieldProposal
from tests.browser.conftest import _open_page
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, log_in, visit
from tests.factories import UserFactory
from tests.pledges.factories import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def tablet_page(request: pytest.FixtureRequest, browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _open_page(request, browser, live_server.url, TABLET)


@pytest.fixture
def agent(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="agent@example.org", display_name="Karim")


@pytest.fixture
def campaign(territory, agent):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory,
        slug="tri-selectif",
        title="Le tri, on s'y met",
        action="Trier ses emballages chaque semaine",
        participants_goal=100,
    )
    campaign.agents.add(agent)
    return campaign


def _counts(page: Any) -> Any:
    return page.locator("#terrain .field-counts")


def test_an_agent_records_three_doors_and_the_organiser_sees_them(
    tablet_page, campaign, agent, organiser
) -> None:  # type: ignore[no-untyped-def]
    page = tablet_page
    log_in(page, agent)
    field_url = f"/t/{SLUG}/engagements/{campaign.slug}/terrain/"
    visit(page, field_url)
    main = page.locator("main")
    assert "Trier ses emballages chaque semaine" in main.inner_text()
    assert_no_horizontal_scroll(page)

    main.get_by_role("button", name="Personne").click()
    expect(page.locator("#terrain-statut")).to_contain_text("Noté : personne à la porte.")
    expect(_counts(page)).to_contain_text("1 proposition")
    assert_accessible(page)

    main.get_by_role("button", name="Ne souhaite pas").click()
    expect(page.locator("#terrain-statut")).to_contain_text("ne souhaite pas s'engager")
    expect(_counts(page)).to_contain_text("2 propositions")

    main.locator("summary", has_text="S'engage").click()
    form = main.locator("form.field-form")
    form.get_by_label("Prénom ou pseudonyme").fill("Ginette")
    form.get_by_label("Commune").fill("26400")
    form.get_by_label("La personne a donné son accord").check()
    assert_accessible(page)
    form.get_by_role("button", name="Enregistrer l'engagement").click()
    expect(page.locator("#terrain-statut")).to_contain_text("Engagement de Ginette enregistré")
    counts = _counts(page)
    expect(counts).to_contain_text("3 propositions")
    expect(counts).to_contain_text("1 engagement")
    expect(counts).to_contain_text("1 refus")
    expect(counts).to_contain_text("1 absence")
    assert_accessible(page)

    assert FieldProposal.objects.filter(agent=agent).count() == 3
    commitment = Commitment.objects.get()
    assert commitment.status == CommitmentStatus.CONFIRMED
    assert commitment.agent == agent

    # Portrait: the same screen, nothing scrolls sideways.
    page.set_viewport_size({"width": 768, "height": 1024})
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    log_in(page, organiser)
    visit(page, f"{field_url}bilan/")
    table = main.get_by_role("table", name="Propositions et engagements par agent, depuis le début")
    row = table.locator("tbody tr", has_text="Karim")
    cells = row.locator("td").all_inner_texts()
    assert cells[:5] == ["3", "1", "1", "1", "50 %"]
    assert main.get_by_role("img", name="Portes et personnes proposées, par agent").count() == 1
