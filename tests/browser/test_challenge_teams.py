"""The organiser's page of teams in a real browser, with a challenge of 25
teams: 20 a page, the next page by its link, a search on a household's name,
then a household moved from that filtered page, back on the same search,
and the captain of its new team designated on the team's own page, with a
refused choice first. axe checks every page (WCAG 2.1 A/AA), and the last one does not scroll
sideways on a phone."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from challenges.models import Registration
from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    follow,
    log_in,
    plain,
    submit,
    visit,
)
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py
SEARCHED = "Foyer des Aubépines"


def _household(challenge, team, name: str) -> Registration:
    household = HouseholdFactory(name=name, commune=challenge.territory.communes.first())
    slug = name.lower().replace(" ", "-")
    UserFactory(household=household, email=f"{slug}@example.org", display_name=name[6:])
    return RegistrationFactory(challenge=challenge, household=household, team=team)


def _card_titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [plain(t) for t in page.locator("main section.card h2").all_inner_texts()]


def _result_count(page) -> str:  # type: ignore[no-untyped-def]
    return plain(page.locator("main p.result-count[role=status]").inner_text())


def _query(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return parse_qs(urlparse(page.url).query)


def test_an_organiser_pages_searches_and_moves_a_household(page, territory, organiser) -> None:
    challenge = ChallengeFactory(
        territory=territory, slug="hiver", title="Défi Hiver sobre", open_for_registration=True
    )
    teams = [TeamFactory(challenge=challenge, name=f"Équipe {i:02d}") for i in range(25)]
    searched = _household(challenge, teams[3], SEARCHED)
    _household(challenge, teams[3], "Foyer Martin")
    _household(challenge, teams[7], "Foyer Roux")
    _household(challenge, teams[24], "Foyer Lefèvre")
    _household(challenge, None, "Foyer Sans Équipe")

    log_in(page, organiser)
    teams_url = f"/t/{SLUG}/defis/{challenge.slug}/equipes/"
    visit(page, teams_url)
    main = page.locator("main")

    # 1. Twenty teams a page; the next page holds the last five.
    assert _result_count(page) == "Équipes 1 à 20 sur 25"
    assert _card_titles(page) == [f"Équipe {i:02d}" for i in range(20)]
    pages = main.get_by_role("navigation", name="Pages des équipes")
    assert pages.count() == 2, "la pagination en haut et en bas de la liste"
    assert "Page 1 sur 2" in plain(pages.first.inner_text())
    assert not main.get_by_role("link", name="Page précédente").count()
    unassigned = main.get_by_role("table", name="Foyers retenus qui n'ont pas encore d'équipe")
    assert "Foyer Sans Équipe" in unassigned.inner_text()

    follow(page, pages.first.get_by_role("link", name="Page suivante"))
    assert _query(page) == {"page": ["2"]}, page.url
    assert _result_count(page) == "Équipes 21 à 25 sur 25"
    assert _card_titles(page) == [f"Équipe {i:02d}" for i in range(20, 25)]
    last = main.get_by_role("region", name="Équipe 24")
    assert "Foyer Lefèvre" in last.inner_text()
    assert "Page 2 sur 2" in plain(pages.first.inner_text())
    assert not main.get_by_role("link", name="Page suivante").count()
    assert pages.first.get_by_role("link", name="Page précédente").is_visible()

    # 2. A household's name finds its team, and only that one.
    filters = main.locator("form.filters")
    filters.get_by_label("Rechercher une équipe, un foyer ou un·e capitaine").fill("aubépines")
    follow(page, filters.get_by_role("button", name="Filtrer"))
    assert _query(page).get("q") == ["aubépines"], page.url
    assert "page" not in _query(page), "une nouvelle recherche repart de la première page"
    assert _result_count(page) == "1 équipe correspond à la recherche"
    assert _card_titles(page) == ["Équipe 03"]
    card = main.get_by_role("region", name="Équipe 03")
    assert SEARCHED in card.inner_text()
    assert "Foyer Martin" in card.inner_text()
    assert not main.get_by_role("navigation", name="Pages des équipes").count()
    assert main.get_by_role("link", name="Effacer les filtres").is_visible()
    assert filters.get_by_label(
        "Rechercher une équipe, un foyer ou un·e capitaine"
    ).input_value() == ("aubépines")

    # 3. Moved from the filtered page, the household's new team is what the search finds.
    move = main.locator("form").filter(has=page.locator("select[name=registration]"))
    assert move.count() == 1
    assert parse_qs(urlparse(move.get_attribute("action")).query) == {"q": ["aubépines"]}
    move.get_by_label("Foyer").select_option(label=f"{SEARCHED} — Crest")
    move.get_by_label("Vers l'équipe").select_option(label="Équipe 07")
    submit(page, move)
    searched.refresh_from_db()
    assert searched.team == teams[7]
    assert page.url.split("?")[0].endswith(teams_url), page.url
    assert _query(page) == {"q": ["aubépines"]}, "retour sur la même recherche"
    messages = plain(main.locator(".messages").inner_text())
    assert f"Le foyer « {SEARCHED} » est dans l'équipe « Équipe 07 »." in messages
    assert "l'équipe « Équipe 03 » est incomplète (1 foyer)" in messages
    assert _result_count(page) == "1 équipe correspond à la recherche"
    assert _card_titles(page) == ["Équipe 07"]
    card = main.get_by_role("region", name="Équipe 07")
    assert SEARCHED in card.inner_text()
    assert "Foyer Roux" in card.inner_text()

    # 4. The captain, on the team's own page: a refused choice first, then back on the search.
    follow(page, card.get_by_role("link", name="Désigner le ou la capitaine de l'équipe Équipe 07"))
    assert _query(page) == {"q": ["aubépines"]}, page.url
    form = main.locator("form").filter(has=page.locator("select[name=captain]"))
    form.get_by_label("Capitaine formé·e").check()
    submit(page, form, status=400)
    assert "Désignez d'abord un·e capitaine" in plain(main.inner_text())
    assert form.get_by_label("Capitaine formé·e").is_checked(), "la case cochée reste cochée"
    form.locator("select[name=captain]").select_option(label="Roux <foyer-roux@example.org>")
    submit(page, form)
    assert _query(page) == {"q": ["aubépines"]}, "retour sur la même recherche"
    teams[7].refresh_from_db()
    assert (teams[7].captain.display_name, teams[7].captain_trained) == ("Roux", True)
    assert "Capitaine de l'équipe « Équipe 07 » enregistré·e." in plain(
        main.locator(".messages").inner_text()
    )
    card = main.get_by_role("region", name="Équipe 07")
    assert "Capitaine : Roux (formé·e)" in plain(card.inner_text())

    # 5. The same page on a phone: accessible, no sideways scrolling.
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
