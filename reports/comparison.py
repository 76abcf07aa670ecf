"""Closed challenges compared across territories, by theme and year.

The figures are those of each challenge's final results (the frozen snapshot
of a closed challenge), read from its public part only: aggregates, never a
household. A handful of JSON keys are extracted by the database, so the query
count does not grow with the number of challenges and no payload is parsed
in Python. The same rows feed the public page, its CSV, the API and the open
data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge
from measures.models import ResultSnapshot
from measures.results.cache import FROZEN_PHASES
from territories.models import Region
from territories.themes import Theme

# The figures compared per theme: (key in the row, JSON path in the public
# payload, label, unit). The first figure is the ranking one.
FIGURES: dict[str, list[tuple[str, str, Any, str]]] = {
    Theme.ENERGY: [
        ("savings_pct", "energy__savings_pct", _("Économies d'énergie"), "%"),
        ("mean_household_pct", "energy__mean_household_pct", _("Moyenne des foyers"), "%"),
        (
            "per_household",
            "energy__savings_kwh_per_household",
            _("Économisé par foyer"),
            "kWh",
        ),
        ("per_person", "energy__savings_kwh_per_person", _("Économisé par personne"), "kWh"),
        ("complete", "energy__households_complete", _("Foyers complets"), ""),
        ("objective_pct", "energy__objective_pct", _("Objectif"), "%"),
    ],
    Theme.WATER: [
        ("savings_pct", "water__savings_pct", _("Économies d'eau"), "%"),
        ("mean_household_pct", "water__mean_household_pct", _("Moyenne des foyers"), "%"),
        (
            "per_person",
            "water__savings_m3_per_person_year",
            _("Économisé par personne et par an"),
            "m³",
        ),
        ("complete", "water__households_complete", _("Foyers complets"), ""),
        ("objective_pct", "water__objective_pct", _("Objectif"), "%"),
    ],
    Theme.WASTE: [
        ("savings_pct", "waste__residual_reduction_pct", _("Baisse des déchets résiduels"), "%"),
        ("avoided_tonnes", "waste__avoided_tonnes", _("Déchets évités"), "t"),
        ("complete", "waste__households_complete", _("Foyers complets"), ""),
        ("objective_pct", "waste__objective_pct", _("Objectif"), "%"),
    ],
}
THEMES = list(FIGURES)
SORTS = {
    "economies": _("les économies"),
    "foyers": _("le nombre de foyers"),
    "annee": _("l'année"),
    "territoire": _("le territoire"),
}


@dataclass(frozen=True)
class Filters:
    theme: str = Theme.ENERGY
    year: int | None = None
    region: str = ""
    sort: str = "economies"


def _number(value: Any) -> float | None:
    """A JSON number extracted as text by some databases, as a float."""
    if value in (None, "", "null"):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _snapshots(filters: Filters) -> Any:
    figures = FIGURES[filters.theme]
    query = ResultSnapshot.objects.filter(
        is_final=True,
        challenge__published_at__isnull=False,
        challenge__territory__is_published=True,
    )
    if filters.year:
        query = query.filter(challenge__starts_on__year=filters.year)
    if filters.region:
        query = query.filter(challenge__territory__region_id=filters.region)
    annotations = {key: KT(f"public_payload__{path}") for key, path, _label, _unit in figures}
    annotations["corrected"] = KT("public_payload__climate__corrected")
    annotations["factor_set_name"] = KT("public_payload__factor_set__name")
    for resource in ("energy", "water", "waste"):
        annotations[f"total_{resource}"] = KT(f"public_payload__{resource}__households_total")
    return (
        query.select_related("challenge__territory__region")
        .defer("payload", "public_payload")
        .annotate(**annotations)
        .order_by("challenge_id", "-computed_at")
    )


def comparison_rows(filters: Filters, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per closed challenge with final results for the theme."""
    today = today or timezone.localdate()
    rows: dict[int, dict[str, Any]] = {}
    figures = FIGURES[filters.theme]
    for snapshot in _snapshots(filters):
        challenge: Challenge = snapshot.challenge
        if challenge.pk in rows or filters.theme not in (challenge.themes or []):
            continue
        if challenge.phase(today) not in FROZEN_PHASES or _number(snapshot.savings_pct) is None:
            continue  # reopened since, or no complete household for the theme
        territory = challenge.territory
        totals = [_number(getattr(snapshot, f"total_{r}")) for r in ("energy", "water", "waste")]
        row: dict[str, Any] = {
            "challenge_id": challenge.pk,
            "challenge": challenge.title,
            "challenge_slug": challenge.slug,
            "territory": territory.name,
            "territory_slug": territory.slug,
            "region": territory.region.name,
            "region_code": territory.region.code,
            "year": challenge.starts_on.year,
            "starts_on": challenge.starts_on,
            "ends_on": challenge.ends_on,
            "theme": filters.theme,
            "households": int(max((t for t in totals if t is not None), default=0)),
            "climate_corrected": str(snapshot.corrected).lower() in ("true", "1"),
            "factor_set": snapshot.factor_set_name or "",
            "computed_at": snapshot.computed_at,
        }
        for key, _path, _label, _unit in figures:
            row[key] = _number(getattr(snapshot, key))
        row["objective_reached"] = (
            None
            if row.get("objective_pct") is None or row["savings_pct"] is None
            else row["savings_pct"] >= row["objective_pct"]
        )
        rows[challenge.pk] = row
    _add_teams(rows)
    return _sorted(list(rows.values()), filters.sort)


def _add_teams(rows: dict[int, dict[str, Any]]) -> None:
    counts = dict(
        Challenge.objects.filter(pk__in=rows).annotate(n=Count("teams")).values_list("pk", "n")
    )
    for pk, row in rows.items():
        row["teams"] = counts.get(pk, 0)


def _sorted(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    def savings(row: dict[str, Any]) -> float:
        return -(row["savings_pct"] if row["savings_pct"] is not None else -(10**9))

    keys = {
        "economies": lambda r: (savings(r), r["territory"], -r["year"]),
        "foyers": lambda r: (-r["households"], savings(r), r["territory"]),
        "annee": lambda r: (-r["year"], savings(r), r["territory"]),
        "territoire": lambda r: (r["territory"], -r["year"], r["challenge"]),
    }
    return sorted(rows, key=keys[sort])


def years_and_regions() -> tuple[list[int], list[Region]]:
    """The years and regions that have closed challenges with final results."""
    base = ResultSnapshot.objects.filter(
        is_final=True,
        challenge__published_at__isnull=False,
        challenge__territory__is_published=True,
    )
    years = sorted(
        {d.year for d in base.order_by().values_list("challenge__starts_on", flat=True).distinct()},
        reverse=True,
    )
    codes = set(
        base.order_by().values_list("challenge__territory__region_id", flat=True).distinct()
    )
    return years, list(Region.objects.filter(code__in=codes).order_by("name"))


def columns(theme: str) -> list[dict[str, Any]]:
    return [
        {"key": key, "label": label, "unit": unit} for key, _path, label, unit in FIGURES[theme]
    ]
