"""« Saisir mes relevés »: a household enters its meter readings for a challenge."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from challenges.models import Challenge
from measures import services
from measures.models import Reading
from tests.factories import ChallengeFactory, MeterFactory, ReadingFactory, RegistrationFactory


def today() -> dt.date:
    # Read at each use: a run that crosses midnight must not compare
    # yesterday's date with the server's today.
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


@pytest.fixture
def challenge(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(territory=territory, slug="hiver", title="Hiver malin")


@pytest.fixture
def registration(challenge, member):  # type: ignore[no-untyped-def]
    return RegistrationFactory(challenge=challenge, household=member.household)


@pytest.fixture
def meter(member):  # type: ignore[no-untyped-def]
    return MeterFactory(household=member.household, label="Compteur gaz", carrier="gaz", unit="m3")


@pytest.fixture
def member_client(client, member, registration):  # type: ignore[no-untyped-def]
    client.force_login(member)
    return client


def url(challenge) -> str:  # type: ignore[no-untyped-def]
    return reverse("measures:entry", args=[challenge.territory.slug, challenge.slug])


def post_data(meter, *, key: str = "cle-1", **values) -> dict:  # type: ignore[no-untyped-def]
    data = {"meter": meter.pk, "read_on": today().isoformat(), "kind": "normal", "client_key": key}
    data.update(values)
    return {(k if k == "meter" else f"m{meter.pk}-{k}"): v for k, v in data.items()}


def test_the_url_is_under_the_challenge(challenge):
    assert url(challenge) == "/t/val-de-drome/defis/hiver/saisie/"


def test_it_shows_each_meter_with_its_last_index_and_how_to_read_it(
    member_client, challenge, meter
):
    ReadingFactory(meter=meter, read_on=days_ago(10), value=Decimal("1234"))
    ReadingFactory(meter=meter, read_on=days_ago(3), value=Decimal("1250"))
    page = member_client.get(url(challenge)).content.decode()
    assert "Compteur gaz" in page
    assert "dernier index 1250 m³" in page
    assert "ignorez les chiffres rouges" in page
    assert f'name="m{meter.pk}-client_key"' in page
    assert f'value="{today().isoformat()}"' in page  # the date defaults to today


def test_a_reading_is_saved_with_the_consumption_since_the_last_one(
    member_client, challenge, meter, member
):
    ReadingFactory(meter=meter, read_on=days_ago(14), value=Decimal("1000"))
    version = challenge.data_version
    response = member_client.post(url(challenge), post_data(meter, base="1042"), follow=True)
    assert response.redirect_chain[-1][0] == url(challenge)
    assert "42 m³ consommés depuis le relevé du" in response.content.decode()
    assert "(14 jours)" in response.content.decode()
    reading = Reading.objects.get(value=Decimal("1042"))
    assert (reading.read_on, reading.entered_by, reading.kind) == (today(), member, "normal")
    assert Challenge.objects.get(pk=challenge.pk).data_version == version + 1


def test_a_decreasing_index_is_refused_with_a_clear_message(member_client, challenge, meter):
    ReadingFactory(meter=meter, read_on=days_ago(14), value=Decimal("1000"))
    response = member_client.post(url(challenge), post_data(meter, base="990"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "est plus petit que celui du" in page
    assert "Nouveau compteur" in page
    assert Reading.objects.count() == 1


@pytest.mark.parametrize("kind", ["remplacement", "tour"])
def test_a_decreasing_index_is_accepted_as_a_new_meter_or_a_rollover(
    member_client, challenge, meter, kind
):
    ReadingFactory(meter=meter, read_on=days_ago(14), value=Decimal("99990"))
    response = member_client.post(url(challenge), post_data(meter, base="12", kind=kind))
    assert response.status_code == 302
    assert Reading.objects.get(value=12).kind == kind


def test_a_late_reading_above_the_next_one_is_refused(member_client, challenge, meter):
    ReadingFactory(meter=meter, read_on=days_ago(20), value=Decimal("1000"))
    ReadingFactory(meter=meter, read_on=days_ago(5), value=Decimal("1100"))
    data = post_data(meter, base="1200", read_on=days_ago(10).isoformat())
    response = member_client.post(url(challenge), data)
    assert response.status_code == 400
    assert "dépasse celui du relevé suivant" in response.content.decode()


def test_an_implausible_value_asks_for_a_confirmation_then_is_saved(
    member_client, challenge, meter
):
    # Usual use: 1000 → 1100 over 20 days = 5 m³/day. Now 1100 → 1400 over 10
    # days = 30 m³/day, more than 3 × 5.
    ReadingFactory(meter=meter, read_on=days_ago(30), value=Decimal("1000"))
    ReadingFactory(meter=meter, read_on=days_ago(10), value=Decimal("1100"))
    response = member_client.post(url(challenge), post_data(meter, base="1400"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "30,0 m³ par jour" in page
    assert "(5,0 m³ par jour)" in page
    assert "Je confirme cette valeur" in page
    assert Reading.objects.count() == 2
    confirmed = post_data(meter, base="1400", confirm_unusual="on")
    assert member_client.post(url(challenge), confirmed).status_code == 302
    assert Reading.objects.get(value=1400).confirmed_unusual


def test_a_normal_value_is_not_questioned(member_client, challenge, meter):
    ReadingFactory(meter=meter, read_on=days_ago(30), value=Decimal("1000"))
    ReadingFactory(meter=meter, read_on=days_ago(10), value=Decimal("1100"))
    # 10 days × 14 m³ = 140: 14 m³/day is below 3 × 5.
    assert member_client.post(url(challenge), post_data(meter, base="1240")).status_code == 302
    assert not Reading.objects.get(value=1240).confirmed_unusual


def test_with_a_single_previous_reading_nothing_is_judged_unusual(member_client, challenge, meter):
    ReadingFactory(meter=meter, read_on=days_ago(10), value=Decimal("1000"))
    assert member_client.post(url(challenge), post_data(meter, base="90000")).status_code == 302


def test_a_double_submit_saves_one_reading(member_client, challenge, meter):
    data = post_data(meter, base="1500", key="4f1c2a")
    first = member_client.post(url(challenge), data)
    second = member_client.post(url(challenge), data, follow=True)
    assert first.status_code == 302
    assert "Ce relevé était déjà enregistré" in second.content.decode()
    assert Reading.objects.count() == 1


def test_a_second_reading_the_same_day_replaces_the_first_but_keeps_it(
    member_client, challenge, meter
):
    old = ReadingFactory(meter=meter, read_on=today(), value=Decimal("1500"))
    assert member_client.post(url(challenge), post_data(meter, base="1510")).status_code == 302
    new = Reading.objects.get(value=1510)
    old.refresh_from_db()
    assert old.superseded_by == new
    assert new.superseded_by is None
    page = member_client.get(url(challenge)).content.decode()
    assert "dernier index 1510 m³" in page


def test_a_superseded_reading_is_ignored_by_the_decrease_check(member_client, challenge, meter):
    wrong = ReadingFactory(meter=meter, read_on=days_ago(10), value=Decimal("9999"))
    fixed = ReadingFactory(meter=meter, read_on=days_ago(10), value=Decimal("1000"))
    Reading.objects.filter(pk=wrong.pk).update(superseded_by=fixed)
    assert member_client.post(url(challenge), post_data(meter, base="1010")).status_code == 302


@pytest.mark.parametrize(
    ("read_on", "message"),
    [
        (today() + dt.timedelta(days=2), "ne peut pas être dans le futur"),
        (today() - dt.timedelta(days=800), "ne peut pas précéder le"),
    ],
)
def test_a_date_in_the_future_or_too_far_back_is_refused(
    member_client, challenge, meter, read_on, message
):
    response = member_client.post(url(challenge), post_data(meter, base="10", read_on=read_on))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Reading.objects.exists()


def test_a_late_reading_is_accepted(member_client, challenge, meter):
    data = post_data(meter, base="10", read_on=days_ago(300).isoformat())
    assert member_client.post(url(challenge), data).status_code == 302
    assert Reading.objects.get().read_on == days_ago(300)


@pytest.mark.parametrize("bad", ["abc", "-5", ""])
def test_a_bad_value_is_refused(member_client, challenge, meter, bad):
    response = member_client.post(url(challenge), post_data(meter, base=bad))
    assert response.status_code == 400
    assert not Reading.objects.exists()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_photo_of_the_meter_is_kept(member_client, challenge, meter):
    data = post_data(meter, base="10")
    data[f"m{meter.pk}-photo"] = SimpleUploadedFile("linky.png", png(), "image/png")
    assert member_client.post(url(challenge), data).status_code == 302
    assert Reading.objects.get().photo.name.startswith(f"measures/photos/{meter.pk}/")


def test_a_photo_that_is_not_an_image_is_refused(member_client, challenge, meter):
    data = post_data(meter, base="10")
    data[f"m{meter.pk}-photo"] = SimpleUploadedFile("note.png", b"%PDF-1.4 pas une image")
    response = member_client.post(url(challenge), data)
    assert response.status_code == 400
    assert "image valide" in response.content.decode()
    assert not Reading.objects.exists()


def test_a_photo_over_8_mb_is_refused(member_client, challenge, meter, monkeypatch):
    monkeypatch.setattr("measures.forms.MAX_PHOTO_BYTES", 10)
    data = post_data(meter, base="10")
    data[f"m{meter.pk}-photo"] = SimpleUploadedFile("big.png", png(), "image/png")
    response = member_client.post(url(challenge), data)
    assert response.status_code == 400
    assert "dépasse 8 Mo" in response.content.decode()


def test_peak_and_off_peak_are_entered_together_or_not_at_all(member_client, challenge, member):
    linky = MeterFactory(
        household=member.household, carrier="electricite", unit="kWh", has_offpeak=True
    )
    ReadingFactory(meter=linky, register="hp", read_on=days_ago(10), value=Decimal("500"))
    ReadingFactory(meter=linky, register="hc", read_on=days_ago(10), value=Decimal("300"))
    bad = member_client.post(url(challenge), post_data(linky, hp="520", hc="200"))
    assert bad.status_code == 400
    assert Reading.objects.count() == 2  # the valid peak index was not saved alone
    good = member_client.post(url(challenge), post_data(linky, hp="520", hc="310"), follow=True)
    assert "20 kWh consommés" in good.content.decode()
    assert "10 kWh consommés" in good.content.decode()
    assert Reading.objects.filter(read_on=today()).count() == 2


def test_another_household_meter_cannot_be_posted_to(member_client, challenge):
    other = MeterFactory()
    assert member_client.post(url(challenge), post_data(other, base="10")).status_code == 404
    assert not Reading.objects.exists()


def test_a_household_not_selected_cannot_enter_data(client, challenge, member, registration):
    registration.status = "attente"
    registration.save()
    client.force_login(member)
    assert client.get(url(challenge)).status_code == 403


def test_without_meters_the_household_is_sent_to_declare_them(member_client, challenge):
    page = member_client.get(url(challenge)).content.decode()
    assert "Déclarer mes compteurs" in page


def test_water_meters_are_not_shown_in_an_energy_only_challenge(member_client, challenge, member):
    challenge.themes = ["energie"]
    challenge.save()
    MeterFactory(household=member.household, carrier="eau", unit="m3", label="Eau froide")
    assert "Eau froide" not in member_client.get(url(challenge)).content.decode()


def test_the_page_queries_do_not_grow_with_the_readings(
    member_client, challenge, meter, member, django_assert_max_num_queries
):
    linky = MeterFactory(
        household=member.household, carrier="electricite", unit="kWh", has_offpeak=True
    )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(url(challenge)).status_code == 200
        return len(queries)

    ReadingFactory(meter=meter, read_on=days_ago(100), value=1)
    few = count()
    for n in range(40):
        ReadingFactory(meter=meter, read_on=days_ago(99 - n), value=2 + n)
        ReadingFactory(meter=linky, register="hp", read_on=days_ago(99 - n), value=2 + n)
    assert count() == few
    with django_assert_max_num_queries(12):
        member_client.get(url(challenge))


def test_the_service_returns_the_existing_reading_for_a_known_key(meter, member):
    first = services.reading_add(
        meter=meter,
        register="base",
        read_on=today(),
        value=Decimal(5),
        kind="normal",
        user=member,
        client_key="cle-api",
    )
    again = services.reading_add(
        meter=meter,
        register="base",
        read_on=today(),
        value=Decimal(6),
        kind="normal",
        user=member,
        client_key="cle-api",
    )
    assert (first.created, again.created, again.reading) == (True, False, first.reading)


def test_the_service_refuses_a_register_the_meter_does_not_have(meter, member):
    with pytest.raises(services.ReadingError, match="n'a pas cet index"):
        services.reading_add(
            meter=meter,
            register="hp",
            read_on=today(),
            value=Decimal(5),
            kind="normal",
            user=member,
        )


def test_reminders_are_paused_and_resumed(member_client, challenge, registration):
    toggle = reverse("measures:reminders_toggle", args=[challenge.territory.slug, challenge.slug])
    response = member_client.post(toggle, {"paused": "1"}, follow=True)
    assert "Rappels mis en pause" in response.content.decode()
    assert "Réactiver les rappels" in response.content.decode()
    registration.refresh_from_db()
    assert registration.reminders_paused
    partial = member_client.post(toggle, {"paused": "0"}, HTTP_HX_REQUEST="true")
    assert "Mettre les rappels en pause" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    registration.refresh_from_db()
    assert not registration.reminders_paused


def test_reminders_toggle_is_post_only(member_client, challenge):
    toggle = reverse("measures:reminders_toggle", args=[challenge.territory.slug, challenge.slug])
    assert member_client.get(toggle).status_code == 405
