"""Segments of the network (network/segments.py), the one definition of
« who gets it » for newsletters and invitations: each criterion, OR within
a criterion and AND across, trained actors and council attendance as the
events engine marks it, contacts without an address, unsubscribed from the
list or from every list, an address shared by two contacts, a stored
segment with values that no longer exist, and a constant number of
queries whatever the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.mail import ALL, unsubscribe
from accounts.models import SuppressionSource
from events.models import Attendance, Audience, EventKind
from network import segments
from network.models import ActorKind, Invitation, MembershipStatus
from network.segments import Segment
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import CommuneFactory
from tests.network.factories import (
    ActorFactory,
    ActorThemeFactory,
    ContactFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db

SCOPE = "newsletter:val-de-drome"


def names(territory, segment: Segment) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(a.name for a in segments.actors(territory, segment))


def recipients(territory, segment: Segment | None = None, scope: str = SCOPE):  # type: ignore[no-untyped-def]
    return segments.recipients(territory, segment or Segment(), scope=scope)


def emails(found) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(c.email for c in found.recipients)


def attended(actor, kind: str, attendance: str = Attendance.PRESENT):  # type: ignore[no-untyped-def]
    """A contact of `actor` invited to a meeting of `kind`, with that attendance."""
    event = EventFactory(
        territory=actor.territory, kind=kind, audience=Audience.INVITATION, theme="dechets"
    )
    contact = ContactFactory(actor=actor)
    registration = EventRegistrationFactory(
        event=event, user=None, name=contact.full_name, email=contact.email, attendance=attendance
    )
    return Invitation.objects.create(
        event=event, actor=actor, contact=contact, registration=registration
    )


@pytest.fixture
def die(territory):  # type: ignore[no-untyped-def]
    commune = CommuneFactory(insee_code="26113", name="Die", postal_codes=" 26150")
    territory.communes.add(commune)
    return commune


@pytest.fixture
def network(territory, die):  # type: ignore[no-untyped-def]
    """Four actors of various kinds, themes, communes and memberships."""
    crest = territory.communes.get(insee_code="26108")
    mairie = ActorFactory(
        territory=territory, name="Mairie de Crest", kind=ActorKind.COMMUNE, commune=crest
    )
    jardins = ActorFactory(territory=territory, name="Jardins partagés", commune=crest)
    repair = ActorFactory(territory=territory, name="Repair café", commune=die)
    cagette = ActorFactory(
        territory=territory, name="La Cagette", kind=ActorKind.COMPANY, commune=die
    )
    ActorThemeFactory(actor=jardins, theme="dechets")
    ActorThemeFactory(actor=jardins, theme="alimentation")
    ActorThemeFactory(actor=repair, theme="dechets")
    ActorThemeFactory(actor=cagette, theme="alimentation")
    MembershipFactory(actor=mairie, status=MembershipStatus.MEMBER)
    MembershipFactory(actor=jardins, status=MembershipStatus.LEFT)
    MembershipFactory(actor=jardins, status=MembershipStatus.MEMBER)  # the latest counts
    MembershipFactory(actor=repair, status=MembershipStatus.CANDIDATE)
    return {"mairie": mairie, "jardins": jardins, "repair": repair, "cagette": cagette}


# --- each criterion ------------------------------------------------------------------------


def test_no_criterion_is_every_actor_of_the_territory_only(territory, other_territory, network):
    ActorFactory(territory=other_territory, name="Voisin")
    assert Segment().is_everyone
    assert names(territory, Segment()) == [
        "Jardins partagés",
        "La Cagette",
        "Mairie de Crest",
        "Repair café",
    ]


def test_kinds_are_or_ed(territory, network) -> None:
    segment = Segment(kinds=(ActorKind.COMMUNE, ActorKind.COMPANY))
    assert not segment.is_everyone
    assert names(territory, segment) == ["La Cagette", "Mairie de Crest"]


def test_themes_are_or_ed_and_an_actor_with_two_themes_comes_once(territory, network) -> None:
    assert names(territory, Segment(themes=("dechets",))) == ["Jardins partagés", "Repair café"]
    assert names(territory, Segment(themes=("dechets", "alimentation"))) == [
        "Jardins partagés",
        "La Cagette",
        "Repair café",
    ]


def test_communes(territory, network, die) -> None:
    assert names(territory, Segment(communes=(die.pk,))) == ["La Cagette", "Repair café"]


def test_membership_status_is_the_current_one(territory, network) -> None:
    members = Segment(statuses=(MembershipStatus.MEMBER,))
    assert names(territory, members) == ["Jardins partagés", "Mairie de Crest"]
    left = Segment(statuses=(MembershipStatus.LEFT,))
    assert names(territory, left) == []
    candidates = Segment(statuses=(MembershipStatus.CANDIDATE, MembershipStatus.MEMBER))
    assert names(territory, candidates) == ["Jardins partagés", "Mairie de Crest", "Repair café"]


def test_trained_means_present_at_a_relay_training(territory, network) -> None:
    attended(network["repair"], EventKind.RELAY_TRAINING)
    attended(network["jardins"], EventKind.RELAY_TRAINING, Attendance.ABSENT)
    attended(network["cagette"], EventKind.ACTOR_COUNCIL)  # a council is no training
    assert names(territory, Segment(trained=segments.YES)) == ["Repair café"]
    assert names(territory, Segment(trained=segments.NO)) == [
        "Jardins partagés",
        "La Cagette",
        "Mairie de Crest",
    ]


def test_council_attendance(territory, network) -> None:
    attended(network["mairie"], EventKind.ACTOR_COUNCIL)
    attended(network["mairie"], EventKind.ACTOR_COUNCIL, Attendance.ABSENT)
    attended(network["jardins"], EventKind.ACTOR_COUNCIL, Attendance.EXCUSED)
    attended(network["repair"], EventKind.TECHNICAL_MEETING)  # not a council
    assert names(territory, Segment(council=segments.PRESENT)) == ["Mairie de Crest"]
    assert names(territory, Segment(council=segments.ABSENT)) == [
        "Jardins partagés",
        "La Cagette",
        "Repair café",
    ]


def test_criteria_are_and_ed(territory, network, die) -> None:
    attended(network["repair"], EventKind.RELAY_TRAINING)
    segment = Segment(themes=("dechets",), communes=(die.pk,))
    assert names(territory, segment) == ["Repair café"]
    segment = Segment(kinds=(ActorKind.ASSOCIATION,), statuses=(MembershipStatus.MEMBER,))
    assert names(territory, segment) == ["Jardins partagés"]
    segment = Segment(kinds=(ActorKind.ASSOCIATION,), trained=segments.YES)
    assert names(territory, segment) == ["Repair café"]
    assert names(territory, Segment(kinds=(ActorKind.COMMUNE,), themes=("dechets",))) == []


# --- recipients ----------------------------------------------------------------------------------


def test_contacts_without_an_address_are_left_out_and_listed(territory, network) -> None:
    ContactFactory(actor=network["repair"], email="karim@repair.example.org")
    sans = ContactFactory(actor=network["repair"], first_name="Sans", email="")
    found = recipients(territory)
    assert emails(found) == ["karim@repair.example.org"]
    assert found.without_email == [sans]
    assert found.actors_count == 1


def test_unsubscribed_from_the_list_or_from_every_list_are_left_out(territory, network) -> None:
    ContactFactory(actor=network["jardins"], email="lou@jardins.example.org")
    liste = ContactFactory(actor=network["jardins"], email="Liste@Jardins.example.org")
    tout = ContactFactory(actor=network["repair"], email="tout@repair.example.org")
    ContactFactory(actor=network["repair"], email="autre@repair.example.org")
    unsubscribe(email="liste@jardins.example.org", scope=SCOPE, source=SuppressionSource.LINK)
    unsubscribe(email="tout@repair.example.org", scope=ALL, source=SuppressionSource.ONE_CLICK)
    # Unsubscribed from another list only: still on this one.
    unsubscribe(
        email="autre@repair.example.org",
        scope="network-invitations:val-de-drome",
        source=SuppressionSource.LINK,
    )
    found = recipients(territory)
    assert emails(found) == ["autre@repair.example.org", "lou@jardins.example.org"]
    assert sorted(c.pk for c in found.unsubscribed) == sorted([liste.pk, tout.pk])
    other_list = recipients(territory, scope="network-invitations:val-de-drome")
    assert "liste@jardins.example.org" in [c.email.lower() for c in other_list.recipients]
    assert "autre@repair.example.org" not in emails(other_list)


def test_an_address_shared_by_two_contacts_gets_one_message(territory, network) -> None:
    first = ContactFactory(actor=network["jardins"], email="accueil@crest.example.org")
    ContactFactory(actor=network["mairie"], email="Accueil@Crest.example.org ")
    found = recipients(territory)
    assert [c.pk for c in found.recipients] == [first.pk]  # the first in the list's order
    assert found.duplicates == 1


def test_contacts_come_in_the_order_of_the_actors(territory, network) -> None:
    ContactFactory(actor=network["repair"], last_name="Zola", email="z@example.org")
    ContactFactory(actor=network["jardins"], last_name="Martin", email="m@example.org")
    ContactFactory(actor=network["jardins"], last_name="Abel", email="a@example.org")
    found = recipients(territory)
    assert [c.email for c in found.recipients] == [
        "a@example.org",
        "m@example.org",
        "z@example.org",
    ]


def test_the_query_count_does_not_grow_with_the_data(territory, network) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            recipients(territory, Segment(statuses=(MembershipStatus.MEMBER,), trained=segments.NO))
        return len(queries)

    for actor in network.values():
        ContactFactory(actor=actor)
    few = count()
    for n in range(30):
        actor = ActorFactory(territory=territory, name=f"Acteur {n}")
        MembershipFactory(actor=actor)
        ContactFactory(actor=actor)
        ContactFactory(actor=actor, email="")
        if n % 3 == 0:
            unsubscribe(
                email=ContactFactory(actor=actor).email, scope=SCOPE, source=SuppressionSource.LINK
            )
    assert count() == few


# --- stored segments -----------------------------------------------------------------------------------


def test_from_dict_keeps_known_values_and_drops_the_others() -> None:
    segment = Segment.from_dict(
        {
            "kinds": ["association", "vaisseau_spatial", "association"],
            "themes": "dechets",
            "communes": [" 26108 ", ""],
            "statuses": ["membre", "roi"],
            "trained": "peut-être",
            "council": "present",
            "couleur": "vert",
        }
    )
    assert segment == Segment(
        kinds=("association",),
        themes=("dechets",),
        communes=("26108",),
        statuses=("membre",),
        trained="",
        council="present",
    )
    assert Segment.from_dict(None) == Segment() == Segment.from_dict({})
    assert Segment.from_dict({"trained": ["oui"], "council": {"a": 1}}) == Segment()


@pytest.mark.parametrize(
    "stored",
    [
        {"kinds": 3},
        {"communes": 5, "themes": {"dechets": 1}},
        {"statuses": [None, 1, ["membre"]], "communes": [{"a": 1}, None]},
        ["association"],
        "association",
    ],
)
def test_from_dict_never_breaks_on_a_hand_edited_value(stored) -> None:  # type: ignore[no-untyped-def]
    segment = Segment.from_dict(stored)
    assert segment.kinds == segment.themes == segment.statuses == ()
    assert segment.communes in ((), ("5",))


def test_a_segment_survives_its_round_trip_through_json() -> None:
    segment = Segment(kinds=("commune", "association"), themes=("eau",), trained=segments.YES)
    assert Segment.from_dict(segment.as_dict()) == Segment(
        kinds=("association", "commune"), themes=("eau",), trained=segments.YES
    )
    assert Segment().as_dict() == {
        "kinds": [],
        "themes": [],
        "communes": [],
        "statuses": [],
        "trained": "",
        "council": "",
    }


def test_describe_says_the_segment_in_french() -> None:
    assert segments.describe(Segment()) == ["Tous les contacts du réseau"]
    words = segments.describe(
        Segment(kinds=("association",), themes=("dechets",), trained=segments.NO, council="absent")
    )
    assert words == [
        "Types : Association",
        "Thèmes : Déchets",
        "Acteurs pas encore formés",
        "Jamais venus à un conseil des acteurs",
    ]
