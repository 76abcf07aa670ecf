"""The demo's synthetic degree days and reference readings."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from challenges.models import Challenge
from measures.models import DegreeDay, Meter, Reading, WeatherZone

pytestmark = pytest.mark.django_db


def test_the_demo_ships_synthetic_degree_days_and_reference_readings() -> None:
    call_command("seed_demo", verbosity=0)
    challenge = Challenge.objects.get(slug="familles-energie-positive")
    zone = WeatherZone.objects.get(code="26")
    assert zone.is_synthetic
    assert zone.name == "Drôme (26)"
    ref_start, ref_end = challenge.reference_period
    start, end = challenge.period
    days = DegreeDay.objects.filter(zone=zone)
    assert days.filter(day__gte=ref_start, day__lt=ref_end).count() == (ref_end - ref_start).days
    assert days.filter(day__gte=start, day__lt=end).count() == (end - start).days
    assert set(days.values_list("source", flat=True)) == {"Série synthétique de démonstration"}
    meters = Meter.objects.filter(household__registrations__challenge=challenge)
    with_reference = meters.filter(readings__read_on__lt=ref_end).distinct()
    with_current = meters.filter(readings__read_on__gte=start).distinct()
    assert with_reference.count() >= with_current.count() * 0.7
    # Reference readings go up and stay below this year's first index.
    for meter in with_reference[:20]:
        values = list(meter.readings.order_by("read_on").values_list("value", flat=True))
        assert values == sorted(values)
    counts = (DegreeDay.objects.count(), Reading.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (DegreeDay.objects.count(), Reading.objects.count()) == counts
