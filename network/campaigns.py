"""Campaign weeks (the European Week for Waste Reduction of a year, say): the
organisers' editions, the actions the actors' contacts declare for them, their
moderation, the agenda's events of the accepted ones, and each edition's
figures compared with the previous one.

An action held on several dates is one action with several dates: the
edition counts it once among its distinct actions and once per date among
its actions (the Mulhouse programme's « 74 actions, 56 distinct »). When an
action is accepted each date becomes a published event of the territory's
agenda (events.services); an accepted action that is edited updates its
events, a date taken away or a refusal cancels them, so that the agenda
never shows what the network no longer holds.

Services are keyword-only and atomic; refusals are NetworkRefused whose
messages are for the person (a dict when they belong to a field). E-mails
go through the platform outbox after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.mail import queue_email
from accounts.models import EmailStream, User
from events import services as event_services
from events.models import Audience, Event, EventKind, EventStatus
from network.models import (
    ActionAudience,
    ActionStatus,
    Actor,
    CampaignAction,
    CampaignActionDate,
    CampaignActionPhoto,
    CampaignWeek,
    Contact,
)
from network.services import NetworkRefused
from network.tasks import absolute, organisers
from territories.models import Territory

WEEK_FIELDS = (
    "title",
    "theme",
    "description",
    "starts_on",
    "ends_on",
    "declaration_deadline",
    "staff_day_value",
)
# What the declaration form and the API write on an action.
ACTION_FIELDS = (
    "title",
    "description",
    "place_name",
    "address",
    "commune",
    "latitude",
    "longitude",
    "audience",
    "expected_attendance",
    "other_partners",
    "staff_days",
    "material_expenses",
)
MAX_DATES = 20
MAX_PHOTOS = 6
ZERO = Decimal(0)


@dataclass(frozen=True)
class DateIn:
    """A date of an action; `pk` names an existing date (kept, or moved)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    pk: int | None = None


@dataclass(frozen=True)
class PhotoIn:
    image: File
    alt_text: str


def _full_clean(obj: Any, *, exclude: list[str]) -> None:
    """The model's own checks (ranges, lengths), refused in the person's words."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise NetworkRefused(error.message_dict) from error


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


# --- weeks ------------------------------------------------------------------------


def week_errors(
    *, territory: Territory, data: dict[str, Any], week: CampaignWeek | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    starts, ends = data.get("starts_on"), data.get("ends_on")
    deadline = data.get("declaration_deadline")
    if starts and ends and ends < starts:
        errors["ends_on"] = [_("La semaine doit finir après son premier jour.")]
    if deadline and ends and deadline > ends:
        errors["declaration_deadline"] = [
            _("Les déclarations doivent être closes au plus tard le dernier jour de la semaine.")
        ]
    if (data.get("staff_day_value") or ZERO) < 0:
        errors["staff_day_value"] = [_("La valeur d'une journée ne peut pas être négative.")]
    title = " ".join((data.get("title") or "").split())
    twins = CampaignWeek.objects.filter(territory=territory, title__iexact=title)
    if week is not None and week.pk:
        twins = twins.exclude(pk=week.pk)
    if title and twins.exists():
        errors["title"] = [_("Une semaine thématique du territoire porte déjà ce titre.")]
    return errors


@transaction.atomic
def campaign_week_save(
    *,
    territory: Territory,
    data: dict[str, Any],
    user: User | None,
    week: CampaignWeek | None = None,
) -> CampaignWeek:
    """Create or change an edition. Moving its dates does not move the actions
    already declared: the organisers see them in the list."""
    errors = week_errors(territory=territory, data=data, week=week)
    if errors:
        raise NetworkRefused(errors)
    week = week or CampaignWeek(territory=territory)
    for name in WEEK_FIELDS:
        if name in data:
            value = data[name]
            setattr(week, name, " ".join(value.split()) if name == "title" else value)
    _full_clean(week, exclude=["territory"])
    week.save()
    return week


def previous_edition(week: CampaignWeek) -> CampaignWeek | None:
    """The edition this one is compared with: the latest earlier week of the
    territory with the same theme, else simply the latest earlier one."""
    earlier = CampaignWeek.objects.filter(
        territory_id=week.territory_id, starts_on__lt=week.starts_on
    )
    if week.theme:
        earlier = earlier.annotate(
            same_theme=Case(
                When(theme=week.theme, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        ).order_by("-same_theme", "-starts_on", "-pk")
    else:
        earlier = earlier.order_by("-starts_on", "-pk")
    return earlier.first()


def declarations_closed(week: CampaignWeek, now: dt.datetime | None = None) -> bool:
    """Declarations are taken until the end of the deadline's day."""
    return _today(now) > week.declaration_deadline


def closed_message(week: CampaignWeek) -> str:
    return _(
        "Les déclarations pour « %(week)s » sont closes depuis le %(day)s. Pour une action de "
        "dernière minute, écrivez à l'équipe d'animation : elle peut encore l'ajouter."
    ) % {"week": week.title, "day": date_format(week.declaration_deadline, "j F Y")}


# --- actions: what a contact may do ---------------------------------------------


def contact_edit_refusal(action: CampaignAction, now: dt.datetime | None = None) -> str:
    """Why the actor's contact may not change this action now ("" when they may).
    A proposed action can be changed until the deadline, one sent back « à
    modifier » and an accepted one until the week's end; a refused one never."""
    week, today = action.week, _today(now)
    if action.status == ActionStatus.REFUSED:
        return _("Cette action a été refusée : elle ne peut plus être modifiée.")
    if action.status == ActionStatus.SUBMITTED and declarations_closed(week, now):
        return closed_message(week)
    if today > week.ends_on:
        return _("La semaine « %(week)s » est terminée : l'action ne peut plus être modifiée.") % {
            "week": week.title
        }
    return ""


# --- actions: validation ----------------------------------------------------------


def _clean_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in ACTION_FIELDS if name in data}
    for name in ("title", "place_name", "address", "other_partners"):
        if isinstance(values.get(name), str):
            values[name] = " ".join(values[name].split())
    if isinstance(values.get("description"), str):
        values["description"] = values["description"].strip()
    for name in ("staff_days", "material_expenses"):
        if name in values and values[name] is None:
            values[name] = ZERO
    if "expected_attendance" in values and values["expected_attendance"] is None:
        values["expected_attendance"] = 0
    return values


def date_errors(week: CampaignWeek, dates: Sequence[DateIn]) -> list[str]:
    if not dates:
        return [_("Indiquez au moins une date.")]
    if len(dates) > MAX_DATES:
        return [_("%(n)d dates au plus pour une action.") % {"n": MAX_DATES}]
    problems = []
    for when in dates:
        if when.ends_at <= when.starts_at:
            problems.append(_("L'heure de fin doit être après l'heure de début."))
        day = timezone.localtime(when.starts_at).date()
        if not week.starts_on <= day <= week.ends_on:
            problems.append(
                _("Chaque date doit tomber pendant la semaine, du %(start)s au %(end)s.")
                % {
                    "start": date_format(week.starts_on, "j F Y"),
                    "end": date_format(week.ends_on, "j F Y"),
                }
            )
    return list(dict.fromkeys(problems))


def action_errors(
    *,
    week: CampaignWeek,
    actor: Actor,
    values: dict[str, Any],
    dates: Sequence[DateIn],
    partners: Sequence[Actor],
    photos: Sequence[PhotoIn] = (),
    kept_photos: int = 0,
) -> dict[str, list[str]]:
    """Every problem of a declaration, by field (the form shows the same ones
    next to its fields; the service checks again for the other callers)."""
    errors: dict[str, list[str]] = {}
    for name in ("title", "description"):
        if name in values and not values[name]:
            errors[name] = [_("Ce champ est obligatoire.")]
    for name in ("staff_days", "material_expenses", "expected_attendance"):
        if (values.get(name) or 0) < 0:
            errors[name] = [_("Indiquez un nombre positif ou nul.")]
    commune = values.get("commune")
    if commune is not None and not week.territory.communes.filter(pk=commune.pk).exists():
        errors["commune"] = [_("Cette commune n'est pas dans le territoire.")]
    if (values.get("latitude") is None) != (values.get("longitude") is None):
        errors["longitude"] = [_("Indiquez la latitude et la longitude, ou aucune des deux.")]
    if problems := date_errors(week, dates):
        errors["dates"] = problems
    foreign = [p for p in partners if p.territory_id != week.territory_id]
    if foreign:
        errors["partners"] = [
            _("« %(name)s » n'est pas un acteur du réseau de ce territoire.")
            % {"name": foreign[0].name}
        ]
    elif any(p.pk == actor.pk for p in partners):
        errors["partners"] = [_("L'acteur qui déclare l'action n'est pas son propre partenaire.")]
    if any(not " ".join(p.alt_text.split()) for p in photos):
        errors["photos"] = [
            _("Décrivez chaque photo en une phrase pour les personnes qui ne la voient pas.")
        ]
    elif kept_photos + len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("%(n)d photos au plus par action.") % {"n": MAX_PHOTOS}]
    return errors


# --- actions: writes --------------------------------------------------------------


def _check_actor(week: CampaignWeek, actor: Actor) -> None:
    if actor.territory_id != week.territory_id:
        raise NetworkRefused(_("Cet acteur n'est pas dans le réseau du territoire de la semaine."))


def _save_dates(action: CampaignAction, dates: Sequence[DateIn], user: User) -> None:
    """Make the action's dates those of `dates`: existing ones (by pk) move,
    the others are new, the missing ones go (with their event cancelled)."""
    existing = {d.pk: d for d in action.dates.select_related("event")}
    kept: set[int] = set()
    for when in dates:
        row = existing.get(when.pk) if when.pk is not None else None
        if row is None:
            CampaignActionDate.objects.create(
                action=action, starts_at=when.starts_at, ends_at=when.ends_at
            )
            continue
        kept.add(row.pk)
        if (row.starts_at, row.ends_at) != (when.starts_at, when.ends_at):
            row.starts_at, row.ends_at = when.starts_at, when.ends_at
            row.save(update_fields=["starts_at", "ends_at"])
    for pk, row in existing.items():
        if pk not in kept:
            _cancel_event(row, _("Cette date de l'action a été retirée."), user)
            row.delete()


def _add_photos(action: CampaignAction, photos: Sequence[PhotoIn]) -> None:
    for photo in photos:
        CampaignActionPhoto.objects.create(
            action=action, image=photo.image, alt_text=" ".join(photo.alt_text.split())
        )


def _validated(
    *,
    week: CampaignWeek,
    actor: Actor,
    data: dict[str, Any],
    dates: Sequence[DateIn],
    partners: Iterable[Actor],
    photos: Sequence[PhotoIn],
    kept_photos: int = 0,
) -> tuple[dict[str, Any], list[Actor]]:
    values = _clean_values(data)
    chosen = list(partners)
    errors = action_errors(
        week=week,
        actor=actor,
        values=values,
        dates=dates,
        partners=chosen,
        photos=photos,
        kept_photos=kept_photos,
    )
    if errors:
        raise NetworkRefused(errors)
    return values, chosen


@transaction.atomic
def action_declare(
    *,
    week: CampaignWeek,
    actor: Actor,
    data: dict[str, Any],
    dates: Sequence[DateIn],
    partners: Iterable[Actor] = (),
    photos: Sequence[PhotoIn] = (),
    user: User,
    by_organiser: bool = False,
    now: dt.datetime | None = None,
) -> CampaignAction:
    """An actor declares an action (« proposée »); the organisers are told.
    After the deadline only the organisers may still add one."""
    _check_actor(week, actor)
    if not by_organiser and declarations_closed(week, now):
        raise NetworkRefused(closed_message(week))
    values, chosen = _validated(
        week=week, actor=actor, data=data, dates=dates, partners=partners, photos=photos
    )
    action = CampaignAction(week=week, actor=actor, declared_by=user, **values)
    _full_clean(action, exclude=["week", "actor", "declared_by", "moderated_by"])
    action.save()
    action.partners.set(chosen)
    _save_dates(action, dates, user)
    _add_photos(action, photos)
    if not by_organiser:
        _tell_organisers(action, "declared")
    return action


@transaction.atomic
def action_update(
    *,
    action: CampaignAction,
    data: dict[str, Any],
    dates: Sequence[DateIn],
    partners: Iterable[Actor] = (),
    photos: Sequence[PhotoIn] = (),
    remove_photos: Iterable[int] = (),
    user: User,
    by_organiser: bool = False,
    now: dt.datetime | None = None,
) -> CampaignAction:
    """Change an action. Sent back « à modifier », a contact's edit submits it
    again; accepted, its events follow at once (and the organisers are told
    when the contact made the change)."""
    action = _locked(action)
    if not by_organiser and (refusal := contact_edit_refusal(action, now)):
        raise NetworkRefused(refusal)
    removed = set(remove_photos)
    kept = action.photos.exclude(pk__in=removed).count()
    values, chosen = _validated(
        week=action.week,
        actor=action.actor,
        data=data,
        dates=dates,
        partners=partners,
        photos=photos,
        kept_photos=kept,
    )
    for name, value in values.items():
        setattr(action, name, value)
    resubmitted = not by_organiser and action.status == ActionStatus.CHANGES
    if resubmitted:
        action.status = ActionStatus.SUBMITTED
    _full_clean(action, exclude=["week", "actor", "declared_by", "moderated_by"])
    action.save()
    action.partners.set(chosen)
    _save_dates(action, dates, user)
    for photo in action.photos.filter(pk__in=removed):
        photo.image.delete(save=False)
        photo.delete()
    _add_photos(action, photos)
    if action.status == ActionStatus.ACCEPTED:
        _sync_events(action, user, now)
    if not by_organiser:
        _tell_organisers(action, "resubmitted" if resubmitted else "changed")
    return action


def _locked(action: CampaignAction) -> CampaignAction:
    CampaignAction.objects.select_for_update().filter(pk=action.pk).values_list("pk").get()
    action.refresh_from_db()
    return action


def _moderated(action: CampaignAction, status: str, note: str, user: User, now: Any) -> None:
    action.status, action.moderation_note = status, note
    action.moderated_by, action.moderated_at = user, now or timezone.now()
    action.save(
        update_fields=["status", "moderation_note", "moderated_by", "moderated_at", "updated_at"]
    )


@transaction.atomic
def action_accept(
    *, action: CampaignAction, user: User, now: dt.datetime | None = None
) -> CampaignAction:
    """Accept: each date becomes a published public event of the agenda."""
    action = _locked(action)
    if action.status == ActionStatus.ACCEPTED:
        return action  # a second click
    _moderated(action, ActionStatus.ACCEPTED, "", user, now)
    _sync_events(action, user, now)
    _tell_declarant(action, "accepted")
    return action


@transaction.atomic
def action_request_changes(
    *, action: CampaignAction, message: str, user: User, now: dt.datetime | None = None
) -> CampaignAction:
    """Send the action back to its declarant with what to change (e-mailed)."""
    action = _locked(action)
    message = message.strip()
    if not message:
        raise NetworkRefused({"message": _("Dites au déclarant ce qu'il faut modifier.")})
    if action.status in (ActionStatus.ACCEPTED, ActionStatus.REFUSED):
        raise NetworkRefused(
            _("Cette action est déjà %(state)s : elle ne peut plus être renvoyée au déclarant.")
            % {"state": action.get_status_display().lower()}
        )
    if action.status == ActionStatus.CHANGES and action.moderation_note == message:
        return action  # the same request twice
    _moderated(action, ActionStatus.CHANGES, message, user, now)
    _tell_declarant(action, "changes")
    return action


@transaction.atomic
def action_refuse(
    *, action: CampaignAction, reason: str, user: User, now: dt.datetime | None = None
) -> CampaignAction:
    """Refuse with a reason (e-mailed); an accepted action leaves the agenda."""
    action = _locked(action)
    reason = reason.strip()
    if not reason:
        raise NetworkRefused({"message": _("Indiquez la raison du refus.")})
    if action.status == ActionStatus.REFUSED:
        return action
    _moderated(action, ActionStatus.REFUSED, reason, user, now)
    gone = _("Cette action ne fait plus partie de « %(week)s ».") % {"week": action.week.title}
    for row in action.dates.select_related("event"):
        _cancel_event(row, gone, user)
    _tell_declarant(action, "refused")
    return action


# --- the agenda's events ------------------------------------------------------------


def _event_description(action: CampaignAction) -> str:
    parts = [action.description]
    organised = _("Proposée par %(actor)s") % {"actor": action.actor.name}
    partners = [p.name for p in action.partners.all()]
    if action.other_partners:
        partners.append(action.other_partners)
    if partners:
        organised += ", " + _("avec %(names)s") % {"names": ", ".join(partners)}
    parts.append(organised + ".")
    if action.audience != ActionAudience.PUBLIC:
        parts.append(_("Public : %(audience)s.") % {"audience": action.get_audience_display()})
    parts.append(_("Dans le cadre de « %(week)s ».") % {"week": action.week.title})
    return "\n\n".join(p for p in parts if p)


def _event_data(action: CampaignAction, when: CampaignActionDate) -> dict[str, Any]:
    return {
        "title": action.title,
        "description": _event_description(action),
        "theme": action.week.theme,
        "starts_at": when.starts_at,
        "ends_at": when.ends_at,
        "place_name": action.place_name,
        "address": action.address,
        "commune": action.commune,
        "latitude": action.latitude,
        "longitude": action.longitude,
    }


def _sync_events(action: CampaignAction, user: User, now: dt.datetime | None) -> None:
    """One published event per date of an accepted action, up to date."""
    with translation.override(settings.LANGUAGE_CODE):
        for when in action.dates.select_related("event"):
            data = _event_data(action, when)
            event = when.event
            if event is not None and not event.is_cancelled:
                event_services.event_save(event=event, data=data, user=user)
            else:
                event = Event(
                    territory_id=action.week.territory_id,
                    kind=EventKind.CAMPAIGN_ACTION,
                    audience=Audience.PUBLIC,
                    registration_open=False,
                )
                event_services.event_save(event=event, data=data, user=user)
                when.event = event
                when.save(update_fields=["event"])
            if event.status == EventStatus.DRAFT:
                event_services.event_publish(event=event, user=user, now=now)


def _cancel_event(when: CampaignActionDate, reason: str, user: User) -> None:
    event = when.event
    if event is None or event.is_cancelled:
        return
    if event.is_draft:
        event.delete()  # never announced
        return
    with translation.override(settings.LANGUAGE_CODE):
        event_services.event_cancel(event=event, reason=reason, user=user)


# --- e-mails ------------------------------------------------------------------------


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"network/campaigns/emails/{name}_subject.txt", context)
        body = render_to_string(f"network/campaigns/emails/{name}_body.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body


def declarant_addresses(action: CampaignAction) -> list[str]:
    """Who hears about the moderation: the contact who declared the action,
    or else the actor's contacts who keep its entry (an organiser declared it)."""
    people = Contact.objects.filter(
        actor_id=action.actor_id, user__isnull=False, user__is_active=True
    )
    if action.declared_by_id and people.filter(user_id=action.declared_by_id).exists():
        people = people.filter(user_id=action.declared_by_id)
    return sorted(
        {c.user.email.lower() for c in people.select_related("user") if c.user and c.user.email}
    )


def _tell_declarant(action: CampaignAction, name: str) -> int:
    context = {
        "action": action,
        "week": action.week,
        "actor": action.actor,
        "territory": action.week.territory,
        "url": absolute(
            "network:campaign_action_edit", action.week.territory.slug, action.actor_id, action.pk
        ),
        "list_url": absolute(
            "network:actor_campaign_actions", action.week.territory.slug, action.actor_id
        ),
    }
    subject, body = _render(name, context)
    stamp = (action.moderated_at or timezone.now()).isoformat()
    addresses = declarant_addresses(action)
    for address in addresses:
        queue_email(
            key=f"network-campaign-{name}:{action.pk}:{stamp}:{address}",
            to=address,
            subject=subject,
            body=body,
            stream=EmailStream.TRANSACTIONAL,
            reference=f"network:campaign-{name}",
        )
    return len(addresses)


def _tell_organisers(action: CampaignAction, what: str) -> int:
    territory = action.week.territory
    context = {
        "action": action,
        "week": action.week,
        "actor": action.actor,
        "territory": territory,
        "what": what,
        "url": absolute(
            "network:campaign_action_moderate", territory.slug, action.week_id, action.pk
        ),
    }
    stamp = action.updated_at.isoformat()
    people = organisers(territory)
    for person in people:
        subject, body = _render("to_moderate", {**context, "organiser": person})
        queue_email(
            key=f"network-campaign-{what}:{action.pk}:{stamp}:{person.pk}",
            to=person.email,
            subject=subject,
            body=body,
            stream=EmailStream.TRANSACTIONAL,
            reference="network:campaign-to-moderate",
        )
    return len(people)


# --- reads --------------------------------------------------------------------------


def accepted_actions(week: CampaignWeek) -> QuerySet[CampaignAction]:
    """What the public page and the API show, with what a row needs."""
    return (
        CampaignAction.objects.filter(week=week, status=ActionStatus.ACCEPTED)
        .select_related("actor", "commune", "week__territory")
        .prefetch_related("dates__event", "partners", "photos")
        .order_by("title", "pk")
    )


def status_counts(week: CampaignWeek) -> dict[str, int]:
    rows = week.actions.values("status").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(ActionStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


# --- figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class EditionFigures:
    """The figures of one edition, from its accepted actions."""

    week: CampaignWeek
    # Accepted dates: an action held on three days counts three times.
    actions: int
    # Accepted actions, each once however many dates it has.
    distinct_actions: int
    # Distinct actors among the declarants and their co-organising partners.
    partners: int
    staff_days: Decimal
    material_expenses: Decimal
    expected_attendance: int

    @property
    def staff_value(self) -> Decimal:
        """Partners' time valued at the edition's rate for a day."""
        return self.staff_days * self.week.staff_day_value

    @property
    def valued_expenses(self) -> Decimal:
        return self.staff_value + self.material_expenses


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    current: Decimal | int
    previous: Decimal | int | None
    unit: str = ""

    @property
    def change(self) -> Decimal | int | None:
        return None if self.previous is None else self.current - self.previous

    @property
    def change_percent(self) -> int | None:
        """Rounded percentage of change (None without a previous figure or from 0)."""
        if self.previous is None or not self.previous:
            return None
        return round(
            (Decimal(self.current) - Decimal(self.previous)) * 100 / Decimal(self.previous)
        )


@dataclass(frozen=True)
class EditionComparison:
    current: EditionFigures
    previous: EditionFigures | None

    def rows(self) -> list[FigureRow]:
        before = self.previous
        specs: list[tuple[str, str, str]] = [
            ("actions", _("Actions (chaque date comptée)"), ""),
            ("distinct_actions", _("Actions distinctes"), ""),
            ("partners", _("Partenaires impliqués"), ""),
            ("expected_attendance", _("Participants attendus"), ""),
            ("staff_value", _("Temps de travail valorisé"), "€"),
            ("material_expenses", _("Dépenses matérielles"), "€"),
            ("valued_expenses", _("Dépenses valorisées (total)"), "€"),
        ]
        return [
            FigureRow(
                key,
                label,
                getattr(self.current, key),
                getattr(before, key) if before else None,
                unit,
            )
            for key, label, unit in specs
        ]


def figures_for(weeks: Sequence[CampaignWeek]) -> dict[int, EditionFigures]:
    """The figures of several editions in three queries, whatever their size."""
    ids = [w.pk for w in weeks]
    accepted = CampaignAction.objects.filter(week_id__in=ids, status=ActionStatus.ACCEPTED)
    totals = {
        row["week_id"]: row
        for row in accepted.values("week_id")
        .annotate(
            n=Count("pk"),
            staff=Sum("staff_days"),
            material=Sum("material_expenses"),
            attendance=Sum("expected_attendance"),
        )
        .order_by()
    }
    dates = dict(
        CampaignActionDate.objects.filter(action__in=accepted)
        .values("action__week_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("action__week_id", "n")
    )
    through = CampaignAction.partners.through.objects.filter(campaignaction__in=accepted)
    pairs = (
        accepted.order_by()
        .values_list("week_id", "actor_id")
        .union(through.order_by().values_list("campaignaction__week_id", "actor_id"))
    )
    partners = Counter(week_id for week_id, _actor in pairs)
    figures = {}
    for week in weeks:
        row: Any = totals.get(week.pk, {})
        figures[week.pk] = EditionFigures(
            week=week,
            actions=dates.get(week.pk, 0),
            distinct_actions=row.get("n") or 0,
            partners=partners.get(week.pk, 0),
            staff_days=row.get("staff") or ZERO,
            material_expenses=row.get("material") or ZERO,
            expected_attendance=row.get("attendance") or 0,
        )
    return figures


def edition_figures(week: CampaignWeek) -> EditionFigures:
    return figures_for([week])[week.pk]


def compare_with_previous(week: CampaignWeek) -> EditionComparison:
    """This edition's figures beside the previous edition's (see previous_edition)."""
    previous = previous_edition(week)
    figures = figures_for([week, previous] if previous else [week])
    return EditionComparison(
        current=figures[week.pk], previous=figures[previous.pk] if previous else None
    )
