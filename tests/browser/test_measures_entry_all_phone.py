"""A household with a gas meter and a peak / off-peak electricity meter enters
both on one form, on a 360 px phone: a gas index lower than the last one is
refused next to its field and nothing is saved, the electricity indexes typed
are kept; corrected, everything is saved at once. Every state is checked by
axe (WCAG 2.1 A/AA) and must not scroll sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from measures.models import Carrier, Reading, Unit
from tests.browser.helpers import assert_no_horizontal_scroll, follow, log_in, submit, visit
from tests.factories import ChallengeFactory, MeterFactory, ReadingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "val-de-drome"  # the `territory` fixture of tests/conftest.py


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _text(locator) -> str:  # type: ignore[no-untyped-def]
    text = locator.inner_text().replace("\xa0", " ").replace("\u202f", " ")
    return " ".join(text.split())


@pytest.fixture
def meters(territory, member):  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory, title="Défi Hiver sobre", slug="hiver")
    RegistrationFactory(challenge=challenge, household=member.household)
    gas = MeterFactory(
        household=member.household, carrier=Carrier.GAS, unit=Unit.M3, label="Compteur gaz"
    )
    linky = MeterFactory(
        household=member.household,
        carrier=Carrier.ELECTRICITY,
        unit=Unit.KWH,
        label="Linky",
        has_offpeak=True,
    )
    ReadingFactory(meter=gas, read_on=_days_ago(7), value=4180)
    ReadingFactory(meter=linky, register="hp", read_on=_days_ago(7), value=5200)
    ReadingFactory(meter=linky, register="hc", read_on=_days_ago(7), value=3100)
    return challenge, gas, linky


def test_household_enters_every_meter_at_once_on_a_phone(phone_page, meters, member):
    page = phone_page
    challenge, gas, linky = meters
    log_in(page, member)
    visit(page, f"/t/{SLUG}/defis/{challenge.slug}/saisie/")
    main = page.locator("main")
    follow(page, main.get_by_role("link", name="Saisir tous mes compteurs d'un coup"))
    assert page.url.endswith("/saisie/tous-mes-compteurs/")
    assert_no_horizontal_scroll(page)
    gas_group = main.get_by_role("group", name="Compteur gaz")
    linky_group = main.get_by_role("group", name="Linky")
    assert "dernier index 4180 m³" in _text(gas_group)

    # The gas index typed lower than the last one: refused, nothing saved,
    # the electricity indexes still there.
    gas_group.get_by_label("Index (m³)").fill("4170")
    linky_group.get_by_label("Heures pleines").fill("5260")
    linky_group.get_by_label("Heures creuses").fill("3140")
    submit(page, main.locator("form"), status=400)
    assert_no_horizontal_scroll(page)
    summary = main.get_by_role("alert").first
    assert "Rien n'est encore enregistré" in _text(summary)
    assert summary.get_by_role("link", name="Compteur gaz").is_visible()
    assert "est plus petit que celui du" in _text(gas_group)
    assert linky_group.get_by_label("Heures pleines").input_value() == "5260"
    assert linky_group.get_by_label("Heures creuses").input_value() == "3140"
    assert Reading.objects.filter(read_on=timezone.localdate()).count() == 0

    # Corrected: the three readings saved together, each meter's use told.
    gas_group.get_by_label("Index (m³)").fill("4195")
    submit(page, main.locator("form"))
    assert page.url.endswith(f"/defis/{challenge.slug}/saisie/")
    told = " ".join(_text(m) for m in main.locator(".message").all())
    assert "Relevé de « Compteur gaz » enregistré. 15 m³ consommés" in told
    assert "Relevé de « Linky » enregistré. 60 kWh consommés" in told
    saved = Reading.objects.filter(read_on=timezone.localdate())
    assert sorted(saved.values_list("meter_id", "register", "value")) == sorted(
        [(gas.pk, "base", 4195), (linky.pk, "hp", 5260), (linky.pk, "hc", 3140)]
    )
