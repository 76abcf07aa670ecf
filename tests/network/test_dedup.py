"""Is this actor already in the directory? SIRET first, then RNA, then the
normalised name in the same commune, then a contact's e-mail address."""

from __future__ import annotations

import pytest

from network.dedup import find_actor, find_contact
from tests.factories import CommuneFactory, TerritoryFactory
from tests.network.factories import ActorFactory, ContactFactory

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


@pytest.fixture
def known(territory):  # type: ignore[no-untyped-def]
    crest = territory.communes.get()
    by_siret = ActorFactory(territory=territory, name="La Cagette", siret=SIRET, commune=crest)
    by_rna = ActorFactory(territory=territory, name="Les Colibris", rna="W261000123", commune=crest)
    ContactFactory(actor=by_rna, email="lou@colibris.example.org")
    return {"siret": by_siret, "rna": by_rna, "crest": crest}


def test_the_siret_wins_over_everything(territory, known) -> None:
    match = find_actor(
        territory=territory,
        name="Les Colibris",
        commune=known["crest"],
        siret="732 829 320 00074",
        rna="W261000123",
    )
    assert (match.actor, match.rule) == (known["siret"], "siret")
    assert match.reason == "même SIRET"


def test_then_the_rna(territory, known) -> None:
    match = find_actor(territory=territory, name="Autre", rna="w261000123")
    assert (match.actor, match.rule) == (known["rna"], "rna")


def test_then_the_name_in_the_same_commune(territory, known) -> None:
    match = find_actor(territory=territory, name="Association colibris", commune=known["crest"])
    assert (match.actor, match.rule) == (known["rna"], "name")
    elsewhere = CommuneFactory(insee_code="26289")
    assert find_actor(territory=territory, name="Association colibris", commune=elsewhere) is None


def test_then_a_contact_s_e_mail(territory, known) -> None:
    match = find_actor(
        territory=territory, name="Inconnu", contact_email=" LOU@colibris.example.org "
    )
    assert (match.actor, match.rule) == (known["rna"], "email")


def test_nothing_in_another_territory(known) -> None:
    assert find_actor(territory=TerritoryFactory(), siret=SIRET) is None


def test_an_actor_is_not_its_own_duplicate(territory, known) -> None:
    assert find_actor(territory=territory, siret=SIRET, exclude=known["siret"]) is None


def test_contacts_by_e_mail_whatever_the_case(known) -> None:
    actor = known["rna"]
    assert find_contact(actor=actor, email="Lou@Colibris.example.org").actor == actor
    assert find_contact(actor=actor, email="") is None
