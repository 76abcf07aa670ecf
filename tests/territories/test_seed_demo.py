from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Consent, ConsentText, Household, User
from territories.demo import DEMO_PASSWORD
from territories.models import Commune, Membership, Partner, RegionalCoordinator, Role, Territory
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Territory, Commune, Partner, Household, User, EmailAddress, Membership]
    models += [RegionalCoordinator, ConsentText, Consent]
    return {model.__name__: model.objects.count() for model in models}


def test_it_builds_the_demo_territories() -> None:
    output = seed()

    val = Territory.objects.get(slug="val-de-drome")
    assert val.name == "Communauté de communes du Val de Drôme en transition"
    assert val.kind == "epci"
    assert val.region_id == "84"
    assert val.description
    assert set(val.communes.values_list("insee_code", flat=True)) == {
        "26108",
        "26011",
        "26289",
        "26144",
        "26183",
        "26234",
    }
    assert val.partners.count() >= 3
    assert all(".example.org" in p.url for p in val.partners.all())
    assert Territory.objects.get(slug="saillans-demain").kind == "collectif"
    crest = Commune.objects.get(insee_code="26108")
    assert (crest.name, crest.search_name, crest.postal_codes) == ("Crest", "crest", " 26400")
    assert crest.latitude is not None
    assert "animatrice@demo.elan.localhost" in output
    assert DEMO_PASSWORD in output


def test_it_builds_about_forty_households_with_members() -> None:
    seed()

    # The past editions of other territories (reports/demo_editions.py) have
    # households without accounts: the ones of the demo's people are these.
    households = Household.objects.filter(members__isnull=False).distinct()
    assert 35 <= households.count() <= 45
    communes = set(Territory.objects.get(slug="val-de-drome").communes.all())
    for household in households:
        assert household.name.startswith("Foyer ")
        assert 1 <= household.adults <= 3
        assert 0 <= household.children <= 3
        assert household.commune in communes
        assert 1 <= household.members.count() <= 2
    assert households.values("housing_type").distinct().count() == 2
    assert households.values("main_heating").distinct().count() >= 4
    member = User.objects.filter(household__isnull=False).first()
    assert member.email.endswith("@demo.elan.localhost")


def test_it_gives_the_demo_roles() -> None:
    seed()

    def roles(email: str) -> set[tuple[str, str]]:
        return set(
            Membership.objects.filter(user__email=email).values_list("territory__slug", "role")
        )

    assert roles("animatrice@demo.elan.localhost") == {("val-de-drome", Role.ORGANISER)}
    assert roles("animateur.saillans@demo.elan.localhost") == {("saillans-demain", Role.ORGANISER)}
    assert roles("partenaire@demo.elan.localhost") == {("val-de-drome", Role.SPONSOR)}
    assert roles("acteur@demo.elan.localhost") == {("val-de-drome", Role.ACTOR_CONTACT)}
    assert RegionalCoordinator.objects.get(user__email="coordination@demo.elan.localhost").region_id
    admin = User.objects.get(email="admin@demo.elan.localhost")
    assert admin.is_superuser
    assert admin.is_staff
    assert (
        User.objects.get(email="animatrice@demo.elan.localhost").get_full_name() == "Claire Fabre"
    )


def test_every_demo_account_can_log_in_with_a_verified_address() -> None:
    seed()

    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()
    assert authenticate(email="animatrice@demo.elan.localhost", password=DEMO_PASSWORD)
    # One hash for everybody: hashing ~60 passwords would take seconds.
    assert User.objects.values("password").distinct().count() == 1


def test_it_publishes_the_terms_and_the_privacy_policy() -> None:
    seed()

    for key in (ConsentText.TERMS, ConsentText.PRIVACY):
        text = ConsentText.current(key)
        assert text is not None
        assert text.version == 1
        assert len(text.body) > 500
    assert "RGPD" in ConsentText.current(ConsentText.PRIVACY).body
    assert Consent.objects.count() == 2 * User.objects.count()


def test_running_it_twice_creates_nothing_new(django_assert_max_num_queries) -> None:
    seed()
    before = counts()

    # A re-run only reads (about 1,100 queries with the network and the commons
    # demos); it must stay bounded, not grow with the data it finds.
    with django_assert_max_num_queries(1500):
        output = seed()

    assert counts() == before
    assert "rien, tout existait déjà" in output


def test_it_completes_communes_already_loaded_from_the_official_list(tmp_path) -> None:
    path = tmp_path / "communes.csv"
    path.write_text(
        "insee_code,name,postal_codes,department_code,region_code,population,latitude,longitude\n"
        "26108,Crest,26400,26,84,8658,,\n",
        encoding="utf-8",
    )
    call_command("load_communes", "--path", str(path), stdout=io.StringIO())

    seed()

    assert Commune.objects.filter(insee_code="26108").count() == 1
    assert Commune.objects.get(insee_code="26108").latitude is not None


def test_if_empty_skips_when_a_territory_exists() -> None:
    TerritoryFactory()

    output = seed("--if-empty")

    assert "existe déjà" in output
    assert not Household.objects.exists()
    assert not Territory.objects.filter(slug="val-de-drome").exists()


def test_if_empty_seeds_an_empty_database() -> None:
    seed("--if-empty")

    assert Territory.objects.filter(slug="val-de-drome").exists()
