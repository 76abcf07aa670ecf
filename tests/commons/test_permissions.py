"""Curators: the members of the « Curateurs du commun » group."""

from __future__ import annotations

import pytest

from tests.commons.factories import resource

pytestmark = pytest.mark.django_db


def test_a_curator_moderates_reverts_and_edits_taxonomy_and_paths(curator):  # type: ignore[no-untyped-def]
    found = resource()
    for perm in ["commons.moderate", "commons.edit_taxonomy", "commons.manage_paths"]:
        assert curator.has_perm(perm)
    assert curator.has_perm("commons.revert_resource", found)


def test_organisers_are_contributors_not_curators(organiser):  # type: ignore[no-untyped-def]
    found = resource()
    assert organiser.has_perm("commons.change_resource", found)
    assert not organiser.has_perm("commons.revert_resource", found)
    assert not organiser.has_perm("commons.moderate")


def test_a_curator_sees_drafts(client, curator):  # type: ignore[no-untyped-def]
    draft = resource(status="brouillon")
    client.force_login(curator)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_curator_adds_and_renames_taxonomy(client, curator):  # type: ignore[no-untyped-def]
    from commons.models import Axis, Orientation

    client.force_login(curator)
    axis = Axis.objects.get(code="sante")
    client.post(
        "/commun/taxonomie/modifier/", {"niveau": "axe", "id": axis.pk, "title": "Santé mentale"}
    )
    orientation = Orientation.objects.get(title="Santé mentale")
    client.post(
        "/commun/taxonomie/modifier/",
        {
            "niveau": "orientation",
            "id": orientation.pk,
            "title": "Prendre soin",
            "operation": "renommer",
        },
    )
    orientation.refresh_from_db()
    assert orientation.title == "Prendre soin"
    assert (
        client.post(
            "/commun/taxonomie/modifier/", {"niveau": "axe", "id": axis.pk, "title": ""}
        ).status_code
        == 400
    )


def test_a_curator_builds_a_path(client, curator):  # type: ignore[no-untyped-def]
    client.force_login(curator)
    response = client.post(
        "/commun/parcours/nouveau/",
        {
            "title": "Se nourrir localement",
            "resources": "creer-un-jardin-partage\nintroduire-des-produits-locaux-a-la-cantine",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert page.index("Créer un jardin partagé") < page.index("Introduire des produits locaux")
    bad = client.post("/commun/parcours/nouveau/", {"title": "X", "resources": "n-existe-pas"})
    assert bad.status_code == 400
