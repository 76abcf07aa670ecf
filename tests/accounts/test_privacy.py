"""The privacy page and consents."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ConsentFactory, ConsentTextFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:privacy")


def test_it_shows_a_built_in_policy_to_visitors(client):
    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Politique de confidentialité" in html
    assert "Ce qu&#x27;Élan enregistre" in html or "Ce qu'Élan enregistre" in html
    assert reverse("accounts:export") not in html


def test_it_shows_the_published_privacy_text_when_there_is_one(client):
    ConsentTextFactory(
        key="confidentialite", version=3, title="Notre politique", body="Texte officiel."
    )

    response = client.get(URL)

    assert "Notre politique" in response.content.decode()
    assert "Texte officiel." in response.content.decode()


def test_it_lists_my_consents_with_a_withdraw_button_when_withdrawable(owner_client, owner, terms):
    data_use = ConsentTextFactory(key="defi-donnees", version=1, title="Partage de mes relevés")
    ConsentFactory(user=owner, text=terms)
    ConsentFactory(user=owner, text=data_use)
    ConsentFactory(user=UserFactory(), text=ConsentTextFactory(key="autre", title="Pas à moi"))

    response = owner_client.get(URL)

    html = response.content.decode()
    assert "Partage de mes relevés" in html
    assert "Pas à moi" not in html
    assert html.count("Retirer mon consentement") == 1
    assert reverse("accounts:export") in html
    assert reverse("accounts:erase") in html


def test_it_withdraws_a_consent(owner_client, owner):
    consent = ConsentFactory(user=owner, text=ConsentTextFactory(key="defi-donnees"))

    response = owner_client.post(reverse("accounts:consent_withdraw", args=[consent.pk]))

    consent.refresh_from_db()
    assert response.status_code == 302
    assert consent.withdrawn_at is not None


def test_it_does_not_withdraw_the_terms(owner_client, owner, terms):
    consent = ConsentFactory(user=owner, text=terms)

    owner_client.post(reverse("accounts:consent_withdraw", args=[consent.pk]))

    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_it_answers_404_for_someone_elses_consent(owner_client):
    consent = ConsentFactory(user=UserFactory(), text=ConsentTextFactory(key="defi-donnees"))

    response = owner_client.post(reverse("accounts:consent_withdraw", args=[consent.pk]))

    consent.refresh_from_db()
    assert response.status_code == 404
    assert consent.withdrawn_at is None
