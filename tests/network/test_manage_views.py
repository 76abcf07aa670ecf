"""The organisers' pages: the directory and its filters, the overdue list,
a new actor (bad input answered next to the field), members by right, the
charter; each as the organiser, an outsider and an organiser of another
territory. The number of queries of the directory and of the overdue list
does not grow with the number of actors."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import Actor, ActorKind, Charter, MembershipStatus
from tests.factories import CommuneFactory
from tests.network.factories import (
    ActorFactory,
    ActorThemeFactory,
    ContactFactory,
    MembershipFactory,
    member_actor,
)

pytestmark = pytest.mark.django_db

SLUG = "val-de-drome"


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def url(name: str, *args: object, **query: str) -> str:
    address = reverse(f"network:{name}", args=[SLUG, *args])
    if query:
        address += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return address


@pytest.fixture
def as_organiser(client, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    return client


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row["actor"].name for row in response.context["rows"]]


def test_the_directory_filters_by_type_theme_commune_and_status(as_organiser, territory) -> None:
    crest = territory.communes.get()
    saillans = CommuneFactory(insee_code="26289", name="Saillans")
    territory.communes.add(saillans)
    compost = member_actor(territory, name="Compost Crest", commune=crest, days_since_contact=10)
    ActorThemeFactory(actor=compost, theme="dechets")
    company = member_actor(territory, name="La Cagette", kind=ActorKind.COMPANY, commune=saillans)
    prospect = ActorFactory(territory=territory, name="Le Prospect")
    candidate = ActorFactory(territory=territory, name="Candidat Club")
    MembershipFactory(actor=candidate, status=MembershipStatus.CANDIDATE)
    ActorFactory(territory=ActorFactory().territory, name="Ailleurs")  # another territory

    assert sorted(names(as_organiser.get(url("manage")))) == sorted(
        [compost.name, company.name, prospect.name, candidate.name]
    )
    assert names(as_organiser.get(url("manage", theme="dechets"))) == [compost.name]
    assert names(as_organiser.get(url("manage", kind="entreprise"))) == [company.name]
    assert names(as_organiser.get(url("manage", commune="26289"))) == [company.name]
    assert names(as_organiser.get(url("manage", status="candidat"))) == [candidate.name]
    assert names(as_organiser.get(url("manage", status="aucune"))) == [prospect.name]
    assert names(as_organiser.get(url("manage", overdue="on"))) == [company.name]
    assert names(as_organiser.get(url("manage", q="cagette"))) == [company.name]


def test_a_bad_filter_is_reported_and_the_others_apply(as_organiser, territory) -> None:
    member_actor(territory, name="La Cagette", kind=ActorKind.COMPANY)
    response = as_organiser.get(url("manage", kind="entreprise", theme="inconnu"))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in text(response)
    assert names(response) == ["La Cagette"]


def _many(territory, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        actor = member_actor(territory, name=f"Acteur {i}", days_since_contact=100 + i)
        ActorThemeFactory(actor=actor, theme="dechets")
        ContactFactory(actor=actor)


# Session, user, roles, territory, communes of the filter, count, page of
# actors, themes, tags, pending requests.
DIRECTORY_QUERIES = 10
# The same without the communes of the filter.
OVERDUE_QUERIES = 9


@pytest.mark.parametrize("size", [5, 50])
def test_the_directory_query_count_is_constant(
    as_organiser, territory, django_assert_num_queries, size
) -> None:
    _many(territory, size)
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = as_organiser.get(url("manage", theme="dechets"))
    assert len(response.context["rows"]) == size


@pytest.mark.parametrize("size", [5, 50])
def test_the_overdue_list_query_count_is_constant(
    as_organiser, territory, django_assert_num_queries, size
) -> None:
    _many(territory, size)
    with django_assert_num_queries(OVERDUE_QUERIES):
        response = as_organiser.get(url("overdue"))
    assert len(response.context["rows"]) == size


def test_the_overdue_list_takes_its_delay_from_the_address(as_organiser, territory) -> None:
    member_actor(territory, name="Il y a 100 jours", days_since_contact=100)
    member_actor(territory, name="Il y a 40 jours", days_since_contact=40)
    assert names(as_organiser.get(url("overdue"))) == ["Il y a 100 jours"]
    response = as_organiser.get(url("overdue", jours="30"))
    assert names(response) == ["Il y a 100 jours", "Il y a 40 jours"]
    assert "2 membres à recontacter" in text(response)
    bad = as_organiser.get(url("overdue", jours="-3"))
    assert bad.status_code == 400
    assert names(bad) == ["Il y a 100 jours"]  # the default of 90 days


def test_organisers_only(client, territory, member, other_organiser) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url("manage"))
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]
    for user in (member, other_organiser):
        client.force_login(user)
        assert client.get(url("manage")).status_code == 403
        assert client.get(url("actor_create")).status_code == 403


def test_the_coordinator_reads_but_does_not_change(client, territory, coordinator) -> None:
    actor = member_actor(territory, name="Repair café")
    ContactFactory(actor=actor, email="lou@repair.example.org")
    client.force_login(coordinator)
    assert client.get(url("manage")).status_code == 200
    assert client.get(url("overdue")).status_code == 200
    page = client.get(url("actor_detail", actor.pk))
    assert page.status_code == 200
    assert "lou@repair.example.org" not in text(page)  # people are for organisers
    assert client.get(url("actor_create")).status_code == 403
    assert client.get(url("join_requests")).status_code == 403


def test_a_new_actor_with_a_bad_siret_is_answered_next_to_the_field(
    as_organiser, territory
) -> None:
    data = {
        "name": "La Cagette",
        "kind": "entreprise",
        "siret": "732 829 320 00075",
        "commune": "26108",
    }
    response = as_organiser.post(url("actor_create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["siret"] == [
        "Ce SIRET n'existe pas : un chiffre est erroné (clé de contrôle invalide)."
    ]
    assert 'value="La Cagette"' in response.content.decode()  # nothing lost
    assert not Actor.objects.exists()


def test_an_organiser_adds_an_actor(as_organiser, territory) -> None:
    data = {
        "name": "La Cagette",
        "kind": "entreprise",
        "siret": "73282932000074",
        "commune": "Crest (26400)",
        "themes": ["dechets", "alimentation"],
        "tags": "vrac, zéro déchet",
        "listed": "on",
    }
    response = as_organiser.post(url("actor_create"), data)
    actor = Actor.objects.get()
    assert response["Location"] == url("actor_detail", actor.pk)
    assert (actor.commune_id, actor.listed) == ("26108", True)
    assert sorted(actor.theme_codes) == ["alimentation", "dechets"]
    assert sorted(actor.tag_labels) == ["vrac", "zéro déchet"]


def test_an_arrondissement_code_is_its_city(as_organiser, territory) -> None:
    CommuneFactory(insee_code="75056", name="Paris", postal_codes=" 75001 75012")
    as_organiser.post(
        url("actor_create"), {"name": "Siège", "kind": "entreprise", "commune": "75112"}
    )
    assert Actor.objects.get().commune_id == "75056"


def test_a_duplicate_is_refused_with_the_existing_name(as_organiser, territory) -> None:
    ActorFactory(territory=territory, name="La Cagette", siret="73282932000074")
    response = as_organiser.post(
        url("actor_create"),
        {"name": "Cagette bis", "kind": "entreprise", "siret": "73282932000074"},
    )
    assert response.status_code == 400
    assert "Ce SIRET est déjà celui de « La Cagette »." in text(response)


def test_members_by_right_asks_then_acts_once(as_organiser, territory) -> None:
    page = as_organiser.get(url("members_by_right"))
    assert "Crest" in text(page)
    response = as_organiser.post(url("members_by_right"), follow=True)
    assert "1 commune est maintenant membre de droit" in text(response)
    again = as_organiser.post(url("members_by_right"), follow=True)
    assert "déjà membres" in text(again)
    assert Actor.objects.filter(kind=ActorKind.COMMUNE).count() == 1


def test_a_new_charter_version(as_organiser, territory) -> None:
    response = as_organiser.post(url("charter"), {"title": "Charte", "body": "Nous agissons."})
    assert response.status_code == 302
    as_organiser.post(url("charter"), {"title": "Charte", "body": "Nous agissons plus."})
    assert list(Charter.objects.values_list("version", flat=True)) == [2, 1]
    assert as_organiser.post(url("charter"), {"title": "", "body": ""}).status_code == 400


def test_an_overdue_member_is_flagged_in_the_directory(as_organiser, territory) -> None:
    member_actor(territory, name="Atelier vélo", days_since_contact=120)
    page = text(as_organiser.get(url("manage")))
    assert "(120 jours)" in page
    late = timezone.localdate() - dt.timedelta(days=120)
    assert late.strftime("%Y") in page
