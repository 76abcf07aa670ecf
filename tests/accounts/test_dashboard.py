"""Mon espace and the profile."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:dashboard")


def test_it_shows_my_household_and_my_roles(owner_client, owner):
    territory = TerritoryFactory(name="Val de Drôme", slug="val-de-drome")
    MembershipFactory(user=owner, territory=territory)

    response = owner_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Les Martin" in html
    assert 'href="/t/val-de-drome/"' in html
    assert "Animateur·rice" in html
    assert reverse("accounts:privacy") in html
    assert reverse("api_tokens:list") in html


def test_it_hides_the_api_tokens_link_from_people_without_a_role(owner_client):
    response = owner_client.get(URL)

    assert reverse("api_tokens:list") not in response.content.decode()


def test_it_invites_me_to_create_a_household_when_i_have_none(client):
    client.force_login(UserFactory())

    response = client.get(URL)

    assert reverse("accounts:household") in response.content.decode()
    assert "Créer mon foyer" in response.content.decode()


def test_it_does_not_grow_its_query_count_with_my_roles(
    owner_client, owner, django_assert_max_num_queries
):
    MembershipFactory(user=owner)
    with django_assert_max_num_queries(8) as few:
        owner_client.get(URL)
    for _ in range(10):
        MembershipFactory(user=owner)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = owner_client.get(URL)

    assert response.content.decode().count('class="card"') >= 11


def test_it_edits_my_profile(owner_client, owner):
    response = owner_client.post(
        reverse("accounts:profile"),
        {"first_name": "Camille", "last_name": "Martin", "display_name": "Cam"},
    )

    owner.refresh_from_db()
    assert response.status_code == 302
    assert (owner.first_name, owner.last_name, owner.display_name) == ("Camille", "Martin", "Cam")


def test_it_rejects_a_too_long_display_name(owner_client, owner):
    response = owner_client.post(
        reverse("accounts:profile"), {"first_name": "", "last_name": "", "display_name": "x" * 81}
    )

    owner.refresh_from_db()
    assert response.status_code == 400
    assert "au plus 80 caractères" in response.content.decode()
    assert owner.display_name != "x" * 81
