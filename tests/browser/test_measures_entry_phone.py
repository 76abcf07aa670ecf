"""A selected household enters its readings on a 360 px phone: a new gas
index is saved with the consumption since the last one; a lower index is
refused next to its field and nothing is saved, until it is marked as a new
meter. Then a waste challenge: one flow weighed. Every page and every state
is checked by axe (WCAG 2.1 A/AA) and must not scroll sideways."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from challenges.models import Theme
from measures.models import Carrier, Reading, ReadingKind, Unit, WasteFlow, Weighing
from tests.browser.helpers import assert_no_horizontal_scroll, log_in, submit, visit
from tests.factories import (
    ChallengeFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _text(locator) -> str:
    """Inner text with French spaces made plain and whitespace collapsed."""
    text = locator.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    return " ".join(text.split())


@pytest.fixture
def gas(territory, member):
    """A running energy and water challenge; the member's household is
    selected and has a gas meter read three times already."""
    challenge = ChallengeFactory(territory=territory, title="Défi Hiver sobre", slug="hiver")
    RegistrationFactory(challenge=challenge, household=member.household)
    meter = MeterFactory(
        household=member.household, carrier=Carrier.GAS, unit=Unit.M3, label="Compteur gaz"
    )
    for days, value in ((21, 4100), (14, 4150), (7, 4180)):
        ReadingFactory(meter=meter, read_on=_days_ago(days), value=value)
    return challenge, meter


def _meter_form(page, meter):
    return page.locator("main form").filter(
        has=page.locator(f"input[name=meter][value='{meter.pk}']")
    )


def test_household_enters_gas_readings_on_a_phone(phone_page, gas, member):
    page = phone_page
    challenge, meter = gas
    log_in(page, member)
    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/saisie/")
    main = page.locator("main")
    assert_no_horizontal_scroll(page)
    card = main.get_by_role("region", name="Compteur gaz")
    last_day = date_format(_days_ago(7), "j F Y")
    assert f"dernier index 4180 m³ le {last_day}" in _text(card)

    # A higher index, read yesterday: saved, with the consumption since the last one.
    form = _meter_form(page, meter)
    form.get_by_label("Index (m³)").fill("4195")
    form.get_by_label("Date du relevé").fill(_days_ago(1).isoformat())
    submit(page, form)
    assert page.url.endswith(f"/defis/{challenge.slug}/saisie/")
    success = _text(main.locator(".message").first)
    assert "Relevé de « Compteur gaz » enregistré." in success
    assert f"15 m³ consommés depuis le relevé du {last_day} (6 jours)" in success
    assert_no_horizontal_scroll(page)
    saved = Reading.objects.get(meter=meter, read_on=_days_ago(1))
    assert saved.value == Decimal("4195")
    assert Reading.objects.filter(meter=meter).count() == 4

    # A lower index today: refused next to the field, nothing saved.
    form = _meter_form(page, meter)
    form.get_by_label("Index (m³)").fill("12")
    submit(page, form, status=400)
    field = page.locator(f"#id_m{meter.pk}-base")
    error = page.locator(f"#id_m{meter.pk}-base_error")
    assert error.is_visible()
    assert f"id_m{meter.pk}-base_error" in (field.get_attribute("aria-describedby") or "")
    yesterday = date_format(_days_ago(1), "j F Y")
    assert f"L'index saisi (12 m³) est plus petit que celui du {yesterday} (4195 m³)" in _text(
        error
    )
    assert "Le formulaire contient des erreurs" in _text(main.get_by_role("alert").first)
    assert field.input_value() == "12", "la saisie est conservée"
    assert_no_horizontal_scroll(page)
    assert Reading.objects.filter(meter=meter).count() == 4
    assert not Reading.objects.filter(meter=meter, read_on=timezone.localdate()).exists()

    # The same value as the first index of a new meter: accepted.
    form = _meter_form(page, meter)
    form.locator("summary", has_text="Compteur changé ou repassé par zéro ?").click()
    form.get_by_label("Type de relevé").select_option(label="Nouveau compteur (index de départ)")
    assert_no_horizontal_scroll(page)
    submit(page, form)
    assert "Relevé de « Compteur gaz » enregistré." in _text(main.locator(".message").first)
    new = Reading.objects.get(meter=meter, read_on=timezone.localdate())
    assert (new.value, new.kind) == (Decimal("12"), ReadingKind.REPLACEMENT)
    assert Reading.objects.filter(meter=meter).count() == 5
    assert "dernier index 12 m³" in _text(main.get_by_role("region", name="Compteur gaz"))
    assert_no_horizontal_scroll(page)


def test_household_weighs_one_waste_flow_on_a_phone(phone_page, territory, member):
    page = phone_page
    challenge = ChallengeFactory(
        territory=territory, title="Défi Zéro déchet", slug="zero-dechet", themes=[Theme.WASTE]
    )
    registration = RegistrationFactory(challenge=challenge, household=member.household)
    log_in(page, member)
    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/saisie/pesees/")
    main = page.locator("main")
    assert_no_horizontal_scroll(page)
    assert "Aucune pesée pour l'instant." in _text(main.get_by_role("table"))

    form = main.locator("form").filter(has=page.locator("[name=weighed_on]"))
    flows = form.get_by_role("group", name="Poids par flux, en kg (par exemple 2,5)")
    flows.get_by_label("Ordures ménagères résiduelles (kg)").fill("3,4")
    submit(page, form)
    assert "Pesée enregistrée. Merci !" in _text(main.locator(".message").first)
    assert_no_horizontal_scroll(page)

    (weighing,) = Weighing.objects.filter(registration=registration)
    assert (weighing.flow, weighing.kg, weighing.weighed_on) == (
        WasteFlow.RESIDUAL,
        Decimal("3.40"),
        timezone.localdate(),
    )
    table = main.get_by_role("table", name="Mes dernières pesées")
    row = table.locator("tbody tr").first
    assert "Ordures ménagères résiduelles" in _text(row)
    assert "3,4" in _text(row)
    assert table.locator("tbody tr").count() == 1
