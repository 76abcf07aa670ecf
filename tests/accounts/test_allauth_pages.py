"""allauth's pages render in French, inside Élan's layout, with accessible forms."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("url_name", "french"),
    [
        ("account_login", "Connexion"),
        ("account_signup", "Création de compte"),
        ("account_reset_password", "Réinitialisation du mot de passe"),
        ("account_email_verification_sent", "Vérifiez votre"),
    ],
)
def test_it_renders_public_allauth_pages_in_french_in_our_layout(db, client, url_name, french):
    response = client.get(reverse(url_name))

    html = response.content.decode()
    assert response.status_code == 200
    assert french in html
    assert 'class="site-header"' in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    ("url_name", "french"),
    [
        ("account_email", "Adresses e-mail"),
        ("account_change_password", "Modifier le mot de passe"),
        ("account_logout", "Êtes-vous sûr(e) de vouloir vous déconnecter ?"),
    ],
)
def test_it_renders_account_management_pages_in_french(owner_client, url_name, french):
    response = owner_client.get(reverse(url_name))

    html = response.content.decode()
    assert response.status_code == 200
    assert french in html
    assert 'class="site-header"' in html


def test_it_ties_labels_to_inputs_and_errors_to_fields_on_login(db, client):
    response = client.post(
        reverse("account_login"), {"login": "personne@example.org", "password": ""}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert '<label for="id_password">' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_password_error"' in html
    assert "Ce champ est obligatoire." in html
