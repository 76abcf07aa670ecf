"""iCalendar (RFC 5545) files of events: a territory's or a challenge's agenda,
one event, and a person's own registrations (a secret address, since
calendar apps cannot log in).

Times are written in UTC, so no VTIMEZONE is needed; UID and SEQUENCE come
from the event, so that a calendar app updates an event it already has
instead of adding a copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from accounts.models import User
from events.models import (
    ACTIVE_STATUSES,
    CalendarFeed,
    Event,
    EventRegistration,
    EventStatus,
    RegistrationStatus,
)
from events.selectors import feed_events

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Élan//Agenda des territoires//FR"


def event_url(root: str, event: Event) -> str:
    """`root`: the site's address (elan.links.site_root)."""
    return root + reverse("events:detail", args=[event.territory.slug, event.pk])


def _location(event: Event) -> str:
    commune = event.commune.name if event.commune_id and event.commune else ""
    parts = [event.place_name, event.address, commune]
    return ", ".join(part for part in parts if part)


def _description(root: str, event: Event, note: str = "") -> str:
    parts = []
    if event.is_cancelled:
        reason = event.cancel_reason or _("raison non précisée")
        parts.append(_("Événement annulé : %(reason)s") % {"reason": reason})
    if note:
        parts.append(note)
    parts += [event.description, event.access_note, event.online_url, event_url(root, event)]
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def vevent(root: str, event: Event, *, stamp: dt.datetime, note: str = "") -> VEvent:
    """One VEVENT; `note` adds a line (« liste d'attente ») for the person.
    With METHOD:PUBLISH, DTSTAMP is when the file was made (RFC 5545 §3.8.7.2)."""
    item = VEvent()
    item.add("uid", f"{event.uid}@elan")
    item.add("dtstamp", _utc(stamp))
    if event.updated_at:
        item.add("last-modified", _utc(event.updated_at))
    item.add("dtstart", _utc(event.starts_at))
    item.add("dtend", _utc(event.ends_at))
    item.add("summary", event.title)
    location = _location(event)
    if location:
        item.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        item.add("geo", (float(event.latitude), float(event.longitude)))
    item.add("description", _description(root, event, note))
    item.add("url", event_url(root, event))
    item.add("sequence", event.sequence)
    status = {
        EventStatus.CANCELLED: "CANCELLED",
        EventStatus.DRAFT: "TENTATIVE",
    }.get(EventStatus(event.status), "CONFIRMED")
    item.add("status", status)
    if event.get_theme_display():
        item.add("categories", [str(event.get_kind_display()), str(event.get_theme_display())])
    else:
        item.add("categories", [str(event.get_kind_display())])
    return item


def calendar(name: str, items: Iterable[VEvent]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    # Calendar apps that poll feeds read this as « refresh every 6 hours ».
    cal.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    for item in items:
        cal.add_component(item)
    return cal.to_ical()


def events_calendar(
    root: str, name: str, events: Iterable[Event], *, now: dt.datetime | None = None
) -> bytes:
    stamp = now or timezone.now()
    return calendar(name, (vevent(root, event, stamp=stamp) for event in events))


def personal_calendar(root: str, feed: CalendarFeed, *, now: dt.datetime | None = None) -> bytes:
    """The person's active registrations (seat, waiting list or e-mail to confirm)."""
    registrations = EventRegistration.objects.filter(
        user_id=feed.user_id, status__in=ACTIVE_STATUSES
    )
    events = feed_events(Event.objects.filter(pk__in=registrations.values("event_id")), now=now)
    statuses = dict(registrations.values_list("event_id", "status"))
    notes: dict[str, str] = {
        RegistrationStatus.WAITING: _("Vous êtes sur la liste d'attente."),
        RegistrationStatus.PENDING: _("Confirmez votre adresse e-mail pour garder votre place."),
    }
    stamp = now or timezone.now()
    items = (
        vevent(root, event, stamp=stamp, note=notes.get(statuses.get(event.pk, ""), ""))
        for event in events
    )
    return calendar(_("Mes événements — Élan"), items)


def feed_for(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """Create the person's secret feed address, or replace it: the old one
    stops working at once (for a link shared by mistake)."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = CalendarFeed._meta.get_field("token").get_default()
        feed.save(update_fields=["token"])
    return feed
