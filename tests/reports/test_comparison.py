"""The public comparison of closed challenges across territories: figures
from the final results' public part, filters, sorting, pages, exports, bad
input, and a query count that does not grow with the number of challenges."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.factors import current_factor_set
from measures.models import ResultSnapshot
from measures.results import challenge_results
from measures.results.cache import public_part
from reports.comparison import Filters, comparison_rows
from territories.models import Region
from tests.factories import ChallengeFactory, RegionFactory, TeamFactory, TerritoryFactory
from tests.reports.conftest import build_challenge

pytestmark = pytest.mark.django_db
URL = "/comparaisons/"


def text(response: Any) -> str:
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


def closed(territory, *, year: int, pct: float | None, households: int = 20, **kwargs):  # type: ignore[no-untyped-def]
    """A closed challenge of `year` with final results of `pct` % energy saved."""
    start = dt.date(year, 12, 1)
    challenge = ChallengeFactory(
        territory=territory,
        starts_on=start,
        ends_on=start + dt.timedelta(days=120),
        registration_opens_on=start - dt.timedelta(days=60),
        registration_closes_on=start - dt.timedelta(days=1),
        **kwargs,
    )
    TeamFactory(challenge=challenge)
    energy = {
        "households_total": households,
        "households_complete": households - 2,
        "savings_pct": pct,
        "mean_household_pct": None if pct is None else pct + 0.4,
        "savings_kwh_per_household": None if pct is None else 1200.0,
        "savings_kwh_per_person": None if pct is None else 480.0,
        "objective_pct": 8.0,
    }
    payload = {
        "challenge_id": challenge.pk,
        "factor_set": {"id": current_factor_set().pk, "name": "ADEME 2025"},
        "climate": {"corrected": True, "zones": {}, "zones_without_data": []},
        "energy": energy,
        "water": None,
        "waste": None,
        "teams": [],
        "households": {"1": {"name": "Famille Secrète"}},
        "excluded": [{"household": "Famille Exclue"}],
    }
    ResultSnapshot.objects.create(
        challenge=challenge,
        factor_set=current_factor_set(),
        data_version=challenge.data_version,
        payload=payload,
        public_payload=public_part(payload),
        is_final=True,
    )
    return challenge


@pytest.fixture
def three(territory):  # type: ignore[no-untyped-def]
    east = RegionFactory(code="44", name="Grand Est")
    mulhouse = TerritoryFactory(slug="mulhouse", name="Mulhouse en transition", region=east)
    return {
        "drome_2024": closed(territory, year=2024, pct=9.5, title="Défi Drôme 2024"),
        "drome_2025": closed(territory, year=2025, pct=12.6, title="Défi Drôme 2025"),
        "mulhouse_2025": closed(mulhouse, year=2025, pct=7.1, households=45, title="Défi Mulhouse"),
        "mulhouse": mulhouse,
    }


def test_rows_are_the_final_public_figures_best_first(three) -> None:
    rows = comparison_rows(Filters())
    assert [r["challenge"] for r in rows] == ["Défi Drôme 2025", "Défi Drôme 2024", "Défi Mulhouse"]
    best = rows[0]
    assert best["savings_pct"] == 12.6
    assert best["mean_household_pct"] == 13.0
    assert best["per_household"] == 1200.0
    assert best["households"] == 20
    assert best["teams"] == 1
    assert best["objective_reached"] is True
    assert best["climate_corrected"] is True
    assert best["factor_set"] == "ADEME 2025"
    assert rows[2]["objective_reached"] is False
    assert "Famille" not in str(rows)  # no household, not even a name


def test_filters_by_year_region_and_sort(three) -> None:
    assert len(comparison_rows(Filters(year=2025))) == 2
    east = comparison_rows(Filters(region="44"))
    assert [r["territory"] for r in east] == ["Mulhouse en transition"]
    by_size = comparison_rows(Filters(sort="foyers"))
    assert by_size[0]["households"] == 45
    by_year = comparison_rows(Filters(sort="annee"))
    assert [r["year"] for r in by_year] == [2025, 2025, 2024]
    assert comparison_rows(Filters(theme="eau")) == []


def test_running_unpublished_and_resultless_challenges_are_left_out(territory, three) -> None:
    closed(territory, year=2023, pct=None, title="Sans foyer complet")
    hidden = TerritoryFactory(slug="cache", is_published=False)
    closed(hidden, year=2024, pct=20.0, title="Territoire non publié")
    reopened = closed(territory, year=2024, pct=30.0, title="Rouvert")
    reopened.phase_override = "en_cours"
    reopened.save()
    draft = closed(territory, year=2024, pct=25.0, title="Brouillon")
    draft.published_at = None
    draft.save()
    titles = {r["challenge"] for r in comparison_rows(Filters())}
    assert titles == {"Défi Drôme 2024", "Défi Drôme 2025", "Défi Mulhouse"}


def test_a_real_closed_challenge_compares_with_its_computed_results(territory) -> None:
    challenge, *_rest = build_challenge(territory)
    payload = challenge_results(challenge)  # closed: frozen, final
    assert ResultSnapshot.objects.get(challenge=challenge).is_final
    rows = comparison_rows(Filters())
    assert len(rows) == 1
    assert rows[0]["savings_pct"] == payload["energy"]["savings_pct"]
    assert rows[0]["households"] == 4  # the excluded household is a participant
    assert rows[0]["teams"] == 2
    water = comparison_rows(Filters(theme="eau"))
    assert water[0]["savings_pct"] == payload["water"]["savings_pct"]
    assert water[0]["per_person"] == payload["water"]["savings_m3_per_person_year"]


def test_the_query_count_does_not_grow_with_challenges(client, territory, three, settings) -> None:
    settings.ELAN_PAGE_CACHE_SECONDS = 0  # the render's own queries, not the page cache's
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    region = Region.objects.get(code="84")
    for n in range(12):
        other = TerritoryFactory(slug=f"t-{n}", region=region)
        closed(other, year=2020 + n % 5, pct=5.0 + n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.status_code == 200
    assert text(response).count("comparaison-defis") >= 1
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_page_shows_table_chart_method_and_links(client, three) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "3 défis comparés" in page
    assert "12,6" in page
    assert "Mulhouse en transition" in page
    report = reverse("reports:public", args=["val-de-drome", three["drome_2025"].slug])
    assert f'href="{report}"' in page
    assert "<svg" in page
    assert "Voir les données du graphique" in page
    assert "rapport des sommes" in page
    assert "Famille Secrète" not in page
    assert "Famille Exclue" not in page
    assert "objectif atteint" in page


def test_filters_in_the_page_and_bad_input_next_to_the_field(client, three) -> None:
    page = text(client.get(URL + "?region=44&annee=2025"))
    assert "1 défi comparé" in page
    assert "Défi Mulhouse" in page
    assert "Défi Drôme" not in page
    response = client.get(URL + "?annee=abc&theme=plutonium&tri=hasard")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["annee"] == ["Choisissez une valeur de la liste."]
    assert "theme" in form.errors
    assert "tri" in form.errors
    assert "3 défis comparés" in text(response)  # the valid defaults still apply
    empty = text(client.get(URL + "?theme=dechets"))
    assert "Aucun défi clos n'a encore de résultats définitifs pour ce thème." in empty
    none = text(client.get(URL + "?annee=2024&region=44"))
    assert "élargissez l'année ou la région" in none


def test_a_long_comparison_goes_page_by_page(client, territory) -> None:
    for n in range(55):
        closed(territory, year=2024, pct=1.0 + n / 10, title=f"Défi n° {n:02d}")
    first = text(client.get(URL))
    assert "défis 1 à 50 sur 55" in first
    last = text(client.get(URL + "?page=2"))
    assert "défis 51 à 55 sur 55" in last
    assert client.get(URL + "?page=zzz").status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_the_exports_hold_the_same_figures(client, three, fmt) -> None:
    response = client.get(f"/comparaisons.{fmt}?annee=2025")
    assert response.status_code == 200
    assert f"comparaison-defis-energie.{fmt}" in response["Content-Disposition"]
    if fmt == "csv":
        content = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content), delimiter=";" if ";" in content else ","))
        assert rows[0][:4] == ["Territoire", "Région", "Défi", "Année de début"]
        assert [r[2] for r in rows[1:]] == ["Défi Drôme 2025", "Défi Mulhouse"]
        assert any("12.6" in cell or "12,6" in cell for cell in rows[1])


def test_an_unknown_export_format_is_a_404_and_a_bad_filter_a_400(client, three) -> None:
    assert client.get("/comparaisons.pdf").status_code == 404
    assert client.get("/comparaisons.csv?annee=abc").status_code == 400


def test_the_comparison_is_in_the_main_navigation(client, three) -> None:
    assert 'href="/comparaisons/"' in client.get("/").content.decode()


def test_the_api_gives_the_rows_of_the_page(client, three) -> None:
    response = client.get("/api/v1/comparisons?annee=2025")
    assert response.status_code == 200
    body = response.json()
    assert body["theme"] == "energie"
    assert body["count"] == 2
    assert [r["challenge"] for r in body["results"]] == ["Défi Drôme 2025", "Défi Mulhouse"]
    first = body["results"][0]
    assert first["savings_pct"] == 12.6
    assert first["per_household"] == 1200.0
    assert first["report_url"] == reverse(
        "reports:public", args=["val-de-drome", three["drome_2025"].slug]
    )
    assert body["columns"][0] == {"key": "savings_pct", "label": "Économies d'énergie", "unit": "%"}
    assert "Famille" not in response.content.decode()
    page = comparison_rows(Filters(year=2025))
    assert [r["savings_pct"] for r in body["results"]] == [r["savings_pct"] for r in page]


def test_the_api_refuses_bad_filters_in_french(client, three) -> None:
    assert client.get("/api/v1/comparisons?theme=plutonium").status_code == 422
    response = client.get("/api/v1/comparisons?region=99")
    assert response.status_code == 400
    assert "région" in response.json()["erreurs"]["region"][0]
    assert client.get("/api/v1/comparisons?annee=1789").status_code == 400
    assert client.get("/api/v1/comparisons?annee=2019").json()["count"] == 0
