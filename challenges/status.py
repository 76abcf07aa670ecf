"""Data status of households: is each one up to date with its readings and
weighings? What a captain sees on the dashboard (never the values, unless the
household shares them with its team)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Max, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from challenges.models import Challenge, Registration, Theme
from measures.models import Carrier, Meter, Reading, Weighing

# Days of tolerance after the expected date before a household counts as late.
GRACE_DAYS = 3


class DataState(models.TextChoices):
    UP_TO_DATE = "a_jour", _("à jour")
    LATE = "en_retard", _("en retard")
    MISSING = "aucune_donnee", _("aucune donnée")


@dataclass(frozen=True)
class SharedValue:
    """A last index or weight, shown only when the household shares its figures."""

    label: str
    value: Decimal
    unit: str
    on: dt.date


@dataclass(frozen=True)
class ThemeStatus:
    theme: str
    state: DataState
    last_on: dt.date | None
    days_since: int | None
    frequency_days: int
    # Meters declared but never read: the household has something to enter.
    unread_meters: tuple[str, ...] = ()
    values: tuple[SharedValue, ...] = ()

    @property
    def theme_label(self) -> str:
        return str(Theme(self.theme).label)

    @property
    def is_up_to_date(self) -> bool:
        return self.state == DataState.UP_TO_DATE

    @property
    def detail(self) -> str:
        """« dernier relevé il y a 23 jours », « dernière pesée il y a 2 jours »."""
        if self.days_since is None:
            return ""
        if self.theme == Theme.WASTE:
            text = ngettext(
                "dernière pesée il y a %(n)d jour",
                "dernière pesée il y a %(n)d jours",
                self.days_since,
            )
        else:
            text = ngettext(
                "dernier relevé il y a %(n)d jour",
                "dernier relevé il y a %(n)d jours",
                self.days_since,
            )
        return text % {"n": self.days_since}


@dataclass
class HouseholdStatus:
    registration: Registration
    themes: list[ThemeStatus] = field(default_factory=list)

    @property
    def needs_reminder(self) -> bool:
        return any(not t.is_up_to_date for t in self.themes)

    @property
    def shares_values(self) -> bool:
        return self.registration.shares_values_with_team

    @property
    def behind(self) -> list[ThemeStatus]:
        return [t for t in self.themes if not t.is_up_to_date]


def data_statuses(
    registrations: Sequence[Registration],
    *,
    today: dt.date | None = None,
    values: bool = True,
) -> list[HouseholdStatus]:
    """The status of each registration, per measured theme of its challenge,
    in the order given. Registrations should come with `challenge` loaded
    (select_related); the number of queries does not depend on how many
    there are (two, three when some household shares its figures).
    With `values=False` (counts for dashboards) the figures households share
    with their team are not loaded: the statuses' states and dates are the same."""
    today = today or timezone.localdate()
    if not registrations:
        return []
    household_ids = {r.household_id for r in registrations}
    needs_meters = any(
        {Theme.ENERGY, Theme.WATER} & set(r.challenge.measured_themes) for r in registrations
    )
    needs_scales = any(Theme.WASTE in r.challenge.measured_themes for r in registrations)
    meters = _meters_by_household(household_ids, values=values) if needs_meters else {}
    last_weighing = _last_weighings(registrations) if needs_scales else {}
    sharing = [
        r for r in registrations if values and r.shares_values_with_team and r.pk in last_weighing
    ]
    weights = _weights_on(sharing, last_weighing) if sharing else {}
    result = []
    for registration in registrations:
        challenge = registration.challenge
        as_of = min(today, challenge.ends_on)
        status = HouseholdStatus(registration)
        for theme in challenge.measured_themes:
            if theme == Theme.WASTE:
                status.themes.append(
                    _waste_status(registration, last_weighing, weights, as_of, challenge)
                )
            else:
                own = [
                    m for m in meters.get(registration.household_id, []) if _theme_of(m) == theme
                ]
                status.themes.append(
                    _meter_status(registration, theme, own, as_of, challenge, values=values)
                )
        result.append(status)
    return result


def _theme_of(meter: Meter | _MeterDates) -> str:
    return Theme.WATER if meter.carrier == Carrier.WATER else Theme.ENERGY


@dataclass(frozen=True)
class _MeterDates:
    """What a meter's status needs when no value is shown."""

    carrier: str
    label: str
    last_on: dt.date | None


def _meters_by_household(household_ids: set[int], *, values: bool) -> dict[int, list[Any]]:
    # Corrected rows (superseded_by set) are history, not data.
    meters = (
        Meter.objects.filter(household_id__in=household_ids, is_active=True)
        .only("pk", "household_id", "carrier", "label", "unit")
        .annotate(
            last_on=Max("readings__read_on", filter=models.Q(readings__superseded_by__isnull=True))
        )
        .order_by("carrier", "label")
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    if not values:
        # Dates only (dashboards' counts): plain rows, no model instances.
        rows = meters.values_list("household_id", "carrier", "label", "last_on")
        for household_id, carrier, label, last_on in rows:
            grouped[household_id].append(_MeterDates(carrier, label, last_on))
        return grouped
    latest = Reading.objects.filter(meter=OuterRef("pk"), superseded_by__isnull=True).order_by(
        "-read_on", "-pk"
    )
    meters = meters.annotate(last_value=Subquery(latest.values("value")[:1]))
    for meter in meters:
        grouped[meter.household_id].append(meter)
    return grouped


def _last_weighings(registrations: Sequence[Registration]) -> dict[int, dt.date]:
    rows = (
        Weighing.objects.filter(
            registration_id__in=[r.pk for r in registrations], superseded_by__isnull=True
        )
        .values("registration_id")
        .annotate(last=Max("weighed_on"))
        .order_by()
    )
    return {row["registration_id"]: row["last"] for row in rows}


def _weights_on(
    registrations: Sequence[Registration], last_weighing: dict[int, dt.date]
) -> dict[int, Decimal]:
    """Total kg of the last weighing day, for the households that share it."""
    condition = models.Q()
    for registration in registrations:
        condition |= models.Q(
            registration_id=registration.pk, weighed_on=last_weighing[registration.pk]
        )
    rows = (
        Weighing.objects.filter(condition, superseded_by__isnull=True)
        .values("registration_id")
        .annotate(total=Sum("kg"))
        .order_by()
    )
    return {row["registration_id"]: row["total"] for row in rows}


def _state(last_on: dt.date | None, as_of: dt.date, frequency: int) -> tuple[DataState, int | None]:
    if last_on is None:
        return DataState.MISSING, None
    days = max(0, (as_of - last_on).days)
    return (DataState.LATE if days > frequency + GRACE_DAYS else DataState.UP_TO_DATE), days


def _meter_status(
    registration: Registration,
    theme: str,
    meters: list[Meter],
    as_of: dt.date,
    challenge: Challenge,
    *,
    values: bool = True,
) -> ThemeStatus:
    frequency = challenge.reading_frequency_days
    read = [m for m in meters if m.last_on is not None]  # type: ignore[attr-defined]
    unread = tuple(m.label for m in meters if m.last_on is None)  # type: ignore[attr-defined]
    # The stalest meter decides: a household that reads its gas but forgets
    # its electricity is late for energy.
    last_on = min((m.last_on for m in read), default=None)  # type: ignore[attr-defined]
    state, days = _state(last_on, as_of, frequency)
    if unread and state == DataState.UP_TO_DATE:
        state = DataState.LATE
    shared: tuple[SharedValue, ...] = ()
    if values and registration.shares_values_with_team:
        shared = tuple(
            SharedValue(m.label, m.last_value, m.get_unit_display(), m.last_on)  # type: ignore[attr-defined]
            for m in read
        )
    return ThemeStatus(theme, state, last_on, days, frequency, unread, shared)


def _waste_status(
    registration: Registration,
    last_weighing: dict[int, dt.date],
    weights: dict[int, Decimal],
    as_of: dt.date,
    challenge: Challenge,
) -> ThemeStatus:
    frequency = challenge.weighing_frequency_days
    last_on = last_weighing.get(registration.pk)
    state, days = _state(last_on, as_of, frequency)
    values: tuple[SharedValue, ...] = ()
    if registration.pk in weights and last_on is not None:
        values = (SharedValue(str(_("Pesée")), weights[registration.pk], "kg", last_on),)
    return ThemeStatus(Theme.WASTE, state, last_on, days, frequency, (), values)
