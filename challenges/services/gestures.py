"""Éco-gestes: the shipped catalogue, territory copies, households' choices
and ticks, and the aggregate figures of a challenge."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from challenges.models import (
    Challenge,
    EcoGesture,
    GestureChoice,
    GestureStatus,
    GestureTick,
    NotForMeReason,
    Phase,
    Registration,
    RegistrationStatus,
    Theme,
)
from territories.models import Territory

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "ecogestes.csv"
CATALOGUE_FIELDS = ("theme", "title", "explanation", "saving_estimate", "saving_source")
EDITABLE_FIELDS = (*CATALOGUE_FIELDS, "position")
READ_ONLY_PHASES = (Phase.CLOSED, Phase.ARCHIVED)

T = TypeVar("T")


# --- The shipped catalogue -------------------------------------------------


def catalogue_rows(path: Path = CATALOGUE_FILE) -> list[dict[str, str]]:
    """The gestures of the shipped file, each with its position in its theme."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]
    positions: dict[str, int] = {}
    for row in rows:
        positions[row["theme"]] = positions.get(row["theme"], 0) + 10
        row["position"] = str(positions[row["theme"]])
    return rows


@transaction.atomic
def catalogue_load(*, path: Path = CATALOGUE_FILE) -> tuple[int, int]:
    """Create or update the platform catalogue from the file; territory
    copies are left alone. Returns (created, updated)."""
    created = updated = 0
    for row in catalogue_rows(path):
        if row["theme"] not in Theme.values:
            raise ValidationError(_("Thème inconnu : %(t)s.") % {"t": row["theme"]})
        defaults: dict[str, Any] = {name: row[name] for name in CATALOGUE_FIELDS}
        defaults["position"] = int(row["position"])
        _gesture, was_created = EcoGesture.objects.update_or_create(
            territory=None, slug=row["slug"], defaults=defaults
        )
        created += was_created
        updated += not was_created
    return created, updated


# --- What a challenge offers -------------------------------------------------


def offered_gestures(challenge: Challenge) -> QuerySet[EcoGesture]:
    """The gestures of the challenge's themes: the territory's own active
    gestures, and the catalogue gestures the territory has not replaced by a
    copy (an inactive copy hides its source)."""
    territory_id = challenge.territory_id
    replaced = EcoGesture.objects.filter(territory_id=territory_id, copied_from=OuterRef("pk"))
    return EcoGesture.objects.filter(
        Q(territory_id=territory_id) | Q(territory__isnull=True),
        ~Exists(replaced),
        theme__in=challenge.themes,
        is_active=True,
    ).order_by("theme", "position", "title")


def group_by_theme(
    themes: Iterable[str], items: Iterable[T], theme_of: Callable[[T], str]
) -> list[tuple[str, list[T]]]:
    """Items grouped under their theme's label, in the given theme order."""
    groups: dict[str, list[T]] = {theme: [] for theme in themes}
    for item in items:
        groups.setdefault(theme_of(item), []).append(item)
    return [(str(Theme(theme).label), group) for theme, group in groups.items() if group]


def choices_are_open(challenge: Challenge, today: dt.date | None = None) -> bool:
    return challenge.phase(today) not in READ_ONLY_PHASES


def household_choices(registration: Registration) -> dict[int, GestureChoice]:
    """The household's choices by gesture id, with `days_done` and `done_today`."""
    today = timezone.localdate()
    choices = registration.gesture_choices.annotate(
        days_done=Count("ticks"),
        done_today=Count("ticks", filter=Q(ticks__done_on=today)),
    )
    return {choice.gesture_id: choice for choice in choices}


# --- Households' choices and ticks --------------------------------------------


def _ensure_open(challenge: Challenge) -> None:
    if not choices_are_open(challenge):
        raise ValidationError(
            _("Le défi est terminé : les éco-gestes ne peuvent plus être modifiés.")
        )


@transaction.atomic
def gesture_choose(
    *, registration: Registration, gesture: EcoGesture, status: str, reason: str = ""
) -> GestureChoice:
    """Record (or change) the household's choice for one gesture. Ticks of a
    gesture one stops committing to are kept: they happened."""
    challenge = registration.challenge
    _ensure_open(challenge)
    if registration.status != RegistrationStatus.SELECTED:
        raise ValidationError(_("Seuls les foyers retenus choisissent leurs éco-gestes."))
    if status not in GestureStatus.values:
        raise ValidationError(_("Choix inconnu."))
    if status == GestureStatus.NOT_FOR_ME:
        if reason not in NotForMeReason.values:
            raise ValidationError(_("Indiquez pourquoi ce geste n'est pas pour vous."))
    else:
        reason = ""
    choice = (
        GestureChoice.objects.select_for_update()
        .filter(registration=registration, gesture=gesture)
        .first()
    )
    if choice is None:
        return GestureChoice.objects.create(
            registration=registration, gesture=gesture, status=status, reason=reason
        )
    if (choice.status, choice.reason) != (status, reason):
        # chosen_at dates the current choice: the adoption chart counts
        # commitments from the day they were made.
        if choice.status != status:
            choice.chosen_at = timezone.now()
        choice.status, choice.reason = status, reason
        choice.save(update_fields=["status", "reason", "chosen_at", "updated_at"])
    return choice


def tick_day_error(challenge: Challenge, day: dt.date, today: dt.date | None = None) -> str:
    """Why a tick on this day is refused ("" when it is fine)."""
    today = today or timezone.localdate()
    if day > today:
        return _("Vous ne pouvez pas cocher un jour à venir.")
    if day < challenge.starts_on:
        return _("Ce jour précède le début du défi (%(d)s).") % {
            "d": date_format(challenge.starts_on, "j F Y")
        }
    if day > challenge.ends_on:
        return _("Ce jour suit la fin du défi (%(d)s).") % {
            "d": date_format(challenge.ends_on, "j F Y")
        }
    return ""


@transaction.atomic
def gesture_tick(
    *, registration: Registration, gesture: EcoGesture, day: dt.date
) -> tuple[GestureTick, bool]:
    """Note that the household did a gesture it committed to on `day`. Ticking
    the same day twice keeps one tick; returns (tick, created)."""
    challenge = registration.challenge
    _ensure_open(challenge)
    error = tick_day_error(challenge, day)
    if error:
        raise ValidationError(error)
    choice = GestureChoice.objects.filter(
        registration=registration, gesture=gesture, status=GestureStatus.COMMITTED
    ).first()
    if choice is None:
        raise ValidationError(_("Engagez-vous sur ce geste avant de le cocher."))
    return GestureTick.objects.get_or_create(choice=choice, done_on=day)


# --- Territory catalogue ----------------------------------------------------


def territory_gestures(territory: Territory) -> list[tuple[EcoGesture, EcoGesture | None]]:
    """Every gesture a territory can offer, as (gesture, its copy or None):
    catalogue gestures with the territory's copy, then its own gestures."""
    rows = list(
        EcoGesture.objects.filter(Q(territory__isnull=True) | Q(territory=territory)).order_by(
            "theme", "position", "title"
        )
    )
    copies = {g.copied_from_id: g for g in rows if g.territory_id and g.copied_from_id}
    catalogue = [(g, copies.get(g.pk)) for g in rows if g.territory_id is None]
    own = [(g, None) for g in rows if g.territory_id and g.copied_from_id is None]
    return catalogue + own


@transaction.atomic
def ecogesture_copy_for_territory(*, territory: Territory, gesture: EcoGesture) -> EcoGesture:
    """The territory's own version of a gesture, created from the catalogue
    when needed. The copy replaces its source in the territory's challenges,
    so the choices households already made move to it."""
    if gesture.territory_id == territory.pk:
        return gesture
    if gesture.territory_id is not None:
        raise ValidationError(_("Ce geste appartient à un autre territoire."))
    # The catalogue row locked: two organisers saving at once make one copy.
    EcoGesture.objects.select_for_update().filter(pk=gesture.pk).first()
    copy = EcoGesture.objects.filter(territory=territory, copied_from=gesture).first()
    if copy is not None:
        return copy
    copy = EcoGesture.objects.create(
        territory=territory,
        copied_from=gesture,
        slug=_free_slug(territory, gesture.slug),
        position=gesture.position,
        is_active=True,
        **{name: getattr(gesture, name) for name in CATALOGUE_FIELDS},
    )
    GestureChoice.objects.filter(
        gesture=gesture, registration__challenge__territory=territory
    ).update(gesture=copy)
    return copy


@transaction.atomic
def ecogesture_edit_for_territory(
    *, territory: Territory, gesture: EcoGesture, data: dict[str, Any]
) -> EcoGesture:
    """Edit a gesture for a territory; a catalogue gesture is never modified:
    the territory's copy is."""
    own = ecogesture_copy_for_territory(territory=territory, gesture=gesture)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(own, name, data[name])
    own.full_clean()
    own.save()
    return own


@transaction.atomic
def ecogesture_toggle_for_territory(*, territory: Territory, gesture: EcoGesture) -> EcoGesture:
    """Hide a gesture from the territory's challenges, or show it again.
    Hiding a catalogue gesture makes an inactive copy."""
    own = ecogesture_copy_for_territory(territory=territory, gesture=gesture)
    # A copy just made from an active gesture is active: the toggle hides it.
    own.is_active = not own.is_active
    own.save(update_fields=["is_active"])
    return own


@transaction.atomic
def ecogesture_add_for_territory(*, territory: Territory, data: dict[str, Any]) -> EcoGesture:
    gesture = EcoGesture(territory=territory, slug=_free_slug(territory, slugify(data["title"])))
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(gesture, name, data[name])
    gesture.full_clean()
    gesture.save()
    return gesture


def _free_slug(territory: Territory, base: str) -> str:
    base = (base or "geste")[:70]
    taken = set(
        EcoGesture.objects.filter(territory=territory, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- Figures of a challenge ----------------------------------------------------


@dataclass
class GestureAdoption:
    gesture: EcoGesture
    already: int
    committed: int
    not_for_me: int
    households: int

    @property
    def adopted(self) -> int:
        return self.already + self.committed

    @property
    def share(self) -> float:
        return self.adopted / self.households if self.households else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.share)


@dataclass
class ReasonCount:
    reason: str
    label: str
    count: int
    share: float

    @property
    def percent(self) -> int:
        return round(100 * self.share)


@dataclass
class RefusedGesture:
    title: str
    label: str
    count: int


@dataclass
class AdoptionStats:
    households: int
    gestures: list[GestureAdoption]
    reasons: list[ReasonCount]
    refused: list[RefusedGesture]
    by_theme: list[tuple[str, list[GestureAdoption]]] = field(default_factory=list)

    @property
    def top(self) -> list[GestureAdoption]:
        ranked = sorted(self.gestures, key=lambda g: (-g.adopted, g.gesture.title))
        return [g for g in ranked if g.adopted][:5]


def _participating(challenge: Challenge) -> Q:
    return Q(
        choices__registration__challenge=challenge,
        choices__registration__status=RegistrationStatus.SELECTED,
    )


def gesture_adoption(challenge: Challenge) -> AdoptionStats:
    """How many participating households adopted each offered gesture, and why
    others set gestures aside. Counts only: never one household."""
    households = challenge.registrations.selected().count()
    base = _participating(challenge)
    rows = offered_gestures(challenge).annotate(
        n_already=Count("choices", filter=base & Q(choices__status=GestureStatus.ALREADY)),
        n_committed=Count("choices", filter=base & Q(choices__status=GestureStatus.COMMITTED)),
        n_not_for_me=Count("choices", filter=base & Q(choices__status=GestureStatus.NOT_FOR_ME)),
    )
    gestures = [
        GestureAdoption(g, g.n_already, g.n_committed, g.n_not_for_me, households) for g in rows
    ]
    refusals = GestureChoice.objects.filter(
        registration__challenge=challenge,
        registration__status=RegistrationStatus.SELECTED,
        status=GestureStatus.NOT_FOR_ME,
        gesture__in=offered_gestures(challenge),
    )
    by_reason = list(refusals.values("reason").annotate(n=Count("id")).order_by("-n", "reason"))
    total = sum(row["n"] for row in by_reason)
    labels = dict(NotForMeReason.choices)
    reasons = [
        ReasonCount(
            r["reason"], str(labels.get(r["reason"], _("Non précisée"))), r["n"], r["n"] / total
        )
        for r in by_reason
    ]
    pairs = refusals.values("gesture__title", "reason").annotate(n=Count("id"))
    refused = [
        RefusedGesture(p["gesture__title"], str(labels.get(p["reason"], _("Non précisée"))), p["n"])
        for p in pairs.order_by("-n", "gesture__title", "reason")[:10]
    ]
    ranked = sorted(gestures, key=lambda g: (-g.adopted, g.gesture.position, g.gesture.title))
    by_theme = group_by_theme(challenge.themes, ranked, lambda g: g.gesture.theme)
    return AdoptionStats(households, gestures, reasons, refused, by_theme)


@dataclass
class WeeklyAdoption:
    weeks: list[dt.date]
    commitments: list[int]
    ticks: list[int]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def adoption_over_time(challenge: Challenge, today: dt.date | None = None) -> WeeklyAdoption:
    """Cumulative commitments (« je m'engage ») and ticks, week by week from the
    challenge's first week to the current one (or its last). Commitments
    made before the start count in the first week."""
    today = today or timezone.localdate()
    first = _monday(challenge.starts_on)
    last = _monday(max(challenge.starts_on, min(today, challenge.ends_on)))
    weeks = [first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    selected = Q(
        registration__challenge=challenge, registration__status=RegistrationStatus.SELECTED
    )
    offered = offered_gestures(challenge)
    committed = (
        GestureChoice.objects.filter(selected, status=GestureStatus.COMMITTED, gesture__in=offered)
        .annotate(week=TruncWeek("chosen_at"))
        .values("week")
        .annotate(n=Count("id"))
    )
    ticks = (
        GestureTick.objects.filter(
            Q(choice__registration__challenge=challenge),
            choice__registration__status=RegistrationStatus.SELECTED,
            choice__gesture__in=offered,
        )
        .annotate(week=TruncWeek("done_on"))
        .values("week")
        .annotate(n=Count("id"))
    )
    return WeeklyAdoption(weeks, _cumulate(weeks, committed), _cumulate(weeks, ticks))


def _cumulate(weeks: list[dt.date], rows: Iterable[Mapping[str, Any]]) -> list[int]:
    per_week = dict.fromkeys(weeks, 0)
    for row in rows:
        week = row["week"]
        if isinstance(week, dt.datetime):
            week = timezone.localtime(week).date() if timezone.is_aware(week) else week.date()
        week = min(max(week, weeks[0]), weeks[-1])
        per_week[week] += row["n"]
    total, series = 0, []
    for week in weeks:
        total += per_week[week]
        series.append(total)
    return series
