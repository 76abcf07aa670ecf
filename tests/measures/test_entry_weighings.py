"""Waste weighings: one short form per weighing day, corrections keep history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.models import Challenge
from measures.models import Weighing
from tests.factories import ChallengeFactory, RegistrationFactory, WeighingFactory


def today() -> dt.date:
    # Read at each use: a run that crosses midnight must not compare
    # yesterday's date with the server's today.
    return timezone.localdate()


@pytest.fixture
def challenge(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(
        territory=territory, slug="zero-dechet", themes=["dechets"], weighing_frequency_days=7
    )


@pytest.fixture
def registration(challenge, member):  # type: ignore[no-untyped-def]
    return RegistrationFactory(challenge=challenge, household=member.household)


@pytest.fixture
def member_client(client, member, registration):  # type: ignore[no-untyped-def]
    client.force_login(member)
    return client


def url(challenge) -> str:  # type: ignore[no-untyped-def]
    return reverse("measures:weighings", args=[challenge.territory.slug, challenge.slug])


def edit_url(challenge, weighing) -> str:  # type: ignore[no-untyped-def]
    return reverse(
        "measures:weighing_edit", args=[challenge.territory.slug, challenge.slug, weighing.pk]
    )


def day(**kgs: str) -> dict:
    return {"weighed_on": today().isoformat(), "client_key": "pesee-1", **kgs}


def test_the_page_gives_the_rhythm_and_a_field_per_flow(member_client, challenge):
    page = member_client.get(url(challenge)).content.decode()
    assert "Une pesée tous les 7 jours, en quelques gestes" in page
    for label in ["Ordures ménagères résiduelles (kg)", "Verre (kg)", "Biodéchets (kg)"]:
        assert label in page
    assert 'inputmode="decimal"' in page
    assert f'value="{today().isoformat()}"' in page


def test_a_weighing_day_saves_the_weighed_flows_only(member_client, challenge, registration):
    version = challenge.data_version
    response = member_client.post(url(challenge), day(omr="3,4", verre="0", papier=""))
    assert response.status_code == 302
    saved = {w.flow: w.kg for w in Weighing.objects.all()}
    assert saved == {"omr": Decimal("3.4"), "verre": Decimal("0")}
    assert Challenge.objects.get(pk=challenge.pk).data_version > version  # results are stale


def test_an_empty_form_is_refused(member_client, challenge):
    response = member_client.post(url(challenge), day())
    assert response.status_code == 400
    assert "au moins un flux" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (day(omr="-1"), "supérieure ou égale à 0"),
        (day(omr="600"), "inférieure ou égale à 500"),
        (day(omr="lourd"), "Saisissez un nombre"),
        ({**day(omr="2"), "weighed_on": (today() + dt.timedelta(days=2)).isoformat()}, "futur"),
        ({**day(omr="2"), "weighed_on": "2001-01-01"}, "pendant le défi"),
    ],
)
def test_bad_weighings_are_refused(member_client, challenge, data, message):
    response = member_client.post(url(challenge), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Weighing.objects.exists()


def test_a_double_submit_saves_once(member_client, challenge):
    member_client.post(url(challenge), day(omr="2", verre="1"))
    again = member_client.post(url(challenge), day(omr="2", verre="1"), follow=True)
    assert "déjà enregistrée" in again.content.decode()
    assert Weighing.objects.count() == 2


def test_weighing_the_same_flow_again_the_same_day_keeps_the_first_as_history(
    member_client, challenge, registration
):
    first = WeighingFactory(registration=registration, weighed_on=today(), flow="omr", kg=2)
    member_client.post(url(challenge), day(omr="2,5"))
    first.refresh_from_db()
    assert first.superseded_by is not None
    assert first.superseded_by.kg == Decimal("2.5")


def test_a_correction_keeps_the_old_value(member_client, challenge, registration):
    old = WeighingFactory(registration=registration, weighed_on=today(), flow="verre", kg=9)
    page = member_client.get(url(challenge)).content.decode()
    assert edit_url(challenge, old) in page
    data = {"weighed_on": today().isoformat(), "kg": "0,9", "client_key": "corr-1"}
    assert member_client.post(edit_url(challenge, old), data).status_code == 302
    old.refresh_from_db()
    new = Weighing.objects.get(superseded_by__isnull=True)
    assert (old.superseded_by, new.kg, new.flow) == (new, Decimal("0.9"), "verre")
    assert "9 kg" not in member_client.get(url(challenge)).content.decode()


def test_a_correction_to_another_day_supersedes_the_old_row(member_client, challenge, registration):
    old = WeighingFactory(registration=registration, weighed_on=today(), flow="omr", kg=4)
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    data = {"weighed_on": yesterday, "kg": "4", "client_key": "corr-2"}
    member_client.post(edit_url(challenge, old), data)
    old.refresh_from_db()
    assert old.superseded_by is not None
    assert Weighing.objects.filter(superseded_by__isnull=True).get().weighed_on.isoformat() == (
        yesterday
    )


def test_a_bad_correction_is_refused(member_client, challenge, registration):
    old = WeighingFactory(registration=registration, weighed_on=today(), flow="omr", kg=4)
    data = {"weighed_on": today().isoformat(), "kg": "-2", "client_key": "corr-3"}
    assert member_client.post(edit_url(challenge, old), data).status_code == 400
    assert Weighing.objects.count() == 1


def test_a_superseded_weighing_cannot_be_corrected_again(member_client, challenge, registration):
    new = WeighingFactory(registration=registration, flow="omr", kg=4)
    old = WeighingFactory(registration=registration, flow="omr", kg=3, superseded_by=new)
    assert member_client.get(edit_url(challenge, old)).status_code == 404


def test_another_household_weighing_is_not_found(member_client, challenge):
    other = WeighingFactory(registration=RegistrationFactory(challenge=challenge))
    assert member_client.get(edit_url(challenge, other)).status_code == 404


def test_a_challenge_without_waste_has_no_weighings(member_client, challenge):
    Challenge.objects.filter(pk=challenge.pk).update(themes=["energie"])
    assert member_client.get(url(challenge)).status_code == 404


def test_the_list_queries_do_not_grow_with_the_weighings(
    member_client, challenge, registration, django_assert_max_num_queries
):
    for n in range(25):
        WeighingFactory(registration=registration, weighed_on=today() - dt.timedelta(days=n))
    with django_assert_max_num_queries(10):
        assert member_client.get(url(challenge)).status_code == 200
