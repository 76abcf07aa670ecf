"""A captain follows the households of the team in a real browser: who is up
to date, who is late, who has entered nothing; one click reminds a late
household by e-mail, a second one the same day is refused. Every page, and
every row HTMX swaps in, is checked by axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from challenges.models import CaptainReminder
from measures.models import Carrier, Unit
from tests.browser.helpers import assert_accessible, follow, log_in, visit
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


def _household(territory, name: str, person: str, *, read_days_ago: int | None):
    """A household with a gas and a water meter read `read_days_ago` days ago;
    with None, a household that has entered nothing (no meter, no reading)."""
    household = HouseholdFactory(name=name, commune=territory.communes.first())
    user = UserFactory(display_name=person, household=household)
    if read_days_ago is not None:
        day = timezone.localdate() - dt.timedelta(days=read_days_ago)
        gas = MeterFactory(household=household, carrier=Carrier.GAS, unit=Unit.M3)
        water = MeterFactory(household=household, carrier=Carrier.WATER, unit=Unit.M3, label="Eau")
        ReadingFactory(meter=gas, read_on=day, value=4210)
        ReadingFactory(meter=water, read_on=day, value=312)
    return user


@pytest.fixture
def team(territory):
    """A running challenge (energy and water, readings every 15 days) and a
    team: the captain and three households — up to date, late, nothing."""
    challenge = ChallengeFactory(territory=territory, title="Défi Hiver sobre", slug="hiver")
    captain = _household(territory, "Les Morel", "Louise", read_days_ago=2)
    team = TeamFactory(challenge=challenge, name="Les Économes de Crest", captain=captain)
    people = [
        captain,
        _household(territory, "Les Arnaud", "Aline", read_days_ago=1),
        _household(territory, "Les Blanc", "Bruno", read_days_ago=40),
        _household(territory, "Les Chevalier", "Chloé", read_days_ago=None),
    ]
    for user in people:
        RegistrationFactory(challenge=challenge, household=user.household, team=team)
    return team


def _row(page, person: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=person))


def test_captain_sees_who_is_late_and_reminds_them_once_a_day(page, team, mailoutbox):
    challenge, captain = team.challenge, team.captain
    bruno = team.registrations.get(household__name="Les Blanc")
    log_in(page, captain)

    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/equipes/{team.pk}/")
    main = page.locator("main")
    follow(page, main.get_by_role("link", name="Tableau de bord du capitaine"))
    assert page.url.endswith(f"/equipes/{team.pk}/tableau-de-bord/")

    table = main.get_by_role("table", name="État des saisies de chaque foyer de l'équipe")
    headers = table.get_by_role("columnheader").all_inner_texts()
    assert headers == ["Foyer", "Énergie", "Eau", "Relance"]
    assert "2 foyers à relancer" in " ".join(main.locator(".stats").inner_text().split())

    for person in ("Louise", "Aline"):
        cells = _row(page, person).get_by_role("cell").all_inner_texts()
        assert [c.split("\n")[0] for c in cells[:2]] == ["À jour", "À jour"], person
        assert cells[2] == "—", f"{person} est à jour : pas de bouton de relance"
    bruno_cells = _row(page, "Bruno").get_by_role("cell").all_inner_texts()
    assert [c.split("\n")[0] for c in bruno_cells[:2]] == ["En retard", "En retard"]
    assert "dernier relevé il y a 40 jours" in bruno_cells[0]
    chloe_cells = _row(page, "Chloé").get_by_role("cell").all_inner_texts()
    assert [c.split("\n")[0] for c in chloe_cells[:2]] == ["Aucune donnée", "Aucune donnée"]
    assert "4210" not in table.inner_text(), "Bruno ne partage pas ses chiffres"

    # HTMX swaps Bruno's row: the confirmation replaces the button.
    _row(page, "Bruno").get_by_role("button", name="Relancer Bruno").click()
    confirmation = _row(page, "Bruno").get_by_role("status")
    confirmation.wait_for()
    assert confirmation.inner_text().startswith("relancé à ")
    assert_accessible(page)
    assert _row(page, "Chloé").get_by_role("button", name="Relancer Chloé").is_visible()

    assert CaptainReminder.objects.filter(registration=bruno, sent_by=captain).count() == 1
    reminders = [m for m in mailoutbox if "attend vos chiffres" in m.subject]
    assert len(reminders) == 1
    assert reminders[0].to == [bruno.household.members.get().email]
    assert "Louise, capitaine de votre équipe « Les Économes de Crest »" in reminders[0].body
    assert "Énergie : en retard (dernier relevé il y a 40 jours)" in reminders[0].body

    # Later the same day: the button is back, the server refuses.
    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/equipes/{team.pk}/tableau-de-bord/")
    assert "relancé le " in _row(page, "Bruno").inner_text()
    _row(page, "Bruno").get_by_role("button", name="Relancer Bruno").click()
    refusal = _row(page, "Bruno").get_by_role("alert")
    refusal.wait_for()
    assert "déjà été relancé il y a moins de 24 heures" in refusal.inner_text()
    assert_accessible(page)
    assert CaptainReminder.objects.filter(registration=bruno).count() == 1
    assert len([m for m in mailoutbox if "attend vos chiffres" in m.subject]) == 1
