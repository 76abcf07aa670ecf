"""The back office pages of accounts render and create users without username."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:accounts_user_changelist",
        "admin:accounts_user_add",
        "admin:accounts_household_changelist",
        "admin:accounts_consenttext_changelist",
        "admin:accounts_consent_changelist",
    ],
)
def test_it_renders_the_admin_lists(admin_client, owner, terms, url_name):
    ConsentFactory(user=owner, text=terms)

    response = admin_client.get(reverse(url_name), {"q": "camille"})

    assert response.status_code == 200


def test_it_renders_change_pages(admin_client, owner, household):
    user_page = admin_client.get(reverse("admin:accounts_user_change", args=[owner.pk]))
    household_page = admin_client.get(
        reverse("admin:accounts_household_change", args=[household.pk])
    )

    assert user_page.status_code == 200
    assert household_page.status_code == 200
    assert "camille@example.org" in household_page.content.decode()


def test_it_adds_a_user_with_email_and_password(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "nouvelle@example.org",
            "password1": "un-mot-de-passe-solide-77",
            "password2": "un-mot-de-passe-solide-77",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="nouvelle@example.org").check_password(
        "un-mot-de-passe-solide-77"
    )
