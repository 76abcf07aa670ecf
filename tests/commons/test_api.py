"""The commons API: open reads with search and facets, writes with a token."""

from __future__ import annotations

import json

import pytest

from api.services import token_create
from commons.models import Feedback, Resource
from tests.commons.factories import resource

pytestmark = pytest.mark.django_db
ROOT = "/api/v1/commons/resources"


def _bearer(user):  # type: ignore[no-untyped-def]
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_list_searches_and_counts_facets(client):  # type: ignore[no-untyped-def]
    data = client.get(ROOT, {"q": "composter"}).json()
    slugs = {item["slug"] for item in data["items"]}
    assert "mettre-en-place-le-compostage-partage" in slugs
    assert data["count"] == len(slugs)
    facets = {f["name"]: f for f in data["facets"]}
    assert sum(v["count"] for v in facets["type"]["values"]) == data["count"]
    assert any("<mark>" in (item["snippet"] or "") for item in data["items"])


def test_list_filters_by_axis(client):  # type: ignore[no-untyped-def]
    data = client.get(ROOT, {"axe": "sante"}).json()
    assert data["count"] >= 3
    assert {item["axis"] for item in data["items"]} == {"sante"}


def test_a_query_too_long_is_a_french_400(client):  # type: ignore[no-untyped-def]
    response = client.get(ROOT, {"q": "x" * 2000})
    assert response.status_code == 400
    assert "Raccourcissez" in response.json()["message"]


def test_detail_revisions_diff_and_feedback(client):  # type: ignore[no-untyped-def]
    slug = "club-optimo-reseau-d-acteurs-de-la-prevention-des-dechets"
    detail = client.get(f"{ROOT}/{slug}").json()
    assert detail["content"]["results_quantitative"].count("305") == 1
    assert detail["licence_url"].startswith("https://creativecommons.org/")
    assert client.get(f"{ROOT}/{slug}/revisions").json()[0]["number"] == 1
    assert client.get(f"{ROOT}/{slug}/diff", {"de": 1}).json()["changes"] == []
    assert client.get(f"{ROOT}/{slug}/feedback").json() == []
    assert client.get(f"{ROOT}/inconnue").status_code == 404


def test_create_edit_with_conflict_and_feedback_with_a_token(client, organiser, territory):  # type: ignore[no-untyped-def]
    auth = _bearer(organiser)
    created = client.post(
        ROOT,
        json.dumps(
            {
                "kind": "retour_experience",
                "title": "Par l'API",
                "sections": {"context": "Un village."},
            }
        ),
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["content"]["context"] == "Un village."
    slug = body["slug"]
    base = Resource.objects.get(slug=slug).current_revision_id
    edit = {"base_revision": base, "changes": {"summary": "Premier"}}
    ok = client.patch(f"{ROOT}/{slug}", json.dumps(edit), content_type="application/json", **auth)
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = client.patch(
        f"{ROOT}/{slug}",
        json.dumps({**edit, "changes": {"summary": "Second"}}),
        content_type="application/json",
        **auth,
    )
    assert stale.status_code == 409
    assert Resource.objects.get(slug=slug).summary == "Premier"
    feedback = {"territory": territory.slug, "context": "Essai", "usefulness": 5}
    given = client.post(
        f"{ROOT}/{slug}/feedback", json.dumps(feedback), content_type="application/json", **auth
    )
    assert given.status_code == 201
    assert Feedback.objects.get().territory == territory


def test_feedback_for_another_territory_is_403(client, organiser, other_territory):  # type: ignore[no-untyped-def]
    found = resource()
    payload = {"territory": other_territory.slug, "context": "x", "usefulness": 3}
    response = client.post(
        f"{ROOT}/{found.slug}/feedback",
        json.dumps(payload),
        content_type="application/json",
        **_bearer(organiser),
    )
    assert response.status_code == 403


def test_writes_need_an_account(client):  # type: ignore[no-untyped-def]
    response = client.post(ROOT, json.dumps({"title": "x"}), content_type="application/json")
    assert response.status_code == 401


def test_the_endpoints_are_in_the_openapi_schema(client):  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/commons/resources",
        "/api/v1/commons/resources/{slug}",
        "/api/v1/commons/resources/{slug}/diff",
    ]:
        assert path in paths
