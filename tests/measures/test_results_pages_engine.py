"""Results pages on the real engine: same figures on page, CSV and API, and
query counts that do not grow with the number of households."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from challenges.models import Challenge, RegistrationStatus
from measures.models import Carrier, Meter, Reading, ResultSnapshot, Unit
from measures.results import one_year_before
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


def make_challenge(territory, slug="hiver") -> Challenge:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    return ChallengeFactory(
        territory=territory,
        slug=slug,
        starts_on=start,
        ends_on=start + dt.timedelta(days=150),
        registration_opens_on=start - dt.timedelta(days=60),
        registration_closes_on=start - dt.timedelta(days=1),
        objective_energy_pct=8,
    )


def add_households(challenge, team, n, *, gas=(100, 90), complete=True, share=False):  # type: ignore[no-untyped-def]
    """n households with a gas meter read on the four boundaries (m³)."""
    today = timezone.localdate()
    start = challenge.starts_on
    commune = challenge.territory.communes.first()
    registrations, readings = [], []
    for _ in range(n):
        household = HouseholdFactory(adults=2, children=0, commune=commune)
        registrations.append(
            RegistrationFactory(
                challenge=challenge,
                household=household,
                team=team,
                status=RegistrationStatus.SELECTED,
                shares_values_with_team=share,
            )
        )
        meter = Meter.objects.create(
            household=household,
            carrier=Carrier.GAS,
            unit=Unit.M3,
            label="Compteur gaz",
            heating_share=Decimal("1"),
        )
        ref, chal = gas
        days = [
            (one_year_before(start), 1000),
            (one_year_before(today), 1000 + ref),
            (start, 5000),
        ]
        if complete:
            days.append((today, 5000 + chal))
        readings += [Reading(meter=meter, read_on=day, value=value) for day, value in days]
    Reading.objects.bulk_create(readings)
    return registrations


@pytest.fixture
def small(territory):  # type: ignore[no-untyped-def]
    challenge = make_challenge(territory)
    sobres = TeamFactory(challenge=challenge, name="Les Sobres")
    autres = TeamFactory(challenge=challenge, name="Les Autres")
    regs = add_households(challenge, sobres, 2, gas=(100, 80), share=True)
    regs += add_households(challenge, autres, 1, gas=(100, 95))
    regs += add_households(challenge, autres, 1, complete=False)
    for i, reg in enumerate(regs):
        UserFactory(household=reg.household, display_name=f"Membre{i}", email=f"e{i}@example.org")
    return {"challenge": challenge, "teams": [sobres, autres], "regs": regs}


def url(name, challenge, *extra):  # type: ignore[no-untyped-def]
    return reverse(f"measures:{name}", args=[challenge.territory.slug, challenge.slug, *extra])


def csv_rows(response):  # type: ignore[no-untyped-def]
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_every_page_renders_from_the_engine(client, small, organiser) -> None:
    challenge = small["challenge"]
    client.force_login(organiser)
    for response in (
        client.get(url("challenge_results", challenge)),
        client.get(url("challenge_results_summary", challenge)),
        client.get(url("team_results", challenge, small["teams"][0].pk)),
        client.get(url("results_export", challenge)),
        client.get(url("results_export", challenge) + "?niveau=equipes"),
        client.get(reverse("measures:territory_results", args=[challenge.territory.slug])),
    ):
        assert response.status_code == 200
    page = text(client.get(url("challenge_results", challenge)))
    assert "3 foyers complets sur 4 ; 1 exclu." in page
    assert small["regs"][3].household.name in page  # organisers see who is excluded


def test_page_csv_and_api_show_the_same_figures(client, small, organiser) -> None:
    challenge = small["challenge"]
    client.force_login(organiser)
    rows = {row["Foyer"]: row for row in csv_rows(client.get(url("results_export", challenge)))}
    first = small["regs"][0]
    mine = rows[first.household.name]
    assert mine["Énergie complète"] == "oui"
    client.force_login(first.household.members.get())
    page = text(client.get(url("household_results", challenge)))
    assert f"{mine['Énergie économisée (%)']} %</strong>" in page
    assert f"{mine['Énergie économisée (kWh)']} kWh</strong>" in page
    api = client.get("/api/v1/me/results").json()
    (entry,) = api
    assert entry["household"]["energy"]["savings_pct"] == float(
        mine["Énergie économisée (%)"].replace(",", ".")
    )
    public = client.get(
        f"/api/v1/challenges/{challenge.territory.slug}/{challenge.slug}/results"
    ).json()["results"]
    assert "households" not in public
    assert "excluded" not in public
    challenge_page = text(client.get(url("challenge_results", challenge)))
    pct = f"{public['energy']['savings_pct']:.1f}".replace(".", ",")
    assert f"{pct} %</strong> d&#x27;énergie économisée" in challenge_page


def test_the_public_page_names_no_household(client, small) -> None:
    page = text(client.get(url("challenge_results", small["challenge"])))
    for reg in small["regs"]:
        assert reg.household.name not in page
    assert "Membre" not in page


def test_a_household_sees_its_weekly_chart_during_the_challenge(client, small) -> None:
    client.force_login(small["regs"][0].household.members.get())
    page = text(client.get(url("household_results", small["challenge"])))
    assert 'id="ma-conso-energie-titre"' in page
    assert "Cette année" in page
    assert "Référence" in page


def _challenge_with(territory, n, slug):  # type: ignore[no-untyped-def]
    challenge = make_challenge(territory, slug=slug)
    team = TeamFactory(challenge=challenge)
    regs = add_households(challenge, team, n, share=True)
    UserFactory(household=regs[0].household, email=f"first-{slug}@example.org")
    return challenge, team, regs[0].household.members.get()


def _count(client, path) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _counts(client, challenge, team, household_user, organiser) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    pages = {
        "challenge": url("challenge_results", challenge),
        "summary": url("challenge_results_summary", challenge),
        "team": url("team_results", challenge, team.pk),
        "export": url("results_export", challenge),
    }
    for warm in (False, True):
        client.force_login(organiser)
        for name, path in pages.items():
            if not warm:
                ResultSnapshot.objects.filter(challenge=challenge).delete()
            counts[f"{name}-{'warm' if warm else 'cold'}"] = _count(client, path)
        client.force_login(household_user)
        if not warm:
            ResultSnapshot.objects.filter(challenge=challenge).delete()
        household_path = url("household_results", challenge)
        counts[f"household-{'warm' if warm else 'cold'}"] = _count(client, household_path)
    return counts


def test_query_counts_do_not_grow_from_10_to_200_households(client, territory, organiser) -> None:
    small = _counts(client, *_challenge_with(territory, 10, "petit"), organiser)
    large = _counts(client, *_challenge_with(territory, 200, "grand"), organiser)
    assert large == small
    assert small["challenge-warm"] < small["challenge-cold"]
