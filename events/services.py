"""Writes about events: registrations (members, guests with double opt-in,
the waiting list), the organisers' changes (save, publish, cancel, sessions
from the catalogue), attendance; and the statistics read in SQL.

Every registration change locks the event row first (``select_for_update``)
so that two people never get the last seat, and a freed seat is given to the
waiting list in the same transaction. Mails leave after the commit
(events.tasks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from events.models import (
    ACTIVE_STATUSES,
    Attendance,
    Event,
    EventKind,
    EventRegistration,
    EventStatus,
    RegistrationStatus,
    WorkshopTemplate,
)
from events.tasks import notify_registrants, notify_registration
from territories.models import Territory

# A guest's confirmation link is valid this long after the request.
GUEST_LINK_VALIDITY = dt.timedelta(days=7)

# Changes registrants are told about (and that bump the iCal SEQUENCE).
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place_name", "address", "commune", "online_url")


class RegistrationRefused(ValidationError):
    """A registration change that is refused; the message is for the person."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _lock(event: Event) -> Event:
    """Lock the event's row, then bring `event` up to date: the caller's
    object reflects what the service decided."""
    Event.objects.select_for_update().filter(pk=event.pk).values_list("pk").get()
    event.refresh_from_db()
    # refresh_from_db keeps annotations: seat counts read before the lock
    # (`with_seats`) would let a concurrent request overbook.
    for name in ("taken_seats", "waiting_count", "free_seats"):
        vars(event).pop(name, None)
    return event


def _active(event: Event) -> QuerySet[EventRegistration]:
    return event.registrations.filter(status__in=ACTIVE_STATUSES)


def _same_person(email: str) -> Q:
    return Q(user__isnull=True, email__iexact=email) | Q(user__email__iexact=email)


def _check_open(event: Event, now: dt.datetime, *, by_organiser: bool = False) -> None:
    if event.is_cancelled:
        raise RegistrationRefused(_("Cet événement est annulé : les inscriptions sont closes."))
    if event.has_started(now):
        raise RegistrationRefused(
            _("Cet événement a déjà commencé : les inscriptions sont closes.")
        )
    if by_organiser:  # organisers fill drafts and invitation-only events by hand
        return
    if event.is_draft:
        raise RegistrationRefused(_("Cet événement n'est pas encore publié."))
    if not event.registration_open:
        raise RegistrationRefused(_("Les inscriptions à cet événement sont closes."))


def _already() -> RegistrationRefused:
    return RegistrationRefused(_("Vous êtes déjà inscrit·e à cet événement."))


def link_expired(registration: EventRegistration, now: dt.datetime | None = None) -> bool:
    return _now(now) - registration.created_at > GUEST_LINK_VALIDITY


def _seat_or_wait(event: Event) -> str:
    if event.seats_left() == 0:
        return RegistrationStatus.WAITING
    return RegistrationStatus.CONFIRMED


def _announce(registration: EventRegistration) -> None:
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    notify_registration(registration, "confirmed" if confirmed else "waiting")


@transaction.atomic
def registration_create(
    *,
    event: Event,
    user: User | None = None,
    name: str = "",
    email: str = "",
    now: dt.datetime | None = None,
    by_organiser: bool = False,
) -> EventRegistration:
    """A member gets a seat (CONFIRMED) or a place on the waiting list; a
    guest (name + e-mail) is PENDING until they follow the e-mailed link. An
    organiser adding someone by hand skips the e-mail confirmation."""
    now = _now(now)
    event = _lock(event)
    _check_open(event, now, by_organiser=by_organiser)
    if user is not None:
        if _active(event).filter(Q(user=user) | _same_person(user.email)).exists():
            raise _already()
        registration = EventRegistration.objects.create(
            event=event, user=user, status=_seat_or_wait(event), confirmed_at=now
        )
        _announce(registration)
        return registration
    name, email = name.strip(), email.strip()
    if not name:
        raise RegistrationRefused({"name": _("Indiquez votre nom.")})
    if by_organiser and not email:
        # Without an address the name tells people apart: a second click on
        # « Inscrire » adds nobody.
        if _active(event).filter(user__isnull=True, email="", name__iexact=name).exists():
            raise _already()
        return _create_guest(event, name, "", now, confirmed=True)
    try:
        validate_email(email)
    except ValidationError:
        raise RegistrationRefused(
            {"email": _("Indiquez une adresse e-mail valide, par exemple nom@exemple.fr.")}
        ) from None
    existing = _active(event).filter(_same_person(email)).first()
    if existing is not None:
        pending = existing.status == RegistrationStatus.PENDING
        if not pending or by_organiser:
            raise _already()
        if not link_expired(existing, now):
            # Lost the mail: send it again (a new message, hence the occasion).
            notify_registration(existing, "guest_confirm", occasion=f"renvoi-{now.isoformat()}")
            return existing
        existing.status, existing.cancelled_at = RegistrationStatus.CANCELLED, now
        existing.save(update_fields=["status", "cancelled_at"])
    return _create_guest(event, name, email, now, confirmed=by_organiser)


def _create_guest(
    event: Event, name: str, email: str, now: dt.datetime, *, confirmed: bool
) -> EventRegistration:
    if not confirmed:
        registration = EventRegistration.objects.create(
            event=event, name=name, email=email, status=RegistrationStatus.PENDING
        )
        notify_registration(registration, "guest_confirm")
        return registration
    registration = EventRegistration.objects.create(
        event=event, name=name, email=email, status=_seat_or_wait(event), confirmed_at=now
    )
    _announce(registration)
    return registration


@transaction.atomic
def registration_confirm(*, token: str, now: dt.datetime | None = None) -> EventRegistration:
    """The guest followed the e-mailed link: a seat if one is free, else the
    waiting list. Following it again changes nothing."""
    now = _now(now)
    found = EventRegistration.objects.filter(token=token).first()
    if found is None:
        raise RegistrationRefused(_("Ce lien n'est pas valide."))
    event = _lock(found.event)
    registration = found
    registration.refresh_from_db()  # under the lock: a concurrent click waits here
    registration.event = event
    if registration.status != RegistrationStatus.PENDING:
        return registration
    if link_expired(registration, now):
        raise RegistrationRefused(
            _(
                "Ce lien a expiré : il était valable 7 jours. Inscrivez-vous à nouveau "
                "depuis la page de l'événement."
            )
        )
    _check_open(event, now)
    registration.status, registration.confirmed_at = _seat_or_wait(event), now
    registration.save(update_fields=["status", "confirmed_at"])
    _announce(registration)
    return registration


@transaction.atomic
def registration_cancel(
    *, registration: EventRegistration, now: dt.datetime | None = None
) -> EventRegistration:
    """Cancelled before the start, a confirmed seat counts as « excusé » and
    goes to the first person of the waiting list."""
    now = _now(now)
    event = _lock(registration.event)
    registration.refresh_from_db()  # under the lock
    registration.event = event
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if event.has_started(now):
        raise RegistrationRefused(
            _("Cet événement a déjà commencé : l'inscription ne peut plus être annulée.")
        )
    had_seat = registration.status == RegistrationStatus.CONFIRMED
    registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
    registration.attendance = Attendance.EXCUSED if had_seat else Attendance.UNKNOWN
    registration.save(update_fields=["status", "cancelled_at", "attendance"])
    if had_seat:
        waiting_list_promote(event=event, now=now)
    return registration


@transaction.atomic
def waiting_list_promote(
    *, event: Event, now: dt.datetime | None = None
) -> list[EventRegistration]:
    """Give the free seats to the waiting list, first come first served, and
    tell each promoted person."""
    now = _now(now)
    event = _lock(event)
    if event.is_cancelled or event.has_started(now):
        return []
    waiting = (
        event.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITING)
        .order_by("created_at", "pk")
    )
    free = event.seats_left()
    if free == 0:
        return []
    if free is not None:
        waiting = waiting[:free]
    promoted = list(waiting)
    for registration in promoted:
        registration.event = event
        registration.status, registration.promoted_at = RegistrationStatus.CONFIRMED, now
        registration.save(update_fields=["status", "promoted_at"])
        notify_registration(registration, "promoted")
    return promoted


def waiting_rank(registration: EventRegistration) -> int | None:
    """1 for the first person of the waiting list; None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    # The rule lives once, in the `with_rank` annotation.
    ranked = EventRegistration.objects.with_rank().get(pk=registration.pk)
    return ranked.rank  # type: ignore[attr-defined]


# --- organisers -------------------------------------------------------------


@transaction.atomic
def event_save(*, event: Event, data: dict[str, Any], user: User) -> Event:
    """Create or change an event from validated `data` (field → value).
    Registrants of a published event are told when its date, time or place
    changes; raising the capacity promotes the waiting list."""
    if event.pk is None:
        for field, value in data.items():
            setattr(event, field, value)
        event.clean()
        event.created_by = user
        event.save()
        return event
    before = Event.objects.select_for_update().get(pk=event.pk)
    for field, value in data.items():
        setattr(event, field, value)
    event.clean()
    changed = [f for f in NOTIFIED_FIELDS if _value(before, f) != _value(event, f)]
    notify = bool(changed) and event.status == EventStatus.PUBLISHED
    event.sequence = before.sequence + 1 if notify else before.sequence
    event.save(update_fields=[*data, "sequence", "updated_at"])
    if notify:
        statuses = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
        notify_registrants(event, "changed", statuses)
    if _more_seats(before.capacity, event.capacity):
        waiting_list_promote(event=event)
    return event


def _value(event: Event, field: str) -> Any:
    # The commune is compared by its key, without loading it.
    return getattr(event, "commune_id" if field == "commune" else field)


def _more_seats(before: int | None, after: int | None) -> bool:
    if after is None:
        return before is not None
    return before is not None and after > before


@transaction.atomic
def event_publish(*, event: Event, user: User, now: dt.datetime | None = None) -> Event:
    _lock(event)
    if event.is_cancelled:
        raise RegistrationRefused(_("Un événement annulé ne peut pas être publié."))
    if event.status == EventStatus.PUBLISHED:
        return event
    event.status, event.published_at = EventStatus.PUBLISHED, _now(now)
    event.save(update_fields=["status", "published_at", "updated_at"])
    return event


@transaction.atomic
def event_cancel(*, event: Event, reason: str, user: User, now: dt.datetime | None = None) -> Event:
    """Cancel a published event and tell every active registrant why."""
    event = _lock(event)
    if event.is_cancelled:
        return event
    if event.is_draft:
        raise RegistrationRefused(
            _("Ce brouillon n'a jamais été annoncé : il n'y a rien à annuler.")
        )
    reason = reason.strip()
    if not reason:
        raise RegistrationRefused({"reason": _("Indiquez la raison de l'annulation.")})
    event.status, event.cancelled_at, event.cancel_reason = (
        EventStatus.CANCELLED,
        _now(now),
        reason,
    )
    event.sequence += 1
    event.save(update_fields=["status", "cancelled_at", "cancel_reason", "sequence", "updated_at"])
    notify_registrants(event, "cancelled", ACTIVE_STATUSES)
    return event


def template_description(template: WorkshopTemplate) -> str:
    """The event description drafted from a catalogue entry (stored text, in
    the platform's language)."""
    parts = [template.summary, template.description]
    if template.what_to_bring:
        with translation.override(settings.LANGUAGE_CODE):
            parts.append(_("À apporter : %(items)s") % {"items": template.what_to_bring})
    return "\n\n".join(part for part in parts if part)


@transaction.atomic
def event_create_from_template(
    *,
    template: WorkshopTemplate,
    territory: Territory,
    starts_at: dt.datetime,
    user: User,
    **overrides: Any,
) -> Event:
    """A draft session of a catalogue workshop, to be checked and published."""
    values: dict[str, Any] = {
        "territory": territory,
        "template": template,
        "kind": EventKind.WORKSHOP,
        "theme": template.theme,
        "title": template.title,
        "description": template_description(template),
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(minutes=template.duration_minutes),
        "capacity": template.default_capacity,
        "status": EventStatus.DRAFT,
        "contact": user,
        "created_by": user,
        **overrides,
    }
    event = Event(**values)
    event.clean()
    event.save()
    return event


# --- attendance -------------------------------------------------------------


@transaction.atomic
def attendance_mark(*, registration: EventRegistration, attendance: str) -> EventRegistration:
    if attendance not in Attendance.values:
        raise RegistrationRefused(_("Choisissez présent, absent ou excusé."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise RegistrationRefused(_("Seules les personnes inscrites peuvent être pointées."))
    registration.attendance = attendance
    registration.save(update_fields=["attendance"])
    return registration


@transaction.atomic
def walk_in_add(
    *, event: Event, name: str, email: str = "", now: dt.datetime | None = None
) -> EventRegistration:
    """Someone who came without a seat: present, on top of the capacity. A
    person already on the list (same e-mail) is marked present instead."""
    now, name, email = _now(now), name.strip(), email.strip()
    event = _lock(event)
    if event.is_cancelled:
        raise RegistrationRefused(_("Cet événement est annulé."))
    if not name:
        raise RegistrationRefused({"name": _("Indiquez le nom de la personne.")})
    if email:
        existing = _active(event).filter(_same_person(email)).first()
    else:  # a double tap on « Ajouter » adds the person once
        existing = _active(event).filter(walk_in=True, email="", name__iexact=name).first()
    if existing is not None:
        if existing.status != RegistrationStatus.CONFIRMED:
            existing.status, existing.walk_in, existing.confirmed_at = (
                RegistrationStatus.CONFIRMED,
                True,
                now,
            )
        existing.attendance = Attendance.PRESENT
        existing.save(update_fields=["status", "walk_in", "confirmed_at", "attendance"])
        return existing
    return EventRegistration.objects.create(
        event=event,
        name=name,
        email=email,
        status=RegistrationStatus.CONFIRMED,
        walk_in=True,
        attendance=Attendance.PRESENT,
        confirmed_at=now,
    )


# --- statistics -------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """Figures of one event or a period. ``registered``: who had a seat
    (confirmed, or cancelled in time = excused); ``attended``: present
    registrants and walk-ins; the rate is present registrants / registered."""

    invited: int | None
    registered: int
    confirmed: int
    waiting: int
    present: int
    walk_ins: int
    excused: int
    absent: int

    @property
    def attended(self) -> int:
        return self.present + self.walk_ins

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.registered if self.registered else None


def _counts(prefix: str = "") -> dict[str, Count]:
    """The figures as SQL aggregates, over registrations (no prefix) or over
    events (prefix ``registrations__``)."""

    def q(**lookups: Any) -> Q:
        return Q(**{prefix + key: value for key, value in lookups.items()})

    confirmed = q(status=RegistrationStatus.CONFIRMED)
    own_seat = q(walk_in=False)
    count = prefix + "pk" if prefix else "pk"
    return {
        "n_registered": Count(
            count,
            filter=own_seat
            & (confirmed | q(status=RegistrationStatus.CANCELLED, attendance=Attendance.EXCUSED)),
        ),
        "n_confirmed": Count(count, filter=confirmed & own_seat),
        "n_waiting": Count(count, filter=q(status=RegistrationStatus.WAITING)),
        "n_present": Count(count, filter=confirmed & own_seat & q(attendance=Attendance.PRESENT)),
        "n_walk_ins": Count(count, filter=confirmed & q(walk_in=True)),
        "n_excused": Count(count, filter=own_seat & q(attendance=Attendance.EXCUSED)),
        "n_absent": Count(count, filter=confirmed & q(attendance=Attendance.ABSENT)),
    }


def with_stats(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate each event with its figures (read back with `stats_of`)."""
    return events.annotate(**_counts("registrations__"))


def stats_of(event: Event) -> Stats:
    """The figures of an event annotated by `with_stats`."""
    return _stats(event.invited_count, event)


def _stats(invited: int | None, row: Any) -> Stats:
    def get(key: str) -> int:
        return int((row.get(key) if isinstance(row, dict) else getattr(row, key)) or 0)

    return Stats(
        invited=invited,
        registered=get("n_registered"),
        confirmed=get("n_confirmed"),
        waiting=get("n_waiting"),
        present=get("n_present"),
        walk_ins=get("n_walk_ins"),
        excused=get("n_excused"),
        absent=get("n_absent"),
    )


def event_stats(event: Event) -> Stats:
    """One query."""
    row = EventRegistration.objects.filter(event=event).aggregate(**_counts())
    return _stats(event.invited_count, row)


@dataclass(frozen=True)
class PeriodStats:
    rows: list[tuple[Event, Stats]]
    totals: Stats


def period_stats(
    *, territory: Territory, start: dt.date, end: dt.date, kind: str | None = None
) -> PeriodStats:
    """Every event held (not cancelled, not draft) from `start` to `end`
    included, each with its figures, in one query."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    events = Event.objects.filter(
        territory=territory,
        status=EventStatus.PUBLISHED,
        starts_at__gte=since,
        starts_at__lt=until,
    )
    if kind:
        events = events.filter(kind=kind)
    rows = [
        (event, _stats(event.invited_count, event))
        for event in with_stats(events).order_by("starts_at", "pk")
    ]
    invited = [s.invited for _e, s in rows if s.invited is not None]
    totals = Stats(
        invited=sum(invited) if invited else None,
        **{
            field: sum(getattr(s, field) for _e, s in rows)
            for field in (
                "registered",
                "confirmed",
                "waiting",
                "present",
                "walk_ins",
                "excused",
                "absent",
            )
        },
    )
    return PeriodStats(rows=rows, totals=totals)
