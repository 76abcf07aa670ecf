"""The charts of the results pages, drawn from the payload with the chart kit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from elan.charts import BarChart, LineChart, Series


def ranking_metric(payload: dict[str, Any]) -> tuple[str, str]:
    """Teams are ranked by energy savings, else water, else waste (the engine's order)."""
    if payload.get("energy"):
        return "energy_savings_pct", _("Énergie économisée")
    if payload.get("water"):
        return "water_savings_pct", _("Eau économisée")
    return "waste_reduction_pct", _("Baisse des déchets résiduels")


def teams_chart(payload: dict[str, Any]) -> BarChart | None:
    teams = sorted(payload.get("teams") or [], key=lambda t: (t.get("rank") or 10**6, t["name"]))
    if not teams:
        return None
    key, label = ranking_metric(payload)
    return BarChart(
        title=_("Comparaison des équipes : %(what)s") % {"what": label.lower()},
        description=_(
            "%(what)s par équipe, en pourcentage de la référence, de la première à la "
            "dernière du classement. Une barre vers la gauche signale une hausse."
        )
        % {"what": label},
        labels=[t["name"] for t in teams],
        values=[t.get(key) for t in teams],
        unit="%",
        value_label=label + " (%)",
        label_header=_("Équipe"),
        chart_id="comparaison-equipes",
    )


def _week_labels(weeks: list[str]) -> list[str]:
    return [date_format(dt.date.fromisoformat(week[:10]), "j N") for week in weeks]


def progress_charts(payload: dict[str, Any]) -> list[LineChart]:
    progress = payload.get("progress") or {}
    weeks = progress.get("weeks") or []
    if not weeks:
        return []
    charts = []
    savings = [
        Series(_("Énergie"), progress.get("energy_savings_pct") or [])
        if payload.get("energy")
        else None,
        Series(_("Eau"), progress.get("water_savings_pct") or []) if payload.get("water") else None,
    ]
    series = [s for s in savings if s is not None and len(s.values) == len(weeks)]
    if series:
        charts.append(
            LineChart(
                title=_("Économies cumulées semaine après semaine"),
                description=_(
                    "Économies cumulées depuis le début du défi, en pourcentage de la référence "
                    "corrigée, sur les foyers complets, à la fin de chaque semaine écoulée."
                ),
                x_labels=_week_labels(weeks),
                series=series,
                y_label=_("Économie (%)"),
                x_label=_("Semaine du"),
                decimals=1,
                chart_id="progression-economies",
            )
        )
    waste = progress.get("waste_residual_kg_per_person_week") or []
    if payload.get("waste") and len(waste) == len(weeks):
        charts.append(
            LineChart(
                title=_("Déchets résiduels semaine après semaine"),
                description=_(
                    "Ordures ménagères résiduelles pesées, en kilogrammes par personne et par "
                    "semaine, pour les foyers qui pèsent."
                ),
                x_labels=_week_labels(weeks),
                series=[Series(_("Déchets résiduels"), waste)],
                y_label=_("kg par personne et par semaine"),
                x_label=_("Semaine du"),
                decimals=2,
                chart_id="progression-dechets",
            )
        )
    return charts


def household_charts(series: dict[str, Any]) -> list[LineChart]:
    weeks = series.get("weeks") or []
    if not weeks:
        return []
    labels = _week_labels(weeks)
    charts = []
    pairs = [
        (
            "energy_kwh_week",
            "energy_ref_kwh_week",
            _("Ma consommation d'énergie chaque semaine"),
            _("kWh par semaine"),
            "ma-conso-energie",
            0,
        ),
        (
            "water_m3_week",
            "water_ref_m3_week",
            _("Ma consommation d'eau chaque semaine"),
            _("m³ par semaine"),
            "ma-conso-eau",
            2,
        ),
    ]
    for key, ref_key, title, unit, chart_id, decimals in pairs:
        current, reference = series.get(key) or [], series.get(ref_key) or []
        if len(current) != len(weeks) or len(reference) != len(weeks):
            continue
        if all(v is None for v in [*current, *reference]):
            continue
        charts.append(
            LineChart(
                title=title,
                description=_(
                    "Consommation de chaque semaine du défi (%(unit)s), comparée à la même "
                    "semaine de l'année de référence, calculée à partir de vos relevés."
                )
                % {"unit": unit},
                x_labels=labels,
                series=[Series(_("Cette année"), current), Series(_("Référence"), reference)],
                y_label=unit,
                x_label=_("Semaine du"),
                decimals=decimals,
                chart_id=chart_id,
            )
        )
    return charts
