"""The RGPD export holds the household's readings, bills, weighings,
registrations and éco-gestes; erasure leaves the household's figures,
anonymous, in the results."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts import rgpd
from accounts.services import account_erase
from challenges.models import EcoGesture, GestureChoice, GestureStatus, RegistrationStatus
from measures.models import Reading
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
    WeighingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def household_world(territory):  # type: ignore[no-untyped-def]
    household = HouseholdFactory(name="Famille Arnaud")
    user = UserFactory(household=household)
    challenge = ChallengeFactory(territory=territory, title="Défi Hiver sobre")
    registration = RegistrationFactory(
        challenge=challenge,
        household=household,
        team=TeamFactory(challenge=challenge, name="Les Sobres"),
        status=RegistrationStatus.SELECTED,
    )
    meter = MeterFactory(household=household, label="Gaz de la maison")
    first = ReadingFactory(meter=meter, read_on=dt.date(2025, 12, 1), value=1000)
    fixed = ReadingFactory(meter=meter, read_on=dt.date(2025, 12, 15), value=1090)
    wrong = ReadingFactory(meter=meter, read_on=dt.date(2025, 12, 15), value=1900)
    Reading.objects.filter(pk=wrong.pk).update(superseded_by=fixed)
    WeighingFactory(registration=registration, weighed_on=dt.date(2025, 12, 3), flow="omr", kg=7)
    gesture = EcoGesture.objects.first()
    if gesture is not None:
        GestureChoice.objects.create(
            registration=registration, gesture=gesture, status=GestureStatus.values[0]
        )
    other = UserFactory(household=HouseholdFactory())
    ReadingFactory(meter=MeterFactory(household=other.household), value=5)
    return {"user": user, "first": first, "gesture": gesture}


def test_the_export_has_the_households_measures_and_registrations(household_world) -> None:
    data = rgpd.export_data(household_world["user"])
    readings = data["releves"]
    assert [r["compteur"] for r in readings] == ["Gaz de la maison"] * 3
    assert sorted(float(r["index"]) for r in readings) == [1000.0, 1090.0, 1900.0]
    assert sum(r["remplace_par_une_correction"] for r in readings) == 1
    assert [w["kg"] for w in data["pesees"]]
    assert data["pesees"][0]["defi"] == "Défi Hiver sobre"
    registration = data["inscriptions_defis"][0]
    assert registration["defi"] == "Défi Hiver sobre"
    assert registration["equipe"] == "Les Sobres"
    if household_world["gesture"] is not None:
        assert data["eco_gestes"][0]["eco_geste"] == household_world["gesture"].title
    assert rgpd.export_data(UserFactory())["releves"] == []


def test_erasure_keeps_the_households_figures_without_the_person(household_world) -> None:
    user = household_world["user"]
    account_erase(user=user)
    user.refresh_from_db()
    assert rgpd.export_data(user)["releves"] == []  # no longer linked to the household
    assert Reading.objects.filter(pk=household_world["first"].pk).exists()
