"""Revisions: every edit is one, conflicts are caught, diffs, reverts and adaptations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from commons import diff, services
from commons.models import Resource, RevisionKind
from tests.commons.factories import experience, resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_creating_stores_revision_one_as_a_full_snapshot():
    found = experience(title="Composter au village", tags=["compost", "village"])
    revision = found.current_revision
    assert revision.number == 1
    assert revision.kind == RevisionKind.CREATION
    assert revision.data["title"] == "Composter au village"
    assert revision.data["context"] == "Une commune rurale de 800 habitants."
    assert revision.data["tags"] == ["compost", "village"]
    assert revision.data["territory_types"] == ["rural"]


def test_an_edit_is_a_new_revision_pointing_to_its_base():
    found = resource()
    first = found.current_revision
    second = services.resource_edit(
        resource=found,
        user=UserFactory(),
        data={"summary": "Nouveau résumé"},
        base_revision_id=first.pk,
        comment="résumé",
    )
    found.refresh_from_db()
    assert second.number == 2
    assert second.base == first
    assert found.current_revision == second
    assert found.summary == "Nouveau résumé"
    assert first.data["summary"] == "Une fiche pour agir."  # the old snapshot is untouched


def test_an_edit_that_changes_nothing_stores_nothing():
    found = resource()
    result = services.resource_edit(
        resource=found,
        user=UserFactory(),
        data={"summary": found.summary},
        base_revision_id=found.current_revision_id,
    )
    assert result is None
    assert found.revisions.count() == 1


def test_the_second_to_save_from_the_same_version_is_told():
    found = resource()
    base = found.current_revision_id
    services.resource_edit(
        resource=found, user=UserFactory(), data={"body": "Version de Léa"}, base_revision_id=base
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.resource_edit(
            resource=found,
            user=UserFactory(),
            data={"body": "Version de Malik"},
            base_revision_id=base,
        )
    assert conflict.value.current.number == 2
    assert conflict.value.base.number == 1
    found.refresh_from_db()
    assert found.body == "Version de Léa"  # nothing overwritten


def test_the_diff_is_word_level_for_prose_and_field_by_field_otherwise():
    before = {
        "body": "Le compostage partagé réduit les déchets.",
        "stage": "disponible",
        "tags": ["a"],
    }
    after = {
        "body": "Le compostage collectif réduit fortement les déchets.",
        "stage": "teste",
        "tags": ["a", "b"],
    }
    changes = {c.field.name: c for c in diff.changes(before, after)}
    body = changes["body"]
    assert "".join(s.text for s in body.segments if s.op == "del") == "partagé "
    assert "".join(s.text for s in body.segments if s.op == "ins") == "collectif fortement "
    assert "".join(s.text for s in body.segments if s.op != "del") == after["body"]
    assert changes["stage"].before_text == "Disponible mais non validé"
    assert changes["stage"].after_text == "Testé"
    assert changes["tags"].added == ["b"]


def test_a_curator_reverts_to_an_older_revision_as_a_new_one():
    found = resource(body="Premier texte")
    first = found.current_revision
    services.resource_edit(
        resource=found, user=UserFactory(), data={"body": "Vandalisme"}, base_revision_id=first.pk
    )
    third = services.resource_revert(resource=found, revision=first, user=UserFactory())
    found.refresh_from_db()
    assert third.number == 3
    assert third.kind == RevisionKind.REVERT
    assert third.restored_from == first
    assert found.body == "Premier texte"


def test_reverting_to_a_revision_of_another_resource_is_refused():
    found, other = resource(body="A"), resource(body="B")
    with pytest.raises(ValidationError, match="autre ressource"):
        services.resource_revert(
            resource=found, revision=other.current_revision, user=UserFactory()
        )
    found.refresh_from_db()
    assert found.body == "A"
    assert found.revisions.count() == 1


def test_the_revert_view_refuses_another_resources_revision(client, curator):  # type: ignore[no-untyped-def]
    found, other = resource(body="A"), resource(body="B")
    client.force_login(curator)
    response = client.post(
        f"/commun/r/{found.slug}/restaurer/", {"revision": other.current_revision_id}
    )
    assert response.status_code == 400
    assert "appartient à une autre ressource" in response.content.decode()


def test_an_adaptation_records_its_lineage_and_keeps_share_alike():
    source = resource(title="Jardin partagé", licence="cc-by-sa-4.0")
    adaptation = services.resource_adapt(
        source=source, user=UserFactory(), title="Jardin partagé en ville"
    )
    assert adaptation.derived_from == source
    assert adaptation.derived_from_revision == source.current_revision
    assert adaptation.licence == "cc-by-sa-4.0"
    assert "Jardin partagé" in adaptation.attribution
    assert list(source.adaptations.all()) == [adaptation]


def test_an_adaptation_that_would_drop_share_alike_is_refused():
    source = resource(licence="cc-by-sa-4.0")
    with pytest.raises(ValidationError, match="même licence"):
        services.resource_adapt(source=source, user=UserFactory(), title="Copie", licence="cc0-1.0")
    assert not Resource.objects.filter(derived_from=source).exists()


def test_editing_an_adaptation_cannot_drop_share_alike_either():
    adaptation = services.resource_adapt(
        source=resource(licence="cc-by-sa-4.0"), user=UserFactory()
    )
    with pytest.raises(ValidationError, match="même licence"):
        services.resource_edit(
            resource=adaptation,
            user=UserFactory(),
            data={"licence": "cc-by-4.0"},
            base_revision_id=adaptation.current_revision_id,
        )


def test_an_attribution_only_resource_may_be_relicensed_but_not_closed():
    source = resource(licence="cc-by-4.0")
    assert (
        services.resource_adapt(source=source, user=UserFactory(), licence="cc-by-sa-4.0").licence
        == "cc-by-sa-4.0"
    )
    with pytest.raises(ValidationError):
        services.resource_adapt(source=source, user=UserFactory(), licence="tous-droits-reserves")


def test_all_rights_reserved_cannot_be_adapted(client, outsider):  # type: ignore[no-untyped-def]
    source = resource(licence="tous-droits-reserves")
    with pytest.raises(ValidationError, match="tous droits réservés"):
        services.resource_adapt(source=source, user=UserFactory())
    client.force_login(outsider)
    assert client.get(f"/commun/r/{source.slug}/adapter/").status_code == 403


def test_the_adapt_view_refuses_a_tampered_licence(client, outsider):  # type: ignore[no-untyped-def]
    source = resource(licence="cc-by-sa-4.0")
    client.force_login(outsider)
    response = client.post(
        f"/commun/r/{source.slug}/adapter/", {"title": "Ma copie", "licence": "cc0-1.0"}
    )
    assert response.status_code == 400
    assert "même licence" in response.content.decode()


def test_contributors_are_listed_with_their_count(client):  # type: ignore[no-untyped-def]
    lea = UserFactory(display_name="Léa")
    found = resource(user=lea)
    services.resource_edit(
        resource=found,
        user=UserFactory(display_name="Malik"),
        data={"body": "x"},
        base_revision_id=found.current_revision_id,
    )
    page = client.get(found.get_absolute_url()).content.decode()
    assert "Léa" in page
    assert "Malik" in page
