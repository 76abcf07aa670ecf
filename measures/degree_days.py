"""Import of heating degree days (DJU, base 18 °C) per weather zone
(METHODOLOGY §3).

Three CSV formats, each with a header line (column names are case and
accent insensitive; separator « ; », « , » or tab):

- ``daily``: ``date;dju`` — one day per line;
- ``monthly``: ``mois;dju`` — a month (MM/AAAA or AAAA-MM) and its total,
  stored spread over its days (each day = total / days in the month);
- ``temperatures``: ``date;tmin;tmax`` — DJU = max(0, 18 − (Tmin + Tmax) / 2).

Every row is validated first; when any row is wrong nothing is written and
the errors are returned, in French, with their line numbers. Writing is an
upsert by (zone, day): importing the same file twice changes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from challenges.models import Challenge, Registration
from elan.tabular import (
    CellError,
    FileError,
    parse_date,
    parse_decimal,
    parse_month,
    read_table,
    require_columns,
)
from measures.models import DegreeDay, WeatherZone
from measures.results.cache import precompute_enabled, schedule_precompute
from territories.models import Department

T = TypeVar("T")

BASE_TEMPERATURE = Decimal("18")
MILLI = Decimal("0.001")
MAX_DAILY_DJU = Decimal("60")
MAX_MONTHLY_DJU = Decimal("1500")


class DegreeDayFormat(StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"
    TEMPERATURES = "temperatures"


@dataclass
class DegreeDayReport:
    zone_code: str
    values: dict[dt.date, Decimal] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def dju_from_temperatures(tmin: Decimal, tmax: Decimal) -> Decimal:
    """DJU_day = max(0, 18 − (Tmin + Tmax) / 2), to the thousandth."""
    value = BASE_TEMPERATURE - (tmin + tmax) / 2
    return max(Decimal(0), value).quantize(MILLI, rounding=ROUND_HALF_UP)


def spread_month(first_day: dt.date, total: Decimal) -> dict[dt.date, Decimal]:
    """A month's total over its days: each day total / days, to the thousandth
    (rounded down), the last day taking the rest so that the sum is exact."""
    days = calendar.monthrange(first_day.year, first_day.month)[1]
    per_day = (total / days).quantize(MILLI, rounding=ROUND_DOWN)
    spread = {first_day + dt.timedelta(days=i): per_day for i in range(days - 1)}
    spread[first_day + dt.timedelta(days=days - 1)] = total.quantize(MILLI) - per_day * (days - 1)
    return spread


def _line_error(line: int, message: str) -> str:
    return _("Ligne %(line)s : %(message)s.") % {"line": line, "message": message}


def parse_degree_days(
    data: bytes, filename: str, fmt: DegreeDayFormat | str
) -> tuple[dict[dt.date, Decimal], list[str]]:
    """Daily DJU of a file, or the list of every error found in it."""
    fmt = DegreeDayFormat(fmt)
    try:
        table = read_table(data, filename)
        columns, rows = table.columns, table.rows
        if fmt == DegreeDayFormat.TEMPERATURES:
            required: tuple[tuple[str, ...], ...] = (("date", "jour"), ("tmin",), ("tmax",))
        elif fmt == DegreeDayFormat.MONTHLY:
            required = (("mois", "date"), ("dju",))
        else:
            required = (("date", "jour"), ("dju",))
        require_columns(columns, *required)
    except FileError as error:
        return {}, [str(error)]
    values: dict[dt.date, Decimal] = {}
    seen: dict[dt.date, int] = {}
    errors: list[str] = []
    for row in rows:
        problems: list[str] = []
        daily: dict[dt.date, Decimal] = {}
        if fmt == DegreeDayFormat.MONTHLY:
            month = _cell(problems, parse_month, row.get("mois") or row.get("date"))
            total = _cell(problems, _non_negative, row.get("dju"), _("DJU"), MAX_MONTHLY_DJU)
            if month is not None and total is not None:
                daily = spread_month(month, total)
        elif fmt == DegreeDayFormat.TEMPERATURES:
            day = _cell(problems, parse_date, row.get("date") or row.get("jour"))
            tmin = _cell(problems, _temperature, row.get("tmin"), "Tmin")
            tmax = _cell(problems, _temperature, row.get("tmax"), "Tmax")
            if tmin is not None and tmax is not None and tmin > tmax:
                problems.append(_("Tmin est supérieure à Tmax"))
            elif day is not None and tmin is not None and tmax is not None:
                daily = {day: dju_from_temperatures(tmin, tmax)}
        else:
            day = _cell(problems, parse_date, row.get("date") or row.get("jour"))
            value = _cell(problems, _non_negative, row.get("dju"), _("DJU"), MAX_DAILY_DJU)
            if day is not None and value is not None:
                daily = {day: value.quantize(MILLI, rounding=ROUND_HALF_UP)}
        for day in daily:
            if day in seen:
                problems.append(
                    _("le %(day)s figure déjà ligne %(line)s")
                    % {"day": day.strftime("%d/%m/%Y"), "line": seen[day]}
                )
                break
        if problems:
            errors.extend(_line_error(row.line, p) for p in problems)
            continue
        for day, value in daily.items():
            seen[day] = row.line
            values[day] = value
    if not rows and not errors:
        errors.append(_("Le fichier ne contient aucune ligne de données."))
    return ({} if errors else values), errors


def _cell(problems: list[str], parse: Callable[..., T], *args: Any) -> T | None:
    """The parsed cell, or None with its error appended to the row's problems."""
    try:
        return parse(*args)
    except CellError as error:
        problems.append(str(error))
        return None


def _non_negative(text: str, label: str, maximum: Decimal) -> Decimal:
    value = parse_decimal(text, label=label)
    if value < 0:
        raise CellError(_("%(label)s négatif (%(value)s)") % {"label": label, "value": text})
    if value > maximum:
        raise CellError(
            _("%(label)s invraisemblable (%(value)s, au plus %(max)s)")
            % {"label": label, "value": text, "max": maximum}
        )
    return value


def _temperature(text: str, label: str) -> Decimal:
    value = parse_decimal(text, label=label)
    if not Decimal(-60) <= value <= Decimal(60):
        raise CellError(
            _("%(label)s invraisemblable (%(value)s °C)") % {"label": label, "value": text}
        )
    return value


@transaction.atomic
def degree_days_import(
    *,
    data: bytes,
    filename: str,
    fmt: DegreeDayFormat | str,
    zone_code: str,
    zone_name: str = "",
    departments: Iterable[str] = (),
    source: str = "",
    is_synthetic: bool | None = None,
) -> DegreeDayReport:
    """Validate the whole file, then upsert its days in the zone (created if
    new). On any error, nothing is written and the report lists them."""
    report = DegreeDayReport(zone_code=zone_code)
    values, errors = parse_degree_days(data, filename, fmt)
    department_codes = [c.strip().upper() for c in departments if c.strip()]
    known = set(Department.objects.filter(code__in=department_codes).values_list("code", flat=True))
    unknown = [c for c in department_codes if c not in known]
    if unknown:
        errors.append(_("Départements inconnus : %(codes)s.") % {"codes": ", ".join(unknown)})
    if not zone_code.strip():
        errors.append(_("Le code de la zone météo est obligatoire."))
    if errors:
        report.errors = errors
        return report
    report.values = values
    zone = zone_upsert(
        code=zone_code.strip(),
        name=zone_name,
        departments=department_codes,
        is_synthetic=is_synthetic,
    )
    degree_days_write(zone=zone, values=values, source=source, report=report)
    return report


def zone_upsert(
    *, code: str, name: str = "", departments: Iterable[str] = (), is_synthetic: bool | None = None
) -> WeatherZone:
    zone, created = WeatherZone.objects.get_or_create(
        code=code,
        defaults={"name": name or code, "is_synthetic": bool(is_synthetic)},
    )
    changed = []
    if not created and name and zone.name != name:
        zone.name = name
        changed.append("name")
    if not created and is_synthetic is not None and zone.is_synthetic != is_synthetic:
        zone.is_synthetic = is_synthetic
        changed.append("is_synthetic")
    if changed:
        zone.save(update_fields=changed)
    codes = list(departments)
    if codes:
        zone.departments.add(*Department.objects.filter(code__in=codes))
    return zone


def degree_days_write(
    *,
    zone: WeatherZone,
    values: dict[dt.date, Decimal],
    source: str,
    report: DegreeDayReport | None = None,
) -> DegreeDayReport:
    """Upsert validated daily values: new days created, changed days updated,
    identical days left alone (so a second import writes nothing)."""
    report = report or DegreeDayReport(zone_code=zone.code)
    if not values:
        return report
    existing = {
        d.day: d
        for d in DegreeDay.objects.filter(
            zone=zone, day__gte=min(values), day__lte=max(values)
        ).only("id", "day", "value", "source")
    }
    to_create, to_update = [], []
    for day, value in sorted(values.items()):
        current = existing.get(day)
        if current is None:
            to_create.append(DegreeDay(zone=zone, day=day, value=value, source=source[:200]))
        elif current.value != value or current.source != source[:200]:
            current.value, current.source = value, source[:200]
            to_update.append(current)
        else:
            report.unchanged += 1
    DegreeDay.objects.bulk_create(to_create, batch_size=1000)
    DegreeDay.objects.bulk_update(to_update, ["value", "source"], batch_size=1000)
    report.created += len(to_create)
    report.updated += len(to_update)
    if to_create or to_update:
        _invalidate_zone(zone)
    return report


def _invalidate_zone(zone: WeatherZone) -> None:
    """Climate correction changes with the degree days: the cached results of
    challenges with households in the zone's departments are out of date."""
    registrations = Registration.objects.filter(
        household__commune__department__weather_zones=zone
    ).values("challenge_id")
    stale = Challenge.objects.filter(pk__in=registrations)
    stale.update(data_version=F("data_version") + 1)
    if precompute_enabled():
        schedule_precompute(list(stale.values_list("pk", flat=True)))


def zone_for_department(department_code: str) -> WeatherZone | None:
    """A commune's zone defaults to its department's (METHODOLOGY §3)."""
    return WeatherZone.objects.filter(departments=department_code).order_by("code").first()
