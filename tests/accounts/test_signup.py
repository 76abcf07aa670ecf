"""Signup: terms consent, display name, e-mail verification, login limits."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import Consent, User

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2024"


def _signup(client, **extra):
    data = {
        "email": "nouvelle@example.org",
        "display_name": "Nina",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
        **extra,
    }
    return client.post(reverse("account_signup"), data)


def test_it_records_consent_to_the_current_terms_at_signup(client, terms):
    response = _signup(client)

    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    consent = Consent.objects.get(user=user)
    assert consent.text == terms
    assert consent.withdrawn_at is None
    assert user.display_name == "Nina"


def test_it_refuses_signup_without_accepting_the_terms(client, terms):
    response = _signup(client, accept_terms="")

    assert response.status_code == 400
    assert "Pour créer un compte, acceptez les conditions d&#x27;utilisation." in (
        response.content.decode()
    )
    assert not User.objects.filter(email="nouvelle@example.org").exists()


def test_it_signs_up_without_checkbox_when_no_terms_are_published(client):
    page = client.get(reverse("account_signup"))
    response = _signup(client, accept_terms="", display_name="")

    assert "accept_terms" not in page.content.decode()
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    assert user.display_name == ""
    assert not user.consents.exists()


def test_it_verifies_the_email_address_before_first_use(
    client, terms, django_capture_on_commit_callbacks
):
    # The outbox hands the message to its task once the request's work commits.
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert message.subject.startswith("[Élan] ")
    assert "Bonjour," in message.body
    link = re.search(r"https?://testserver(/compte/confirm-email/[^/\s]+/)", message.body)
    assert link, message.body
    assert not EmailAddress.objects.get(email="nouvelle@example.org").verified

    client.get(link.group(1))
    confirmed = client.post(link.group(1))

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_it_does_not_let_an_unverified_address_log_in(client, terms):
    _signup(client)
    client.logout()
    mail.outbox.clear()

    response = client.post(
        reverse("account_login"), {"login": "nouvelle@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_it_blocks_the_sixth_failed_login_attempt(client, owner):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": owner.email, "password": "mauvais"}
        )
        assert response.status_code == 400
        assert "le mot de passe sont incorrects" in response.content.decode()

    response = client.post(
        reverse("account_login"), {"login": owner.email, "password": "motdepasse-solide-42"}
    )

    assert response.status_code == 400
    assert "Trop de tentatives. Réessayez dans 5 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_sends_the_password_reset_email_in_french_through_the_task(
    client, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": owner.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]
    assert mail.outbox[0].subject.startswith("[Élan] ")
    assert "Bonjour," in mail.outbox[0].body
    link = re.search(r"https?://testserver(/compte/password/reset/key/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    new_password = "un-autre-mot-de-passe-77"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )
    owner.refresh_from_db()
    assert "Modifier le mot de passe" in form_page.content.decode()
    assert done.status_code == 302
    assert owner.check_password(new_password)
