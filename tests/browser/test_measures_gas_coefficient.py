"""A household enters the gas coefficient of its bill on the meter form, on a
360 px phone: an unusual value asks for a confirmation (a checkbox appears
with the message, nothing typed is lost), a zero is refused next to the field,
and the confirmed value is saved and shown in the list. Every page and every
state is checked by axe (WCAG 2.1 A/AA) and must not scroll sideways."""

from __future__ import annotations

from decimal import Decimal

import pytest

from measures.models import Meter
from tests.browser.helpers import assert_no_horizontal_scroll, log_in, submit, visit

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/compte/foyer/compteurs/"


def _text(locator) -> str:  # type: ignore[no-untyped-def]
    text = locator.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    return " ".join(text.split())


def test_household_enters_its_gas_coefficient_on_a_phone(phone_page, member):  # type: ignore[no-untyped-def]
    page = phone_page
    log_in(page, member)
    visit(page, LIST)
    assert_no_horizontal_scroll(page)
    form = page.locator("main form").last
    coefficient = form.get_by_label("coefficient de conversion (kWh/m³)")
    # Where to find it, said next to the field.
    help_id = coefficient.get_attribute("aria-describedby")
    assert help_id
    assert "ligne « coefficient de conversion »" in _text(page.locator(f"#{help_id.split()[0]}"))
    assert form.get_by_label("Je confirme ce coefficient").count() == 0

    form.get_by_label("énergie ou fluide").select_option("gaz")
    form.get_by_label("nom du compteur").fill("Compteur gaz")
    coefficient.fill("0")
    submit(page, form, status=400)
    form = page.locator("main form").last
    assert "doit être supérieur à 0" in _text(form)
    assert not Meter.objects.exists()

    # An unusual value: the confirmation appears with the message, nothing is lost.
    form.get_by_label("coefficient de conversion (kWh/m³)").fill("8,5")
    submit(page, form, status=400)
    assert_no_horizontal_scroll(page)
    form = page.locator("main form").last
    assert "8,5 kWh/m³ est inhabituel" in _text(form)
    assert form.get_by_label("nom du compteur").input_value() == "Compteur gaz"
    assert form.get_by_label("coefficient de conversion (kWh/m³)").input_value() == "8,5"
    confirm = form.get_by_label("Je confirme ce coefficient")
    assert confirm.is_visible()
    assert not Meter.objects.exists()

    # The bill says 11,05 after all: corrected, saved without confirmation.
    form.get_by_label("coefficient de conversion (kWh/m³)").fill("11,05")
    submit(page, form)
    assert page.url.endswith(LIST)
    meter = Meter.objects.get(household=member.household)
    assert (meter.carrier, meter.unit, meter.gas_kwh_per_m3) == ("gaz", "m3", Decimal("11.05"))
    table = page.locator("main table")
    assert "11,05 kWh/m³ (votre facture)" in _text(table)
    assert_no_horizontal_scroll(page)
