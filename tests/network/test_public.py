"""The public side: the directory of listed members with its filters, its
map at commune level and its table; the « rejoindre le réseau » form with
its double opt-in; the logos."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from network.models import JoinRequest, JoinRequestStatus, MembershipStatus
from tests.factories import CommuneFactory, TerritoryFactory
from tests.network.factories import (
    ActorFactory,
    ActorThemeFactory,
    CharterFactory,
    ContactFactory,
    JoinRequestFactory,
    MembershipFactory,
    member_actor,
)

pytestmark = pytest.mark.django_db

SLUG = "val-de-drome"
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def directory(client, **query: str):  # type: ignore[no-untyped-def]
    return client.get(reverse("network:directory", args=[SLUG]), query)


def markers(response) -> list[dict]:  # type: ignore[no-untyped-def]
    found = re.search(r'id="reseau-marqueurs"[^>]*>(.*?)</script>', response.content.decode(), re.S)
    return json.loads(found.group(1)) if found else []


@pytest.fixture
def network(territory):  # type: ignore[no-untyped-def]
    crest = territory.communes.get()
    saillans = CommuneFactory(insee_code="26289", name="Saillans")
    territory.communes.add(saillans)
    compost = member_actor(territory, name="Compost Crest", commune=crest, listed=True)
    ActorThemeFactory(actor=compost, theme="dechets")
    ContactFactory(actor=compost, email="secret@compost.example.org", phone="06 12 34 56 78")
    velo = member_actor(territory, name="Atelier vélo", commune=saillans, listed=True)
    ActorThemeFactory(actor=velo, theme="mobilite")
    member_actor(territory, name="Pas listé", commune=crest, listed=False)
    candidate = ActorFactory(territory=territory, name="Candidat listé", listed=True)
    MembershipFactory(actor=candidate, status=MembershipStatus.CANDIDATE)
    return {"compost": compost, "velo": velo}


def test_the_directory_shows_listed_members_only_without_personal_data(client, network) -> None:
    response = directory(client)
    page = text(response)
    assert "Compost Crest" in page
    assert "Atelier vélo" in page
    assert "Pas listé" not in page
    assert "Candidat listé" not in page
    assert "secret@compost.example.org" not in page
    assert "06 12 34 56 78" not in page
    assert "2 membres" in page


def test_the_map_places_members_at_their_commune(client, network) -> None:
    places = markers(directory(client))
    assert sorted(p["label"] for p in places) == ["Crest", "Saillans"]
    crest = next(p for p in places if p["label"] == "Crest")
    assert crest["events"][0]["url"] == f"#acteur-{network['compost'].pk}"
    assert crest["lat"] == 44.728  # the commune's centre, never more precise


def test_the_directory_filters(client, network) -> None:
    page = text(directory(client, theme="dechets"))
    assert "Compost Crest" in page
    assert "Atelier vélo" not in page
    page = text(directory(client, commune="26289"))
    assert "Atelier vélo" in page
    assert "Compost Crest" not in page
    assert len(markers(directory(client, commune="26289"))) == 1
    empty = text(directory(client, kind="entreprise"))
    assert "Aucun membre ne correspond à ces filtres." in empty


def test_a_bad_filter_is_a_400_with_the_list(client, network) -> None:
    response = directory(client, kind="nimporte")
    assert response.status_code == 400
    assert "Compost Crest" in text(response)


def test_an_unpublished_territory_has_no_public_directory(client, territory) -> None:
    territory.is_published = False
    territory.save()
    assert directory(client).status_code == 404


def test_a_listed_member_s_logo_is_public_an_unlisted_one_is_not(
    client, territory, settings
) -> None:
    shown = member_actor(
        territory, listed=True, logo=SimpleUploadedFile("logo.gif", GIF), logo_alt="Logo"
    )
    hidden = member_actor(
        territory, listed=False, logo=SimpleUploadedFile("l.gif", GIF), logo_alt="Logo"
    )
    assert client.get(reverse("network:actor_logo", args=[SLUG, shown.pk])).status_code == 200
    assert client.get(reverse("network:actor_logo", args=[SLUG, hidden.pk])).status_code == 404


# --- joining -----------------------------------------------------------------------------


JOIN = {
    "name": "Repair café de Saillans",
    "kind": "association",
    "commune": "26108",
    "rna": "W261000123",
    "themes": ["dechets"],
    "listed": "on",
    "first_name": "Inès",
    "last_name": "Vial",
    "email": "ines@repair.example.org",
    "accept_charter": "on",
    "consent": "on",
}


def join(client, **changes: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("network:join", args=[SLUG]), {**JOIN, **changes})


def test_joining_is_a_double_opt_in(
    client, territory, organiser, django_capture_on_commit_callbacks
) -> None:
    charter = CharterFactory(territory=territory)
    with django_capture_on_commit_callbacks(execute=True):
        response = join(client)
    assert response["Location"] == reverse("network:join_sent", args=[SLUG])
    request = JoinRequest.objects.get()
    assert (request.status, request.charter) == (JoinRequestStatus.UNCONFIRMED, charter)
    assert mail.outbox[0].to == ["ines@repair.example.org"]
    link = re.search(r"http://\S+/reseau/confirmer/\S+/", mail.outbox[0].body).group(0)
    path = urlparse(link).path

    # GET shows a button (mail scanners follow links): nothing changes.
    assert "Je confirme la demande" in text(client.get(path))
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.UNCONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(path, follow=True)
    assert "votre demande est confirmée" in text(confirmed)
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.PENDING
    assert mail.outbox[-1].to == [organiser.email]  # the organisers are told
    client.post(path)  # a second click changes nothing
    assert len(mail.outbox) == 2


def test_asking_again_sends_the_link_again_not_a_second_request(
    client, territory, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        join(client, accept_charter="")
        join(client, accept_charter="", email="INES@repair.example.org")
    assert JoinRequest.objects.count() == 1
    assert len(mail.outbox) == 2


def test_an_expired_link_says_so(client, territory) -> None:
    request = JoinRequestFactory(territory=territory, status=JoinRequestStatus.UNCONFIRMED)
    JoinRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    path = reverse("network:join_confirm", args=[request.token])
    response = client.post(path)
    assert response.status_code == 400
    assert "a expiré" in text(response)


def test_bad_input_is_answered_next_to_each_field(client, territory) -> None:
    CharterFactory(territory=territory)
    response = join(
        client,
        siret="73282932000075",
        rna="261000123",
        email="pas-une-adresse",
        consent="",
        accept_charter="",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "clé de contrôle" in errors["siret"][0]
    assert "W suivi de 9 chiffres" in errors["rna"][0]
    assert set(errors) >= {"email", "consent", "accept_charter"}
    assert 'value="Repair café de Saillans"' in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_an_alsace_moselle_association_without_rna_may_join(client, territory) -> None:
    colmar = CommuneFactory(insee_code="68066", name="Colmar", department__code="68")
    response = join(client, rna="", commune=colmar.insee_code, accept_charter="")
    assert response.status_code == 302


def test_too_many_requests_from_one_address(client, territory) -> None:
    for n in range(5):
        join(client, email=f"personne{n}@example.org", accept_charter="")
    response = join(client, email="encore@example.org", accept_charter="")
    assert response.status_code == 429
    assert JoinRequest.objects.count() == 5


def test_an_unknown_token_is_a_404(client) -> None:
    assert client.get(reverse("network:join_confirm", args=["inconnu"])).status_code == 404


def test_joining_another_territory_s_form(client) -> None:
    other = TerritoryFactory(slug="ailleurs", is_published=False)
    assert client.get(reverse("network:join", args=[other.slug])).status_code == 404
