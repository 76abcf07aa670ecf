"""Who may organise events (events/views/manage.py): the territory's
organisers and the platform admins; the statistics also for the region's
coordinators. A draft stays invisible (404) to those who may not manage it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from events.models import EventStatus, WorkshopTemplate
from tests.events.factories import EventFactory, EventPhotoFactory, EventRegistrationFactory
from tests.matrix import PUBLIC, Spec, statuses

ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
ORGANISER_POST = statuses(403, anonymous=302, organiser=302, admin=302)
# On a draft: only managers see it; the coordinator sees it but may not act.
DRAFT_POST = statuses(404, coordinator=403, organiser=302, admin=302)

# Data filled in by the kwargs callables below, which run before each POST:
# they create the objects whose keys the forms need.
TEMPLATE_DATA: dict[str, Any] = {}
ATTENDANCE_DATA: dict[str, Any] = {"attendance": "present"}


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def event(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "pk": EventFactory(territory=w.territory).pk}


def draft(w):  # type: ignore[no-untyped-def]
    created = EventFactory(territory=w.territory, status=EventStatus.DRAFT, published_at=None)
    return {"slug": w.territory.slug, "pk": created.pk}


def catalogue_entry(w):  # type: ignore[no-untyped-def]
    template = WorkshopTemplate.objects.filter(territory=None).first()
    day = timezone.localdate() + dt.timedelta(days=30)
    TEMPLATE_DATA.clear()
    TEMPLATE_DATA.update(
        {
            "template": template.pk,
            f"atelier-{template.pk}-date": day.isoformat(),
            f"atelier-{template.pk}-start": "14:00",
            f"atelier-{template.pk}-place_name": "Salle des fêtes",
        }
    )
    return territory(w)


def registration(w):  # type: ignore[no-untyped-def]
    seat = EventRegistrationFactory(event=EventFactory(territory=w.territory))
    ATTENDANCE_DATA["registration"] = seat.pk
    return {"slug": w.territory.slug, "pk": seat.event_id}


def photo(w):  # type: ignore[no-untyped-def]
    created = EventPhotoFactory(event__territory=w.territory)
    return {"slug": w.territory.slug, "pk": created.event_id, "photo": created.pk}


MATRIX = {
    "events:manage": Spec(ORGANISER, territory),
    "events:create": Spec(ORGANISER, territory),
    "events:catalogue": Spec(ORGANISER, territory),
    "events:create_from_template": Spec(
        ORGANISER_POST, catalogue_entry, method="POST", data=TEMPLATE_DATA
    ),
    "events:edit": Spec(ORGANISER, event),
    "events:publish": Spec(DRAFT_POST, draft, method="POST"),
    "events:cancel": Spec(ORGANISER, event),
    "events:registrations": Spec(ORGANISER, event),
    "events:attendance": Spec(ORGANISER, event),
    "events:attendance_mark": Spec(
        ORGANISER_POST, registration, method="POST", data=ATTENDANCE_DATA
    ),
    "events:walk_in": Spec(
        ORGANISER_POST, event, method="POST", data={"sur-place-name": "Jo Martin"}
    ),
    "events:photos": Spec(ORGANISER, event),
    "events:photo_delete": Spec(ORGANISER_POST, photo, method="POST"),
    # A photo of a published event is public, like the event page.
    "events:photo": Spec(PUBLIC, photo),
    "events:stats": Spec(
        statuses(403, anonymous=302, organiser=200, coordinator=200, admin=200), territory
    ),
}
