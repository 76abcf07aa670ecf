"""Inviting people into my household, joining and leaving one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Household
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def _join_url(household):
    return reverse("accounts:household_join", args=[household.invite_token])


@pytest.fixture
def guest(db):
    return UserFactory(email="invite@example.org")


def test_it_shows_the_absolute_invitation_link(owner_client, household):
    response = owner_client.get(reverse("accounts:household_invite"))

    assert response.status_code == 200
    assert f'value="http://testserver{_join_url(household)}"' in response.content.decode()


def test_it_regenerates_the_link_and_the_old_one_stops_working(owner_client, household, guest):
    old_url = _join_url(household)

    response = owner_client.post(reverse("accounts:household_invite"))

    household.refresh_from_db()
    assert response.status_code == 302
    assert _join_url(household) != old_url
    owner_client.force_login(guest)
    assert owner_client.get(old_url).status_code == 404
    assert owner_client.get(_join_url(household)).status_code == 200


def test_it_sends_me_to_create_a_household_before_inviting(client, guest):
    client.force_login(guest)

    response = client.get(reverse("accounts:household_invite"))

    assert response["Location"] == reverse("accounts:household")


def test_it_joins_a_household_after_confirmation(client, household, guest):
    client.force_login(guest)

    page = client.get(_join_url(household))
    guest.refresh_from_db()
    assert guest.household is None
    assert "Les Martin" in page.content.decode()

    response = client.post(_join_url(household))

    guest.refresh_from_db()
    assert response.status_code == 302
    assert guest.household == household


def test_it_asks_anonymous_visitors_to_log_in_first(client, household):
    url = _join_url(household)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_it_answers_404_to_an_invalid_token(client, guest):
    client.force_login(guest)

    response = client.post(reverse("accounts:household_join", args=["pas-un-jeton"]))

    assert response.status_code == 404


def test_it_refuses_to_join_while_in_another_household(client, household):
    mine = HouseholdFactory(name="Mon foyer")
    user = UserFactory(household=mine)
    client.force_login(user)

    page = client.get(_join_url(household))
    response = client.post(_join_url(household))

    user.refresh_from_db()
    assert "quittez d'abord votre foyer actuel" in page.content.decode()
    assert response.status_code == 409
    assert "Vous faites déjà partie d&#x27;un autre foyer" in response.content.decode()
    assert user.household == mine


def test_it_leaves_the_household_and_keeps_it_for_the_others(owner_client, owner, housemate):
    household = owner.household

    response = owner_client.post(reverse("accounts:household_leave"))

    owner.refresh_from_db()
    household.refresh_from_db()
    assert response.status_code == 302
    assert owner.household is None
    assert household.name == "Les Martin"
    assert household.anonymized_at is None


def test_it_anonymises_the_household_when_its_last_member_leaves(owner_client, owner, household):
    token = household.invite_token
    page = owner_client.get(reverse("accounts:household_leave"))

    owner_client.post(reverse("accounts:household_leave"))

    household.refresh_from_db()
    assert "Vous êtes le dernier membre" in page.content.decode()
    assert household.name == "Foyer supprimé"
    assert household.anonymized_at is not None
    assert household.invite_token != token
    assert (household.adults, household.children, household.commune_id) == (2, 2, "26108")
    assert Household.objects.count() == 1
