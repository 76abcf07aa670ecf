"""« Mes défis »: the challenges of the user's household in « Mon espace »."""

from __future__ import annotations

import pytest
from django.urls import reverse

from challenges.models import RegistrationStatus
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("challenges:my_challenges")


def test_it_lists_the_household_challenges_with_their_links(client, territory):
    household = HouseholdFactory()
    user = UserFactory(household=household)
    running = ChallengeFactory(territory=territory, title="Défi énergie", slug="energie")
    team = TeamFactory(challenge=running, name="Les Castors")
    RegistrationFactory(
        challenge=running, household=household, team=team, status=RegistrationStatus.SELECTED
    )
    waiting = ChallengeFactory(territory=territory, title="Défi zéro déchet", slug="dechets")
    RegistrationFactory(challenge=waiting, household=household, status=RegistrationStatus.WAITING)
    ChallengeFactory(territory=territory, title="Défi des voisins", slug="voisins")
    RegistrationFactory(
        challenge=ChallengeFactory(territory=territory, title="Autre foyer", slug="autre"),
        household=HouseholdFactory(),
    )
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert "Défi énergie" in html
    assert "Défi zéro déchet" in html
    assert "Défi des voisins" not in html
    assert "Autre foyer" not in html
    assert "équipe Les Castors" in html
    # Entering readings is offered to the selected challenge only.
    assert html.count("Saisir mes relevés") == 1
    assert reverse("measures:entry", args=[territory.slug, "energie"]) in html


def test_htmx_gets_the_block_alone(client, member):
    client.force_login(member)
    response = client.get(URL, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "ne participe à aucun défi" in html


def test_a_person_without_a_household_sees_an_empty_list(client, outsider):
    client.force_login(outsider)
    assert "ne participe à aucun défi" in client.get(URL).content.decode()


def test_the_dashboard_loads_the_block(client, member):
    client.force_login(member)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'hx-get="{URL}"' in html


def test_the_query_count_does_not_grow_with_the_challenges(
    client, territory, django_assert_num_queries
):
    household = HouseholdFactory()
    user = UserFactory(household=household)
    client.force_login(user)

    def add(n: int) -> None:
        for _ in range(n):
            RegistrationFactory(
                challenge=ChallengeFactory(territory=territory), household=household
            )

    add(1)
    with django_assert_num_queries(3) as one:
        client.get(URL, headers={"HX-Request": "true"})
    add(9)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(URL, headers={"HX-Request": "true"})
