"""Results in a real browser, on the real engine: a household read its gas
meter every 15 days during the reference period (one year earlier) and the
challenge so far. It sees its figures, its weekly chart and the chart's data
table; the public results page shows headline figures and no household; the
challenge page loads its results block through HTMX. No degree days for the
household's department: the pages say the figures are not climate-corrected.
Every page and state is checked by axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from measures.models import Carrier, DegreeDay, Unit
from measures.results import one_year_before
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
REF_M3_PER_DAY, CHALLENGE_M3_PER_DAY = 5, 4.5  # 10 % saved


def _text(locator) -> str:
    text = locator.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    return " ".join(text.split())


def _every_15_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """From `first` every 15 days, and `last` itself: a reading on each bound."""
    days = [first + dt.timedelta(days=n) for n in range(0, (last - first).days, 15)]
    return [*days, last]


@pytest.fixture
def household(territory):
    """A running challenge (started 60 days ago) and a selected household whose
    gas meter was read every 15 days over both periods."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=60)
    challenge = ChallengeFactory(
        territory=territory,
        title="Défi Hiver sobre",
        slug="hiver",
        starts_on=start,
        ends_on=start + dt.timedelta(days=150),
        registration_opens_on=start - dt.timedelta(days=60),
        registration_closes_on=start - dt.timedelta(days=1),
    )
    team = TeamFactory(challenge=challenge, name="Les Économes de Crest")
    home = HouseholdFactory(
        name="Famille Lambert", adults=2, children=0, commune=territory.communes.first()
    )
    user = UserFactory(display_name="Léonie Lambert", household=home)
    RegistrationFactory(challenge=challenge, household=home, team=team)
    meter = MeterFactory(household=home, carrier=Carrier.GAS, unit=Unit.M3, label="Compteur gaz")
    ref_start = one_year_before(start)
    for day in _every_15_days(ref_start, one_year_before(today)):
        ReadingFactory(
            meter=meter, read_on=day, value=1000 + REF_M3_PER_DAY * (day - ref_start).days
        )
    for day in _every_15_days(start, today):
        value = 5000 + CHALLENGE_M3_PER_DAY * (day - start).days
        ReadingFactory(meter=meter, read_on=day, value=value)
    assert not DegreeDay.objects.exists(), "pas de degrés-jours : pas de correction climatique"
    return challenge, user


def test_household_sees_its_results_and_the_public_sees_only_totals(page, household):
    challenge, user = household
    base = f"/t/{SLUG}/defis/{challenge.slug}"
    log_in(page, user)

    visit(page, f"{base}/resultats/mon-foyer/")
    main = page.locator("main")
    assert _text(main.get_by_role("heading", level=1)) == "Les résultats de mon foyer"
    assert "pour un foyer de 2 personnes" in _text(main.locator(".lead"))
    energy = main.get_by_role("region", name="Énergie")
    figures = _text(energy.locator(".stats"))
    assert "10,0 % d'énergie économisée" in figures
    assert "Données complètes :" in _text(energy)
    meters = energy.get_by_role(
        "table", name="Mes compteurs d'énergie : référence, défi et économies"
    )
    assert "Compteur gaz" in _text(meters.get_by_role("rowheader"))

    curves = main.get_by_role("region", name="Ma consommation semaine après semaine")
    chart = curves.locator("svg[role=img]")
    assert chart.count() == 1
    assert chart.is_visible()
    assert curves.get_by_role("img", name="Ma consommation d'énergie chaque semaine").count() == 1
    data = curves.get_by_role("table")
    assert not data.is_visible(), "le tableau reste replié"
    curves.locator("summary", has_text="Voir les données du graphique").click()
    assert data.is_visible()
    headers = _text(data.locator("thead"))
    assert "Cette année" in headers
    assert "Référence" in headers
    assert data.locator("tbody tr").count() >= 8
    assert_accessible(page)

    method = main.get_by_role("region", name="Méthode")
    method.locator("summary", has_text="Comment ces chiffres sont calculés").click()
    assert "Sans correction climatique" in _text(method)
    assert_accessible(page)

    # The public results page, followed from the household's page, logged out after.
    follow(page, main.get_by_role("link", name="← Résultats du défi Défi Hiver sobre"))
    assert page.url.endswith(f"{base}/resultats/")
    page.context.clear_cookies()
    visit(page, f"{base}/resultats/")
    essential = main.get_by_role("region", name="L'essentiel")
    headlines = _text(essential.locator(".stats"))
    assert "10,0 % d'énergie économisée" in headlines
    assert "kWh économisés par foyer" in headlines
    assert "1 foyers complets sur 1" in _text(
        main.get_by_role("region", name="Foyers pris en compte")
    )
    assert "Les Économes de Crest" in _text(main)
    assert "Sans correction climatique" in _text(main.get_by_role("region", name="Méthode"))
    public = _text(main)
    for private in ("Famille Lambert", "Lambert", "Léonie", "Compteur gaz"):
        assert private not in public, f"« {private} » ne doit pas être public"

    # The challenge's page: HTMX swaps its results block in.
    visit(page, f"{base}/")
    block = main.get_by_role("region", name="Résultats")
    summary = block.locator("#resultats-resume")
    summary.wait_for()
    assert "10,0 % d'énergie économisée" in _text(summary)
    assert "Énergie : 1 foyers complets sur 1" in _text(summary)
    assert "Lambert" not in _text(block)
    assert_accessible(page)
    follow(page, summary.get_by_role("link", name="Voir tous les résultats"))
    assert page.url.endswith(f"{base}/resultats/")
