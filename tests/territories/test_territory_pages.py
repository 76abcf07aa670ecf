from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from territories.models import Membership, Role
from tests.factories import (
    CommuneFactory,
    MembershipFactory,
    PartnerFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_it_shows_a_territory_with_its_branding_and_partners(client, territory) -> None:  # type: ignore[no-untyped-def]
    territory.accent_color = "#f5c400"
    territory.save()
    PartnerFactory(
        territory=territory, name="Biocoop de la vallée", url="https://biocoop.example.org"
    )
    response = client.get(territory.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Val de Drôme" in html
    assert "Biocoop de la vallée" in html
    assert "Crest" in html
    # A light accent gets dark text on it, for contrast.
    assert "--accent: #f5c400; --accent-ink: #1b1f23" in html


def test_an_unpublished_territory_is_hidden_from_the_public(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    territory.is_published = False
    territory.save()
    assert client.get(territory.get_absolute_url()).status_code == 404
    client.force_login(organiser)
    assert client.get(territory.get_absolute_url()).status_code == 200


def test_the_list_searches_by_name_and_commune(client, territory) -> None:  # type: ignore[no-untyped-def]
    TerritoryFactory(name="Pays de Bray", slug="bray")
    html = client.get(reverse("territories:list"), {"q": "crest"}).content.decode()
    assert "Val de Drôme" in html
    assert "Pays de Bray" not in html
    html = client.get(reverse("territories:list"), {"q": "zzz"}).content.decode()
    assert "Aucun territoire ne correspond" in html


def test_an_organiser_edits_the_presentation(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    url = reverse("territories:edit", args=[territory.slug])
    response = client.post(
        url,
        {"name": "Val de Drôme en transition", "accent_color": "#204060", "tagline": "Ensemble"},
    )
    assert response.status_code == 302
    territory.refresh_from_db()
    assert territory.name == "Val de Drôme en transition"


def test_a_bad_colour_is_refused_next_to_the_field_and_nothing_is_saved(
    client, territory, organiser
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    url = reverse("territories:edit", args=[territory.slug])
    response = client.post(url, {"name": "Nouveau nom", "accent_color": "vert"})
    assert response.status_code == 400
    assert "Indiquez une couleur au format #RRVVBB" in response.content.decode()
    territory.refresh_from_db()
    assert territory.name == "Val de Drôme"


def test_a_file_that_is_not_an_image_is_refused_as_logo(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post(
        reverse("territories:edit", args=[territory.slug]),
        {"name": territory.name, "accent_color": "#1f6f50", "logo": fake},
    )
    assert response.status_code == 400
    assert "image" in response.content.decode().lower()


def test_an_organiser_adds_edits_and_removes_partners(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    url = reverse("territories:partners", args=[territory.slug])
    assert client.post(url, {"name": "", "position": 0}).status_code == 400
    assert (
        client.post(
            url, {"name": "Énergie Partagée", "url": "https://ep.example.org", "position": 1}
        ).status_code
        == 302
    )
    partner = territory.partners.get()
    edit = reverse("territories:partner_edit", args=[territory.slug, partner.pk])
    client.post(edit, {"name": "Énergie Partagée Drôme", "position": 1})
    partner.refresh_from_db()
    assert partner.name == "Énergie Partagée Drôme"
    client.post(reverse("territories:partner_delete", args=[territory.slug, partner.pk]))
    assert not territory.partners.exists()


def test_an_organiser_cannot_touch_the_partner_of_another_territory(
    client, territory, other_organiser
) -> None:  # type: ignore[no-untyped-def]
    partner = PartnerFactory(territory=territory)
    client.force_login(other_organiser)
    response = client.post(reverse("territories:partner_delete", args=[territory.slug, partner.pk]))
    assert response.status_code == 403
    assert territory.partners.exists()


def test_an_organiser_grants_a_role_by_email(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    sponsor = UserFactory(email="mairie@example.org")
    client.force_login(organiser)
    url = reverse("territories:roles", args=[territory.slug])
    response = client.post(url, {"email": "MAIRIE@example.org", "role": Role.SPONSOR})
    assert response.status_code == 302
    assert Membership.objects.filter(user=sponsor, territory=territory, role=Role.SPONSOR).exists()
    again = client.post(url, {"email": "mairie@example.org", "role": Role.SPONSOR})
    assert again.status_code == 400
    assert "déjà ce rôle" in again.content.decode()


def test_granting_a_role_to_an_unknown_address_explains_what_to_do(
    client, territory, organiser
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    response = client.post(
        reverse("territories:roles", args=[territory.slug]), {"email": "x@y.fr", "role": "sponsor"}
    )
    assert response.status_code == 400
    assert "créer son compte" in response.content.decode()


def test_the_last_organiser_cannot_be_removed(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    membership = Membership.objects.get(user=organiser, territory=territory)
    client.force_login(organiser)
    client.post(reverse("territories:role_delete", args=[territory.slug, membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()
    second = MembershipFactory(territory=territory)
    client.post(reverse("territories:role_delete", args=[territory.slug, second.pk]))
    assert not Membership.objects.filter(pk=second.pk).exists()


def test_a_coordinator_sees_the_territories_of_the_region(client, territory, coordinator) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    response = client.get(reverse("territories:region", args=[territory.region_id]))
    assert response.status_code == 200
    assert "Val de Drôme" in response.content.decode()


def test_the_region_page_query_count_does_not_grow_with_territories(
    client, coordinator, territory, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(coordinator)
    url = reverse("territories:region", args=[territory.region_id])
    for _ in range(10):
        t = TerritoryFactory(region=territory.region)
        MembershipFactory(territory=t)
        PartnerFactory(territory=t)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_the_list_query_count_does_not_grow_with_territories(
    client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(15):
        TerritoryFactory()
    with django_assert_max_num_queries(4):
        assert client.get(reverse("territories:list")).status_code == 200


def test_commune_suggestions_match_names_without_accents_and_postal_codes(client) -> None:  # type: ignore[no-untyped-def]
    CommuneFactory(insee_code="26289", name="Saillans", postal_codes=" 26340", population=1300)
    CommuneFactory(insee_code="26108", name="Crest", postal_codes=" 26400", population=8500)
    CommuneFactory(
        insee_code="42218", name="Saint-Étienne", postal_codes=" 42000 42100", population=170000
    )
    url = reverse("territories:commune_search")
    assert "Saillans (26340)" in client.get(url, {"q": "saill"}).content.decode()
    assert "Crest (26400)" in client.get(url, {"q": "264"}).content.decode()
    assert "Saint-Étienne (42000)" in client.get(url, {"q": "saint etienne"}).content.decode()
    assert "Saint-Étienne" in client.get(url, {"q": "St-Étienne"}).content.decode()
    assert client.get(url, {"q": ""}).content.decode().strip() == ""


def test_public_logos_are_served_but_private_uploads_are_not(client, settings) -> None:  # type: ignore[no-untyped-def]
    logos = settings.MEDIA_ROOT / "territories" / "logos"
    logos.mkdir(parents=True)
    (logos / "logo.png").write_bytes(b"\x89PNG\r\n")
    kit = settings.MEDIA_ROOT / "challenges" / "1" / "kit"
    kit.mkdir(parents=True)
    (kit / "kit-capitaine.pdf").write_bytes(b"%PDF-1.4")
    assert client.get("/media/territories/logos/logo.png").status_code == 200
    assert client.get("/media/challenges/1/kit/kit-capitaine.pdf").status_code == 404
    assert client.get("/media/territories/../challenges/1/kit/kit-capitaine.pdf").status_code in (
        400,
        404,
    )
