"""An organiser takes attendance on a tablet (1024×768): one tap per name,
a walk-in added at the door, counters updated in place; then the statistics.
axe (WCAG 2.1 A/AA) checks every page and every state after a swap."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Attendance
from tests.browser.conftest import _open_page
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    submit,
    visit,
    visit_all,
)
from tests.events.factories import EventFactory, EventRegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def tablet_page(request: pytest.FixtureRequest, browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _open_page(request, browser, live_server.url, TABLET)


def _row(page: Any, name: str) -> Any:
    return page.locator(".attendance-row").filter(has_text=name)


def _tap(page: Any, name: str, choice: str) -> None:
    button = _row(page, name).get_by_role("button", name=choice)
    button.click()
    _row(page, name).get_by_role("button", name=choice).and_(
        page.locator("[aria-pressed=true]")
    ).wait_for()
    assert_accessible(page)


def _counter(page: Any, label: str) -> str:
    item = page.locator("#compteurs li").filter(
        has_text=re.compile(rf"^\s*\d+\s+{re.escape(label)}\s*$")
    )
    return item.locator("strong").inner_text()


def test_an_organiser_takes_attendance_on_a_tablet(tablet_page, territory, organiser) -> None:
    page = tablet_page
    now = timezone.now()
    event = EventFactory(
        territory=territory,
        title="Atelier compostage",
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=1),
        invited_count=40,
    )
    for name in ("Aline Roux", "Bruno Petit", "Chloé Garnier"):
        EventRegistrationFactory(event=event, user=None, name=name, email="")
    log_in(page, organiser)
    visit(page, reverse("events:attendance", args=[territory.slug, event.pk]))
    assert_no_horizontal_scroll(page)
    assert _counter(page, "inscrit·es") == "3"

    _tap(page, "Aline Roux", "Présent·e")
    _tap(page, "Bruno Petit", "Présent·e")
    _tap(page, "Chloé Garnier", "Excusé·e")
    assert _counter(page, "présent·es parmi les inscrit·es") == "2"
    assert _counter(page, "excusé·es") == "1"

    walk_in = page.locator("form").filter(has=page.locator("[name='sur-place-name']"))
    walk_in.get_by_label("Nom").fill("Jo Martin")
    walk_in.get_by_role("button", name="Ajouter, présente").click()
    _row(page, "Jo Martin").wait_for()
    assert_accessible(page)
    assert _counter(page, "venu·es sans inscription") == "1"
    assert page.locator("[name='sur-place-name']").input_value() == ""

    attendance = dict(event.registrations.values_list("name", "attendance"))
    assert attendance == {
        "Aline Roux": Attendance.PRESENT,
        "Bruno Petit": Attendance.PRESENT,
        "Chloé Garnier": Attendance.EXCUSED,
        "Jo Martin": Attendance.PRESENT,
    }

    visit(page, reverse("events:stats", args=[territory.slug]))
    assert_no_horizontal_scroll(page)
    row = page.locator("tbody tr").filter(has_text="Atelier compostage")
    assert row.locator("td").all_inner_texts()[2:] == ["40", "3", "3", "1", "1", "0"]


def test_every_organiser_page_passes_axe_on_a_tablet(tablet_page, territory, organiser) -> None:
    page = tablet_page
    now = timezone.now()
    coming = EventFactory(territory=territory, title="Repair café", capacity=1)
    EventRegistrationFactory(event=coming, user=None, name="Aline Roux", email="a@example.org")
    EventRegistrationFactory(
        event=coming,
        user=None,
        name="Bruno Petit",
        email="b@example.org",
        status="attente",
    )
    held = EventFactory(
        territory=territory,
        title="Balade thermique",
        starts_at=now - dt.timedelta(days=3),
        ends_at=now - dt.timedelta(days=3, hours=-2),
    )
    EventRegistrationFactory(event=held, attendance=Attendance.PRESENT)
    log_in(page, organiser)
    slug = territory.slug
    visit_all(
        page,
        [
            reverse("events:manage", args=[slug]),
            reverse("events:create", args=[slug]),
            reverse("events:catalogue", args=[slug]),
            reverse("events:edit", args=[slug, coming.pk]),
            reverse("events:cancel", args=[slug, coming.pk]),
            reverse("events:registrations", args=[slug, coming.pk]),
            reverse("events:photos", args=[slug, held.pk]),
            reverse("events:photos", args=[slug, coming.pk]),
            reverse("events:detail", args=[slug, coming.pk]),
        ],
        then=assert_no_horizontal_scroll,
    )

    # Bad input on the event form: the errors are announced and tied to the fields.
    visit(page, reverse("events:create", args=[slug]))
    form = page.locator("main form.event-form")
    form.get_by_label("Titre").fill("Soirée de clôture")
    form.get_by_label("Nombre de places").fill("0")
    submit(page, form, status=400)
    assert page.get_by_text("Indiquez au moins une place").is_visible()
    assert form.get_by_label("Titre").input_value() == "Soirée de clôture"
