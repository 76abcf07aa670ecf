from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import (
    EcoGesture,
    GestureChoice,
    GestureStatus,
    GestureTick,
    RegistrationStatus,
    Theme,
)
from challenges.services.gestures import ecogesture_toggle_for_territory
from tests.factories import (
    ChallengeFactory,
    EcoGestureFactory,
    HouseholdFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _empty_catalogue(db):
    EcoGesture.objects.all().delete()


@pytest.fixture
def challenge(territory):
    return ChallengeFactory(territory=territory, slug="hiver", themes=[Theme.ENERGY, Theme.WATER])


@pytest.fixture
def registration(challenge, member):
    return RegistrationFactory(challenge=challenge, household=member.household)


@pytest.fixture
def gesture():
    return EcoGestureFactory(
        theme=Theme.ENERGY,
        title="Chauffer à 19 °C",
        saving_estimate="≈ 7 % par degré",
        saving_source="ADEME",
    )


@pytest.fixture
def member_client(client, member, registration):
    client.force_login(member)
    return client


def url(name, challenge, *args):  # type: ignore[no-untyped-def]
    return reverse(f"challenges:{name}", args=[challenge.territory.slug, challenge.slug, *args])


def test_it_lists_the_gestures_by_theme_with_their_estimate_and_source(
    member_client, challenge, gesture
) -> None:
    EcoGestureFactory(theme=Theme.WATER, title="Réparer les fuites")
    EcoGestureFactory(theme=Theme.MOBILITY, title="Covoiturer")
    response = member_client.get(url("gestures", challenge))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        html.index("<h2>Énergie</h2>") < html.index("Chauffer à 19 °C") < html.index("<h2>Eau</h2>")
    )
    assert "Réparer les fuites" in html
    assert "Covoiturer" not in html
    assert "≈ 7 % par degré" in html
    assert "ADEME" in html
    assert "<fieldset" in html
    assert "<legend>Votre choix" in html
    assert 'type="radio"' in html
    assert f'id="g{gesture.pk}-reason"' in html
    assert f'hx-post="{url("gesture_choose", challenge, gesture.pk)}"' in html


def test_choosing_with_htmx_returns_the_updated_card(member_client, challenge, gesture) -> None:
    response = member_client.post(
        url("gesture_choose", challenge, gesture.pk), {"status": "engage"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li class="card gesture-card" id="geste-{gesture.pk}"')
    assert "Choix enregistré" in html
    assert "Je l&#x27;ai fait aujourd&#x27;hui" in html or "Je l'ai fait aujourd'hui" in html
    assert GestureChoice.objects.get().status == GestureStatus.COMMITTED


def test_not_for_me_without_a_reason_is_a_400_with_a_french_message(
    member_client, challenge, gesture, registration
) -> None:
    GestureChoice.objects.create(registration=registration, gesture=gesture, status="engage")
    response = member_client.post(
        url("gesture_choose", challenge, gesture.pk), {"status": "pas_pour_moi"}, **HTMX
    )
    assert response.status_code == 400
    assert "Indiquez pourquoi ce geste n&#x27;est pas pour vous." in response.content.decode()
    assert GestureChoice.objects.get().status == GestureStatus.COMMITTED  # nothing lost


def test_the_plain_form_fallback_redirects_or_shows_the_whole_page(
    member_client, challenge, gesture
) -> None:
    target = url("gesture_choose", challenge, gesture.pk)
    response = member_client.post(
        target, {"status": "pas_pour_moi", "reason": "trop_cher"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"#geste-{gesture.pk}")
    assert "Choix enregistré" in response.content.decode()
    assert GestureChoice.objects.get().reason == "trop_cher"

    bad = member_client.post(target, {"status": "n-importe-quoi"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "<h1>Mes éco-gestes</h1>" in html
    assert "Le formulaire contient des erreurs" in html
    assert GestureChoice.objects.get().reason == "trop_cher"


def test_ticking_twice_the_same_day_says_so(member_client, challenge, gesture, registration):
    GestureChoice.objects.create(registration=registration, gesture=gesture, status="engage")
    today = timezone.localdate().isoformat()
    first = member_client.post(url("gesture_tick", challenge, gesture.pk), {"day": today}, **HTMX)
    second = member_client.post(url("gesture_tick", challenge, gesture.pk), {"day": today}, **HTMX)
    assert first.status_code == second.status_code == 200
    assert "Bravo" in first.content.decode()
    assert "Fait 1 jour." in first.content.decode()
    assert "déjà noté" in second.content.decode()
    assert GestureTick.objects.count() == 1


def test_a_tick_in_the_future_is_refused(member_client, challenge, gesture, registration):
    GestureChoice.objects.create(registration=registration, gesture=gesture, status="engage")
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = member_client.post(url("gesture_tick", challenge, gesture.pk), {"day": tomorrow})
    assert response.status_code == 400
    assert "Vous ne pouvez pas cocher un jour à venir." in response.content.decode()
    assert not GestureTick.objects.exists()


def test_ticking_a_gesture_one_has_not_committed_to_is_refused(
    member_client, challenge, gesture
) -> None:
    response = member_client.post(
        url("gesture_tick", challenge, gesture.pk),
        {"day": timezone.localdate().isoformat()},
        **HTMX,
    )
    assert response.status_code == 400
    assert "Engagez-vous sur ce geste" in response.content.decode()


def test_a_closed_challenge_is_read_only(client, member, territory, gesture) -> None:
    closed = ChallengeFactory(
        territory=territory,
        starts_on=timezone.localdate() - dt.timedelta(days=200),
        ends_on=timezone.localdate() - dt.timedelta(days=30),
    )
    registration = RegistrationFactory(challenge=closed, household=member.household)
    GestureChoice.objects.create(registration=registration, gesture=gesture, status="deja")
    client.force_login(member)
    page = client.get(url("gestures", closed)).content.decode()
    assert "Le défi est terminé" in page
    assert "Votre choix : Je le fais déjà" in page
    assert "gesture_choose" not in page
    assert "/choix/" not in page
    response = client.post(url("gesture_choose", closed, gesture.pk), {"status": "engage"}, **HTMX)
    assert response.status_code == 400
    assert "Le défi est terminé" in response.content.decode()
    assert GestureChoice.objects.get().status == GestureStatus.ALREADY


def test_a_hidden_gesture_is_neither_shown_nor_choosable(
    member_client, challenge, gesture, territory
) -> None:
    ecogesture_toggle_for_territory(territory=territory, gesture=gesture)
    assert "Chauffer à 19 °C" not in member_client.get(url("gestures", challenge)).content.decode()
    response = member_client.post(url("gesture_choose", challenge, gesture.pk), {"status": "deja"})
    assert response.status_code == 404


def test_households_not_selected_cannot_choose(client, member, challenge, gesture) -> None:
    RegistrationFactory(
        challenge=challenge, household=member.household, status=RegistrationStatus.WAITING
    )
    client.force_login(member)
    assert client.get(url("gestures", challenge)).status_code == 403


def test_a_draft_challenge_is_not_found(client, member, territory) -> None:
    draft = ChallengeFactory(territory=territory, draft=True)
    client.force_login(member)
    assert client.get(url("gestures", draft)).status_code == 404
    assert client.get(url("gesture_stats", draft)).status_code == 404


def test_the_gestures_page_query_count_does_not_grow(
    member_client, challenge, registration, django_assert_max_num_queries
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            gesture = EcoGestureFactory(theme=Theme.ENERGY)
            choice = GestureChoice.objects.create(
                registration=registration, gesture=gesture, status="engage"
            )
            GestureTick.objects.create(choice=choice, done_on=timezone.localdate())

    add(2)
    with django_assert_max_num_queries(12) as few:
        member_client.get(url("gestures", challenge))
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = member_client.get(url("gestures", challenge))
    assert response.content.decode().count("Fait 1 jour.") == 32


# --- adoption figures ------------------------------------------------------------


def _households(challenge, gestures, n):  # type: ignore[no-untyped-def]
    for i in range(n):
        registration = RegistrationFactory(challenge=challenge, household=HouseholdFactory())
        for gesture in gestures:
            status = ["deja", "engage", "pas_pour_moi"][i % 3]
            choice = GestureChoice.objects.create(
                registration=registration,
                gesture=gesture,
                status=status,
                reason="trop_cher" if status == "pas_pour_moi" else "",
            )
            if status == "engage":
                GestureTick.objects.create(choice=choice, done_on=challenge.starts_on)


def test_the_adoption_page_is_public_and_shows_chart_and_table(client, challenge, gesture):
    _households(challenge, [gesture], 4)  # deja, engage, pas_pour_moi, deja
    response = client.get(url("gesture_stats", challenge))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in html
    assert '<title id="adoption-ecogestes-titre">' in html
    assert "<details>" in html
    assert '<table class="chart-table">' in html
    assert "Chauffer à 19 °C — 3 foyers (75 %)" in html
    assert "Trop cher" in html
    weeks = (min(timezone.localdate(), challenge.ends_on) - challenge.starts_on).days
    assert html.count('class="point"') >= 2 * (weeks // 7)
    assert not re.search(r"Foyer \d", html)  # no household is ever named


def test_the_adoption_page_query_count_does_not_depend_on_households(
    client, challenge, territory, django_assert_max_num_queries
) -> None:
    gestures = [EcoGestureFactory(theme=t) for t in (Theme.ENERGY, Theme.WATER) * 3]
    _households(challenge, gestures, 5)
    with django_assert_max_num_queries(10) as few:
        client.get(url("gesture_stats", challenge))
    _households(challenge, gestures, 35)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("gesture_stats", challenge))
    assert "<strong>40</strong> foyers participants" in response.content.decode()


# --- the territory catalogue ---------------------------------------------------------


def catalogue_url(name, territory, *args):  # type: ignore[no-untyped-def]
    return reverse(f"challenges:{name}", args=[territory.slug, *args])


def test_the_organiser_sees_how_the_territory_uses_each_gesture(
    client, organiser, territory, gesture
) -> None:
    hidden = EcoGestureFactory(title="Geste masqué")
    ecogesture_toggle_for_territory(territory=territory, gesture=hidden)
    EcoGestureFactory(territory=territory, title="Geste local", theme=Theme.WASTE)
    client.force_login(organiser)
    html = client.get(catalogue_url("catalogue", territory)).content.decode()
    assert "Catalogue, tel quel" in html
    assert "Masqué" in html
    assert "Proposer à nouveau" in html
    assert "Geste propre au territoire" in html


def test_editing_a_catalogue_gesture_creates_the_territory_copy(
    client, organiser, territory, gesture
) -> None:
    client.force_login(organiser)
    edit = catalogue_url("catalogue_edit", territory, gesture.pk)
    assert "Ce geste vient du catalogue" in client.get(edit).content.decode()
    data = {
        "theme": Theme.ENERGY,
        "title": "Chauffer à 19 °C, à Crest aussi",
        "explanation": "Notre version.",
        "saving_estimate": "",
        "saving_source": "",
        "position": 5,
    }
    response = client.post(edit, data)
    assert response.status_code == 302
    gesture.refresh_from_db()
    assert gesture.title == "Chauffer à 19 °C"
    copy = EcoGesture.objects.get(territory=territory)
    assert (copy.title, copy.copied_from) == ("Chauffer à 19 °C, à Crest aussi", gesture)
    # Editing again through the catalogue gesture edits the same copy.
    client.post(edit, {**data, "title": "Encore"})
    assert EcoGesture.objects.get(territory=territory).title == "Encore"


def test_an_estimate_without_a_source_is_refused(client, organiser, territory, gesture) -> None:
    client.force_login(organiser)
    response = client.post(
        catalogue_url("catalogue_add", territory),
        {"theme": Theme.WATER, "title": "Geste", "explanation": "x", "saving_estimate": "50 %"},
    )
    assert response.status_code == 400
    assert "Indiquez la source de cette estimation." in response.content.decode()
    assert not EcoGesture.objects.filter(territory=territory).exists()


def test_the_organiser_adds_and_hides_gestures(client, organiser, territory, challenge) -> None:
    client.force_login(organiser)
    response = client.post(
        catalogue_url("catalogue_add", territory),
        {
            "theme": Theme.WATER,
            "title": "Fontaine du village",
            "explanation": "Y boire.",
            "position": 1,
        },
    )
    assert response.status_code == 302
    added = EcoGesture.objects.get(territory=territory)
    client.post(catalogue_url("catalogue_toggle", territory, added.pk))
    added.refresh_from_db()
    assert not added.is_active


def test_another_territory_gesture_is_not_found(
    client, organiser, territory, other_territory
) -> None:
    theirs = EcoGestureFactory(territory=other_territory)
    client.force_login(organiser)
    assert client.get(catalogue_url("catalogue_edit", territory, theirs.pk)).status_code == 404


def test_the_catalogue_page_query_count_does_not_grow(
    client, organiser, territory, django_assert_max_num_queries
) -> None:
    client.force_login(organiser)
    EcoGestureFactory()
    with django_assert_max_num_queries(10) as few:
        client.get(catalogue_url("catalogue", territory))
    for gesture in [EcoGestureFactory() for _ in range(20)][:10]:
        ecogesture_toggle_for_territory(territory=territory, gesture=gesture)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(catalogue_url("catalogue", territory))
