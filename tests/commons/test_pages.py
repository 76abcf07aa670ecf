"""Every page of the commons answers, for a visitor and a contributor."""

from __future__ import annotations

import pytest

from commons.models import Resource

pytestmark = pytest.mark.django_db

SLUG = "mettre-en-place-le-compostage-partage"
REX = "club-optimo-reseau-d-acteurs-de-la-prevention-des-dechets"


@pytest.mark.parametrize(
    "url",
    [
        "/commun/",
        "/commun/recherche/?q=compostage",
        "/commun/recherche/",
        "/commun/parcours/",
        "/commun/parcours/par-ou-commencer/",
        f"/commun/r/{SLUG}/",
        f"/commun/r/{REX}/",
        f"/commun/r/{SLUG}/historique/",
        f"/commun/r/{SLUG}/comparer/?de=1&a=1",
        f"/commun/r/{SLUG}/markdown/",
        f"/commun/r/{SLUG}/jsonld/",
        "/commun/donnees/ressources.json",
        "/commun/donnees/ressources.csv",
        "/commun/donnees/licence.txt",
    ],
)
def test_it_serves_public_pages(client, url):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url


def test_it_serves_contributor_pages(client, outsider):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    for url in [
        "/commun/ressources/nouvelle/",
        "/commun/ressources/nouvelle/retour_experience/",
        f"/commun/r/{SLUG}/modifier/",
        f"/commun/r/{SLUG}/adapter/",
        f"/commun/r/{SLUG}/retour/",
        f"/commun/r/{SLUG}/fichiers/",
    ]:
        assert client.get(url).status_code == 200, url


def test_it_serves_curator_pages(client, curator):  # type: ignore[no-untyped-def]
    client.force_login(curator)
    for url in [
        "/commun/moderation/",
        "/commun/taxonomie/",
        "/commun/parcours/nouveau/",
        "/commun/parcours/par-ou-commencer/modifier/",
    ]:
        assert client.get(url).status_code == 200, url


def test_shipped_content_is_there():  # type: ignore[no-untyped-def]
    assert Resource.objects.filter(kind="fiche_action").count() >= 15
    assert Resource.objects.filter(kind="retour_experience").count() == 2
