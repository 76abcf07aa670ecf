"""Everything the engine needs for one challenge, loaded in a constant number
of queries (whatever the number of households)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import FloatField, QuerySet
from django.db.models.functions import Cast

from challenges.models import Challenge, Registration, RegistrationStatus, Theme
from measures import engine
from measures.engine import Period
from measures.models import (
    Bill,
    DegreeDay,
    Factor,
    FactorSet,
    Meter,
    Reading,
    WasteFlow,
    WeatherZone,
    Weighing,
)

# Readings further than this from both periods are not loaded: a boundary
# whose nearest reading is older than that counts as incomplete.
READING_MARGIN_DAYS = 120
# The columns of a meter `meter_inputs` reads, in order.
METER_COLUMNS = (
    "pk",
    "household_id",
    "label",
    "carrier",
    "unit",
    "heating_share",
    "gas_kwh_per_m3",
)


def one_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


class FactorTable:
    """All factor versions, loaded in one query: the current values and the
    tariff valid on any day (bills in euros)."""

    def __init__(self, current: FactorSet) -> None:
        rows = Factor.objects.values_list(
            "factor_set_id",
            "factor_set__valid_from",
            "factor_set__valid_until",
            "kind",
            "key",
            "value",
            "energy_basis",
            "includes_upstream",
        )
        self.sets: dict[int, tuple[dt.date, dt.date | None]] = {}
        values: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(dict)
        bases: dict[int, dict[tuple[str, str], str]] = defaultdict(dict)
        upstream: dict[int, dict[tuple[str, str], bool | None]] = defaultdict(dict)
        for set_id, valid_from, valid_until, kind, key, value, basis, up in rows:
            self.sets[set_id] = (valid_from, valid_until)
            values[set_id][(kind, key)] = value
            bases[set_id][(kind, key)] = basis
            upstream[set_id][(kind, key)] = up
        self.by_set = {
            sid: engine.Factors.from_values(v, bases=bases[sid], upstream=upstream[sid])
            for sid, v in values.items()
        }
        self.current = self.by_set.get(current.pk) or engine.Factors({}, {}, {})
        self._cache: dict[dt.date, int | None] = {}

    def _set_on(self, day: dt.date) -> int | None:
        if day not in self._cache:
            started = sorted(
                ((vf, sid) for sid, (vf, _vu) in self.sets.items() if vf <= day), reverse=True
            )
            valid = [sid for _vf, sid in started if _covers(self.sets[sid][1], day)]
            if valid:
                self._cache[day] = valid[0]
            elif started:
                self._cache[day] = started[0][1]
            else:
                oldest = sorted((vf, sid) for sid, (vf, _vu) in self.sets.items())
                self._cache[day] = oldest[0][1] if oldest else None
        return self._cache[day]

    def tariff_at(self, carrier: str, day: dt.date) -> float | None:
        set_id = self._set_on(day)
        if set_id is None:
            return None
        return self.by_set[set_id].tariff.get(carrier)


def _covers(valid_until: dt.date | None, day: dt.date) -> bool:
    return valid_until is None or valid_until >= day


def _plain_rows(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset straight from the database cursor,
    without Django's per-row converters: only for columns the driver already
    returns as Python values (integers, strings, floats, dates). Still one
    query, run through Django's connection (so it is counted and logged)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def meter_inputs(
    meter_rows: Iterable[tuple[Any, ...]],
    reading_rows: Iterable[tuple[Any, ...]],
    bill_rows: Iterable[tuple[Any, ...]],
) -> dict[int, list[engine.MeterInput]]:
    readings: dict[int, dict[str, list[tuple[dt.date, float, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for meter_id, register, day, value, kind in reading_rows:
        readings[meter_id][register].append((day, float(value), kind))
    bills: dict[int, list[engine.BillInput]] = defaultdict(list)
    for meter_id, starts_on, ends_on, quantity, amount in bill_rows:
        bills[meter_id].append(
            engine.BillInput(
                starts_on,
                ends_on,
                None if quantity is None else float(quantity),
                None if amount is None else float(amount),
            )
        )
    out: dict[int, list[engine.MeterInput]] = defaultdict(list)
    for meter_id, household_id, label, carrier, unit, share, coefficient in meter_rows:
        out[household_id].append(
            engine.MeterInput(
                id=meter_id,
                label=label,
                carrier=carrier,
                unit=unit,
                heating_share=float(share),
                gas_kwh_per_m3=None if coefficient is None else float(coefficient),
                registers={
                    reg: engine.build_series(items) for reg, items in readings[meter_id].items()
                },
                bills=tuple(bills[meter_id]),
            )
        )
    return out


def load(
    challenge: Challenge, *, today: dt.date, factor_set: FactorSet
) -> tuple[Loaded, Period, Period]:
    """Everything the engine needs, in a constant number of queries, and the
    elapsed challenge period with its reference."""
    chal_start, chal_end_full = challenge.period
    chal_end = max(chal_start, min(chal_end_full, today))
    challenge_period: Period = (chal_start, chal_end)
    reference_period: Period = (one_year_before(chal_start), one_year_before(chal_end))
    themes = set(challenge.themes or [])
    metered = Theme.ENERGY in themes or Theme.WATER in themes

    registrations = list(
        Registration.objects.filter(challenge=challenge, status=RegistrationStatus.SELECTED)
        .order_by("pk")
        .values_list(
            "pk",
            "household_id",
            "team_id",
            "household__adults",
            "household__children",
            "household__commune__department_id",
            "household__name",
        )
    )
    factors = FactorTable(factor_set)

    selected = {
        "household__registrations__challenge": challenge,
        "household__registrations__status": RegistrationStatus.SELECTED,
    }
    meters_by_household: dict[int, list[engine.MeterInput]] = {}
    zone_of_department: dict[str, str] = {}
    dju: dict[str, engine.DegreeDays] = {}
    if metered and registrations:
        meter_rows = Meter.objects.filter(is_active=True, **selected).values_list(*METER_COLUMNS)
        margin = dt.timedelta(days=READING_MARGIN_DAYS)
        reading_rows = _plain_rows(
            Reading.objects.filter(
                # One IN subquery rather than three joins per reading.
                meter_id__in=Meter.objects.filter(is_active=True, **selected).values("pk"),
                superseded_by__isnull=True,
                read_on__gte=reference_period[0] - margin,
                read_on__lte=chal_end_full + margin,
            )
            .order_by("pk")
            # Floats straight from the database, no Decimal per row: indexes
            # have 3 decimals and results are rounded when shown.
            .values_list("meter_id", "register", "read_on", Cast("value", FloatField()), "kind")
        )
        bill_rows = Bill.objects.filter(
            meter__is_active=True, **{f"meter__{k}": v for k, v in selected.items()}
        ).values_list("meter_id", "starts_on", "ends_on", "quantity", "amount_eur")
        meters_by_household = meter_inputs(meter_rows, reading_rows, bill_rows)
        if Theme.ENERGY in themes:
            departments = {r[5] for r in registrations if r[5]}
            for dept, zone in sorted(
                WeatherZone.departments.through.objects.filter(
                    department_id__in=departments
                ).values_list("department_id", "weatherzone_id"),
                reverse=True,
            ):
                zone_of_department[dept] = zone  # the first zone by code wins
            daily: dict[str, list[tuple[dt.date, float]]] = defaultdict(list)
            for zone, day, value in DegreeDay.objects.filter(
                zone_id__in=set(zone_of_department.values()),
                day__gte=reference_period[0],
                day__lt=chal_end_full,
            ).values_list("zone_id", "day", Cast("value", FloatField())):
                daily[zone].append((day, value))
            dju = {zone: engine.DegreeDays.from_daily(days) for zone, days in daily.items()}

    weighings: dict[int, dict[str, list[tuple[dt.date, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    if Theme.WASTE in themes and registrations:
        for reg_id, day, flow, kg in Weighing.objects.filter(
            registration__challenge=challenge,
            registration__status=RegistrationStatus.SELECTED,
            superseded_by__isnull=True,
        ).values_list("registration_id", "weighed_on", "flow", "kg"):
            weighings[reg_id][flow].append((day, float(kg)))

    ctx = Loaded(
        challenge=challenge,
        today=today,
        registrations=registrations,
        meters=meters_by_household,
        zone_of_department=zone_of_department,
        dju=dju,
        factors=factors,
        weighings=weighings,
    )
    return ctx, challenge_period, reference_period


@dataclass(kw_only=True)
class Loaded:
    """Everything `load` read for one challenge, and the engine run on it."""

    challenge: Challenge
    today: dt.date
    registrations: list[tuple[Any, ...]]
    meters: dict[int, list[engine.MeterInput]]
    zone_of_department: dict[str, str]
    dju: dict[str, engine.DegreeDays]
    factors: FactorTable
    weighings: dict[int, dict[str, list[tuple[dt.date, float]]]]
    themes: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.themes = set(self.challenge.themes or [])

    def ratios(self, chal: Period, ref: Period) -> dict[str, tuple[float | None, float | None]]:
        return {zone: (d.total(chal), d.total(ref)) for zone, d in self.dju.items()}

    def resources(
        self, chal: Period, ref: Period, *, water: bool
    ) -> dict[int, engine.ResourceResult]:
        sums = self.ratios(chal, ref)
        out = {}
        for reg_id, household_id, _team, adults, children, dept, _name in self.registrations:
            zone = self.zone_of_department.get(dept)
            ratio = None
            if not water and zone in sums:
                ratio = engine.dju_ratio(*sums[zone])
            meters = [m for m in self.meters.get(household_id, []) if m.is_water == water]
            out[reg_id] = engine.household_resource(
                meters,
                persons=adults + children,
                reference=ref,
                challenge=chal,
                factors=self.factors.current,
                tariff_at=self.factors.tariff_at,
                ratio=ratio,
                water=water,
            )
        return out

    def waste(self, after_end: dt.date) -> dict[int, dict[str, engine.WasteFlowResult]]:
        start = self.challenge.starts_on
        ref_end = self.challenge.waste_reference_end
        reference = (start, min(ref_end, max(after_end, start)))
        after = (ref_end, max(ref_end, after_end))
        return {
            reg_id: {
                flow: engine.waste_flow(
                    self.weighings[reg_id][flow],
                    persons=adults + children,
                    reference=reference,
                    after=after,
                )
                for flow in WasteFlow.values
            }
            for reg_id, _hh, _team, adults, children, _dept, _name in self.registrations
        }
