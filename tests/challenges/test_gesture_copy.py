"""Saving a platform-wide (catalogue) éco-geste from a territory's edit page
never changes the catalogue: it makes the territory's copy, which replaces the
catalogue gesture in that territory only, and households' choices follow it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from challenges.models import EcoGesture, GestureChoice, GestureStatus, GestureTick, Theme
from challenges.services.gestures import offered_gestures
from tests.factories import ChallengeFactory, EcoGestureFactory
from tests.matrix import ROLES, World, build_world, statuses

pytestmark = pytest.mark.django_db

# As challenges:catalogue_edit in permission_matrix_gestures.py, but saving.
SAVE = statuses(403, anonymous=302, organiser=302, admin=302)
EDITED = {
    "theme": Theme.ENERGY,
    "title": "Chauffer à 19 °C, version du Val de Drôme",
    "explanation": "Notre explication.",
    "saving_estimate": "",
    "saving_source": "",
    "position": 3,
}


@pytest.fixture(autouse=True)
def _empty_catalogue(db) -> None:
    EcoGesture.objects.all().delete()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def catalogue(db) -> EcoGesture:
    return EcoGestureFactory(theme=Theme.ENERGY, title="Chauffer à 19 °C", slug="chauffer-19")


def _edit(world: World, gesture: EcoGesture) -> str:
    return reverse("challenges:catalogue_edit", args=[world.territory.slug, gesture.pk])


@pytest.mark.parametrize("role", ROLES)
def test_saving_a_catalogue_gesture_never_changes_the_catalogue(
    client, world, catalogue, role
) -> None:  # type: ignore[no-untyped-def]
    if world.users[role] is not None:
        client.force_login(world.users[role])
    response = client.post(_edit(world, catalogue), EDITED)
    assert response.status_code == SAVE[role]
    catalogue.refresh_from_db()
    assert (catalogue.title, catalogue.territory_id, catalogue.position) == (
        "Chauffer à 19 °C",
        None,
        0,
    )
    copies = EcoGesture.objects.filter(copied_from=catalogue)
    if SAVE[role] == 302 and role != "anonymous":
        copy = copies.get()
        assert (copy.territory, copy.title) == (world.territory, EDITED["title"])
    else:
        assert not copies.exists()


def test_the_organiser_is_told_a_territory_copy_was_made(client, world, catalogue) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["organiser"])
    response = client.post(_edit(world, catalogue), EDITED, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith(
        f"« {EDITED['title']} » est désormais la version de votre territoire : "
        "elle remplace le geste du catalogue dans vos défis"
    )
    assert "Le catalogue de la plateforme reste inchangé." in message
    # Saving the copy again is a plain edit.
    again = client.post(_edit(world, catalogue), {**EDITED, "title": "Encore"}, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "« Encore » est modifié pour votre territoire."
    ]
    assert EcoGesture.objects.filter(copied_from=catalogue).count() == 1


def test_the_copy_replaces_the_catalogue_gesture_in_that_territory_only(
    client, world, catalogue
) -> None:  # type: ignore[no-untyped-def]
    challenge = world.extra["challenge"]
    choice = GestureChoice.objects.create(
        registration=world.extra["registration"],
        gesture=catalogue,
        status=GestureStatus.COMMITTED,
    )
    GestureTick.objects.create(choice=choice, done_on=challenge.starts_on)
    elsewhere = ChallengeFactory(territory=world.other_territory)
    client.force_login(world.users["organiser"])
    client.post(_edit(world, catalogue), EDITED)

    copy = EcoGesture.objects.get(copied_from=catalogue)
    assert list(offered_gestures(challenge).filter(theme=Theme.ENERGY)) == [copy]
    assert catalogue in offered_gestures(elsewhere)
    # The household's commitment and its ticks stay valid, on the copy.
    choice.refresh_from_db()
    assert (choice.gesture, choice.status, choice.ticks.count()) == (
        copy,
        GestureStatus.COMMITTED,
        1,
    )
    client.force_login(world.users["member"])
    page = client.get(reverse("challenges:gestures", args=[world.territory.slug, challenge.slug]))
    assert EDITED["title"] in page.content.decode()


def test_another_territory_cannot_reach_the_copy(client, world, catalogue) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.users["organiser"])
    client.post(_edit(world, catalogue), EDITED)
    copy = EcoGesture.objects.get(copied_from=catalogue)
    client.force_login(world.users["other_organiser"])
    url = reverse("challenges:catalogue_edit", args=[world.other_territory.slug, copy.pk])
    assert client.post(url, {**EDITED, "title": "Piraté"}).status_code == 404
    copy.refresh_from_db()
    assert copy.title == EDITED["title"]
