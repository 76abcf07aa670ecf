"""Cached results of a challenge (METHODOLOGY.md), computed by measures.engine.

`challenge_results` loads everything a challenge needs in a constant number of
queries (whatever the number of households), runs the engine once in Python
and caches the payload in a ResultSnapshot keyed by the challenge's
data_version and the factor version. Results of a closed challenge are frozen
(`is_final`) until an organiser asks for `results_recompute`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connections, transaction
from django.db.models import F, FloatField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Challenge, Phase, Registration, RegistrationStatus, Team, Theme
from measures import engine
from measures.engine import Period
from measures.factors import current_factor_set
from measures.models import (
    Bill,
    DegreeDay,
    Factor,
    FactorSet,
    Meter,
    Reading,
    ResultSnapshot,
    WasteFlow,
    WeatherZone,
    Weighing,
)

# Readings further than this from both periods are not loaded: a boundary
# whose nearest reading is older than that counts as incomplete.
READING_MARGIN_DAYS = 120
FROZEN_PHASES = {Phase.CLOSED, Phase.ARCHIVED}


def results_invalidate(*, household_id: int) -> None:
    """Mark the results of every challenge the household takes part in as stale.

    Call it in the same transaction as any write of a reading, weighing or bill.
    """
    Challenge.objects.filter(registrations__household_id=household_id).update(
        data_version=F("data_version") + 1
    )


def one_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# --- Public entry points ----------------------------------------------------------


def challenge_results(challenge: Challenge, *, today: dt.date | None = None) -> dict[str, Any]:
    """The results payload of a challenge, from the cache when still valid."""
    today = today or timezone.localdate()
    cached = fresh_snapshots([challenge], today=today).get(challenge.pk)
    if cached is not None:
        return cached
    if challenge.phase(today) in FROZEN_PHASES:
        return _compute_and_store(challenge, today=today, final=True)
    return _compute_and_store(challenge, today=today, final=False)


def challenges_results(
    challenges: Sequence[Challenge], *, today: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """Payloads of several challenges (a territory's page): valid snapshots are
    read in one query; only the stale ones are computed, one by one."""
    today = today or timezone.localdate()
    found = fresh_snapshots(challenges, today=today)
    for challenge in challenges:
        if challenge.pk not in found:
            found[challenge.pk] = challenge_results(challenge, today=today)
    return found


def fresh_snapshots(
    challenges: Sequence[Challenge], *, today: dt.date
) -> dict[int, dict[str, Any]]:
    """The cached payloads still valid, in one query. Valid means: the final
    results of a closed challenge; otherwise results computed today from the
    same data version with the current factor version."""
    if not challenges:
        return {}
    by_id = {c.pk: c for c in challenges}
    running = [c for c in challenges if c.phase(today) not in FROZEN_PHASES]
    factor_set_id = current_factor_set(today).pk if running else None
    found: dict[int, dict[str, Any]] = {}
    rows = (
        ResultSnapshot.objects.filter(challenge_id__in=by_id)
        .order_by("-computed_at")
        .values_list("challenge_id", "data_version", "factor_set_id", "is_final", "payload")
    )
    for challenge_id, version, factors, is_final, payload in rows:
        challenge = by_id[challenge_id]
        if challenge_id in found:
            continue
        if challenge.phase(today) in FROZEN_PHASES:
            fresh = is_final
        else:
            fresh = (
                version == challenge.data_version
                and factors == factor_set_id
                and payload.get("today") == today.isoformat()
            )
        if fresh:
            found[challenge_id] = payload
    return found


@transaction.atomic
def results_recompute(*, challenge: Challenge, today: dt.date | None = None) -> dict[str, Any]:
    """Recompute on an organiser's request, even frozen results of a closed challenge."""
    today = today or timezone.localdate()
    final = challenge.phase(today) in FROZEN_PHASES
    ResultSnapshot.objects.filter(challenge=challenge).delete()
    return _compute_and_store(challenge, today=today, final=final)


def _compute_and_store(
    challenge: Challenge,
    *,
    today: dt.date,
    final: bool,
    factor_set: FactorSet | None = None,
) -> dict[str, Any]:
    factor_set = factor_set or current_factor_set(today)
    payload = compute_challenge_results(challenge, today=today, factor_set=factor_set)
    with transaction.atomic():
        ResultSnapshot.objects.filter(challenge=challenge, is_final=False).delete()
        ResultSnapshot.objects.create(
            challenge=challenge,
            factor_set=factor_set,
            data_version=challenge.data_version,
            payload=payload,
            is_final=final,
        )
    return payload


# --- Loading ----------------------------------------------------------------------


MIN_PROGRESS_DAYS = 7


class _FactorTable:
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
        )
        self.sets: dict[int, tuple[dt.date, dt.date | None]] = {}
        values: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(dict)
        for set_id, valid_from, valid_until, kind, key, value in rows:
            self.sets[set_id] = (valid_from, valid_until)
            values[set_id][(kind, key)] = value
        self.by_set = {sid: engine.Factors.from_values(v) for sid, v in values.items()}
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


def _meters_by_household(
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
    for meter_id, household_id, label, carrier, unit, share in meter_rows:
        out[household_id].append(
            engine.MeterInput(
                id=meter_id,
                label=label,
                carrier=carrier,
                unit=unit,
                heating_share=float(share),
                registers={
                    reg: engine.build_series(items) for reg, items in readings[meter_id].items()
                },
                bills=tuple(bills[meter_id]),
            )
        )
    return out


# --- Computing --------------------------------------------------------------------


def compute_challenge_results(
    challenge: Challenge, *, today: dt.date, factor_set: FactorSet
) -> dict[str, Any]:
    """Compute the payload (no cache): a constant number of queries."""
    ctx, challenge_period, reference_period = _load(challenge, today=today, factor_set=factor_set)
    return ctx.payload(factor_set, challenge_period, reference_period)


def _load(
    challenge: Challenge, *, today: dt.date, factor_set: FactorSet
) -> tuple[_Context, Period, Period]:
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
    factors = _FactorTable(factor_set)

    selected = {
        "household__registrations__challenge": challenge,
        "household__registrations__status": RegistrationStatus.SELECTED,
    }
    meters_by_household: dict[int, list[engine.MeterInput]] = {}
    zone_of_department: dict[str, str] = {}
    dju: dict[str, engine.DegreeDays] = {}
    if metered and registrations:
        meter_rows = Meter.objects.filter(is_active=True, **selected).values_list(
            "pk", "household_id", "label", "carrier", "unit", "heating_share"
        )
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
        meters_by_household = _meters_by_household(meter_rows, reading_rows, bill_rows)
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

    ctx = _Context(
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
class _Context:
    """Everything `_load` read for one challenge; the computations are its methods."""

    challenge: Challenge
    today: dt.date
    registrations: list[tuple[Any, ...]]
    meters: dict[int, list[engine.MeterInput]]
    zone_of_department: dict[str, str]
    dju: dict[str, engine.DegreeDays]
    factors: _FactorTable
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

    # The payload --------------------------------------------------------------

    def payload(self, factor_set: FactorSet, chal: Period, ref: Period) -> dict[str, Any]:
        challenge = self.challenge
        days = engine.period_days(chal)
        energy = self.resources(chal, ref, water=False) if Theme.ENERGY in self.themes else None
        water = self.resources(chal, ref, water=True) if Theme.WATER in self.themes else None
        waste = self.waste(chal[1]) if Theme.WASTE in self.themes else None
        households: dict[str, Any] = {}
        excluded: list[dict[str, Any]] = []
        for reg_id, household_id, team_id, adults, children, _dept, name in self.registrations:
            entry: dict[str, Any] = {
                "household_id": household_id,
                "team_id": team_id,
                "persons": adults + children,
            }
            for key, results in (("energy", energy), ("water", water)):
                if results is None:
                    continue
                result = results[reg_id]
                entry[key] = _household_resource_payload(result, self.factors.current, key)
                if not result.complete:
                    excluded.append(
                        {
                            "registration_id": reg_id,
                            "household": name,
                            "resource": key,
                            "missing": result.missing,
                        }
                    )
            if waste is not None:
                flows = waste[reg_id]
                residual = flows[WasteFlow.RESIDUAL]
                missing = _waste_missing(residual)
                entry["waste"] = {
                    "complete": not missing,
                    "missing": missing,
                    "flows": {
                        flow: {
                            "ref_kg_per_person_year": _r(_year(f.rate_ref)),
                            "challenge_kg_per_person_year": _r(_year(f.rate_chal)),
                            "reduction_pct": _r(f.reduction_pct),
                            "avoided_kg": _r(f.avoided_kg),
                        }
                        for flow, f in flows.items()
                        if f.has_ref or f.has_chal
                    },
                }
                if missing:
                    excluded.append(
                        {
                            "registration_id": reg_id,
                            "household": name,
                            "resource": "waste",
                            "missing": missing,
                        }
                    )
            households[str(reg_id)] = entry

        sums = self.ratios(chal, ref)
        zones_used = {self.zone_of_department.get(r[5]) for r in self.registrations}
        zones_payload = {}
        without = []
        for zone in sorted(z for z in zones_used if z):
            dju_chal, dju_ref = sums.get(zone, (None, None))
            ratio = engine.dju_ratio(dju_chal, dju_ref)
            if ratio is None:
                without.append(zone)
            else:
                zones_payload[zone] = {
                    "dju_challenge": _r(dju_chal),
                    "dju_reference": _r(dju_ref),
                    "ratio": _r(ratio, 4),
                }
        if None in zones_used:
            without.append(_("communes sans zone météo"))

        return {
            "challenge_id": challenge.pk,
            "computed_at": timezone.now().isoformat(),
            "factor_set": {"id": factor_set.pk, "name": factor_set.name},
            "today": self.today.isoformat(),
            "periods": {
                "challenge": [chal[0].isoformat(), challenge.period[1].isoformat()],
                "reference": [
                    challenge.reference_period[0].isoformat(),
                    challenge.reference_period[1].isoformat(),
                ],
                "waste_reference_end": (
                    challenge.waste_reference_end.isoformat()
                    if Theme.WASTE in self.themes
                    else None
                ),
                "days_elapsed": days,
            },
            "climate": {
                "corrected": bool(zones_payload),
                "zones": zones_payload,
                "zones_without_data": without,
            },
            "energy": None if energy is None else self._energy_block(energy),
            "water": None if water is None else self._water_block(water, days),
            "waste": None if waste is None else self._waste_block(waste),
            "teams": self._teams(energy, water, waste),
            "households": households,
            "excluded": excluded,
            "progress": self._progress(chal, waste),
        }

    def _energy_block(self, results: dict[int, engine.ResourceResult]) -> dict[str, Any]:
        agg = engine.aggregate(list(results.values()))
        complete = agg.households_complete
        co2_ref = None
        if agg.co2_avoided_kg is not None:
            co2_ref = sum(
                (m.ref_corr_kwh or 0.0)
                * (self.factors.current.co2_factor(m.meter.carrier, m.meter.heating_share) or 0.0)
                for r in results.values()
                if r.complete
                for m in r.meters
            )
        objective = self.challenge.objective_energy_pct
        return {
            "households_total": agg.households_total,
            "households_complete": complete,
            "ref_kwh": _r(agg.ref_kwh, 0),
            "ref_corr_kwh": _r(agg.ref_corr_kwh, 0),
            "challenge_kwh": _r(agg.challenge_kwh, 0),
            "savings_kwh": _r(agg.savings_kwh, 0),
            "savings_pct": _r(agg.savings_pct),
            "mean_household_pct": _r(agg.mean_household_pct),
            "savings_kwh_per_household": _r(agg.savings_kwh / complete if complete else None, 0),
            "savings_kwh_per_person": _r(engine.per_person(agg.savings_kwh, agg.persons), 0),
            "savings_eur": _r(agg.savings_eur, 0),
            "savings_eur_per_household": _r(
                agg.savings_eur / complete if complete and agg.savings_eur is not None else None,
                0,
            ),
            "co2_avoided_kg": _r(agg.co2_avoided_kg, 0),
            "co2_pct": _r(
                100 * agg.co2_avoided_kg / co2_ref
                if co2_ref and agg.co2_avoided_kg is not None
                else None
            ),
            "objective_pct": None if objective is None else float(objective),
        }

    def _water_block(self, results: dict[int, engine.ResourceResult], days: int) -> dict[str, Any]:
        agg = engine.aggregate(list(results.values()))
        per_person = engine.per_person(agg.savings_kwh, agg.persons)
        objective = self.challenge.objective_water_pct
        return {
            "households_total": agg.households_total,
            "households_complete": agg.households_complete,
            "ref_m3": _r(agg.ref_kwh),
            "challenge_m3": _r(agg.challenge_kwh),
            "savings_m3": _r(agg.savings_kwh),
            "savings_pct": _r(agg.savings_pct),
            "mean_household_pct": _r(agg.mean_household_pct),
            "savings_m3_per_person_year": _r(
                None if per_person is None else engine.per_year(per_person, days), 2
            ),
            "savings_eur": _r(agg.savings_eur, 0),
            "objective_pct": None if objective is None else float(objective),
        }

    def _waste_block(self, waste: dict[int, dict[str, engine.WasteFlowResult]]) -> dict[str, Any]:
        flows_payload = {}
        residual_agg = None
        for flow, label in WasteFlow.choices:
            agg = engine.waste_aggregate([w[flow] for w in waste.values()])
            if flow == WasteFlow.RESIDUAL:
                residual_agg = agg
            flows_payload[flow] = {
                "label": str(label),
                "ref_kg_per_person_year": _r(agg.ref_kg_per_person_year),
                "challenge_kg_per_person_year": _r(agg.challenge_kg_per_person_year),
                "reduction_pct": _r(agg.reduction_pct),
                "avoided_kg": _r(agg.avoided_kg),
            }
        avoided = sum(f.avoided_kg or 0.0 for w in waste.values() for f in w.values() if f.complete)
        assert residual_agg is not None
        objective = self.challenge.objective_waste_pct
        return {
            "households_total": len(waste),
            "households_complete": residual_agg.households_complete,
            "flows": flows_payload,
            "residual_reduction_pct": _r(residual_agg.reduction_pct),
            "avoided_kg": _r(avoided),
            "avoided_tonnes": _r(avoided / 1000, 3),
            "objective_pct": None if objective is None else float(objective),
        }

    def _teams(
        self,
        energy: dict[int, engine.ResourceResult] | None,
        water: dict[int, engine.ResourceResult] | None,
        waste: dict[int, dict[str, engine.WasteFlowResult]] | None,
    ) -> list[dict[str, Any]]:
        members: dict[int, list[int]] = defaultdict(list)
        for reg_id, _hh, team_id, *_rest in self.registrations:
            if team_id is not None:
                members[team_id].append(reg_id)
        rows: list[dict[str, Any]] = []
        for team_id, name in Team.objects.filter(challenge=self.challenge).values_list(
            "pk", "name"
        ):
            regs = members.get(team_id, [])
            e = engine.aggregate([energy[r] for r in regs]) if energy is not None else None
            w = engine.aggregate([water[r] for r in regs]) if water is not None else None
            d = (
                engine.waste_aggregate([waste[r][WasteFlow.RESIDUAL] for r in regs])
                if waste is not None
                else None
            )
            complete = [
                r
                for r in regs
                if (energy is None or energy[r].complete)
                and (water is None or water[r].complete)
                and (waste is None or waste[r][WasteFlow.RESIDUAL].complete)
            ]
            rows.append(
                {
                    "id": team_id,
                    "name": name,
                    "households_total": len(regs),
                    "households_complete": len(complete),
                    "energy_savings_pct": _r(e.savings_pct) if e else None,
                    "water_savings_pct": _r(w.savings_pct) if w else None,
                    "waste_reduction_pct": _r(d.reduction_pct) if d else None,
                }
            )
        key = (
            "energy_savings_pct"
            if energy is not None
            else "water_savings_pct"
            if water is not None
            else "waste_reduction_pct"
        )
        ranks = engine.rank([row[key] for row in rows])  # floats or None
        for row, position in zip(rows, ranks, strict=True):
            row["rank"] = position
        rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["name"]))
        return rows

    def _progress(
        self, chal: Period, waste: dict[int, dict[str, engine.WasteFlowResult]] | None
    ) -> dict[str, Any]:
        """Cumulative savings at the end of each elapsed week (windows
        [challenge start, end of week) against the same days a year before),
        and the residual waste weighed each week, per person of the households
        complete for waste. One pass over the readings of each meter."""
        weeks = engine.weeks_between(chal[0], chal[1])
        ends = [min(monday + dt.timedelta(days=7), chal[1]) for monday in weeks]
        windows: list[Period] = [(chal[0], end) for end in ends]
        ref_start = one_year_before(chal[0])
        ref_windows: list[Period] = [(ref_start, one_year_before(end)) for end in ends]
        energy_pct: list[float | None] = []
        water_pct: list[float | None] = []
        for theme, water, out in (
            (Theme.ENERGY, False, energy_pct),
            (Theme.WATER, True, water_pct),
        ):
            if theme in self.themes:
                pcts = engine.progress_savings_pct(
                    self._progress_households(windows, ref_windows, water=water),
                    challenge_windows=windows,
                    reference_windows=ref_windows,
                    factors=self.factors.current,
                    tariff_at=self.factors.tariff_at,
                    water=water,
                )
                # A window of a few days says more about the day readings
                # were taken than about savings: start the curve at one week.
                out.extend(
                    _r(p) if (end - chal[0]).days >= MIN_PROGRESS_DAYS else None
                    for p, end in zip(pcts, ends, strict=True)
                )
        waste_week: list[float | None] = []
        if waste is not None:
            complete_set = {r for r, flows in waste.items() if flows[WasteFlow.RESIDUAL].complete}
            persons = sum(r[3] + r[4] for r in self.registrations if r[0] in complete_set)
            first = weeks[0].toordinal() if weeks else 0
            totals = [0.0] * len(weeks)
            for reg_id in complete_set:
                for day, kg in self.weighings[reg_id][WasteFlow.RESIDUAL]:
                    w = (day.toordinal() - first) // 7
                    if 0 <= w < len(weeks) and day < ends[w]:
                        totals[w] += kg
            waste_week = [_r(kg / persons, 2) if persons else None for kg in totals]
        return {
            "weeks": [w.isoformat() for w in weeks],
            "energy_savings_pct": energy_pct,
            "water_savings_pct": water_pct,
            "waste_residual_kg_per_person_week": waste_week,
        }

    def _progress_households(
        self, windows: list[Period], ref_windows: list[Period], *, water: bool
    ) -> list[engine.ProgressHousehold]:
        uncorrected: list[float | None] = [None] * len(windows)
        ratios: dict[str, list[float | None]] = {}
        if not water:
            for zone_code, degree_days in self.dju.items():
                ratios[zone_code] = [
                    engine.dju_ratio(degree_days.total(w), degree_days.total(r))
                    for w, r in zip(windows, ref_windows, strict=True)
                ]
        out = []
        for _reg, household_id, _team, _adults, _children, dept, _name in self.registrations:
            zone = self.zone_of_department.get(dept)
            out.append(
                engine.ProgressHousehold(
                    meters=[m for m in self.meters.get(household_id, []) if m.is_water == water],
                    ratios=ratios.get(zone, uncorrected) if zone else uncorrected,
                )
            )
        return out


def _year(rate: float | None) -> float | None:
    return None if rate is None else rate * 365


def _waste_missing(residual: engine.WasteFlowResult) -> list[str]:
    missing = []
    if not residual.has_ref:
        missing.append(_("Aucune pesée d'ordures résiduelles pendant la phase de référence"))
    if not residual.has_chal:
        missing.append(_("Aucune pesée d'ordures résiduelles après la phase de référence"))
    if residual.persons <= 0:
        missing.append(_("Nombre de personnes du foyer inconnu"))
    return missing


def _household_resource_payload(
    result: engine.ResourceResult, factors: engine.Factors, key: str
) -> dict[str, Any]:
    water = key == "water"
    per_meter = [
        {
            "meter_id": m.meter.id,
            "label": m.meter.label,
            "carrier": m.meter.carrier,
            "ref": _r(m.ref, 3),
            "ref_from_bills": m.from_bills,
            "ref_corr_kwh": _r(m.ref_corr_kwh),
            "challenge": _r(m.challenge, 3),
            "unit": m.meter.unit,
            "savings_kwh": _r(m.savings_kwh),
        }
        for m in result.meters
    ]
    complete = result.complete
    if water:
        return {
            "complete": complete,
            "missing": result.missing,
            "ref_m3": _r(result.ref_kwh, 2) if complete else None,
            "challenge_m3": _r(result.challenge_kwh, 2) if complete else None,
            "savings_m3": _r(result.savings_kwh, 2) if complete else None,
            "savings_pct": _r(result.savings_pct),
            "savings_eur": _r(result.savings_eur, 0),
            "per_meter": per_meter,
        }
    return {
        "complete": complete,
        "missing": result.missing,
        "ref_kwh": _r(result.ref_kwh, 0) if complete else None,
        "ref_corr_kwh": _r(result.ref_corr_kwh, 0) if complete else None,
        "challenge_kwh": _r(result.challenge_kwh, 0) if complete else None,
        "savings_kwh": _r(result.savings_kwh, 0) if complete else None,
        "savings_pct": _r(result.savings_pct),
        "savings_eur": _r(result.savings_eur, 0),
        "co2_avoided_kg": _r(result.co2_avoided_kg, 0),
        "per_meter": per_meter,
    }


# --- One household's chart ---------------------------------------------------------


def household_series(registration: Registration, *, today: dt.date | None = None) -> dict[str, Any]:
    """Meter points and weekly consumption this year vs the reference year."""
    today = today or timezone.localdate()
    challenge = registration.challenge
    chal_start, chal_end_full = challenge.period
    chal_end = max(chal_start, min(chal_end_full, today))
    ref_start, ref_end_full = challenge.reference_period
    factor_set = current_factor_set(today)
    factors = _FactorTable(factor_set)
    margin = dt.timedelta(days=READING_MARGIN_DAYS)
    meter_rows = list(
        Meter.objects.filter(household_id=registration.household_id, is_active=True).values_list(
            "pk", "household_id", "label", "carrier", "unit", "heating_share"
        )
    )
    reading_rows = list(
        Reading.objects.filter(
            meter__household_id=registration.household_id,
            meter__is_active=True,
            superseded_by__isnull=True,
            read_on__gte=ref_start - margin,
            read_on__lte=chal_end_full + margin,
        )
        .order_by("read_on", "pk")
        .values_list("meter_id", "register", "read_on", "value", "kind")
    )
    meters = _meters_by_household(meter_rows, reading_rows, []).get(registration.household_id, [])
    points: dict[int, list[list[Any]]] = defaultdict(list)
    ref_points: dict[int, list[list[Any]]] = defaultdict(list)
    for meter_id, register, day, value, _kind in reading_rows:
        if chal_start <= day < chal_end_full:
            points[meter_id].append([day.isoformat(), float(value), register])
        elif ref_start <= day < ref_end_full:
            shifted = _one_year_after(day)
            ref_points[meter_id].append([shifted.isoformat(), float(value), register])
    weeks = engine.weeks_between(chal_start, chal_end)
    energy_week: list[float | None] = []
    energy_ref_week: list[float | None] = []
    water_week: list[float | None] = []
    water_ref_week: list[float | None] = []
    for monday in weeks:
        window = (max(monday, chal_start), min(monday + dt.timedelta(days=7), chal_end))
        ref_window = (one_year_before(window[0]), one_year_before(window[1]))
        for water, this_year, last_year in (
            (False, energy_week, energy_ref_week),
            (True, water_week, water_ref_week),
        ):
            chosen = [m for m in meters if m.is_water == water]
            this_year.append(_weekly(chosen, window, factors.current))
            last_year.append(_weekly(chosen, ref_window, factors.current))
    return {
        "meters": [
            {
                "meter_id": m.id,
                "label": m.label,
                "unit": m.unit,
                "points": points[m.id],
                "reference_points": ref_points[m.id],
            }
            for m in meters
        ],
        "weeks": [w.isoformat() for w in weeks],
        "energy_kwh_week": energy_week,
        "energy_ref_kwh_week": energy_ref_week,
        "water_m3_week": water_week,
        "water_ref_m3_week": water_ref_week,
    }


def _weekly(
    meters: list[engine.MeterInput], window: Period, factors: engine.Factors
) -> float | None:
    if not meters:
        return None
    total = 0.0
    for meter in meters:
        consumption, missing = engine.meter_consumption(meter, window, "")
        factor = 1.0 if meter.is_water else factors.kwh_factor(meter.carrier, meter.unit)
        if consumption is None or missing or factor is None:
            return None
        total += consumption * factor
    return round(total, 2)


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)
