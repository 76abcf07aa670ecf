"""A household registers to a challenge in a real browser: its meters first,
then its candidacy with a team code (selected at once, it joins that team),
then it moves to a neighbour's team by its invitation link. Every page on
the way is checked by axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import pytest

from challenges.models import Registration, RegistrationStatus, SelectionRule
from measures.models import Carrier
from tests.browser.helpers import follow, log_in, submit, visit
from tests.factories import (
    ChallengeFactory,
    ConsentTextFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


@pytest.fixture
def challenge(territory):
    return ChallengeFactory(
        open_for_registration=True,
        territory=territory,
        title="Défi Foyers économes",
        slug="foyers-economes",
        max_households=10,
        selection_rule=SelectionRule.FIRST_COME,
        consent_text=ConsentTextFactory(
            key="defi-val-de-drome-foyers-economes",
            title="Usage des données — Défi Foyers économes",
            body="Vos relevés servent à calculer vos économies ; votre équipe voit si vous êtes à jour.",
        ),
    )


def _team_with_captain(challenge, territory, *, name: str, captain: str):
    """A team already formed, with its captain's household in it."""
    user = UserFactory(
        display_name=captain,
        household=HouseholdFactory(name=f"Foyer de {captain}", commune=territory.communes.first()),
    )
    team = TeamFactory(challenge=challenge, name=name, captain=user)
    RegistrationFactory(challenge=challenge, household=user.household, team=team)
    return team


@pytest.fixture
def team(challenge, territory):
    return _team_with_captain(challenge, territory, name="Les Économes de Crest", captain="Louise")


@pytest.fixture
def neighbours(challenge, territory):
    return _team_with_captain(challenge, territory, name="Les Voisins d'Aouste", captain="Malik")


def _main_form(page, field: str):
    """The form in <main> that holds `field` (the header has forms too)."""
    return page.locator("main form").filter(has=page.locator(f"[name={field}]"))


def _declare_meter(page, *, carrier: str, label: str) -> None:
    """From the registration page, declare a meter and come back to it."""
    register_url = page.url
    follow(
        page, page.locator("main").get_by_role("link", name="Déclarer ou modifier mes compteurs")
    )
    assert "/compte/foyer/compteurs/" in page.url
    form = _main_form(page, "carrier")
    form.get_by_label("Énergie ou fluide").select_option(label=carrier)
    form.get_by_label("Nom du compteur").fill(label)
    submit(page, form)
    assert page.url == register_url, "retour à l'inscription après l'ajout du compteur"
    assert f"Compteur « {label} » ajouté." in page.locator("main").inner_text()


def test_household_declares_its_meters_registers_and_joins_its_team(
    page, challenge, team, neighbours, member, mailoutbox
):
    log_in(page, member)
    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/")
    main = page.locator("main")
    participate = main.get_by_role("region", name="Participer")
    assert "il reste 8 places" in participate.inner_text()

    follow(page, participate.get_by_role("link", name="Inscrire mon foyer"))
    assert page.url.endswith(f"/defis/{challenge.slug}/inscription/")
    missing = main.locator("#compteurs-manquants")
    assert "Il manque un compteur d'énergie" in missing.inner_text()
    assert "Il manque un compteur d'eau" in missing.inner_text()

    _declare_meter(page, carrier="Gaz naturel", label="Compteur gaz")
    assert "Il manque un compteur d'eau" in missing.inner_text()
    assert "Il manque un compteur d'énergie" not in missing.inner_text()
    _declare_meter(page, carrier="Eau", label="Compteur d'eau")
    assert not missing.count(), "plus aucun compteur ne manque"
    carriers = set(member.household.meters.values_list("carrier", flat=True))
    assert carriers == {Carrier.GAS, Carrier.WATER}

    form = _main_form(page, "team_code")
    consent = form.get_by_role("group", name="Usage des données — Défi Foyers économes")
    assert "votre équipe voit si vous êtes à jour" in consent.inner_text()
    form.get_by_label("Code d'invitation d'une équipe").fill(team.invite_code.lower())
    form.get_by_label("J'accepte l'utilisation des données de mon foyer").check()
    submit(page, form)

    registration = Registration.objects.get(challenge=challenge, household=member.household)
    assert registration.status == RegistrationStatus.SELECTED, "premiers inscrits : retenu"
    assert registration.team == team, "retenu, le foyer rejoint l'équipe de son code"
    assert registration.consent.text == challenge.consent_text, "l'accord donné est gardé"
    assert page.url.endswith(f"/defis/{challenge.slug}/mon-inscription/")
    assert "Votre candidature est enregistrée" in main.inner_text()
    status = main.locator(".card").first.inner_text()
    assert "Statut : Retenu" in status
    assert "Équipe : Les Économes de Crest" in status
    assert member.email in {address for mail in mailoutbox for address in mail.to}

    # A neighbour's invitation link: the household is asked before it leaves its team.
    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/equipe/rejoindre/{neighbours.invite_code}/")
    assert "Rejoindre l'équipe « Les Voisins d'Aouste »" in main.inner_text()
    assert "capitaine : Malik" in main.inner_text()
    assert "fait déjà partie de l'équipe « Les Économes de Crest »" in main.inner_text()
    follow(
        page,
        main.get_by_role(
            "button", name="Quitter « Les Économes de Crest » et rejoindre « Les Voisins d'Aouste »"
        ),
    )

    registration.refresh_from_db()
    assert registration.team == neighbours
    assert page.url.endswith(f"/defis/{challenge.slug}/equipes/{neighbours.pk}/")
    assert "Bienvenue dans l'équipe « Les Voisins d'Aouste » !" in main.inner_text()
    households = main.get_by_role("table", name="Foyers membres de l'équipe")
    assert households.locator("tbody tr").count() == 2
    assert member.public_name in households.inner_text()
    assert "Malik (capitaine)" in households.inner_text()

    follow(page, main.get_by_role("link", name=challenge.title))
    participate = main.get_by_role("region", name="Participer")
    assert "Votre foyer est inscrit : Retenu." in participate.inner_text()
    assert participate.get_by_role("link", name="Mon équipe").is_visible()
