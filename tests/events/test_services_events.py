"""Organisers' writes: save with change notification, publish, cancel, sessions
from the catalogue, attendance and walk-ins; and the statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events import services
from events.models import (
    Attendance,
    Event,
    EventKind,
    EventStatus,
    RegistrationStatus,
    WorkshopTemplate,
)
from tests.events.factories import (
    EventFactory,
    EventRegistrationFactory,
    WorkshopTemplateFactory,
)
from tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def workshop(territory):  # type: ignore[no-untyped-def]
    return EventFactory(territory=territory, capacity=2, title="Repair café")


def test_creating_an_event_records_its_author(territory, organiser) -> None:
    start = timezone.now() + dt.timedelta(days=3)
    event = Event(territory=territory)
    data = {
        "title": "Balade thermique",
        "kind": EventKind.VISIT,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
    }
    services.event_save(event=event, data=data, user=organiser)
    event.refresh_from_db()
    assert event.created_by == organiser
    assert event.status == EventStatus.DRAFT


def test_it_refuses_an_end_before_the_start(workshop, organiser) -> None:
    with pytest.raises(ValidationError) as error:
        services.event_save(event=workshop, data={"ends_at": workshop.starts_at}, user=organiser)
    assert error.value.message_dict == {"ends_at": ["La fin doit être après le début."]}


def test_moving_a_published_event_tells_its_registrants(
    workshop, organiser, mailoutbox, run_commits
) -> None:
    seat = EventRegistrationFactory(event=workshop)
    EventRegistrationFactory(event=workshop, status=RegistrationStatus.WAITING)
    EventRegistrationFactory(event=workshop, status=RegistrationStatus.CANCELLED)
    later = workshop.starts_at + dt.timedelta(days=1)
    with run_commits():
        services.event_save(
            event=workshop,
            data={"starts_at": later, "ends_at": later + dt.timedelta(hours=2)},
            user=organiser,
        )
    workshop.refresh_from_db()
    assert workshop.sequence == 1
    assert len(mailoutbox) == 2
    assert {m.subject for m in mailoutbox} == {"[Élan] Changement : Repair café"}
    assert seat.user.email in {m.to[0] for m in mailoutbox}


@pytest.mark.parametrize("change", ["place_name", "commune"])
def test_a_new_place_is_a_change_worth_a_mail(
    workshop, organiser, mailoutbox, run_commits, change
) -> None:
    EventRegistrationFactory(event=workshop)
    value = "Médiathèque" if change == "place_name" else CommuneFactory()
    with run_commits():
        services.event_save(event=workshop, data={change: value}, user=organiser)
    assert len(mailoutbox) == 1


def test_a_new_title_or_a_draft_change_sends_nothing(
    workshop, organiser, mailoutbox, run_commits
) -> None:
    EventRegistrationFactory(event=workshop)
    draft = EventFactory(territory=workshop.territory, status=EventStatus.DRAFT)
    EventRegistrationFactory(event=draft)
    with run_commits():
        services.event_save(event=workshop, data={"title": "Repair café géant"}, user=organiser)
        services.event_save(event=draft, data={"place_name": "Ailleurs"}, user=organiser)
    workshop.refresh_from_db()
    assert workshop.sequence == 0
    assert mailoutbox == []


def test_more_seats_promote_the_waiting_list(workshop, organiser) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    waiting = services.registration_create(event=workshop, user=UserFactory())
    services.event_save(event=workshop, data={"capacity": 3}, user=organiser)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_removing_the_limit_promotes_everyone(workshop, organiser) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    waiting = [services.registration_create(event=workshop, user=UserFactory()) for _ in range(2)]
    services.event_save(event=workshop, data={"capacity": None}, user=organiser)
    statuses = {r.status for r in workshop.registrations.filter(pk__in=[w.pk for w in waiting])}
    assert statuses == {RegistrationStatus.CONFIRMED}


def test_publishing_a_draft_dates_it_and_is_idempotent(territory, organiser) -> None:
    draft = EventFactory(territory=territory, status=EventStatus.DRAFT, published_at=None)
    services.event_publish(event=draft, user=organiser)
    first = draft.published_at
    services.event_publish(event=draft, user=organiser)
    assert draft.status == EventStatus.PUBLISHED
    assert draft.published_at == first


def test_a_cancelled_event_cannot_be_published(workshop, organiser) -> None:
    services.event_cancel(event=workshop, reason="Salle inondée", user=organiser)
    with pytest.raises(services.RegistrationRefused, match="annulé"):
        services.event_publish(event=workshop, user=organiser)


def test_cancelling_tells_every_active_registrant_why(
    workshop, organiser, mailoutbox, run_commits
) -> None:
    EventRegistrationFactory(event=workshop)
    EventRegistrationFactory(event=workshop, status=RegistrationStatus.WAITING)
    EventRegistrationFactory(
        event=workshop,
        user=None,
        name="Invitée",
        email="invitee@example.org",
        status=RegistrationStatus.PENDING,
    )
    EventRegistrationFactory(event=workshop, status=RegistrationStatus.CANCELLED)
    with run_commits():
        event = services.event_cancel(event=workshop, reason=" Salle inondée ", user=organiser)
        services.event_cancel(event=workshop, reason="Encore", user=organiser)
    assert event.status == EventStatus.CANCELLED
    assert event.cancel_reason == "Salle inondée"
    assert event.sequence == 1
    assert len(mailoutbox) == 3
    assert all("Salle inondée" in m.body for m in mailoutbox)


def test_cancelling_needs_a_reason_and_a_published_event(territory, workshop, organiser) -> None:
    with pytest.raises(services.RegistrationRefused) as refusal:
        services.event_cancel(event=workshop, reason="  ", user=organiser)
    assert refusal.value.message_dict == {"reason": ["Indiquez la raison de l'annulation."]}
    draft = EventFactory(territory=territory, status=EventStatus.DRAFT)
    with pytest.raises(services.RegistrationRefused, match="brouillon"):
        services.event_cancel(event=draft, reason="Raison", user=organiser)


def test_a_session_from_the_catalogue_is_a_prefilled_draft(territory, organiser) -> None:
    template = WorkshopTemplateFactory(
        title="Fabriquer sa lessive",
        duration_minutes=90,
        default_capacity=12,
        description="Déroulé",
        what_to_bring="Un bocal",
    )
    start = timezone.now() + dt.timedelta(days=20)
    event = services.event_create_from_template(
        template=template,
        territory=territory,
        starts_at=start,
        user=organiser,
        place_name="Tiers-lieu",
    )
    assert event.status == EventStatus.DRAFT
    assert (event.title, event.theme, event.capacity) == ("Fabriquer sa lessive", "dechets", 12)
    assert event.ends_at - event.starts_at == dt.timedelta(minutes=90)
    assert event.place_name == "Tiers-lieu"
    assert event.template == template
    assert event.contact == organiser
    assert "Déroulé" in event.description
    assert "À apporter : Un bocal" in event.description


def test_the_shipped_catalogue_has_the_seed_workshops() -> None:
    titles = set(WorkshopTemplate.objects.filter(territory=None).values_list("title", flat=True))
    assert len(titles) >= 14
    for expected in ("Les bases du compostage", "Repair café", "Cuisine anti-gaspi"):
        assert expected in titles


def test_attendance_is_marked_on_seats_only(workshop) -> None:
    seat = EventRegistrationFactory(event=workshop)
    services.attendance_mark(registration=seat, attendance=Attendance.PRESENT)
    seat.refresh_from_db()
    assert seat.attendance == Attendance.PRESENT
    waiting = EventRegistrationFactory(event=workshop, status=RegistrationStatus.WAITING)
    with pytest.raises(services.RegistrationRefused, match="inscrites"):
        services.attendance_mark(registration=waiting, attendance=Attendance.PRESENT)
    with pytest.raises(services.RegistrationRefused):
        services.attendance_mark(registration=seat, attendance="peut-etre")


def test_a_walk_in_is_present_on_top_of_the_capacity(workshop) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    walk_in = services.walk_in_add(event=workshop, name=" Jo ")
    assert (walk_in.name, walk_in.walk_in, walk_in.attendance) == ("Jo", True, "present")
    assert workshop.seats_left() == 0  # walk-ins take no seat from the list


def test_a_walk_in_already_on_the_list_is_marked_present(workshop) -> None:
    guest = EventRegistrationFactory(
        event=workshop,
        user=None,
        name="Léa",
        email="lea@example.org",
        status=RegistrationStatus.WAITING,
    )
    found = services.walk_in_add(event=workshop, name="Léa M.", email="LEA@example.org")
    assert found.pk == guest.pk
    assert (found.status, found.attendance) == (RegistrationStatus.CONFIRMED, "present")
    assert workshop.registrations.count() == 1


def test_a_walk_in_needs_a_name_and_a_held_event(workshop, organiser) -> None:
    with pytest.raises(services.RegistrationRefused):
        services.walk_in_add(event=workshop, name=" ")
    services.event_cancel(event=workshop, reason="Neige", user=organiser)
    with pytest.raises(services.RegistrationRefused, match="annulé"):
        services.walk_in_add(event=workshop, name="Jo")


def _populate(event: Event) -> None:
    """2 present, 1 absent, 1 excused at the door, 1 excused by cancelling,
    1 waiting, 1 pending guest, 2 walk-ins."""
    for attendance in ("present", "present", "absent", "excuse"):
        EventRegistrationFactory(event=event, attendance=attendance)
    EventRegistrationFactory(
        event=event, status=RegistrationStatus.CANCELLED, attendance=Attendance.EXCUSED
    )
    EventRegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    EventRegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    EventRegistrationFactory(
        event=event, user=None, email="x@example.org", status=RegistrationStatus.PENDING
    )
    for _ in range(2):
        EventRegistrationFactory(
            event=event, user=None, name="Sur place", walk_in=True, attendance=Attendance.PRESENT
        )


def test_event_stats_count_each_figure_in_one_query(territory, django_assert_num_queries) -> None:
    event = EventFactory(territory=territory, capacity=10, invited_count=150)
    _populate(event)
    with django_assert_num_queries(1):
        stats = services.event_stats(event)
    assert stats == services.Stats(
        invited=150,
        registered=5,
        confirmed=4,
        waiting=1,
        present=2,
        walk_ins=2,
        excused=2,
        absent=1,
    )
    assert stats.attended == 4
    assert stats.attendance_rate == pytest.approx(0.4)


def test_an_empty_event_has_no_rate(territory) -> None:
    stats = services.event_stats(EventFactory(territory=territory))
    assert stats.registered == 0
    assert stats.attendance_rate is None
    assert stats.invited is None


def test_period_stats_sum_the_held_events_of_the_period(territory) -> None:
    now = timezone.now()
    inside = [
        EventFactory(territory=territory, starts_at=now - dt.timedelta(days=d), invited_count=50)
        for d in (10, 20)
    ]
    for event in inside:
        _populate(event)
    conference = EventFactory(
        territory=territory, kind=EventKind.CONFERENCE, starts_at=now - dt.timedelta(days=5)
    )
    _populate(conference)
    _populate(EventFactory(territory=territory, starts_at=now - dt.timedelta(days=100)))
    _populate(
        EventFactory(
            territory=territory, status=EventStatus.DRAFT, starts_at=now - dt.timedelta(days=3)
        )
    )
    _populate(
        EventFactory(
            territory=territory, status=EventStatus.CANCELLED, starts_at=now - dt.timedelta(days=3)
        )
    )
    _populate(EventFactory(starts_at=now - dt.timedelta(days=3)))  # another territory
    start, end = (now - dt.timedelta(days=30)).date(), now.date()
    period = services.period_stats(territory=territory, start=start, end=end)
    assert [e.pk for e, _s in period.rows] == [inside[1].pk, inside[0].pk, conference.pk]
    assert period.totals.registered == 15
    assert period.totals.attended == 12
    assert period.totals.invited == 100
    workshops = services.period_stats(
        territory=territory, start=start, end=end, kind=EventKind.WORKSHOP
    )
    assert len(workshops.rows) == 2
    assert workshops.totals.walk_ins == 4


@pytest.mark.parametrize("events", [1, 6])
def test_period_stats_take_one_query_whatever_the_number_of_events(
    territory, django_assert_num_queries, events
) -> None:
    now = timezone.now()
    for day in range(events):
        _populate(EventFactory(territory=territory, starts_at=now - dt.timedelta(days=day + 1)))
    with django_assert_num_queries(1):
        period = services.period_stats(
            territory=territory, start=(now - dt.timedelta(days=10)).date(), end=now.date()
        )
    assert len(period.rows) == events


def test_adding_the_same_walk_in_twice_adds_one_person(workshop) -> None:
    first = services.walk_in_add(event=workshop, name="Jo Martin")
    again = services.walk_in_add(event=workshop, name="jo martin ")
    assert again.pk == first.pk
    assert workshop.registrations.count() == 1
