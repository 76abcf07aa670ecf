"""What the network gives to the RGPD export and takes away on erasure: the
contact cards and join requests bearing the person's account or address."""

from __future__ import annotations

import pytest

from accounts import rgpd
from accounts.services import account_erase
from network.models import Actor, Contact, ContactLog, JoinRequest
from tests.factories import UserFactory
from tests.network.factories import ContactFactory, ContactLogFactory, JoinRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="lou@repair.example.org")


def test_the_export_lists_contact_cards_and_requests(territory, actor, person) -> None:
    ContactFactory(actor=actor, email="LOU@repair.example.org", role="Trésorière")
    ContactFactory(actor=actor, email="autre@repair.example.org")
    JoinRequestFactory(territory=territory, email="lou@repair.example.org", name="Repair")
    data = rgpd.export_data(person)
    assert [(r["acteur"], r["fonction"]) for r in data["reseau_contacts"]] == [
        ("Repair café de Crest", "Trésorière")
    ]
    assert [r["structure"] for r in data["reseau_demandes_adhesion"]] == ["Repair"]


def test_erasure_removes_the_cards_and_keeps_the_actor_and_its_log(
    territory, actor, person
) -> None:
    card = ContactFactory(actor=actor, email=person.email)
    ContactFactory(actor=actor, user=person, email="autre-adresse@example.org")
    ContactLogFactory(actor=actor, contact=card, subject="Appel")
    request = JoinRequestFactory(territory=territory, email=person.email, phone="06 00 00 00 00")
    account_erase(user=person)
    assert not Contact.objects.exists()
    entry = ContactLog.objects.get()
    assert entry.contact is None
    assert entry.subject == "Appel"
    request.refresh_from_db()
    assert (request.email, request.phone, request.first_name) == ("", "", "")
    assert JoinRequest.objects.get().name == request.name  # the organisation stays
    assert Actor.objects.filter(pk=actor.pk).exists()
