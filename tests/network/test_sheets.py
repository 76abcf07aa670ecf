"""An actor's good-practice sheets are resources of the commons, linked
from its entry by their address (no second document store); the link is
logged in the entry's changes and counted by the dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from network.models import ActorChange
from tests.commons.factories import resource

pytestmark = pytest.mark.django_db


def _url(actor) -> str:  # type: ignore[no-untyped-def]
    return reverse("network:actor_sheets", args=[actor.territory.slug, actor.pk])


def test_an_organiser_links_a_sheet_by_its_address_and_unlinks_it(client, organiser, actor) -> None:
    sheet = resource(title="Compostage partagé en pied d'immeuble")
    client.force_login(organiser)
    address = f"https://elan.example.org{sheet.get_absolute_url()}?onglet=texte"
    response = client.post(_url(actor), {"address": address})
    assert response.status_code == 302
    assert response["Location"].endswith("#fiches")
    assert list(actor.practice_sheets.all()) == [sheet]
    change = ActorChange.objects.get(actor=actor)
    assert change.rows == [("Fiches du commun", "", "Compostage partagé en pied d'immeuble")]
    page = client.get(reverse("network:actor_detail", args=[actor.territory.slug, actor.pk]))
    assert "Compostage partagé en pied d&#x27;immeuble" in page.content.decode()
    # Linking it again changes nothing.
    client.post(_url(actor), {"address": sheet.slug})
    assert ActorChange.objects.filter(actor=actor).count() == 1
    client.post(_url(actor), {"retirer": str(sheet.pk)})
    assert actor.practice_sheets.count() == 0
    assert ActorChange.objects.filter(actor=actor).count() == 2


@pytest.mark.parametrize(
    "address", ["", "https://ailleurs.example.org/fiche", "inconnue", "x" * 300]
)
def test_an_unknown_address_is_refused_next_to_the_field(client, organiser, actor, address) -> None:
    client.force_login(organiser)
    response = client.post(_url(actor), {"address": address})
    assert response.status_code == 400
    form = response.context["sheet_form"]
    assert form.errors["address"]
    assert actor.practice_sheets.count() == 0


def test_a_draft_sheet_cannot_be_linked(client, organiser, actor) -> None:
    draft = resource(status="brouillon")
    client.force_login(organiser)
    assert client.post(_url(actor), {"address": draft.slug}).status_code == 400


def test_unlinking_a_sheet_that_is_not_linked_says_so(client, organiser, actor) -> None:
    client.force_login(organiser)
    response = client.post(_url(actor), {"retirer": "999999"}, follow=True)
    assert "pas rattachée" in response.content.decode()
    response = client.post(_url(actor), {"retirer": "abc"}, follow=True)
    assert response.status_code == 200


def test_the_actors_contact_links_its_sheet_and_the_organisers_hear_of_it(
    client, actor, actor_contact, organiser, mailoutbox
) -> None:
    sheet = resource()
    client.force_login(actor_contact)
    assert client.post(_url(actor), {"address": sheet.slug}).status_code == 302
    change = ActorChange.objects.get(actor=actor)
    assert change.by_contact


def test_an_actor_of_another_territory_is_a_404(client, other_organiser, actor) -> None:
    client.force_login(other_organiser)
    url = reverse("network:actor_sheets", args=["pays-voisin", actor.pk])
    assert client.post(url, {"address": "x"}).status_code == 404
