"""« Saisir tous mes compteurs »: every meter of the household on one form,
saved all together or not at all."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from challenges.models import RegistrationStatus
from measures.models import Reading
from tests.factories import ChallengeFactory, MeterFactory, ReadingFactory, RegistrationFactory
from tests.measures.test_entry_readings import days_ago, png, today
from tests.measures.test_entry_readings import url as entry_url
from tests.security.payloads import ONE_MB, PAYLOADS
from tests.security.probe import Probe


@pytest.fixture
def challenge(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(territory=territory, slug="hiver", title="Hiver malin")


@pytest.fixture
def registration(challenge, member):  # type: ignore[no-untyped-def]
    return RegistrationFactory(challenge=challenge, household=member.household)


@pytest.fixture
def gas(member):  # type: ignore[no-untyped-def]
    meter = MeterFactory(household=member.household, label="Compteur gaz", carrier="gaz", unit="m3")
    ReadingFactory(meter=meter, read_on=days_ago(14), value=Decimal("1000"))
    return meter


@pytest.fixture
def linky(member):  # type: ignore[no-untyped-def]
    meter = MeterFactory(
        household=member.household,
        label="Linky",
        carrier="electricite",
        unit="kWh",
        has_offpeak=True,
    )
    ReadingFactory(meter=meter, register="hp", read_on=days_ago(14), value=Decimal("500"))
    ReadingFactory(meter=meter, register="hc", read_on=days_ago(14), value=Decimal("300"))
    return meter


@pytest.fixture
def water(member):  # type: ignore[no-untyped-def]
    return MeterFactory(household=member.household, label="Eau", carrier="eau", unit="m3")


@pytest.fixture
def member_client(client, member, registration):  # type: ignore[no-untyped-def]
    client.force_login(member)
    return client


def url(challenge) -> str:  # type: ignore[no-untyped-def]
    return reverse("measures:entry_all", args=[challenge.territory.slug, challenge.slug])


def fields(meter, key: str, **values: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {"read_on": today().isoformat(), "kind": "normal", "client_key": key, **values}
    return {f"m{meter.pk}-{name}": value for name, value in data.items()}


def test_the_url_is_under_the_challenge_s_entry(challenge):
    assert url(challenge) == "/t/val-de-drome/defis/hiver/saisie/tous-mes-compteurs/"


def test_every_meter_is_on_one_form_with_one_button(member_client, challenge, gas, linky):
    response = member_client.get(url(challenge))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<form method="post" enctype="multipart/form-data"') == 1
    assert page.count("Enregistrer mes relevés") == 1
    for name in (f"m{gas.pk}-base", f"m{linky.pk}-hp", f"m{linky.pk}-hc"):
        assert f'name="{name}"' in page
    assert "dernier index 1000 m³" in page
    assert f'value="{today().isoformat()}"' in page  # every date defaults to today


def test_the_entry_page_links_to_it_from_two_meters_on(member_client, challenge, gas, member):
    assert url(challenge) not in member_client.get(entry_url(challenge)).content.decode()
    MeterFactory(household=member.household, label="Eau", carrier="eau", unit="m3")
    page = member_client.get(entry_url(challenge)).content.decode()
    assert f'href="{url(challenge)}"' in page
    assert "Saisir tous mes compteurs d'un coup" in page


def test_every_meter_typed_is_saved_and_the_household_told_what_it_used(
    member_client, challenge, gas, linky, member
):
    data = fields(gas, "k1", base="1042") | fields(linky, "k2", hp="600", hc="350")
    response = member_client.post(url(challenge), data, follow=True)
    assert response.redirect_chain[-1][0] == entry_url(challenge)
    page = response.content.decode()
    assert "Relevé de « Compteur gaz » enregistré. 42 m³ consommés" in page
    assert "Relevé de « Linky » enregistré. 100 kWh consommés" in page
    new = Reading.objects.filter(read_on=today()).order_by("meter_id", "register")
    assert {(r.meter_id, r.register, r.value) for r in new} == {
        (gas.pk, "base", Decimal("1042")),
        (linky.pk, "hc", Decimal("350")),
        (linky.pk, "hp", Decimal("600")),
    }
    assert {r.entered_by for r in new} == {member}


def test_a_meter_left_blank_is_skipped_without_a_word(member_client, challenge, gas, water):
    data = fields(gas, "k1", base="1042") | fields(water, "k2", base="")
    response = member_client.post(url(challenge), data)
    assert response.status_code == 302
    assert list(Reading.objects.filter(read_on=today()).values_list("meter_id", flat=True)) == [
        gas.pk
    ]


def test_nothing_typed_is_a_400_with_a_plain_message(member_client, challenge, gas, water):
    data = fields(gas, "k1", base="") | fields(water, "k2", base=" ")
    response = member_client.post(url(challenge), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Aucun index saisi : tapez l'index d'au moins un compteur." in page
    assert "Ce champ est obligatoire" not in page
    assert Reading.objects.filter(read_on=today()).count() == 0


def test_one_refused_meter_saves_nothing_and_keeps_everything_typed(
    member_client, challenge, gas, linky
):
    # The gas index goes down: refused. The Linky's, right, is not saved either.
    data = fields(gas, "k1", base="990") | fields(linky, "k2", hp="600", hc="350")
    response = member_client.post(url(challenge), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rien n'est encore enregistré" in page
    assert "est plus petit que celui du" in page
    assert f'<a href="#compteur-{gas.pk}">Compteur gaz</a>' in page
    assert f'<a href="#compteur-{linky.pk}">' not in page
    for name, value in ((f"m{gas.pk}-base", "990"), (f"m{linky.pk}-hp", "600")):
        assert f'name="{name}" value="{value}"' in page
    assert Reading.objects.filter(read_on=today()).count() == 0


def test_a_form_error_on_one_meter_saves_nothing(member_client, challenge, gas, linky):
    data = fields(gas, "k1", base="1042") | fields(linky, "k2", hp="abc", hc="350")
    response = member_client.post(url(challenge), data)
    assert response.status_code == 400
    assert "Saisissez un nombre." in response.content.decode()
    assert Reading.objects.filter(read_on=today()).count() == 0


def test_a_date_in_the_future_is_refused_next_to_its_field(member_client, challenge, gas):
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = member_client.post(url(challenge), fields(gas, "k1", base="1042", read_on=tomorrow))
    assert response.status_code == 400
    assert Reading.objects.filter(value=1042).count() == 0


def test_an_unusual_value_asks_its_confirmation_then_everything_is_saved(
    member_client, challenge, gas, linky
):
    # Gas: 1000 → 1100 over 20 days = 5 m³/day; then 1100 → 1400 in 10 days.
    Reading.objects.filter(meter=gas).update(read_on=days_ago(30))
    ReadingFactory(meter=gas, read_on=days_ago(10), value=Decimal("1100"))
    data = fields(gas, "k1", base="1400") | fields(linky, "k2", hp="600", hc="350")
    response = member_client.post(url(challenge), data)
    assert response.status_code == 400
    assert "Je confirme cette valeur" in response.content.decode()
    assert Reading.objects.filter(read_on=today()).count() == 0
    confirmed = data | {f"m{gas.pk}-confirm_unusual": "on"}
    assert member_client.post(url(challenge), confirmed).status_code == 302
    assert Reading.objects.get(value=1400).confirmed_unusual
    assert Reading.objects.filter(read_on=today()).count() == 3


def test_the_same_form_sent_twice_saves_each_reading_once(member_client, challenge, gas, linky):
    data = fields(gas, "k1", base="1042") | fields(linky, "k2", hp="600", hc="350")
    member_client.post(url(challenge), data)
    response = member_client.post(url(challenge), data, follow=True)
    assert "Ce relevé était déjà enregistré." in response.content.decode()
    assert Reading.objects.filter(read_on=today()).count() == 3


def test_a_household_without_a_meter_is_asked_to_declare_one(member_client, challenge):
    response = member_client.get(url(challenge))
    assert response.status_code == 200
    assert "Déclarer mes compteurs" in response.content.decode()
    assert member_client.post(url(challenge), {"m1-base": "12"}).status_code == 200


def test_a_household_not_selected_may_not_enter(member_client, challenge, registration, gas):
    registration.status = RegistrationStatus.WAITING
    registration.save(update_fields=["status"])
    assert member_client.get(url(challenge)).status_code == 403
    assert member_client.post(url(challenge), fields(gas, "k", base="1042")).status_code == 403
    assert Reading.objects.filter(read_on=today()).count() == 0


def test_the_page_s_queries_do_not_grow_with_the_meters(member_client, challenge, gas, member):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(url(challenge)).status_code == 200
        return len(captured)

    two = (MeterFactory(household=member.household, carrier="eau", unit="m3"), queries())[1]
    for _n in range(4):
        MeterFactory(household=member.household, carrier="eau", unit="m3")
    assert queries() == two


def test_hostile_values_in_every_field_are_refused_plainly(member, registration, gas, linky):
    probe = Probe()
    probe.client.force_login(member)
    target = url(registration.challenge)
    page = probe.get(target).content.decode()
    names = [
        name
        for name in sorted(set(re.findall(r'name="(m\d+-[a-z_]+)"', page)))
        if not name.endswith("photo")
    ]
    assert len(names) >= 9
    for payload in [*PAYLOADS, ONE_MB]:
        data = dict.fromkeys(names, payload) | {"csrfmiddlewaretoken": probe.csrf_token}
        response = probe.post(target, data)
        assert response.status_code in (302, 400), (payload[:40], response.status_code)
    probe.assert_clean()
    assert Reading.objects.filter(read_on=today()).count() == 0


def test_a_refused_page_leaves_no_photo_stored(member_client, challenge, gas, linky):
    data = fields(gas, "k1", base="1042") | fields(linky, "k2", hp="400", hc="350")
    data[f"m{gas.pk}-photo"] = SimpleUploadedFile("gaz.png", png(), "image/png")
    assert member_client.post(url(challenge), data).status_code == 400
    storage = Reading._meta.get_field("photo").storage
    folder = f"measures/photos/{gas.pk}"
    assert (storage.listdir(folder)[1] if storage.exists(folder) else []) == []
    assert Reading.objects.filter(read_on=today()).count() == 0
