"""What a final report says, gathered once for the web page and the PDF
(one template, two outputs). Every figure comes from the module that owns it:
results from `measures.results` (METHODOLOGY.md), quizzes from
`questionnaires.results`, éco-gestes from `challenges.services.gestures`,
attendance from `events.services`. A missing part (no complete household,
no degree days, a missing factor, no photo) is said plainly in its section.

The public version holds aggregates only: no household is named, exclusions
are counts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from challenges.models import Challenge
from challenges.services.gestures import gesture_adoption
from events.models import EventStatus
from events.services import stats_of, with_stats
from measures.factors import BATH_KEY, CAR_KEY, MONTH_OF_ELECTRICITY_KEY
from measures.models import DegreeDay, Factor, FactorKind
from measures.results import cache
from measures.views.charts import progress_charts, teams_chart
from measures.views.formatting import coefficient, num, pct
from measures.views.results import (
    _excluded,
    _explanation,
    _team_row,
    completeness,
    has_started,
    headlines,
    objectives,
    waste_rows,
)
from questionnaires.charts import before_after_chart
from questionnaires.results import challenge_quizzes, quiz_summaries
from reports.models import Audience, ReportSelection, Testimony


@dataclass(frozen=True)
class Equivalence:
    figure: str  # « 6 000 kWh économisés »
    amount: str  # « 30 »
    label: str  # « mois de consommation d'électricité d'un foyer »
    factor: str  # « 200 kWh/mois »
    source: str


def selection_of(challenge: Challenge) -> ReportSelection:
    selection, _created = ReportSelection.objects.get_or_create(challenge=challenge)
    return selection


def payload_of(challenge: Challenge, *, public: bool = False) -> dict[str, Any] | None:
    """The challenge's results (from the snapshot when still valid; `public`:
    their aggregates only), or None before the challenge has started or
    without a measured theme."""
    return cache.challenge_results(challenge, public=public) if has_started(challenge) else None


def data_key(challenge: Challenge, payload: dict[str, Any] | None, selection_version: int) -> str:
    """The version of everything a report is made from: the challenge's data,
    the day and factors its results were computed with, the organiser's
    choices. Two requests with the same key share one generation."""
    factor_set = ((payload or {}).get("factor_set") or {}).get("id") or 0
    day = (payload or {}).get("today") or ""
    raw = f"{challenge.data_version}|{factor_set}|{day}|{selection_version}|{challenge.phase()}"
    digest = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:12]
    return f"d{challenge.data_version}-f{factor_set}-s{selection_version}-{digest}"


def _factor_rows(factor_set_id: int | None) -> list[Factor]:
    if not factor_set_id:
        return []
    return list(Factor.objects.filter(factor_set_id=factor_set_id).order_by("kind", "key"))


def _factor(rows: list[Factor], kind: str, key: str) -> Factor | None:
    return next((f for f in rows if f.kind == kind and f.key == key), None)


def equivalences(
    payload: dict[str, Any], factors: list[Factor]
) -> tuple[list[Equivalence], list[str]]:
    """Savings said in everyday terms, each with its factor and source; and,
    in French, what could not be said (a missing factor)."""
    found: list[Equivalence] = []
    missing: list[str] = []
    energy, water = payload.get("energy") or {}, payload.get("water") or {}
    version = (payload.get("factor_set") or {}).get("name", "")

    def add(value: Any, kind: str, key: str, figure: str, label: str, what: str) -> None:
        if value is None or float(value) <= 0:
            return
        factor = _factor(factors, kind, key)
        if factor is None or not factor.value:
            missing.append(
                _("%(what)s : le facteur « %(key)s » manque dans la version « %(version)s ».")
                % {"what": what, "key": key, "version": version}
            )
            return
        amount = float(value) / float(factor.value)
        found.append(
            Equivalence(
                figure=figure,
                amount=num(amount, 0 if amount >= 10 else 1),
                label=label,
                factor=f"{coefficient(factor.value)} {factor.unit}",
                source=factor.source,
            )
        )

    kwh = energy.get("savings_kwh")
    add(
        kwh,
        FactorKind.EQUIVALENCE,
        MONTH_OF_ELECTRICITY_KEY,
        _("%(n)s kWh économisés") % {"n": num(kwh)},
        _("mois de consommation d'électricité d'un foyer (hors chauffage)"),
        _("Énergie"),
    )
    co2 = energy.get("co2_avoided_kg")
    add(
        co2,
        FactorKind.CO2_PER_KM,
        CAR_KEY,
        _("%(n)s kg de CO2 évités") % {"n": num(co2)},
        _("kilomètres en voiture"),
        _("CO2"),
    )
    m3 = water.get("savings_m3")
    add(
        m3,
        FactorKind.EQUIVALENCE,
        BATH_KEY,
        _("%(n)s m³ d'eau économisés") % {"n": num(m3, 1)},
        _("bains"),
        _("Eau"),
    )
    return found, missing


def _factor_table(rows: list[Factor]) -> list[dict[str, str]]:
    kinds = dict(FactorKind.choices)
    return [
        {
            "kind": str(kinds.get(f.kind, f.kind)),
            "key": f.key,
            "value": f"{coefficient(f.value)} {f.unit}",
            "basis": f.get_energy_basis_display() if f.energy_basis else "",
            "source": f.source,
        }
        for f in rows
    ]


def _people(challenge: Challenge) -> dict[str, int]:
    selected = challenge.registrations.selected()
    row = selected.aggregate(
        households=Count("pk"),
        teams=Count("team", distinct=True),
        communes=Count("household__commune", distinct=True),
    )
    return {key: int(value or 0) for key, value in row.items()}


def _events(challenge: Challenge) -> dict[str, Any]:
    events = list(
        with_stats(
            challenge.events.filter(status=EventStatus.PUBLISHED).order_by("starts_at", "pk")
        )
    )
    rows = []
    for event in events:
        stats = stats_of(event)
        rows.append(
            {
                "title": event.title,
                "kind": event.get_kind_display(),
                "day": event.starts_at,
                "place": event.place_name,
                "registered": stats.registered,
                "attended": stats.attended,
                "excused": stats.excused,
            }
        )
    kinds = Counter(row["kind"] for row in rows)
    return {
        "rows": rows,
        "count": len(rows),
        "attended": sum(r["attended"] for r in rows),
        "by_kind": sorted(kinds.items()),
    }


def _degree_day_sources(payload: dict[str, Any]) -> list[str]:
    """Where the degree days of the periods compared come from (one query)."""
    zones = list(((payload.get("climate") or {}).get("zones") or {}).keys())
    periods = payload.get("periods") or {}
    days = [
        d for period in ("reference", "challenge") for d in (periods.get(period) or [])[:2] if d
    ]
    if not zones or not days:
        return []
    rows = (
        DegreeDay.objects.filter(
            zone__code__in=zones, day__gte=min(days)[:10], day__lt=max(days)[:10]
        )
        .exclude(source="")
        .values_list("source", flat=True)
        .distinct()
        .order_by("source")
    )
    return list(rows[:10])


def _excluded_counts(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """How many households each resource's totals leave out, from the
    aggregates (the reasons are meter by meter, in the households' own words:
    only the organiser version lists them)."""
    return [
        {"resource": str(row["label"]), "count": row["excluded"]}
        for row in completeness(payload)
        if row["excluded"]
    ]


def report_context(challenge: Challenge, audience: str) -> dict[str, Any]:
    """Everything the report template shows, for one audience."""
    territory = challenge.territory
    selection = selection_of(challenge)
    payload = payload_of(challenge, public=audience == Audience.PUBLIC)
    context: dict[str, Any] = {
        "challenge": challenge,
        "territory": territory,
        "audience": audience,
        "is_public": audience == Audience.PUBLIC,
        "selection": selection,
        "partners": list(territory.partners.all()),
        "people": _people(challenge),
        "payload": None,
        "events": _events(challenge),
        "photos": list(
            selection.photos.select_related("event")
            .filter(event__challenge=challenge)
            .order_by("event__starts_at", "pk")
        ),
        "testimonies": list(
            Testimony.objects.filter(challenge=challenge, selected=True).order_by("created_at")
        ),
    }
    quizzes = list(challenge_quizzes(challenge))
    summaries = [s for s in quiz_summaries(quizzes) if s.has_answers]
    context["quizzes"] = [
        {
            "title": s.questionnaire.title,
            "before": pct(s.before_mean, 0),
            "after": pct(s.after_mean, 0),
            "before_count": s.before_count,
            "after_count": s.after_count,
            "improved": pct(s.improved_share, 0),
            "both_count": s.both_count,
        }
        for s in summaries
    ]
    context["quiz_chart"] = before_after_chart(summaries)
    adoption = gesture_adoption(challenge)
    context["gestures"] = [
        {"title": g.gesture.title, "adopted": g.adopted, "percent": g.percent} for g in adoption.top
    ]
    context["gesture_households"] = adoption.households
    if payload is None:
        context["data_key"] = data_key(challenge, None, selection.version)
        return context

    factors = _factor_rows((payload.get("factor_set") or {}).get("id"))
    found, missing = equivalences(payload, factors)
    shown = payload
    teams = sorted(shown.get("teams") or [], key=lambda t: (t.get("rank") or 10**6, t["name"]))
    context.update(
        payload=shown,
        data_key=data_key(challenge, payload, selection.version),
        headlines=headlines(shown),
        objectives=objectives(shown),
        completeness=completeness(shown),
        any_complete=any(row["complete"] for row in completeness(shown)),
        teams=[_team_row(team) for team in teams],
        teams_chart=teams_chart(shown),
        progress_charts=progress_charts(shown),
        waste_rows=waste_rows(shown.get("waste")),
        explanation=_explanation(shown),
        equivalences=found,
        equivalences_missing=missing,
        factor_table=_factor_table(factors),
        factor_problems=list((payload.get("factor_set") or {}).get("problems") or []),
        excluded_counts=_excluded_counts(shown),
        degree_day_sources=_degree_day_sources(shown),
        excluded=_excluded(payload) if audience == Audience.ORGANISER else [],
    )
    return context


def key_figures(context: dict[str, Any]) -> list[dict[str, str]]:
    """The report's headline figures, as the page and the PDF print them:
    the rows of its CSV and of its API, so that the four say the same."""
    people = context["people"]
    rows = [
        {"indicateur": _("Foyers participants"), "valeur": str(people["households"]), "unite": ""},
        {"indicateur": _("Équipes"), "valeur": str(people["teams"]), "unite": ""},
        {"indicateur": _("Communes"), "valeur": str(people["communes"]), "unite": ""},
        {
            "indicateur": _("Ateliers et événements"),
            "valeur": str(context["events"]["count"]),
            "unite": "",
        },
    ]
    for line in context.get("headlines") or []:
        rows.append({"indicateur": str(line.label), "valeur": line.value, "unite": str(line.unit)})
    for item in context.get("equivalences") or []:
        rows.append({"indicateur": str(item.label), "valeur": item.amount, "unite": ""})
    return rows
