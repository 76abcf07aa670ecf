"""Demo part of the measures: a synthetic daily degree-day series for the
Drôme, and readings over the reference period (one year before the challenge)
for the demo challenge's meters, so that its results are really computed.

Runs after challenges/demo.py (INSTALLED_APPS order); later runs add nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db.models import F

from challenges.models import Challenge
from measures.degree_days import degree_days_write, zone_upsert
from measures.models import DegreeDay, Meter, Reading, Register
from territories.models import Department

ZONE_CODE = "26"
ZONE_NAME = "Drôme (26)"
SOURCE = "Série synthétique de démonstration"
CHALLENGE_SLUG = "familles-energie-positive"


def seed(ctx: Any) -> None:
    challenge = Challenge.objects.filter(slug=CHALLENGE_SLUG).first()
    if challenge is None:
        return
    _degree_days(ctx, challenge)
    _reference_readings(ctx, challenge)


def daily_temperature(day: dt.date) -> float:
    """A Montélimar-like mean temperature: about 4 °C mid-January, 23 °C mid-July."""
    phase = 2 * math.pi * (day.timetuple().tm_yday - 196) / 365.25
    return 13.5 + 9.5 * math.cos(phase)


def _degree_days(ctx: Any, challenge: Challenge) -> None:
    start = challenge.reference_period[0]
    end = challenge.period[1]
    departments = [ZONE_CODE] if Department.objects.filter(code=ZONE_CODE).exists() else []
    zone = zone_upsert(code=ZONE_CODE, name=ZONE_NAME, departments=departments, is_synthetic=True)
    known = set(
        DegreeDay.objects.filter(zone=zone, day__gte=start, day__lt=end).values_list(
            "day", flat=True
        )
    )
    values = {}
    day = start
    while day < end:
        if day not in known:
            temperature = daily_temperature(day) + ctx.rng.gauss(0, 2.5)
            values[day] = Decimal(f"{max(0.0, 18 - temperature):.3f}")
        day += dt.timedelta(days=1)
    report = degree_days_write(zone=zone, values=values, source=SOURCE)
    ctx.count("degrés-jours (synthétiques)", report.created)


def _reference_readings(ctx: Any, challenge: Challenge) -> None:
    """Readings every 15 days over the reference period, with a use 5–15 %
    higher than this year for most households (a few used less), so the demo
    shows savings computed from real rows."""
    ref_start, ref_end = challenge.reference_period
    start, _end = challenge.period
    meters = (
        Meter.objects.filter(household__registrations__challenge=challenge)
        .prefetch_related("readings")
        .distinct()
    )
    new: list[Reading] = []
    for meter in meters:
        readings = sorted(
            (r for r in meter.readings.all() if r.superseded_by_id is None),
            key=lambda r: r.read_on,
        )
        if any(r.read_on < start for r in readings):
            continue  # already has reference readings
        current = [r for r in readings if r.register == Register.SINGLE and r.read_on >= start]
        if len(current) < 2:
            continue
        days = (current[-1].read_on - current[0].read_on).days or 1
        daily_now = float(current[-1].value - current[0].value) / days
        # Most households used 5–15 % more last winter; one in five used less.
        if meter.household_id % 5:
            factor = 1 + ctx.rng.uniform(0.05, 0.15)
        else:
            factor = 1 - ctx.rng.uniform(0.02, 0.06)
        # Every 15 days from the start of the reference period to just past its end.
        days_list = [
            ref_start + dt.timedelta(days=d) for d in range(0, (ref_end - ref_start).days + 15, 15)
        ]
        increments, previous = [0.0], days_list[0]
        for day in days_list[1:]:
            use = daily_now * factor * (day - previous).days * ctx.rng.uniform(0.85, 1.15)
            increments.append(increments[-1] + use)
            previous = day
        # The last reference index stays below the first index of this year,
        # the meter having run (little: summer) between the two periods.
        gap = (current[0].read_on - days_list[-1]).days
        first = float(current[0].value) - gap * daily_now * 0.2 - increments[-1]
        if first < 0:
            continue  # too young a meter for a full reference year: left incomplete
        new.extend(
            Reading(
                meter=meter,
                register=Register.SINGLE,
                read_on=day,
                value=Decimal(f"{first + used:.1f}"),
            )
            for day, used in zip(days_list, increments, strict=True)
        )
        ctx.count("compteurs avec relevés de référence", True)
    Reading.objects.bulk_create(new, batch_size=1000)
    if new:
        Challenge.objects.filter(pk=challenge.pk).update(data_version=F("data_version") + 1)
