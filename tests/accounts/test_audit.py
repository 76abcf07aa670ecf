"""The log of organisers' access to personal data: exports and pages that
show households, contacts or participants write one entry each; platform
admins read it, nobody edits it; old entries are purged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.audit import purge_access_log
from accounts.models import AccessKind, PersonalDataAccess
from accounts.services import account_erase
from tests.factories import ChallengeFactory, RegistrationFactory, UserFactory
from tests.network.factories import ActorFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_an_export_of_households_is_logged(client, organiser, territory) -> None:
    challenge = ChallengeFactory(territory=territory, title="Défi Hiver sobre")
    RegistrationFactory(challenge=challenge)
    RegistrationFactory(challenge=challenge)
    client.force_login(organiser)
    url = f"/t/val-de-drome/defis/{challenge.slug}/resultats/export.csv"
    response = client.get(url)
    assert response.status_code == 200, url
    entry = PersonalDataAccess.objects.get()
    assert entry.user == organiser
    assert entry.user_label == organiser.email
    assert entry.kind == AccessKind.EXPORT
    assert entry.what == "résultats par foyer du défi « Défi Hiver sobre »"
    assert entry.territory == "val-de-drome"
    assert entry.people == 2
    assert entry.path == url
    # The teams' figures name nobody: not logged.
    client.get(url + "?niveau=equipes")
    assert PersonalDataAccess.objects.count() == 1


def test_the_directory_export_and_an_actor_page_are_logged(client, organiser, territory) -> None:
    actor = ActorFactory(territory=territory, name="Repair café de Crest")
    ContactFactory(actor=actor)
    client.force_login(organiser)
    assert client.get("/t/val-de-drome/reseau/gerer/export/?format=csv").status_code == 200
    assert client.get(f"/t/val-de-drome/reseau/acteurs/{actor.pk}/").status_code == 200
    kinds = list(PersonalDataAccess.objects.order_by("pk").values_list("kind", "what", "people"))
    assert kinds == [
        (AccessKind.EXPORT, "annuaire du réseau avec les contacts", 1),
        (AccessKind.VIEW, "fiche et contacts de « Repair café de Crest »", 1),
    ]


def test_the_candidates_page_is_logged_and_a_refusal_is_not(client, organiser, territory) -> None:
    challenge = ChallengeFactory(territory=territory)
    url = f"/t/val-de-drome/defis/{challenge.slug}/candidatures/"
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(url).status_code in (403, 404)
    assert not PersonalDataAccess.objects.exists()
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    assert PersonalDataAccess.objects.get().what.startswith("candidatures des foyers")


def test_admins_read_the_log_and_nobody_edits_it(client, organiser, territory) -> None:
    challenge = ChallengeFactory(territory=territory)
    client.force_login(organiser)
    client.get(f"/t/val-de-drome/defis/{challenge.slug}/candidatures/")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/accounts/personaldataaccess/")
    assert listing.status_code == 200
    assert organiser.email in listing.content.decode()
    entry = PersonalDataAccess.objects.get()
    assert client.get("/admin/accounts/personaldataaccess/add/").status_code == 403
    assert client.post(f"/admin/accounts/personaldataaccess/{entry.pk}/delete/").status_code == 403
    client.force_login(organiser)
    assert client.get("/admin/accounts/personaldataaccess/").status_code == 302


def test_the_entry_outlives_the_erased_account_and_old_ones_are_purged(
    client, organiser, territory, settings
) -> None:
    challenge = ChallengeFactory(territory=territory)
    client.force_login(organiser)
    client.get(f"/t/val-de-drome/defis/{challenge.slug}/candidatures/")
    email = organiser.email
    account_erase(user=organiser)
    assert PersonalDataAccess.objects.get().user_label == email
    settings.ELAN_ACCESS_LOG_DAYS = 365
    PersonalDataAccess.objects.update(at=timezone.now() - dt.timedelta(days=400))
    assert purge_access_log() == 1
    assert not PersonalDataAccess.objects.exists()
