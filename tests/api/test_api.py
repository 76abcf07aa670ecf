from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import ApiToken
from api.services import token_create, token_revoke
from tests.factories import CommuneFactory, PartnerFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


def test_it_lists_published_territories(client, territory) -> None:  # type: ignore[no-untyped-def]
    TerritoryFactory(slug="cache", is_published=False)
    data = client.get("/api/v1/territories").json()
    assert [t["slug"] for t in data["items"]] == ["val-de-drome"]
    assert data["count"] == 1


def test_it_details_a_territory_with_communes_and_partners(client, territory) -> None:  # type: ignore[no-untyped-def]
    PartnerFactory(territory=territory, name="Biocoop")
    data = client.get("/api/v1/territories/val-de-drome").json()
    assert data["name"] == "Val de Drôme"
    assert data["communes"][0]["insee_code"] == "26108"
    assert data["communes"][0]["postal_codes"] == ["26400"]
    assert data["partners"][0]["name"] == "Biocoop"


def test_an_unknown_or_hidden_territory_is_a_french_404(client) -> None:  # type: ignore[no-untyped-def]
    TerritoryFactory(slug="cache", is_published=False)
    for slug in ("cache", "inconnu"):
        response = client.get(f"/api/v1/territories/{slug}")
        assert response.status_code == 404
        assert response.json() == {"message": "Ressource introuvable."}


def test_it_searches_communes(client) -> None:  # type: ignore[no-untyped-def]
    CommuneFactory(insee_code="26108", name="Crest", postal_codes=" 26400")
    assert client.get("/api/v1/communes", {"q": "cre"}).json()[0]["insee_code"] == "26108"
    assert client.get("/api/v1/communes", {"q": "x" * 500}).status_code == 200


def test_an_organiser_token_reads_the_roles_of_their_territory(
    client, territory, organiser
) -> None:  # type: ignore[no-untyped-def]
    _token, raw = token_create(user=organiser, name="Tableur")
    response = client.get(
        "/api/v1/territories/val-de-drome/roles", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    assert response.json()[0]["email"] == "animatrice@example.org"
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_of_another_territory_is_refused(client, territory, other_organiser) -> None:  # type: ignore[no-untyped-def]
    _token, raw = token_create(user=other_organiser, name="Tableur")
    response = client.get(
        "/api/v1/territories/val-de-drome/roles", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 403
    assert "accès" in response.json()["message"]


def test_a_revoked_or_wrong_token_is_a_401_in_french(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    token, raw = token_create(user=organiser, name="Tableur")
    token_revoke(token=token)
    for header in (f"Bearer {raw}", "Bearer elan_faux", "Basic xyz"):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert "Authentification requise" in response.json()["message"]


def test_tokens_stop_working_when_the_organiser_role_is_removed(
    client, territory, organiser
) -> None:  # type: ignore[no-untyped-def]
    _token, raw = token_create(user=organiser, name="Tableur")
    organiser.territory_roles.all().delete()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_only_a_hash_of_the_token_is_stored(organiser) -> None:  # type: ignore[no-untyped-def]
    token, raw = token_create(user=organiser, name="Tableur")
    assert raw not in token.key_hash
    assert raw.startswith(token.hint)


def test_me_describes_the_user_and_roles(client, organiser, territory) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    data = client.get("/api/v1/me").json()
    assert data["email"] == "animatrice@example.org"
    assert data["roles"] == [{"territory": "val-de-drome", "role": "organiser"}]


def test_bad_query_parameters_get_a_422_in_french(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/territories", {"page": "abc"})
    assert response.status_code == 422
    assert response.json()["message"].startswith("Requête invalide")


def test_the_schema_and_docs_are_served_without_a_cdn(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/territories" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in docs


def test_the_token_page_shows_a_new_token_once(client, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    url = reverse("api_tokens:list")
    assert client.post(url, {"name": ""}).status_code == 400
    response = client.post(url, {"name": "Tableur"}, follow=True)
    token = ApiToken.objects.get()
    html = response.content.decode()
    assert f'value="{token.hint}' in html
    assert token.hint not in client.get(url).content.decode().split("Jetons existants")[0]


def test_the_api_query_count_does_not_grow_with_territories(
    client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(20):
        TerritoryFactory()
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/territories").status_code == 200
