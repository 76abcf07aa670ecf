"""Deleting my account: personal data gone, anonymous aggregates kept."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import rgpd
from accounts.models import Consent, Household, User
from api.models import ApiToken, hash_token
from territories.models import Membership
from tests.factories import ConsentFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:erase")
PASSWORD = "motdepasse-solide-42"


def _erase(client, password=PASSWORD, confirm="on"):
    return client.post(URL, {"password": password, "confirm": confirm})


def test_it_explains_what_is_deleted_and_what_is_kept(owner_client):
    response = owner_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce qui sera effacé" in html
    assert "Ce qui est conservé" in html


def test_it_erases_my_personal_data(owner_client, owner, terms):
    ConsentFactory(user=owner, text=terms)
    MembershipFactory(user=owner)
    raw = ApiToken.generate()
    ApiToken.objects.create(user=owner, name="Tableur", key_hash=hash_token(raw), hint=raw[:8])

    response = _erase(owner_client)

    assert response.status_code == 302
    assert response["Location"] == reverse("territories:home")
    user = User.objects.get(pk=owner.pk)
    assert user.email == f"supprime-{owner.pk}@invalid.elan"
    assert (user.first_name, user.last_name, user.display_name) == ("", "", "")
    assert not user.has_usable_password()
    assert not user.is_active
    assert user.erased_at is not None
    assert user.household is None
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Consent.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    assert not ApiToken.objects.filter(user=user).exists()
    assert "_auth_user_id" not in owner_client.session


def test_it_anonymises_the_household_when_i_was_its_last_member(owner_client, household):
    _erase(owner_client)

    household.refresh_from_db()
    assert household.name == "Foyer supprimé"
    assert household.anonymized_at is not None
    assert (household.adults, household.children, household.housing_type) == (2, 2, "maison")
    assert (household.surface_m2, household.main_heating, household.commune_id) == (
        95,
        "gaz",
        "26108",
    )
    assert Household.objects.count() == 1


def test_it_keeps_the_household_for_the_remaining_members(owner_client, household, housemate):
    _erase(owner_client)

    household.refresh_from_db()
    assert household.name == "Les Martin"
    assert household.anonymized_at is None
    assert list(household.members.all()) == [housemate]


def test_it_prevents_logging_in_afterwards(owner_client, owner):
    _erase(owner_client)

    client = Client()
    for login in (owner.email, f"supprime-{owner.pk}@invalid.elan"):
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert response.status_code == 400
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_it_closes_my_other_sessions(owner_client, owner):
    other_device = Client()
    other_device.force_login(owner)
    assert Session.objects.count() == 2

    _erase(owner_client)

    assert other_device.get(reverse("accounts:dashboard")).status_code == 302
    assert Session.objects.count() == 0


def test_it_runs_the_erasers_registered_by_other_modules(owner_client, owner, monkeypatch):
    erased = []
    monkeypatch.setattr(rgpd, "_erasers", [*rgpd._erasers])
    rgpd.register_eraser(lambda user: erased.append(user.pk))

    _erase(owner_client)

    assert erased == [owner.pk]


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("pas-le-bon", "on", "Mot de passe incorrect."),
        ("", "on", "Ce champ est obligatoire."),
        (PASSWORD, "", "Cochez la case pour confirmer la suppression."),
    ],
)
def test_it_erases_nothing_without_password_and_confirmation(
    owner_client, owner, household, password, confirm, message
):
    response = _erase(owner_client, password=password, confirm=confirm)

    assert response.status_code == 400
    assert message in response.content.decode()
    user = User.objects.get(pk=owner.pk)
    assert user.email == "camille@example.org"
    assert user.is_active
    assert user.household == household
    assert owner_client.get(reverse("accounts:dashboard")).status_code == 200


def test_it_lets_the_same_address_sign_up_again(owner_client, owner):
    _erase(owner_client)

    response = Client().post(
        reverse("account_signup"),
        {
            "email": "camille@example.org",
            "password1": "un-nouveau-mot-de-passe-99",
            "password2": "un-nouveau-mot-de-passe-99",
        },
    )

    assert response.status_code == 302
    assert User.objects.filter(email="camille@example.org").exists()
