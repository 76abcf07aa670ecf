"""A hand-built results payload of the documented shape (brief: « Results payload »)."""

from __future__ import annotations

from typing import Any

from challenges.models import Challenge, Registration, Team


def household_entry(registration: Registration, *, pct: float, complete: bool = True) -> dict:
    return {
        "household_id": registration.household_id,
        "team_id": registration.team_id,
        "persons": 3,
        "energy": {
            "complete": complete,
            "missing": [] if complete else ["Relevé du compteur gaz vers le 1er décembre"],
            "ref_kwh": 10000.0 if complete else None,
            "ref_corr_kwh": 9500.0 if complete else None,
            "challenge_kwh": 9500.0 * (1 - pct / 100) if complete else None,
            "savings_kwh": 9500.0 * pct / 100 if complete else None,
            "savings_pct": pct if complete else None,
            "savings_eur": 118.0,
            "co2_avoided_kg": 270.0,
            "per_meter": [
                {
                    "meter_id": 1,
                    "label": "Compteur gaz",
                    "carrier": "gaz",
                    "ref": 892.857,
                    "ref_corr_kwh": 9500.0,
                    "challenge": 780.5,
                    "unit": "m3",
                    "savings_kwh": 1197.0,
                }
            ],
        },
        "water": {
            "complete": complete,
            "missing": [],
            "ref_m3": 40.0,
            "challenge_m3": 36.8,
            "savings_m3": 3.2,
            "savings_pct": 8.0,
            "savings_eur": 14.0,
            "per_meter": [],
        },
    }


def build_payload(
    challenge: Challenge, teams: list[Team], registrations: list[Registration]
) -> dict[str, Any]:
    complete = registrations[:-1] if len(registrations) > 1 else registrations
    excluded = [r for r in registrations if r not in complete]
    households = {
        str(r.pk): household_entry(r, pct=10.0 + i, complete=r in complete)
        for i, r in enumerate(registrations)
    }
    return {
        "challenge_id": challenge.pk,
        "computed_at": "2026-01-15T10:30:00+00:00",
        "factor_set": {"id": 1, "name": "Valeurs par défaut 2024"},
        "today": "2026-01-15",
        "periods": {
            "challenge": ["2025-12-01", "2026-05-01"],
            "reference": ["2024-12-01", "2025-05-01"],
            "waste_reference_end": None,
            "days_elapsed": 45,
        },
        "climate": {
            "corrected": True,
            "zones": {"26": {"dju_challenge": 1500.0, "dju_reference": 1600.0, "ratio": 0.9375}},
            "zones_without_data": [],
        },
        "energy": {
            "households_total": 38,
            "households_complete": 31,
            "ref_kwh": 400000.0,
            "ref_corr_kwh": 380000.0,
            "challenge_kwh": 332120.0,
            "savings_kwh": 47880.0,
            "savings_pct": 12.6,
            "mean_household_pct": 11.9,
            "savings_kwh_per_household": 1200.0,
            "savings_kwh_per_person": 480.0,
            "savings_eur": 4030.0,
            "savings_eur_per_household": 130.0,
            "co2_avoided_kg": 9800.0,
            "co2_pct": 14.0,
            "objective_pct": 8.0,
        },
        "water": {
            "households_total": 38,
            "households_complete": 30,
            "ref_m3": 1500.0,
            "challenge_m3": 1380.0,
            "savings_m3": 120.0,
            "savings_pct": 8.0,
            "mean_household_pct": 7.5,
            "savings_m3_per_person_year": 3.4,
            "savings_eur": 516.0,
            "objective_pct": None,
        },
        "waste": None,
        "teams": [
            {
                "id": team.pk,
                "name": team.name,
                "households_total": 4,
                "households_complete": 3,
                "energy_savings_pct": 15.2 - 3 * i,
                "water_savings_pct": 9.1,
                "waste_reduction_pct": None,
                "rank": i + 1,
            }
            for i, team in enumerate(teams)
        ],
        "households": households,
        "excluded": [
            {
                "registration_id": r.pk,
                "household": r.household.name,
                "resource": "energy",
                "missing": ["Relevé du compteur gaz vers le 1er décembre"],
            }
            for r in excluded
        ],
        "progress": {
            "weeks": ["2025-12-01", "2025-12-08", "2025-12-15"],
            "energy_savings_pct": [None, 9.5, 12.6],
            "water_savings_pct": [None, 6.0, 8.0],
            "waste_residual_kg_per_person_week": [None, None, None],
        },
    }


WASTE = {
    "households_total": 20,
    "households_complete": 18,
    "flows": {
        "omr": {
            "label": "Ordures ménagères résiduelles",
            "ref_kg_per_person_year": 180.0,
            "challenge_kg_per_person_year": 113.4,
            "reduction_pct": 37.0,
            "avoided_kg": 15000.0,
        }
    },
    "residual_reduction_pct": 37.0,
    "avoided_kg": 15000.0,
    "avoided_tonnes": 15.0,
    "objective_pct": 30.0,
}
