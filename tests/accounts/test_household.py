"""Creating and editing my household."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Household
from tests.factories import CommuneFactory, HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:household")


def _data(**overrides):
    return {
        "name": "Les Durand",
        "adults": "2",
        "children": "1",
        "housing_type": "appartement",
        "surface_m2": "68",
        "main_heating": "electricite",
        "commune": "Crest (26400)",
        **overrides,
    }


@pytest.fixture
def newcomer_client(client, crest):
    user = UserFactory(email="nouveau@example.org")
    client.force_login(user)
    client.user = user
    return client


def test_it_offers_to_create_a_household_when_i_have_none(newcomer_client):
    response = newcomer_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Créer mon foyer</h1>" in html
    assert 'list="id_commune_suggestions"' in html
    assert '<datalist id="id_commune_suggestions">' in html


def test_it_creates_my_household_and_makes_me_its_member(newcomer_client, crest):
    response = newcomer_client.post(URL, _data())

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:household_invite")
    newcomer_client.user.refresh_from_db()
    household = newcomer_client.user.household
    assert household.name == "Les Durand"
    assert (household.adults, household.children, household.surface_m2) == (2, 1, 68)
    assert household.commune == crest


@pytest.mark.parametrize(
    "typed", ["26108", "Crest", "crest", "Crest (26400)", "26400", "  CREST  "]
)
def test_it_accepts_an_insee_code_a_postal_code_or_a_unique_name(newcomer_client, crest, typed):
    response = newcomer_client.post(URL, _data(commune=typed))

    assert response.status_code == 302
    newcomer_client.user.refresh_from_db()
    assert newcomer_client.user.household.commune == crest


def test_it_asks_to_choose_when_several_communes_have_the_name(newcomer_client):
    CommuneFactory(insee_code="07300", name="Saint-Julien", postal_codes=" 07190")
    CommuneFactory(insee_code="26301", name="Saint-Julien", postal_codes=" 26410")

    ambiguous = newcomer_client.post(URL, _data(commune="saint julien"))
    precise = newcomer_client.post(URL, _data(commune="Saint-Julien (26410)"))

    assert ambiguous.status_code == 400
    assert "Plusieurs communes portent ce nom" in ambiguous.content.decode()
    assert precise.status_code == 302
    newcomer_client.user.refresh_from_db()
    assert newcomer_client.user.household.commune_id == "26301"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("commune", "Atlantide", "Commune introuvable : vérifiez l&#x27;orthographe"),
        ("commune", "", "Ce champ est obligatoire."),
        ("name", "   ", "Ce champ est obligatoire."),
        ("adults", "0", "supérieure ou égale à 1"),
        ("adults", "21", "inférieure ou égale à 20"),
        ("children", "-1", "supérieure ou égale à 0"),
        ("children", "deux", "Saisissez un nombre entier."),
        ("surface_m2", "5", "supérieure ou égale à 9"),
        ("surface_m2", "99999999999999999999", "inférieure ou égale à 1000"),
        ("housing_type", "chateau", "Sélectionnez un choix valide."),
        ("main_heating", "", "Ce champ est obligatoire."),
    ],
)
def test_it_rejects_bad_input_in_french_and_saves_nothing(newcomer_client, field, value, message):
    response = newcomer_client.post(URL, _data(**{field: value}))

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert not Household.objects.exists()


def test_it_edits_my_household(owner_client, owner, household):
    page = owner_client.get(URL)
    response = owner_client.post(URL, _data(name="Les Martin-Durand", adults="3"))

    assert 'value="Crest (26400)"' in page.content.decode()
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.name, household.adults) == ("Les Martin-Durand", 3)
    assert Household.objects.count() == 1


def test_it_keeps_my_household_unchanged_on_bad_input(owner_client, household):
    response = owner_client.post(URL, _data(name="Autre nom", adults="0"))

    assert response.status_code == 400
    household.refresh_from_db()
    assert (household.name, household.adults) == ("Les Martin", 2)


def test_it_never_edits_a_household_i_do_not_belong_to(owner_client, owner):
    other = HouseholdFactory(name="Les Voisins")

    owner_client.post(URL, _data(name="Piraté"))

    other.refresh_from_db()
    assert other.name == "Les Voisins"


def test_it_requires_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    commune=st.text(max_size=120),
    adults=st.one_of(st.integers(), st.text(max_size=12)),
    surface=st.one_of(st.integers(), st.text(max_size=12)),
)
def test_it_answers_any_input_without_a_server_error(newcomer_client, commune, adults, surface):
    response = newcomer_client.post(
        URL, _data(commune=commune.replace("\x00", ""), adults=adults, surface_m2=surface)
    )

    assert response.status_code in (302, 400)


def test_after_creating_the_household_it_goes_back_to_where_it_came_from(client, db) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import CommuneFactory, UserFactory

    CommuneFactory(insee_code="26108", name="Crest", postal_codes=" 26400")
    client.force_login(UserFactory())
    data = {
        "name": "Foyer Martin",
        "adults": 2,
        "children": 0,
        "housing_type": "maison",
        "main_heating": "gaz",
        "commune": "26108",
        "next": "/t/val-de-drome/defis/hiver/inscription/",
    }
    response = client.post("/compte/foyer/", data)
    assert response["Location"] == "/t/val-de-drome/defis/hiver/inscription/"
    data["next"] = "https://evil.example.org/"
    client.force_login(UserFactory())
    assert client.post("/compte/foyer/", data)["Location"] != "https://evil.example.org/"
