"""Writing and editing through the pages: the conflict is shown, nothing is lost."""

from __future__ import annotations

import pytest

from commons.models import Resource
from tests.commons.factories import experience, resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPERIENCE = {
    "title": "Un composteur par hameau",
    "summary": "Retour d'une commune rurale.",
    "body": "",
    "context": "Commune de 600 habitants.",
    "objectives": "Réduire les ordures ménagères.",
    "results_quantitative": "40 foyers, 8 tonnes détournées.",
    "results_qualitative": "Des voisins qui se parlent.",
    "implementation": "Un bac par hameau.",
    "planning": "Printemps 2025.",
    "human_means": "Deux bénévoles.",
    "financial_means": "600 €.",
    "technical_means": "Bacs en bois.",
    "partners": "Syndicat de collecte.",
    "success_factors": "Des référents motivés.",
    "difficulties": "Le broyat.",
    "recommendations": "Commencer petit.",
    "keywords": "compostage",
    "licence": "cc-by-sa-4.0",
    "stage": "teste",
    "territory_types": ["rural"],
    "tags": "compostage, hameau",
    "theme": "dechets",
}


def _form(resource_obj: Resource, **changes: object) -> dict[str, object]:
    data = {k: v for k, v in resource_obj.current_revision.data.items() if v is not None}
    data["tags"] = ", ".join(data.get("tags", []))
    data.pop("axis", None)
    data.pop("action", None)
    data["base_revision"] = resource_obj.current_revision_id
    data.update(changes)
    return data


def test_a_contributor_writes_an_experience_sheet(client, outsider):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    response = client.post("/commun/ressources/nouvelle/retour_experience/", EXPERIENCE)
    assert response.status_code == 302
    found = Resource.objects.get(title="Un composteur par hameau")
    assert found.kind == "retour_experience"
    assert found.created_by == outsider
    assert found.current_revision.data["results_quantitative"] == "40 foyers, 8 tonnes détournées."
    page = client.get(found.get_absolute_url()).content.decode()
    for heading in [
        "Contexte",
        "Objectifs et résultats",
        "Mise en œuvre",
        "Enseignements",
        "Moyens humains",
    ]:
        assert heading in page


def test_a_missing_title_is_sent_back_as_400(client, outsider):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    response = client.post("/commun/ressources/nouvelle/outil/", {**EXPERIENCE, "title": ""})
    assert response.status_code == 400
    assert not Resource.objects.filter(summary="Retour d'une commune rurale.").exists()


def test_an_unknown_kind_is_a_404(client, outsider):  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    assert client.get("/commun/ressources/nouvelle/roman/").status_code == 404


def test_a_conflicting_edit_keeps_what_was_typed_and_shows_the_changes(client):  # type: ignore[no-untyped-def]
    found = experience(title="Fiche partagée")
    stale = _form(found)
    lea, malik = UserFactory(display_name="Léa"), UserFactory(display_name="Malik")
    client.force_login(lea)
    assert (
        client.post(
            f"/commun/r/{found.slug}/modifier/", _form(found, context="Le texte de Léa")
        ).status_code
        == 302
    )
    client.force_login(malik)
    response = client.post(
        f"/commun/r/{found.slug}/modifier/", {**stale, "recommendations": "Le conseil de Malik"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        "Quelqu&#x27;un a modifié cette ressource" in page
        or "Quelqu'un a modifié cette ressource" in page
    )
    assert "Le conseil de Malik" in page  # what Malik typed is kept
    assert (
        'Léa<span class="visually-hidden">]</span></ins>' in page
    )  # and he sees, word by word, what changed meanwhile
    found.refresh_from_db()
    assert found.recommendations == "Commencer petit."
    assert found.revisions.count() == 2
    # Saving again from the conflict page is a knowing choice: it now succeeds.
    assert response.context["form"]["base_revision"].value() == str(found.current_revision_id)
    again = client.post(
        f"/commun/r/{found.slug}/modifier/",
        {
            **stale,
            "recommendations": "Le conseil de Malik",
            "context": "Le texte de Léa",
            "base_revision": found.current_revision_id,
        },
    )
    assert again.status_code == 302
    found.refresh_from_db()
    assert (found.context, found.recommendations) == ("Le texte de Léa", "Le conseil de Malik")


def test_history_compare_and_revert_pages(client, curator):  # type: ignore[no-untyped-def]
    found = resource(body="Le compostage partagé réduit les déchets.")
    client.force_login(UserFactory())
    client.post(
        f"/commun/r/{found.slug}/modifier/",
        _form(found, body="Le compostage collectif réduit les déchets."),
    )
    history = client.get(f"/commun/r/{found.slug}/historique/").content.decode()
    assert "Restaurer" not in history  # contributors do not revert
    compare = client.get(f"/commun/r/{found.slug}/comparer/", {"de": 1, "a": 2}).content.decode()
    assert '<del><span class="visually-hidden">[suppression : </span>partagé' in compare
    assert "collectif" in compare
    client.force_login(curator)
    first = found.revisions.get(number=1)
    response = client.post(f"/commun/r/{found.slug}/restaurer/", {"revision": first.pk})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.body == "Le compostage partagé réduit les déchets."
    assert found.current_revision.number == 3


def test_comparing_a_missing_revision_is_a_404(client):  # type: ignore[no-untyped-def]
    found = resource()
    assert client.get(f"/commun/r/{found.slug}/comparer/", {"de": 1, "a": 99}).status_code == 404
    assert client.get(f"/commun/r/{found.slug}/comparer/", {"de": "x"}).status_code == 404


def test_a_contributor_sees_their_draft_and_others_do_not(client, outsider):  # type: ignore[no-untyped-def]
    found = resource(user=outsider, status="brouillon")
    assert client.get(found.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(found.get_absolute_url()).status_code == 200
    client.post(f"/commun/r/{found.slug}/publication/", {"publier": "1"})
    found.refresh_from_db()
    assert found.status == "publie"
