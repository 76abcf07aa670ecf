"""The household's challenge pages on a 360 px phone: no WCAG 2.1 A/AA
violation (axe) and nothing that scrolls sideways."""

from __future__ import annotations

import pytest

from challenges.models import EcoGesture, Theme
from tests.browser.helpers import assert_no_horizontal_scroll, log_in, visit_all
from tests.factories import (
    ChallengeFactory,
    EcoGestureFactory,
    KitDocumentFactory,
    MeterFactory,
    RegistrationFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


@pytest.fixture
def challenges(territory, member):
    """One challenge open for registration, one running where the member's
    household is selected, in a team, with gestures to choose from."""
    EcoGesture.objects.all().delete()  # only the gestures below, whatever ran before
    EcoGestureFactory(theme=Theme.ENERGY, title="Baisser le chauffage à 19 °C")
    EcoGestureFactory(
        theme=Theme.WATER,
        title="Installer un mousseur sur chaque robinet de la cuisine et de la salle de bains",
        saving_estimate="jusqu'à 50 % du débit des robinets équipés",
    )
    open_one = ChallengeFactory(
        open_for_registration=True,
        territory=territory,
        slug="printemps",
        title="Défi Foyers à énergie positive du printemps des communes de la vallée",
        max_households=10,
    )
    running = ChallengeFactory(territory=territory, slug="hiver", title="Défi Hiver sobre")
    team = TeamFactory(challenge=running, name="Les Économes de Crest")
    RegistrationFactory(challenge=running, household=member.household, team=team)
    KitDocumentFactory(challenge=running, title="Guide du participant (PDF, 2 Mo)")
    MeterFactory(household=member.household, label="Compteur Linky du garage")
    return open_one, running


def test_household_challenge_pages_fit_a_phone(phone_page, challenges, member):
    open_one, running = challenges
    log_in(phone_page, member)
    visit_all(
        phone_page,
        [
            f"/t/{SLUG}/defis/{open_one.slug}/",
            f"/t/{SLUG}/defis/{open_one.slug}/inscription/",
            f"/t/{SLUG}/defis/{running.slug}/",
            f"/t/{SLUG}/defis/{running.slug}/mon-inscription/",
            f"/t/{SLUG}/defis/{running.slug}/equipes/{running.teams.get().pk}/",
            f"/t/{SLUG}/defis/{running.slug}/eco-gestes/",
            f"/t/{SLUG}/defis/{running.slug}/eco-gestes/adoption/",
            "/compte/foyer/compteurs/",
        ],
        then=assert_no_horizontal_scroll,
    )
