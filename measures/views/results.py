"""Results pages: a challenge's results (and their summary on the challenge
page), a team's, my household's, the organisers' CSV export and a territory's
overview. Every figure comes from `measures.results` (METHODOLOGY.md): the
views only choose what each reader may see and format it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.audit import log_access
from challenges.models import Challenge, Registration, Team
from challenges.rules import registration_of
from challenges.views import challenge_from_url
from elan.pagecache import public_page
from elan.tabular import csv_cell, table_response
from measures.models import WasteFlow
from measures.results import cache, household
from measures.views.charts import household_charts, progress_charts, teams_chart
from measures.views.formatting import csv_num, num, pct, unit_label, with_unit
from measures.views.method import basis_lines, conversion_text
from territories.models import Territory
from territories.permissions import check, permission_required

VIEW_CHALLENGE = "challenges.view_challenge"
MANAGE = "challenges.manage_challenge"
RESOURCES = ("energy", "water", "waste")
RESOURCE_LABELS = {
    "energy": gettext_lazy("Énergie"),
    "water": gettext_lazy("Eau"),
    "waste": gettext_lazy("Déchets"),
}
TEAMS_PER_PAGE = 50


# --- formatting ------------------------------------------------------------------


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _last_day(value: str | None) -> dt.date | None:
    """Periods end before their second date (METHODOLOGY §1): people see the day before."""
    day = _day(value)
    return day - dt.timedelta(days=1) if day else None


@dataclass(frozen=True)
class Headline:
    number: str
    unit_label: str
    label: str

    @property
    def value(self) -> str:
        return self.number

    @property
    def unit(self) -> str:
        return "" if self.number == "—" else self.unit_label


def headlines(payload: dict[str, Any]) -> list[Headline]:
    """The seeds' figures: « 12,6 % d'énergie économisée », « 15 tonnes évitées »…"""
    lines: list[Headline] = []
    energy, water, waste = (payload.get(r) for r in RESOURCES)
    if energy:
        lines.append(Headline(num(energy.get("savings_pct"), 1), "%", _("d'énergie économisée")))
        lines.append(
            Headline(num(energy.get("savings_kwh_per_household")), "kWh", _("économisés par foyer"))
        )
        lines.append(
            Headline(num(energy.get("savings_eur_per_household")), "€", _("économisés par foyer"))
        )
        lines.append(Headline(num(energy.get("co2_pct"), 1), "%", _("de CO2 en moins")))
    if water:
        lines.append(Headline(num(water.get("savings_pct"), 1), "%", _("d'eau économisée")))
    if waste:
        reduction = waste.get("residual_reduction_pct")
        lines.append(
            Headline(
                num(-reduction if reduction is not None else None, 1),
                "%",
                _("de déchets résiduels"),
            )
        )
        lines.append(Headline(num(waste.get("avoided_tonnes"), 1), _("tonnes"), _("évitées")))
    return lines


def _achieved(payload: dict[str, Any], resource: str) -> float | None:
    block = payload.get(resource) or {}
    key = "residual_reduction_pct" if resource == "waste" else "savings_pct"
    value = block.get(key)
    return None if value is None else float(value)


def objectives(payload: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for resource in RESOURCES:
        block = payload.get(resource)
        if not block or block.get("objective_pct") is None:
            continue
        objective, achieved = float(block["objective_pct"]), _achieved(payload, resource)
        rows.append(
            {
                "label": RESOURCE_LABELS[resource],
                "objective": pct(objective),
                "achieved": pct(achieved),
                "reached": achieved is not None and achieved >= objective,
            }
        )
    return rows


def completeness(payload: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for resource in RESOURCES:
        block = payload.get(resource)
        if not block:
            continue
        total, complete = block.get("households_total") or 0, block.get("households_complete") or 0
        rows.append(
            {
                "resource": resource,
                "label": RESOURCE_LABELS[resource],
                "total": total,
                "complete": complete,
                "excluded": total - complete,
            }
        )
    return rows


def waste_rows(block: dict[str, Any] | None) -> list[dict[str, Any]]:
    flows = (block or {}).get("flows") or {}
    rows = []
    for code, flow in flows.items():
        label = flow.get("label") or dict(WasteFlow.choices).get(code, code)
        rows.append(
            {
                "code": code,
                "label": label,
                "ref": with_unit(flow.get("ref_kg_per_person_year"), "kg", 1),
                "challenge": with_unit(flow.get("challenge_kg_per_person_year"), "kg", 1),
                "reduction": pct(flow.get("reduction_pct")),
                "avoided": with_unit(flow.get("avoided_kg"), "kg"),
            }
        )
    return rows


def climate_note(payload: dict[str, Any]) -> dict[str, Any]:
    climate = payload.get("climate") or {}
    zones = [
        {
            "code": code,
            "dju_challenge": num(z.get("dju_challenge")),
            "dju_reference": num(z.get("dju_reference")),
            "ratio": num(z.get("ratio"), 3),
        }
        for code, z in sorted((climate.get("zones") or {}).items())
    ]
    return {
        "corrected": bool(climate.get("corrected")),
        "zones": zones,
        "without_data": ", ".join(climate.get("zones_without_data") or []),
    }


# --- getting payloads ------------------------------------------------------------


def has_started(challenge: Challenge, today: dt.date | None = None) -> bool:
    return bool(challenge.measured_themes) and (today or timezone.localdate()) >= (
        challenge.starts_on
    )


def challenge_payload(challenge: Challenge, *, public: bool = False) -> dict[str, Any]:
    """The stored results (`public`: their aggregates only, read without the
    households' part, for pages that show no household). The public part is
    filtered again here: a page that shows no household never gets one."""
    payload = cache.challenge_results(challenge, public=public)
    return cache.public_part(payload) if public else payload


def _context(challenge: Challenge, payload: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "challenge": challenge,
        "territory": challenge.territory,
        "payload": payload,
        "headlines": headlines(payload) if payload else [],
    }


def _explanation(payload: dict[str, Any]) -> dict[str, Any]:
    periods = payload.get("periods") or {}
    challenge_period = periods.get("challenge") or [None, None]
    reference = periods.get("reference") or [None, None]
    return {
        "challenge_start": _day(challenge_period[0]),
        "challenge_end": _last_day(challenge_period[1]),
        "reference_start": _day(reference[0]),
        "reference_end": _last_day(reference[1]),
        "waste_reference_end": _last_day(periods.get("waste_reference_end")),
        "days_elapsed": periods.get("days_elapsed"),
        "computed_at": _computed_at(payload.get("computed_at")),
        "factor_set": (payload.get("factor_set") or {}).get("name", ""),
        "climate": climate_note(payload),
        "bases": basis_lines(payload),
    }


def _computed_at(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


# --- pages -----------------------------------------------------------------------


_challenge = challenge_from_url


@public_page(depends=("territories", "challenges", "measures"))
@require_GET
@permission_required("measures.view_challenge_results", _challenge, visible=VIEW_CHALLENGE)
def challenge_results(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    context = _context(challenge, None)
    can_manage = request.user.has_perm(MANAGE, challenge)
    context["can_manage"] = can_manage
    context["closed_phases"] = ("termine", "archive")
    if has_started(challenge):
        # Organisers see the exclusions too, not every household's figures:
        # the public part and the exclusions' own column.
        payload = challenge_payload(challenge, public=True)
        if can_manage:
            payload = {**payload, "excluded": cache.exclusions(challenge)}
        teams = sorted(
            payload.get("teams") or [], key=lambda t: (t.get("rank") or 10**6, t["name"])
        )
        # A challenge of thousands of teams shows its ranking page by page (the
        # chart draws the teams of the page): the page stays light on a phone.
        page = Paginator(teams, TEAMS_PER_PAGE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
        context.update(
            _context(challenge, payload),
            objectives=objectives(payload),
            completeness=completeness(payload),
            excluded=_excluded(payload) if can_manage else [],
            teams=[_team_row(team) for team in shown],
            teams_page=page,
            teams_chart=teams_chart({**payload, "teams": shown}) if shown else None,
            progress_charts=progress_charts(payload),
            waste_rows=waste_rows(payload.get("waste")),
            explanation=_explanation(payload),
            can_manage=can_manage,
            is_registered=registration_of(request.user, challenge) is not None,
        )
    return TemplateResponse(request, "measures/results/challenge.html", context)


def _team_row(team: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": team["id"],
        "name": team["name"],
        "rank": team.get("rank"),
        "complete": team.get("households_complete") or 0,
        # Complete per resource: a household without water meter still counts for energy.
        "complete_by_resource": [
            {"label": RESOURCE_LABELS[resource], "complete": count}
            for resource, count in (team.get("households_complete_by_resource") or {}).items()
            if resource in RESOURCE_LABELS
        ],
        "total": team.get("households_total") or 0,
        "energy": pct(team.get("energy_savings_pct")),
        "water": pct(team.get("water_savings_pct")),
        "waste": pct(team.get("waste_reduction_pct")),
    }


def _excluded(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "household": row.get("household", ""),
            "resource": RESOURCE_LABELS.get(row.get("resource", ""), row.get("resource", "")),
            "missing": row.get("missing") or [],
        }
        for row in payload.get("excluded") or []
    ]


@require_GET
@permission_required("measures.view_challenge_results", _challenge, visible=VIEW_CHALLENGE)
def challenge_results_summary(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    context = _context(challenge, None)
    if has_started(challenge):
        payload = challenge_payload(challenge, public=True)
        context.update(_context(challenge, payload), completeness=completeness(payload))
    return TemplateResponse(request, "measures/results/_summary.html", context)


def _team(slug: str, challenge: str, pk: int) -> Team:
    return get_object_or_404(
        Team.objects.select_related("challenge__territory", "captain"),
        challenge__territory__slug=slug,
        challenge__slug=challenge,
        pk=pk,
    )


@require_GET
@permission_required("measures.view_team_results", _team, visible=VIEW_CHALLENGE)
def team_results(request: HttpRequest, team: Team) -> HttpResponse:
    challenge = team.challenge
    context = _context(challenge, None)
    context["team"] = team
    if has_started(challenge):
        insider = _sees_team_households(request, team)
        payload = challenge_payload(challenge, public=not insider)
        aggregates = next((t for t in payload.get("teams") or [] if t["id"] == team.pk), None)
        context.update(
            _context(challenge, payload),
            team=team,
            aggregates=_team_row(aggregates) if aggregates else None,
            team_count=len(payload.get("teams") or []),
            households=_team_households(request, team, payload),
            explanation=_explanation(payload),
        )
    return TemplateResponse(request, "measures/results/team.html", context)


def _sees_team_households(request: HttpRequest, team: Team) -> bool:
    """The team's members, its captain and the organisers see its households."""
    user: Any = request.user
    if user.has_perm(MANAGE, team.challenge):
        return True
    mine = registration_of(user, team.challenge)
    member = mine is not None and mine.team_id == team.pk
    return member or (user.is_authenticated and team.captain_id == user.pk)


def _team_households(
    request: HttpRequest, team: Team, payload: dict[str, Any]
) -> list[dict[str, Any]] | None:
    """Each household's savings, for the team's members, its captain and the
    organisers; values only for households that share them with the team."""
    user: Any = request.user
    challenge = team.challenge
    manager = user.has_perm(MANAGE, challenge)
    if not _sees_team_households(request, team):
        return None
    registrations = (
        Registration.objects.filter(team=team)
        .select_related("household")
        .prefetch_related("household__members")
        .order_by("household__name", "pk")
    )
    by_registration = payload.get("households") or {}
    rows = []
    for registration in registrations:
        own = registration.household_id == user.household_id
        shown = own or manager or registration.shares_values_with_team
        figures = by_registration.get(str(registration.pk)) or {}
        names = [m.public_name for m in registration.household.members.all() if m.erased_at is None]
        rows.append(
            {
                "names": ", ".join(names) or _("Foyer sans membre actif"),
                "is_mine": own,
                "shared": shown,
                "energy": pct((figures.get("energy") or {}).get("savings_pct")),
                "water": pct((figures.get("water") or {}).get("savings_pct")),
                "waste": pct((figures.get("waste") or {}).get("residual_reduction_pct")),
            }
        )
    return rows


@require_GET
def household_results(request: HttpRequest, slug: str, challenge: str) -> HttpResponse:
    found = challenge_from_url(slug, challenge)
    check(request, VIEW_CHALLENGE, found, visible=VIEW_CHALLENGE)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    registration = registration_of(request.user, found)
    if registration is None:
        raise Http404
    check(request, "measures.view_household_results", registration)
    context = _context(found, None)
    context["registration"] = registration
    if has_started(found):
        payload = challenge_payload(found)
        mine = (payload.get("households") or {}).get(str(registration.pk)) or {}
        persons = mine.get("persons") or registration.household.persons
        context.update(
            _context(found, payload),
            registration=registration,
            mine=household_figures(
                mine, persons, (payload.get("periods") or {}).get("days_elapsed") or 0
            ),
            waste_rows=waste_rows(mine.get("waste")),
            charts=household_charts(household.household_series(registration)),
            explanation=_explanation(payload),
        )
    return TemplateResponse(request, "measures/results/household.html", context)


def _per_person(value: Any, persons: int) -> float | None:
    return None if value is None or not persons else float(value) / persons


def _per_person_year(value: Any, persons: int, days: int) -> float | None:
    """Per person, scaled to a year: × 365 / days of the period (METHODOLOGY §4)."""
    per_person = _per_person(value, persons)
    return None if per_person is None or days <= 0 else per_person * 365 / days


def _figure(block: dict[str, Any], key: str, compute: Any, total: str, *args: int) -> Any:
    """A per-person figure of the payload; results frozen before the payload
    carried them are computed here the same way (METHODOLOGY §4)."""
    if key in block:
        return block[key]
    return compute(block.get(total), *args)


def household_figures(mine: dict[str, Any], persons: int, days: int) -> dict[str, Any]:
    """My figures, each with its unit (« — » when not computable)."""
    energy, water = mine.get("energy"), mine.get("water")
    figures: dict[str, Any] = {"persons": persons}
    if energy is not None:
        figures["energy"] = {
            "complete": bool(energy.get("complete")),
            "missing": energy.get("missing") or [],
            "ref_kwh": with_unit(energy.get("ref_kwh"), "kWh"),
            "ref_corr_kwh": with_unit(energy.get("ref_corr_kwh"), "kWh"),
            "challenge_kwh": with_unit(energy.get("challenge_kwh"), "kWh"),
            "savings_kwh": with_unit(energy.get("savings_kwh"), "kWh"),
            "savings_pct": pct(energy.get("savings_pct")),
            "savings_eur": with_unit(energy.get("savings_eur"), "€"),
            "co2_avoided_kg": with_unit(energy.get("co2_avoided_kg"), "kg"),
            "savings_kwh_per_person": with_unit(
                _figure(energy, "savings_kwh_per_person", _per_person, "savings_kwh", persons),
                "kWh",
            ),
            "challenge_kwh_per_person_year": with_unit(
                energy.get("challenge_kwh_per_person_year"), "kWh"
            ),
            "meters": [
                {
                    "label": m.get("label", ""),
                    "ref": with_unit(m.get("ref"), unit_label(m.get("unit", "")), 1),
                    "ref_corr_kwh": with_unit(m.get("ref_corr_kwh"), "kWh"),
                    "challenge": with_unit(m.get("challenge"), unit_label(m.get("unit", "")), 1),
                    "savings_kwh": with_unit(m.get("savings_kwh"), "kWh"),
                    "conversion": conversion_text(m),
                }
                for m in energy.get("per_meter") or []
            ],
        }
    if water is not None:
        figures["water"] = {
            "complete": bool(water.get("complete")),
            "missing": water.get("missing") or [],
            "ref_m3": with_unit(water.get("ref_m3"), "m³", 1),
            "challenge_m3": with_unit(water.get("challenge_m3"), "m³", 1),
            "savings_m3": with_unit(water.get("savings_m3"), "m³", 1),
            "savings_pct": pct(water.get("savings_pct")),
            "savings_eur": with_unit(water.get("savings_eur"), "€"),
            "m3_per_person_year": with_unit(
                _figure(
                    water,
                    "challenge_m3_per_person_year",
                    _per_person_year,
                    "challenge_m3",
                    persons,
                    days,
                ),
                "m³",
                1,
            ),
            "savings_m3_per_person_year": with_unit(
                _figure(
                    water,
                    "savings_m3_per_person_year",
                    _per_person_year,
                    "savings_m3",
                    persons,
                    days,
                ),
                "m³",
                2,
            ),
        }
    waste = mine.get("waste")
    if waste is not None:
        figures["waste"] = {
            "complete": bool(waste.get("complete")),
            "missing": waste.get("missing") or [],
            "reduction": pct(waste.get("residual_reduction_pct")),
            "avoided_kg": with_unit(waste.get("avoided_kg"), "kg"),
        }
    return figures


# --- CSV export ------------------------------------------------------------------


HOUSEHOLD_COLUMNS = [
    ("Inscription", None),
    ("Foyer", None),
    ("Équipe", None),
    ("Personnes", None),
    ("Énergie complète", None),
    ("Énergie référence (kWh)", ("energy", "ref_kwh", 0)),
    ("Énergie référence corrigée (kWh)", ("energy", "ref_corr_kwh", 0)),
    ("Énergie défi (kWh)", ("energy", "challenge_kwh", 0)),
    ("Énergie économisée (kWh)", ("energy", "savings_kwh", 0)),
    ("Énergie économisée (%)", ("energy", "savings_pct", 1)),
    ("Euros économisés (€)", ("energy", "savings_eur", 0)),
    ("CO2 évité (kg)", ("energy", "co2_avoided_kg", 0)),
    ("Coefficient gaz (kWh/m³)", lambda figures, payload: _gas_coefficients(figures)[0]),
    ("Coefficient gaz : origine", lambda figures, payload: _gas_coefficients(figures)[1]),
    ("Bases des facteurs", lambda figures, payload: _csv_bases(figures, payload)),
    ("Eau complète", None),
    ("Eau référence (m³)", ("water", "ref_m3", 1)),
    ("Eau défi (m³)", ("water", "challenge_m3", 1)),
    ("Eau économisée (m³)", ("water", "savings_m3", 1)),
    ("Eau économisée (%)", ("water", "savings_pct", 1)),
    ("Déchets résiduels : baisse (%)", ("waste", "residual_reduction_pct", 1)),
    ("Déchets évités (kg)", ("waste", "avoided_kg", 0)),
    ("Manques", None),
]
TEAM_COLUMNS = [
    ("Rang", "rank", 0),
    ("Équipe", "name", None),
    ("Foyers complets", "households_complete", 0),
    ("Foyers inscrits", "households_total", 0),
    ("Énergie économisée (%)", "energy_savings_pct", 1),
    ("Eau économisée (%)", "water_savings_pct", 1),
    ("Déchets résiduels : baisse (%)", "waste_reduction_pct", 1),
    # A household is complete per resource (« Foyers complets » is the ranking's).
    ("Foyers complets (énergie)", "households_complete_energy", 0),
    ("Foyers complets (eau)", "households_complete_water", 0),
    ("Foyers complets (déchets)", "households_complete_waste", 0),
]


def _gas_coefficients(figures: dict[str, Any]) -> tuple[str, str]:
    """The kWh/m³ of each gas meter in m³ and where it comes from (METHODOLOGY §2)."""
    meters = [
        m
        for m in (figures.get("energy") or {}).get("per_meter") or []
        if m.get("carrier") == "gaz" and m.get("kwh_per_unit") is not None
    ]
    values = " ; ".join(csv_cell(csv_num(m["kwh_per_unit"], 3)) for m in meters)
    sources = " ; ".join(
        _("facture") if m.get("kwh_per_unit_source") == "household" else _("valeur par défaut")
        for m in meters
    )
    return values, sources


def _csv_bases(figures: dict[str, Any], payload: dict[str, Any]) -> str:
    """The basis of the kWh and CO2 factor of each carrier the household uses."""
    carriers = {m.get("carrier") for m in (figures.get("energy") or {}).get("per_meter") or []}
    return " ; ".join(basis_lines(payload, {c for c in carriers if c}))


def _yes_no(block: dict[str, Any] | None) -> str:
    if block is None:
        return ""
    return "oui" if block.get("complete") else "non"


def household_csv_rows(
    payload: dict[str, Any], registrations: dict[int, Registration]
) -> list[list[Any]]:
    rows = []
    for key, figures in (payload.get("households") or {}).items():
        registration = registrations.get(int(key))
        missing = [
            f"{RESOURCE_LABELS[r]} : {m}"
            for r in RESOURCES
            for m in (figures.get(r) or {}).get("missing") or []
        ]
        row = [
            key,
            registration.household.name if registration else "",
            registration.team.name if registration and registration.team else "",
            str(figures.get("persons") or ""),
        ]
        for header, spec in HOUSEHOLD_COLUMNS[4:-1]:
            if spec is None:
                row.append(_yes_no(figures.get("water" if "Eau" in header else "energy")))
                continue
            if callable(spec):
                row.append(spec(figures, payload))
                continue
            resource, field, decimals = spec
            row.append(csv_num((figures.get(resource) or {}).get(field), decimals))
        row.append(" ; ".join(missing))
        rows.append(row)
    return sorted(rows, key=lambda r: (r[2], r[1], r[0]))


def team_csv_rows(payload: dict[str, Any]) -> list[list[Any]]:
    teams = sorted(payload.get("teams") or [], key=lambda t: (t.get("rank") or 10**6, t["name"]))
    rows = []
    for team in teams:
        by_resource = team.get("households_complete_by_resource") or {}
        flat = {**team, **{f"households_complete_{r}": n for r, n in by_resource.items()}}
        rows.append(
            [
                str(flat.get(field) or "")
                if decimals is None
                else csv_num(flat.get(field), decimals)
                for _header, field, decimals in TEAM_COLUMNS
            ]
        )
    return rows


@require_GET
@permission_required("measures.export_data", _challenge, visible=VIEW_CHALLENGE)
def results_export(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    teams_only = request.GET.get("niveau") == "equipes"
    payload = challenge_payload(challenge) if has_started(challenge) else {}
    suffix = "equipes" if teams_only else "foyers"
    filename = f"resultats-{challenge.slug}-{suffix}.csv"
    # The kit's writer neutralises a household or team named « =HYPERLINK(…) ».
    if teams_only:
        names = [name for name, _field, _d in TEAM_COLUMNS]
        return table_response(filename, names, team_csv_rows(payload))
    registrations = {
        r.pk: r
        for r in Registration.objects.filter(challenge=challenge).select_related(
            "household", "team"
        )
    }
    names = [name for name, _spec in HOUSEHOLD_COLUMNS]
    log_access(
        request,
        what=f"résultats par foyer du défi « {challenge.title} »",
        territory=challenge.territory,
        people=len(registrations),
        export=True,
    )
    return table_response(filename, names, household_csv_rows(payload, registrations))


# --- territory -------------------------------------------------------------------


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory, slug=slug)


@require_GET
@permission_required("territories.view_territory", _territory, visible="territories.view_territory")
def territory_results(request: HttpRequest, territory: Territory) -> HttpResponse:
    today = timezone.localdate()
    challenges = [
        c
        for c in Challenge.objects.published()
        .filter(territory=territory, archived_at__isnull=True)
        .order_by("-starts_on", "pk")
        if has_started(c, today)
    ]
    for challenge in challenges:
        challenge.territory = territory
    payloads = cache.challenges_results(challenges, public=True)
    rows = [
        {
            "challenge": c,
            "themes": ", ".join(c.theme_labels()),
            "headlines": headlines(payloads[c.pk]),
            "completeness": completeness(payloads[c.pk]),
        }
        for c in challenges
    ]
    totals = _territory_totals([payloads[c.pk] for c in challenges])
    context = {"territory": territory, "rows": rows, "totals": totals}
    return TemplateResponse(request, "measures/results/territory.html", context)


def _territory_totals(payloads: list[dict[str, Any]]) -> dict[str, str]:
    """Sums over the territory's challenges (savings add up; percentages do not)."""
    kwh = [p["energy"].get("savings_kwh") for p in payloads if p.get("energy")]
    m3 = [p["water"].get("savings_m3") for p in payloads if p.get("water")]
    tonnes = [p["waste"].get("avoided_tonnes") for p in payloads if p.get("waste")]
    households = sum(
        max((p.get(r) or {}).get("households_total") or 0 for r in RESOURCES) for p in payloads
    )
    return {
        "challenges": str(len(payloads)),
        "households": num(households),
        "mwh": num(sum(v for v in kwh if v is not None) / 1000, 1) if kwh else "",
        "m3": num(sum(v for v in m3 if v is not None)) if m3 else "",
        "tonnes": num(sum(v for v in tonnes if v is not None), 1) if tonnes else "",
    }


RESULTS = "t/<slug:slug>/defis/<slug:challenge>/resultats/"

urlpatterns: list[URLPattern] = [
    path(RESULTS, challenge_results, name="challenge_results"),
    path(f"{RESULTS}resume/", challenge_results_summary, name="challenge_results_summary"),
    path(f"{RESULTS}equipes/<int:pk>/", team_results, name="team_results"),
    path(f"{RESULTS}mon-foyer/", household_results, name="household_results"),
    path(f"{RESULTS}export.csv", results_export, name="results_export"),
    path("t/<slug:slug>/resultats/", territory_results, name="territory_results"),
]
