"""Open data: every dataset's CSV and JSON follow its Table Schema, hold the
same rows, and only public aggregates; the page, the Data Package, the API
and the OpenAPI schema list them; constant queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from events.models import Audience as EventAudience
from events.models import EventStatus
from network.models import ActionStatus
from pledges.models import Audience as CampaignAudience
from pledges.models import CampaignStatus
from reports import opendata
from reports.comparison import Filters, comparison_rows
from tests.commons.factories import resource
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import RegionFactory, TerritoryFactory
from tests.network.campaign_factories import CampaignWeekFactory, action_with_dates
from tests.pledges.factories import CampaignFactory
from tests.reports.test_comparison import closed

pytestmark = pytest.mark.django_db
BASE = "/donnees-ouvertes/"


@pytest.fixture
def world(territory):  # type: ignore[no-untyped-def]
    east = RegionFactory(code="44", name="Grand Est")
    mulhouse = TerritoryFactory(slug="mulhouse-transition", name="Mulhouse", region=east)
    hidden = TerritoryFactory(slug="cache", name="Territoire caché", is_published=False)
    closed(territory, year=2024, pct=9.5, title="Défi Drôme 2024")
    closed(mulhouse, year=2025, pct=7.1, title="Défi Mulhouse")
    closed(hidden, year=2025, pct=30.0, title="Défi caché")
    CampaignFactory(territory=territory, title="À vélo pour l'école")
    CampaignFactory(territory=territory, title="Brouillon secret", status=CampaignStatus.DRAFT)
    CampaignFactory(
        territory=territory, title="Réservé aux agents", audience=CampaignAudience.ORGANISATION
    )
    event = EventFactory(territory=territory, title="Atelier compost")
    EventRegistrationFactory(event=event)
    EventRegistrationFactory(event=event)
    EventFactory(territory=territory, title="Conseil des acteurs", audience=EventAudience.NETWORK)
    EventFactory(territory=territory, title="Brouillon d'atelier", status=EventStatus.DRAFT)
    EventFactory(territory=hidden, title="Atelier caché")
    week = CampaignWeekFactory(territory=territory, title="SERD 2026")
    action_with_dates(0, 1, week=week, status=ActionStatus.ACCEPTED)
    action_with_dates(2, week=week, status=ActionStatus.SUBMITTED)
    resource(title="Guide du compost partagé")
    resource(title="Fiche en brouillon", status="brouillon")
    return {"territory": territory}


def _check_cell(field: dict[str, Any], value: str) -> None:
    """A CSV cell against its Table Schema field."""
    if value == "":
        assert not field.get("constraints", {}).get("required"), field["name"]
        return
    kind = field["type"]
    if kind == "integer":
        int(value)
    elif kind == "number":
        float(value)
        assert "," not in value
    elif kind == "boolean":
        assert value in ("true", "false"), (field["name"], value)
    elif kind == "date":
        dt.date.fromisoformat(value)
    elif kind == "datetime":
        dt.datetime.fromisoformat(value)
    enum = field.get("constraints", {}).get("enum")
    if enum:
        assert value in enum, (field["name"], value, enum)


@pytest.mark.parametrize("slug", list(opendata.DATASETS))
def test_each_file_follows_its_schema_and_the_json_holds_the_same_rows(client, world, slug) -> None:
    schema = client.get(f"{BASE}{slug}.schema.json").json()
    names = [f["name"] for f in schema["fields"]]
    response = client.get(f"{BASE}{slug}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "describedby" in response["Link"]
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == names
    assert len(rows) > 1, f"{slug} is empty in the test world"
    for row in rows[1:]:
        assert len(row) == len(names)
        for field, value in zip(schema["fields"], row, strict=True):
            _check_cell(field, value)
    keys = [tuple(row[names.index(k)] for k in schema["primaryKey"]) for row in rows[1:]]
    assert len(keys) == len(set(keys)), "primary key repeated"
    document = client.get(f"{BASE}{slug}.json").json()
    assert document["nombre"] == len(rows) - 1
    assert document["licence"]["nom"] == "Licence Ouverte 2.0"
    assert document["schema"].endswith(f"{BASE}{slug}.schema.json")
    for csv_row, json_row in zip(rows[1:], document["donnees"], strict=True):
        assert list(json_row) == names
        for name, value in zip(names, csv_row, strict=True):
            expected = json_row[name]
            if expected is None:
                assert value == ""
            elif isinstance(expected, bool):
                assert value == str(expected).lower()
            elif isinstance(expected, int | float):
                assert float(value) == pytest.approx(float(expected))
            else:
                assert value == str(expected)
    content = text + json.dumps(document)
    for private in ("caché", "Brouillon", "Réservé aux agents", "Conseil des acteurs"):
        assert private not in content, (slug, private)


def test_the_results_are_the_comparisons_figures(client, world) -> None:
    document = client.get(f"{BASE}resultats-defis.json").json()
    energy = {r["defi"]: r for r in document["donnees"] if r["theme"] == "energie"}
    compared = {r["challenge"]: r for r in comparison_rows(Filters())}
    assert set(energy) == set(compared) == {"Défi Drôme 2024", "Défi Mulhouse"}
    for title, row in energy.items():
        assert row["economies_pct"] == compared[title]["savings_pct"]
        assert row["foyers"] == compared[title]["households"]
        assert row["unite_par_personne"] == "kWh"
        assert row["bilan_url"].startswith("http://testserver/t/")
    assert "Famille" not in json.dumps(document)


def test_the_other_datasets_count_what_the_pages_show(client, world) -> None:
    events = client.get(f"{BASE}evenements.json").json()["donnees"]
    assert [e["titre"] for e in events] == ["Atelier compost"]
    assert events[0]["inscrits"] == 2
    weeks = client.get(f"{BASE}semaines-actions.json").json()["donnees"]
    assert weeks[0]["actions"] == 2  # one accepted action on two dates
    assert weeks[0]["actions_distinctes"] == 1
    assert weeks[0]["temps_valorise_eur"] == 300.0  # 1.5 days × 200 €
    pledges = client.get(f"{BASE}engagements.json").json()["donnees"]
    assert [p["campagne"] for p in pledges] == ["À vélo pour l'école"]
    assert pledges[0]["statut"] == "ouverte"
    resources = client.get(f"{BASE}ressources.json").json()["donnees"]
    titles = [r["titre"] for r in resources]  # with the commons' shipped resources
    assert "Guide du compost partagé" in titles
    assert "Fiche en brouillon" not in titles


def test_the_data_package_lists_every_dataset_with_its_schema(client, world) -> None:
    package = client.get(f"{BASE}datapackage.json").json()
    assert package["licenses"][0]["title"] == "Licence Ouverte 2.0"
    names = [r["name"] for r in package["resources"]]
    assert names == list(opendata.DATASETS)
    for entry in package["resources"]:
        assert client.get(entry["path"].removeprefix("http://testserver")).status_code == 200
        assert client.get(entry["schema"].removeprefix("http://testserver")).status_code == 200
        assert entry["dialect"]["delimiter"] == ","


def test_the_page_lists_the_datasets_and_the_licence(client, world) -> None:
    response = client.get(BASE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Licence Ouverte 2.0" in page
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in page
    for dataset in opendata.DATASETS.values():
        assert escape(dataset.title) in page
        assert f'href="{BASE}{dataset.slug}.csv"' in page
        assert f'href="{BASE}{dataset.slug}.schema.json"' in page
    assert 'href="/donnees-ouvertes/"' in client.get("/").content.decode()


def test_unknown_datasets_are_404(client, world) -> None:
    assert client.get(f"{BASE}foyers.csv").status_code == 404
    assert client.get(f"{BASE}foyers.schema.json").status_code == 404
    assert client.get(f"{BASE}resultats-defis.xml").status_code == 404
    assert client.get("/api/v1/open-data/foyers").status_code == 404


def test_the_api_serves_the_catalogue_and_the_same_rows(client, world) -> None:
    catalogue = client.get("/api/v1/open-data").json()
    assert [d["jeu"] for d in catalogue["jeux"]] == list(opendata.DATASETS)
    assert catalogue["licence"]["nom"] == "Licence Ouverte 2.0"
    for entry in catalogue["jeux"]:
        api = client.get(f"/api/v1/open-data/{entry['jeu']}").json()
        file = client.get(f"{BASE}{entry['jeu']}.json").json()
        assert api["donnees"] == file["donnees"]
        assert [c["name"] for c in entry["colonnes"]] == list(file["donnees"][0])
    schema = client.get("/api/v1/openapi.json").json()
    for route in ("/api/v1/open-data", "/api/v1/open-data/{dataset}", "/api/v1/comparisons"):
        assert route in schema["paths"], route


def test_the_files_read_in_constant_queries(client, world) -> None:
    def count(url: str) -> int:
        cache.clear()  # the rows are kept 30 s: count a computation
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    urls = [f"{BASE}{slug}.csv" for slug in opendata.DATASETS] + [BASE]
    before = [count(url) for url in urls]
    territory = world["territory"]
    for n in range(4):
        closed(territory, year=2020 + n, pct=5.0 + n)
        EventFactory(territory=territory)
        CampaignFactory(territory=territory)
        week = CampaignWeekFactory(territory=territory)
        action_with_dates(0, week=week, status=ActionStatus.ACCEPTED)
        resource()
    assert [count(url) for url in urls] == before


def test_decimals_are_json_numbers() -> None:
    from reports.opendata_views import json_ready

    assert json_ready(Decimal("12.50")) == 12.5
    assert json_ready(dt.date(2026, 1, 2)) == "2026-01-02"


def test_the_rows_are_kept_thirty_seconds_at_most(client, world, settings) -> None:
    first = client.get(f"{BASE}evenements.json").json()["nombre"]
    EventFactory(territory=world["territory"], title="Nouvel atelier")
    assert client.get(f"{BASE}evenements.json").json()["nombre"] == first  # from the cache
    assert opendata.FRESH_SECONDS <= 30
    cache.clear()  # as when the 30 s are over
    assert client.get(f"{BASE}evenements.json").json()["nombre"] == first + 1
