"""Results pages rendered from a hand-built payload of the documented shape."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import RegistrationStatus
from measures.factors import current_factor_set
from measures.models import ResultSnapshot
from measures.results import cache
from measures.results import household as household_module
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)
from tests.measures.results_payload import WASTE, build_payload

pytestmark = pytest.mark.django_db


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture
def world(territory, monkeypatch):  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, slug="hiver")
    teams = [TeamFactory(challenge=challenge, name=n) for n in ("Les Sobres", "Les Économes")]
    regs = []
    for i, name in enumerate(["Famille Arnaud", "Famille Bonnet", "Famille Chabert"]):
        household = HouseholdFactory(name=name, commune=territory.communes.first())
        UserFactory(household=household, display_name=f"Membre{i}", email=f"m{i}@example.org")
        regs.append(
            RegistrationFactory(
                challenge=challenge,
                household=household,
                team=teams[0],
                status=RegistrationStatus.SELECTED,
                shares_values_with_team=(i == 1),
            )
        )
    payload = build_payload(challenge, teams, regs)
    monkeypatch.setattr(cache, "challenge_results", lambda c, **kw: payload)
    monkeypatch.setattr(cache, "exclusions", lambda c: payload.get("excluded") or [])
    series = {
        "meters": [],
        "weeks": ["2025-12-01", "2025-12-08"],
        "energy_kwh_week": [310.0, 295.5],
        "energy_ref_kwh_week": [340.0, 350.0],
        "water_m3_week": [0.8, 0.7],
        "water_ref_m3_week": [0.9, 0.9],
    }
    monkeypatch.setattr(household_module, "household_series", lambda r, **kw: series)
    return {"challenge": challenge, "teams": teams, "regs": regs, "payload": payload}


def url(name, challenge, *extra):  # type: ignore[no-untyped-def]
    return reverse(f"measures:{name}", args=[challenge.territory.slug, challenge.slug, *extra])


def test_the_challenge_page_shows_the_headline_figures(client, world) -> None:
    page = text(client.get(url("challenge_results", world["challenge"])))
    assert "<h1>" in page
    assert page.count("<h1") == 1
    assert "12,6 %</strong> d&#x27;énergie économisée" in page
    assert "1 200 kWh</strong> économisés par foyer" in page
    assert "130 €</strong> économisés par foyer" in page
    assert "8,0 %</strong> d" in page  # water
    assert "14,0 %</strong> de CO2 en moins" in page
    assert "31 foyers complets sur 38 ; 7 exclus." in page
    assert "Comment ces chiffres sont calculés" in page
    assert "Valeurs par défaut 2024" in page
    assert "1 500 DJU pendant le défi, 1 600 DJU pendant la référence, rapport 0,938." in page
    assert "15 janvier 2026" in page


def test_the_challenge_page_compares_objective_and_result(client, world) -> None:
    page = text(client.get(url("challenge_results", world["challenge"])))
    assert '<td class="num">8,0 %</td><td class="num">12,6 %</td>' in page
    assert "Oui" in page


def test_the_challenge_page_ranks_teams_with_a_bar_chart_and_a_progress_chart(
    client, world
) -> None:
    page = text(client.get(url("challenge_results", world["challenge"])))
    assert page.count('<g class="bar">') == 2
    assert "15,2 %" in page
    assert "12,2 %" in page
    assert page.index("Les Sobres") < page.index("Les Économes")
    assert 'id="progression-economies-titre"' in page
    assert "<td>—</td>" in page  # the first week has no figure yet


def test_the_public_page_never_shows_household_names(client, world) -> None:
    page = text(client.get(url("challenge_results", world["challenge"])))
    for name in ("Famille", "Membre0", "Membre1", "Relevé du compteur gaz"):
        assert name not in page


def test_organisers_see_who_is_excluded_and_why(client, world, organiser) -> None:
    client.force_login(organiser)
    page = text(client.get(url("challenge_results", world["challenge"])))
    assert "Famille Chabert" in page
    assert "Relevé du compteur gaz vers le 1er décembre" in page
    assert "Exporter les résultats par foyer (CSV)" in page


def test_waste_flows_are_listed_per_person_per_year(client, world) -> None:
    world["payload"]["waste"] = WASTE
    page = text(client.get(url("challenge_results", world["challenge"])))
    assert "-37,0 %</strong> de déchets résiduels" in page
    assert "15,0 tonnes</strong> évitées" in page
    assert '180,0 kg</td><td class="num">113,4 kg</td><td class="num">37,0 %</td>' in page


def test_without_degree_days_the_page_says_so(client, world) -> None:
    world["payload"]["climate"] = {"corrected": False, "zones": {}, "zones_without_data": ["26"]}
    page = text(client.get(url("challenge_results", world["challenge"])))
    assert (
        "Sans correction climatique : pas de données de degrés-jours pour la zone « 26 »." in page
    )


def test_before_the_start_there_is_nothing_to_compute(client, territory, monkeypatch) -> None:
    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("no computation before the start")

    monkeypatch.setattr(cache, "challenge_results", fail)
    challenge = ChallengeFactory(territory=territory, open_for_registration=True)
    page = text(client.get(url("challenge_results", challenge)))
    assert "Les résultats seront calculés dès le début du défi" in page
    summary = text(client.get(url("challenge_results_summary", challenge)))
    assert "Les résultats seront calculés" in summary


def test_the_summary_is_a_fragment_with_headlines_and_a_link(client, world) -> None:
    page = text(client.get(url("challenge_results_summary", world["challenge"])))
    assert "<html" not in page
    assert "12,6 %" in page
    assert url("challenge_results", world["challenge"]) in page


def test_the_challenge_page_loads_the_summary_with_a_plain_link_fallback(client, world) -> None:
    challenge = world["challenge"]
    page = text(client.get(challenge.get_absolute_url()))
    assert f'hx-get="{url("challenge_results_summary", challenge)}"' in page
    assert f'href="{url("challenge_results", challenge)}"' in page


# --- team ------------------------------------------------------------------------


def test_the_public_sees_the_team_aggregates_without_households(client, world) -> None:
    team = world["teams"][0]
    page = text(client.get(url("team_results", world["challenge"], team.pk)))
    assert "15,2 %" in page
    assert "1<sup>er</sup> sur 2" in page
    assert "Membre" not in page
    assert "Famille" not in page


def test_team_members_see_only_shared_values(client, world) -> None:
    team = world["teams"][0]
    arnaud, _bonnet, _chabert = world["regs"]
    client.force_login(arnaud.household.members.get())
    page = text(client.get(url("team_results", world["challenge"], team.pk)))
    rows = {row.split("</th>")[0]: row for row in page.split('<th scope="row">')[1:]}
    mine = next(r for k, r in rows.items() if k.startswith("Membre0"))
    shared = next(r for k, r in rows.items() if k.startswith("Membre1"))
    hidden = next(r for k, r in rows.items() if k.startswith("Membre2"))
    assert "10,0 %" in mine
    assert "mon foyer" in mine
    assert "11,0 %" in shared
    assert "non partagé" in hidden
    assert "12,0" not in hidden


def test_organisers_see_every_household_of_the_team(client, world, organiser) -> None:
    client.force_login(organiser)
    team = world["teams"][0]
    page = text(client.get(url("team_results", world["challenge"], team.pk)))
    assert "non partagé" not in page
    assert "Membre2" in page


def test_a_team_of_another_challenge_is_not_found(client, world, territory) -> None:
    other = TeamFactory(challenge=ChallengeFactory(territory=territory))
    response = client.get(url("team_results", world["challenge"], other.pk))
    assert response.status_code == 404


# --- my household ----------------------------------------------------------------


def test_my_household_page_shows_my_figures_and_chart(client, world) -> None:
    client.force_login(world["regs"][0].household.members.get())
    page = text(client.get(url("household_results", world["challenge"])))
    assert "10,0 %</strong> d" in page
    assert "950 kWh</strong> économisés" in page
    assert "317 kWh</strong> par personne" in page  # 950 / 3 persons
    assert "118 €</strong>" in page
    assert "270 kg</strong> de CO2 évités" in page
    # 36.8 m³ / 3 persons × 365 / 45 days = 99.5 m³ per person per year
    assert "99,5 m³</strong> consommés par personne et par an" in page
    assert 'Compteur gaz</th><td class="num">892,9 m³</td>' in page
    assert 'id="ma-conso-energie-titre"' in page
    assert '<th scope="col">Cette année</th><th scope="col">Référence</th>' in page


def test_an_incomplete_household_sees_what_is_missing_and_where_to_fix_it(client, world) -> None:
    client.force_login(world["regs"][2].household.members.get())
    page = text(client.get(url("household_results", world["challenge"])))
    assert "Données incomplètes" in page
    assert "Relevé du compteur gaz vers le 1er décembre" in page
    assert f'href="{reverse("measures:entry", args=["val-de-drome", "hiver"])}"' in page


def test_a_user_without_registration_gets_a_404(client, world, member) -> None:
    client.force_login(member)
    assert client.get(url("household_results", world["challenge"])).status_code == 404


# --- CSV -------------------------------------------------------------------------


def rows_of(response):  # type: ignore[no-untyped-def]
    content = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_the_csv_has_one_row_per_household_with_the_page_figures(client, world, organiser) -> None:
    client.force_login(organiser)
    response = client.get(url("results_export", world["challenge"]))
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = rows_of(response)
    assert len(rows) == 3
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    arnaud = by_name["Famille Arnaud"]
    assert arnaud["Énergie économisée (%)"] == "10,0"
    assert arnaud["Énergie économisée (kWh)"] == "950"
    assert arnaud["Équipe"] == "Les Sobres"
    assert by_name["Famille Chabert"]["Énergie complète"] == "non"
    assert "Relevé du compteur gaz" in by_name["Famille Chabert"]["Manques"]
    client.force_login(world["regs"][0].household.members.get())
    page = text(client.get(url("household_results", world["challenge"])))
    assert f"{arnaud['Énergie économisée (%)']} %</strong>" in page
    assert f"{arnaud['Énergie économisée (kWh)']} kWh</strong>" in page


def test_the_team_csv_has_the_ranking_of_the_page(client, world, organiser) -> None:
    client.force_login(organiser)
    header, *rows = rows_of(
        client.get(url("results_export", world["challenge"]) + "?niveau=equipes")
    )
    assert header[:2] == ["Rang", "Équipe"]
    assert [row[:2] for row in rows] == [["1", "Les Sobres"], ["2", "Les Économes"]]
    assert rows[0][4] == "15,2"
    page = text(client.get(url("challenge_results", world["challenge"])))
    assert f"{rows[0][4]} %" in page


def test_a_long_ranking_is_shown_page_by_page(client, world) -> None:
    payload = world["payload"]
    template = payload["teams"][0]
    payload["teams"] = [
        {**template, "id": 10_000 + i, "name": f"Équipe {i:03d}", "rank": i + 1} for i in range(120)
    ]
    address = url("challenge_results", world["challenge"])
    page = text(client.get(address))
    assert "équipes 1 à 50 sur 120" in page
    assert set(re.findall(r"Équipe \d{3}", page)) == {f"Équipe {i:03d}" for i in range(50)}
    assert "Équipe 050" not in page
    assert 'rel="next"' in page
    assert "Page 1 sur 3" in page
    last = text(client.get(address + "?page=3"))
    assert "équipes 101 à 120 sur 120" in last
    assert "Équipe 119" in last
    assert "Équipe 000" not in last
    # A wrong page number shows a page, never an error.
    for bad in ("abc", "999", "-1"):
        response = client.get(address + f"?page={bad}")
        assert response.status_code == 200


def test_a_short_ranking_has_no_pages(client, world) -> None:
    page = text(client.get(url("challenge_results", world["challenge"])))
    assert "Pages du classement" not in page
    assert "Les Sobres" in page


def test_households_cannot_export(client, world) -> None:
    client.force_login(world["regs"][0].household.members.get())
    assert client.get(url("results_export", world["challenge"])).status_code == 403


# --- territory -------------------------------------------------------------------


def snapshot(challenge, payload):  # type: ignore[no-untyped-def]
    today = timezone.localdate().isoformat()
    stored = {**payload, "challenge_id": challenge.pk, "today": today}
    ResultSnapshot.objects.create(
        challenge=challenge,
        factor_set=current_factor_set(),
        data_version=challenge.data_version,
        payload=stored,
        public_payload=cache.public_part(stored),
    )


def test_the_territory_page_reads_fresh_snapshots_in_constant_queries(
    client, territory, django_assert_num_queries, monkeypatch
) -> None:
    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("fresh snapshots must not be recomputed")

    monkeypatch.setattr(cache, "challenge_results", fail)
    first = ChallengeFactory(territory=territory)
    payload = build_payload(first, [], [RegistrationFactory(challenge=first)])
    snapshot(first, payload)
    client.get(reverse("measures:territory_results", args=[territory.slug]))  # warm caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("measures:territory_results", args=[territory.slug]))
    assert "12,6 %" in text(response)
    for _ in range(4):
        snapshot(ChallengeFactory(territory=territory), payload)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("measures:territory_results", args=[territory.slug]))
    assert text(response).count("12,6 %") == 5


def test_the_territory_page_computes_only_stale_challenges(client, territory, monkeypatch) -> None:
    fresh, stale = ChallengeFactory(territory=territory), ChallengeFactory(territory=territory)
    payload = build_payload(fresh, [], [RegistrationFactory(challenge=fresh)])
    snapshot(fresh, payload)
    computed = []

    def compute(challenge, **kwargs):  # type: ignore[no-untyped-def]
        computed.append(challenge.pk)
        return payload

    monkeypatch.setattr(cache, "challenge_results", compute)
    stale.data_version = 3
    stale.save()
    response = client.get(reverse("measures:territory_results", args=[territory.slug]))
    assert response.status_code == 200
    assert computed == [stale.pk]


def test_the_territory_page_lists_only_published_started_challenges(
    client, territory, world
) -> None:
    ChallengeFactory(territory=territory, draft=True, title="Brouillon secret")
    ChallengeFactory(territory=territory, open_for_registration=True, title="Pas commencé")
    page = text(client.get(reverse("measures:territory_results", args=[territory.slug])))
    assert world["challenge"].title in page
    assert "Brouillon secret" not in page
    assert "Pas commencé" not in page
    assert "Famille" not in page


def test_a_draft_challenge_is_hidden_from_the_public(client, territory) -> None:
    challenge = ChallengeFactory(territory=territory, draft=True)
    assert client.get(url("challenge_results", challenge)).status_code in (302, 404)
    assert client.get(url("challenge_results_summary", challenge)).status_code in (302, 404)


def test_dates_of_the_explanation_show_the_last_day(client, world) -> None:
    page = text(client.get(url("challenge_results", world["challenge"])))
    # The periods end before 1 May / 1 May: people are shown 30 April.
    assert "pendant le défi, du 1 décembre 2025 au 30 avril 2026" in page
    assert "(du 1 décembre 2024 au 30 avril 2025)" in page


def test_only_registered_households_get_the_link_to_their_results(client, world) -> None:
    link = url("household_results", world["challenge"])
    assert link not in text(client.get(url("challenge_results", world["challenge"])))
    client.force_login(world["regs"][0].household.members.get())
    assert link in text(client.get(url("challenge_results", world["challenge"])))


def test_a_household_not_selected_is_told_it_has_no_results(client, world, territory) -> None:
    waiting = RegistrationFactory(
        challenge=world["challenge"],
        household=HouseholdFactory(commune=territory.communes.first()),
        status=RegistrationStatus.WAITING,
    )
    client.force_login(UserFactory(household=waiting.household))
    page = text(client.get(url("household_results", world["challenge"])))
    assert "ne compte pas parmi les foyers retenus" in page


def test_a_figure_that_cannot_be_computed_shows_a_dash_without_unit(client, world) -> None:
    world["payload"]["teams"][0]["water_savings_pct"] = None
    world["payload"]["water"]["savings_pct"] = None
    page = text(client.get(url("challenge_results", world["challenge"])))
    assert "— %" not in page
    assert '<td class="num">—</td>' in page
    assert "<strong>—</strong> d&#x27;eau économisée" in page
