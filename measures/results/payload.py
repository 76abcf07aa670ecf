"""The results payload of a challenge (METHODOLOGY.md): households, teams,
the challenge's totals, the climate note and the progress week after week."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Challenge, Team, Theme
from measures import engine
from measures.engine import Period
from measures.models import (
    FactorSet,
    WasteFlow,
)
from measures.results.loading import Loaded, load, one_year_before

MIN_PROGRESS_DAYS = 7


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def compute_challenge_results(
    challenge: Challenge, *, today: dt.date, factor_set: FactorSet
) -> dict[str, Any]:
    """Compute the payload (no cache): a constant number of queries."""
    ctx, challenge_period, reference_period = load(challenge, today=today, factor_set=factor_set)
    return build_payload(ctx, factor_set, challenge_period, reference_period)


def build_payload(data: Loaded, factor_set: FactorSet, chal: Period, ref: Period) -> dict[str, Any]:
    challenge = data.challenge
    days = engine.period_days(chal)
    energy = data.resources(chal, ref, water=False) if Theme.ENERGY in data.themes else None
    water = data.resources(chal, ref, water=True) if Theme.WATER in data.themes else None
    waste = data.waste(chal[1]) if Theme.WASTE in data.themes else None
    households: dict[str, Any] = {}
    excluded: list[dict[str, Any]] = []
    for reg_id, household_id, team_id, adults, children, _dept, name in data.registrations:
        entry: dict[str, Any] = {
            "household_id": household_id,
            "team_id": team_id,
            "persons": adults + children,
        }
        for key, results in (("energy", energy), ("water", water)):
            if results is None:
                continue
            result = results[reg_id]
            entry[key] = _household_resource_payload(result, data.factors.current, key, days)
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

    sums = data.ratios(chal, ref)
    zones_used = {data.zone_of_department.get(r[5]) for r in data.registrations}
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
        "factor_set": _factor_set_payload(factor_set, data.factors.current),
        "today": data.today.isoformat(),
        "periods": {
            "challenge": [chal[0].isoformat(), challenge.period[1].isoformat()],
            "reference": [
                challenge.reference_period[0].isoformat(),
                challenge.reference_period[1].isoformat(),
            ],
            "waste_reference_end": (
                challenge.waste_reference_end.isoformat() if Theme.WASTE in data.themes else None
            ),
            "days_elapsed": days,
        },
        "climate": {
            "corrected": bool(zones_payload),
            "zones": zones_payload,
            "zones_without_data": without,
        },
        "energy": None if energy is None else _energy_block(data, energy),
        "water": None if water is None else _water_block(data, water, days),
        "waste": None if waste is None else _waste_block(data, waste),
        "teams": _teams(data, energy, water, waste),
        "households": households,
        "excluded": excluded,
        "progress": _progress(data, chal, waste),
    }


def _energy_block(data: Loaded, results: dict[int, engine.ResourceResult]) -> dict[str, Any]:
    agg = engine.aggregate(list(results.values()))
    complete = agg.households_complete
    co2_ref = None
    if agg.co2_avoided_kg is not None:
        co2_ref = sum(
            (m.ref_corr_kwh or 0.0)
            * (data.factors.current.co2_factor(m.meter.carrier, m.meter.heating_share) or 0.0)
            for r in results.values()
            if r.complete
            for m in r.meters
        )
    objective = data.challenge.objective_energy_pct
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


def _water_block(
    data: Loaded, results: dict[int, engine.ResourceResult], days: int
) -> dict[str, Any]:
    agg = engine.aggregate(list(results.values()))
    per_person = engine.per_person(agg.savings_kwh, agg.persons)
    objective = data.challenge.objective_water_pct
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


def _waste_block(
    data: Loaded, waste: dict[int, dict[str, engine.WasteFlowResult]]
) -> dict[str, Any]:
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
    objective = data.challenge.objective_waste_pct
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
    data: Loaded,
    energy: dict[int, engine.ResourceResult] | None,
    water: dict[int, engine.ResourceResult] | None,
    waste: dict[int, dict[str, engine.WasteFlowResult]] | None,
) -> list[dict[str, Any]]:
    members: dict[int, list[int]] = defaultdict(list)
    for reg_id, _hh, team_id, *_rest in data.registrations:
        if team_id is not None:
            members[team_id].append(reg_id)
    rows: list[dict[str, Any]] = []
    for team_id, name in Team.objects.filter(challenge=data.challenge).values_list("pk", "name"):
        regs = members.get(team_id, [])
        e = engine.aggregate([energy[r] for r in regs]) if energy is not None else None
        w = engine.aggregate([water[r] for r in regs]) if water is not None else None
        d = (
            engine.waste_aggregate([waste[r][WasteFlow.RESIDUAL] for r in regs])
            if waste is not None
            else None
        )
        # A household counts as complete per resource: no water meter does not
        # take it out of the team's energy figures.
        complete: dict[str, int] = {}
        if e is not None:
            complete["energy"] = e.households_complete
        if w is not None:
            complete["water"] = w.households_complete
        if d is not None:
            complete["waste"] = d.households_complete
        rows.append(
            {
                "id": team_id,
                "name": name,
                "households_total": len(regs),
                # For the resource the teams are ranked by.
                "households_complete": next(iter(complete.values()), 0),
                "households_complete_by_resource": complete,
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
    data: Loaded, chal: Period, waste: dict[int, dict[str, engine.WasteFlowResult]] | None
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
        if theme in data.themes:
            pcts = engine.progress_savings_pct(
                _progress_households(data, windows, ref_windows, water=water),
                challenge_windows=windows,
                reference_windows=ref_windows,
                factors=data.factors.current,
                tariff_at=data.factors.tariff_at,
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
        persons = sum(r[3] + r[4] for r in data.registrations if r[0] in complete_set)
        first = weeks[0].toordinal() if weeks else 0
        totals = [0.0] * len(weeks)
        for reg_id in complete_set:
            for day, kg in data.weighings[reg_id][WasteFlow.RESIDUAL]:
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
    data: Loaded, windows: list[Period], ref_windows: list[Period], *, water: bool
) -> list[engine.ProgressHousehold]:
    uncorrected: list[float | None] = [None] * len(windows)
    ratios: dict[str, list[float | None]] = {}
    if not water:
        for zone_code, degree_days in data.dju.items():
            ratios[zone_code] = [
                engine.dju_ratio(degree_days.total(w), degree_days.total(r))
                for w, r in zip(windows, ref_windows, strict=True)
            ]
    out = []
    for _reg, household_id, _team, _adults, _children, dept, _name in data.registrations:
        zone = data.zone_of_department.get(dept)
        out.append(
            engine.ProgressHousehold(
                meters=[m for m in data.meters.get(household_id, []) if m.is_water == water],
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
    result: engine.ResourceResult, factors: engine.Factors, key: str, days: int
) -> dict[str, Any]:
    water = key == "water"
    per_meter = [_meter_payload(m, factors) for m in result.meters]
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
            **_per_person_figures(result, days, unit="m3", digits=2),
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
        **_per_person_figures(result, days, unit="kwh", digits=0),
        "per_meter": per_meter,
    }


def _per_person_figures(
    result: engine.ResourceResult, days: int, *, unit: str, digits: int
) -> dict[str, float | None]:
    """METHODOLOGY §4: per person divides by the household's persons, per year
    scales by 365 / days of the period (`ref_corr_kwh_per_person`,
    `savings_m3_per_person_year`…). None while the household is incomplete."""
    figures = {
        "ref_corr" if unit == "kwh" else "ref": result.ref_corr_kwh,
        "challenge": result.challenge_kwh,
        "savings": result.savings_kwh,
    }
    out: dict[str, float | None] = {}
    for name, total in figures.items():
        each = engine.per_person(total, result.persons) if result.complete else None
        yearly = None if each is None else engine.per_year(each, days)
        out[f"{name}_{unit}_per_person"] = _r(each, digits)
        out[f"{name}_{unit}_per_person_year"] = _r(yearly, digits)
    return out


def _meter_payload(m: engine.MeterResult, factors: engine.Factors) -> dict[str, Any]:
    conversion = factors.conversion(m.meter)
    source = None
    if conversion is not None:
        source = "household" if conversion.from_household else "default"
    return {
        "meter_id": m.meter.id,
        "label": m.meter.label,
        "carrier": m.meter.carrier,
        "ref": _r(m.ref, 3),
        "ref_from_bills": m.from_bills,
        "ref_corr_kwh": _r(m.ref_corr_kwh),
        "challenge": _r(m.challenge, 3),
        "unit": m.meter.unit,
        "savings_kwh": _r(m.savings_kwh),
        # The kWh per unit this meter was converted with: the household's gas
        # bill ("household") or the factor table ("default").
        "kwh_per_unit": None if conversion is None else _r(conversion.kwh_per_unit, 3),
        "kwh_per_unit_source": source,
    }


def _factor_set_payload(factor_set: FactorSet, factors: engine.Factors) -> dict[str, Any]:
    """The version used, the basis of each carrier's kWh and CO2 factor, and
    why a CO2 factor was refused (METHODOLOGY « Factor bases »)."""
    return {
        "id": factor_set.pk,
        "name": factor_set.name,
        "bases": [
            {
                "carrier": b.carrier,
                "energy_basis": b.energy_basis,
                "co2_basis": b.co2_basis,
                "co2_per_kwh_table": b.co2_table,
                "co2_per_kwh_applied": _r(b.co2_applied, 4),
                "pcs_per_pci": b.pcs_per_pci,
                "co2_includes_upstream": b.includes_upstream,
                "problem": b.problem,
            }
            for b in factors.carrier_bases()
        ],
        "problems": factors.problems(),
    }
