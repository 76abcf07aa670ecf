"""The territory's activity dashboard and the regional side-by-side one:
figures from the data, what needs attention with where to act, sorting,
exports, permissions, and queries that do not grow with the territories."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from challenges.models import RegistrationStatus, Theme
from commons.models import Feedback
from network.models import ActionStatus
from reports import dashboards
from tests.commons.factories import resource
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import (
    ChallengeFactory,
    CoordinatorFactory,
    HouseholdFactory,
    MembershipFactory,
    MeterFactory,
    ReadingFactory,
    RegionFactory,
    RegistrationFactory,
    TeamFactory,
    TerritoryFactory,
    UserFactory,
)
from tests.network.campaign_factories import CampaignWeekFactory, action_with_dates
from tests.network.factories import JoinRequestFactory, member_actor
from tests.pledges.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def busy(territory, *, title: str = "Défi Hiver sobre") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A territory with one of everything that needs attention."""
    today = timezone.localdate()
    challenge = ChallengeFactory(
        territory=territory,
        title=title,
        themes=[Theme.ENERGY],
        starts_on=today - dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=60),
        registration_opens_on=today - dt.timedelta(days=100),
        registration_closes_on=today - dt.timedelta(days=41),
    )
    big = TeamFactory(challenge=challenge, name="Les Sobres")
    small = TeamFactory(challenge=challenge, name="Les Solitaires")
    for n in range(3):
        household = HouseholdFactory(name=f"Famille à jour {n}")
        RegistrationFactory(
            challenge=challenge, household=household, team=big, status=RegistrationStatus.SELECTED
        )
        meter = MeterFactory(household=household)
        ReadingFactory(meter=meter, read_on=today - dt.timedelta(days=2), value=1200)
        ReadingFactory(meter=meter, read_on=challenge.starts_on, value=1000)
    RegistrationFactory(  # never read its meter: late
        challenge=challenge,
        household=HouseholdFactory(name="Famille en retard"),
        team=small,
        status=RegistrationStatus.SELECTED,
    )
    RegistrationFactory(challenge=challenge, status=RegistrationStatus.CANDIDATE, team=None)
    now = timezone.now()
    short = EventFactory(
        territory=territory, title="Atelier compost", starts_at=now + dt.timedelta(days=5)
    )
    EventRegistrationFactory(event=short)
    full = EventFactory(
        territory=territory,
        title="Balade thermique",
        starts_at=now + dt.timedelta(days=6),
        capacity=6,
    )
    for _ in range(5):
        EventRegistrationFactory(event=full)
    EventFactory(territory=territory, title="Plus tard", starts_at=now + dt.timedelta(days=60))
    CampaignFactory(territory=territory, title="À vélo", deadline=now + dt.timedelta(days=7))
    CampaignFactory(territory=territory, title="Covoiturage", deadline=now + dt.timedelta(days=60))
    member_actor(territory, days_since_contact=200, name="Commune oubliée")
    member_actor(territory, days_since_contact=10, name="Commune suivie")
    JoinRequestFactory(territory=territory)
    week = CampaignWeekFactory(territory=territory)
    action_with_dates(0, week=week, status=ActionStatus.SUBMITTED)
    Feedback.objects.create(
        resource=resource(title="Guide du compost"),
        territory=territory,
        context="Testé dans trois quartiers.",
        usefulness=4,
    )
    return {"challenge": challenge}


def test_the_figures_come_from_the_data(territory) -> None:
    busy(territory)
    figures = dashboards.territory_figures([territory])[0]
    assert figures.values == {
        "challenges": 1,
        "households": 4,
        "households_late": 1,
        "small_teams": 1,
        "candidates": 1,
        "events": 3 - 1,  # the one in 60 days is not in the next 30
        "events_short": 1,  # 1 registered in 5 days; the other is 5/6 full
        "campaigns": 2,
        "pledges": 0,
        "campaigns_soon": 1,
        "members": 2,
        "overdue": 1,
        "join_requests": 1,
        "actions_to_moderate": 1,
        "feedback": 1,
    }
    assert figures.alerts == 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1


def test_the_dashboard_counts_the_households_statuses_once(territory) -> None:
    """`running` given the territory's figures reuses their counts of households:
    the same rows as computing them again, without the statuses' queries."""
    world = busy(territory)
    now = timezone.now()
    figures = dashboards.territory_figures([territory], now=now)[0]
    assert figures.challenges == {world["challenge"].pk: (4, 1)}
    alone = dashboards.running(territory, now=now)
    with CaptureQueriesContext(connection) as reused:
        shared = dashboards.running(territory, now=now, figures=figures)
    with CaptureQueriesContext(connection) as again:
        dashboards.running(territory, now=now)
    assert shared["challenges"] == alone["challenges"]
    assert shared["challenges"][0]["households"] == 4
    assert shared["challenges"][0]["late"] == 1
    assert len(reused) < len(again)


def test_the_organiser_sees_what_needs_attention_with_where_to_act(
    client, territory, organiser
) -> None:
    world = busy(territory)
    client.force_login(organiser)
    response = client.get("/t/val-de-drome/animation/suivi/")
    assert response.status_code == 200
    page = text(response)
    assert "1 foyer en retard de relevés dans « Défi Hiver sobre »" in page
    assert "L'équipe « Les Solitaires » de « Défi Hiver sobre » compte moins de 3 foyers" in page
    assert "« Atelier compost » le" in page
    assert "« À vélo » : 0 engagé·es sur 200" in page
    assert "1 membre du réseau sans contact depuis plus de 90 jours" in page
    assert "1 demande d'adhésion à examiner" in page
    assert "1 action de semaine à relire" in page
    assert 'href="/t/val-de-drome/reseau/gerer/a-recontacter/"' in page
    assert f'href="/t/val-de-drome/defis/{world["challenge"].slug}/equipes/"' in page
    assert "peu rempli" in page
    assert "Plus tard" not in page
    assert "Famille en retard" not in page  # counts, not names, on this page


def test_a_quiet_territory_says_so(client, territory, organiser) -> None:
    client.force_login(organiser)
    page = text(client.get("/t/val-de-drome/animation/suivi/"))
    assert "Rien à signaler aujourd'hui" in page
    assert "Aucun défi en cours." in page


def test_the_dashboard_is_for_the_territorys_organisers_and_coordinators(
    client, territory, organiser, other_organiser
) -> None:
    url = "/t/val-de-drome/animation/suivi/"
    assert client.get(url).status_code == 302
    member = UserFactory()
    MembershipFactory(user=member, territory=territory, role="actor_contact")
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(other_organiser)
    assert client.get(url).status_code == 403
    coordinator = UserFactory()
    CoordinatorFactory(user=coordinator, region=territory.region)
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    assert client.get("/t/inconnu/animation/suivi/").status_code == 404


@pytest.fixture
def region_world(territory):  # type: ignore[no-untyped-def]
    busy(territory)
    calm = TerritoryFactory(name="Aaa tranquille", slug="tranquille", region=territory.region)
    other = TerritoryFactory(
        name="Ailleurs", slug="ailleurs", region=RegionFactory(code="44", name="Grand Est")
    )
    busy(other, title="Défi d'ailleurs")
    coordinator = UserFactory()
    CoordinatorFactory(user=coordinator, region=territory.region)
    return {"calm": calm, "coordinator": coordinator, "region": territory.region}


def test_the_regional_dashboard_puts_the_territories_side_by_side(client, region_world) -> None:
    client.force_login(region_world["coordinator"])
    response = client.get("/regions/84/tableau-de-bord/")
    assert response.status_code == 200
    page = text(response)
    assert "2 territoires · 8 points d'attention" in page
    assert "Ailleurs" not in page  # another region
    names = [r["figures"].territory.name for r in response.context["rows"]]
    assert names == ["Val de Drôme", "Aaa tranquille"]  # most alerts first
    assert 'aria-sort="descending"' in page
    by_name = client.get("/regions/84/tableau-de-bord/?tri=territoire&ordre=asc")
    assert [r["figures"].territory.name for r in by_name.context["rows"]] == [
        "Aaa tranquille",
        "Val de Drôme",
    ]
    assert 'aria-sort="ascending"' in text(by_name)
    late = client.get("/regions/84/tableau-de-bord/?tri=households_late&ordre=asc")
    assert late.context["rows"][0]["figures"].territory.name == "Aaa tranquille"
    bad = client.get("/regions/84/tableau-de-bord/?tri=<script>&ordre=n'importe")
    assert bad.status_code == 200
    assert "<script>" not in text(bad).split("<main")[1]


def test_the_regional_table_exports_with_the_same_figures(client, region_world) -> None:
    client.force_login(region_world["coordinator"])
    response = client.get("/regions/84/tableau-de-bord/export/?format=csv&tri=territoire&ordre=asc")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Territoire", "Points d'attention", "Défis en cours"]
    assert [r[0] for r in rows[1:]] == ["Aaa tranquille", "Val de Drôme"]
    assert rows[2][1] == "8"
    for fmt in ("xlsx", "ods"):
        assert client.get(f"/regions/84/tableau-de-bord/export/?format={fmt}").status_code == 200
    assert client.get("/regions/84/tableau-de-bord/export/?format=pdf").status_code == 400
    page = client.get("/regions/84/tableau-de-bord/?tri=territoire").content.decode()
    assert 'href="/regions/84/tableau-de-bord/export/?format=xlsx&amp;tri=territoire"' in page


def test_only_the_regions_coordinators_see_it(client, region_world, organiser) -> None:
    url = "/regions/84/tableau-de-bord/"
    assert client.get(url).status_code == 302
    client.force_login(organiser)
    assert client.get(url).status_code == 403
    elsewhere = UserFactory()
    CoordinatorFactory(user=elsewhere, region=RegionFactory(code="44", name="Grand Est"))
    client.force_login(elsewhere)
    assert client.get(url).status_code == 403
    assert client.get("/regions/44/tableau-de-bord/").status_code == 200
    assert client.get("/regions/99/tableau-de-bord/").status_code == 404


def test_the_coordinators_space_links_to_their_region(client, region_world) -> None:
    client.force_login(region_world["coordinator"])
    page = text(client.get("/compte/"))
    assert 'href="/regions/84/tableau-de-bord/"' in page


def test_the_regional_dashboard_reads_in_constant_queries(client, region_world) -> None:
    client.force_login(region_world["coordinator"])
    url = "/regions/84/tableau-de-bord/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3):
        busy(TerritoryFactory(slug=f"autre-{n}", region=region_world["region"]), title=f"Défi {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
