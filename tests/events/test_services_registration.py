"""Registrations: members, guests (double opt-in), the waiting list and cancellation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from events import services
from events.models import Attendance, Event, EventStatus, RegistrationStatus
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mails(mailoutbox, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run the after-commit callbacks (the e-mails) of the block."""

    class Mails:
        outbox = mailoutbox

        def __enter__(self):  # type: ignore[no-untyped-def]
            self._capture = django_capture_on_commit_callbacks(execute=True)
            self._capture.__enter__()
            return mailoutbox

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            return self._capture.__exit__(*exc)

    return Mails()


@pytest.fixture
def workshop(territory):  # type: ignore[no-untyped-def]
    return EventFactory(territory=territory, capacity=2, title="Atelier compost")


def test_a_member_gets_a_seat_and_a_mail_with_the_cancel_link(workshop, member, mails) -> None:
    with mails as outbox:
        registration = services.registration_create(event=workshop, user=member)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.confirmed_at is not None
    (mail,) = outbox
    assert mail.to == [member.email]
    assert "Atelier compost" in mail.subject
    assert f"/evenements/inscription/{registration.token}/annuler/" in mail.body


def test_a_member_goes_to_the_waiting_list_when_full(workshop, member, mails) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    with mails as outbox:
        registration = services.registration_create(event=workshop, user=member)
    assert registration.status == RegistrationStatus.WAITING
    assert "Liste d'attente" in outbox[0].subject


def test_seats_are_counted_again_under_the_lock(workshop, member) -> None:
    # The API loads the event with its seat counts; a seat taken meanwhile
    # by another request must still send this one to the waiting list.
    stale = Event.objects.with_seats().get(pk=workshop.pk)
    EventRegistrationFactory.create_batch(2, event=workshop)
    registration = services.registration_create(event=stale, user=member)
    assert registration.status == RegistrationStatus.WAITING


def test_it_refuses_a_second_registration_of_the_same_member(workshop, member) -> None:
    services.registration_create(event=workshop, user=member)
    with pytest.raises(services.RegistrationRefused) as refusal:
        services.registration_create(event=workshop, user=member)
    assert refusal.value.messages == ["Vous êtes déjà inscrit·e à cet événement."]
    assert workshop.registrations.count() == 1


def test_it_refuses_a_member_whose_address_registered_as_a_guest(workshop) -> None:
    services.registration_create(event=workshop, name="Léa", email="LEA@example.org")
    user = UserFactory(email="lea@example.org")
    with pytest.raises(services.RegistrationRefused, match="déjà inscrit"):
        services.registration_create(event=workshop, user=user)


def test_it_refuses_a_guest_using_a_registered_members_address(workshop, member) -> None:
    services.registration_create(event=workshop, user=member)
    with pytest.raises(services.RegistrationRefused, match="déjà inscrit"):
        services.registration_create(event=workshop, name="X", email=member.email.upper())


def test_a_member_may_register_again_after_cancelling(workshop, member) -> None:
    first = services.registration_create(event=workshop, user=member)
    services.registration_cancel(registration=first)
    again = services.registration_create(event=workshop, user=member)
    assert again.pk != first.pk
    assert again.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": EventStatus.CANCELLED}, "Cet événement est annulé"),
        ({"status": EventStatus.DRAFT}, "n'est pas encore publié"),
        ({"registration_open": False}, "Les inscriptions à cet événement sont closes."),
    ],
)
def test_it_refuses_registrations_when_the_event_does_not_take_them(
    workshop, member, change, message
) -> None:
    for field, value in change.items():
        setattr(workshop, field, value)
    workshop.save()
    with pytest.raises(services.RegistrationRefused, match=message):
        services.registration_create(event=workshop, user=member)
    assert not workshop.registrations.exists()


def test_it_refuses_registrations_once_the_event_started(workshop, member) -> None:
    with pytest.raises(services.RegistrationRefused) as refusal:
        services.registration_create(event=workshop, user=member, now=workshop.starts_at)
    assert refusal.value.messages == [
        "Cet événement a déjà commencé : les inscriptions sont closes."
    ]


def test_a_guest_is_pending_until_the_link_is_followed(workshop, mails) -> None:
    with mails as outbox:
        registration = services.registration_create(
            event=workshop, name=" Léa Martin ", email="lea@example.org"
        )
    assert registration.status == RegistrationStatus.PENDING
    assert registration.name == "Léa Martin"
    (mail,) = outbox
    assert mail.to == ["lea@example.org"]
    assert f"/evenements/confirmer/{registration.token}/" in mail.body
    assert workshop.seats_left() == 2  # a pending guest holds no seat


def test_a_guest_registering_again_while_pending_gets_the_link_again(workshop, mails) -> None:
    first = services.registration_create(event=workshop, name="Léa", email="lea@example.org")
    with mails as outbox:
        again = services.registration_create(event=workshop, name="Léa", email="Lea@Example.org")
    assert again.pk == first.pk
    assert len(outbox) == 1
    assert "Confirmez" in outbox[0].subject
    assert workshop.registrations.count() == 1


def test_an_expired_pending_registration_is_replaced_by_a_new_one(workshop) -> None:
    first = services.registration_create(event=workshop, name="Léa", email="lea@example.org")
    later = first.created_at + dt.timedelta(days=8)
    again = services.registration_create(
        event=workshop, name="Léa", email="lea@example.org", now=later
    )
    first.refresh_from_db()
    assert again.pk != first.pk
    assert first.status == RegistrationStatus.CANCELLED
    assert again.status == RegistrationStatus.PENDING


@pytest.mark.parametrize(("name", "email"), [("", "lea@example.org"), ("Léa", "pas-une-adresse")])
def test_it_refuses_a_guest_without_a_name_or_a_valid_address(workshop, name, email) -> None:
    with pytest.raises(services.RegistrationRefused):
        services.registration_create(event=workshop, name=name, email=email)
    assert not workshop.registrations.exists()


def test_following_the_link_gives_a_seat_then_changes_nothing(workshop, mails) -> None:
    pending = services.registration_create(event=workshop, name="Léa", email="lea@example.org")
    with mails as outbox:
        confirmed = services.registration_confirm(token=pending.token)
        again = services.registration_confirm(token=pending.token)
    assert confirmed.status == again.status == RegistrationStatus.CONFIRMED
    assert len(outbox) == 1  # the second click sends nothing


def test_following_the_link_when_full_puts_the_guest_on_the_waiting_list(workshop) -> None:
    pending = services.registration_create(event=workshop, name="Léa", email="lea@example.org")
    EventRegistrationFactory.create_batch(2, event=workshop)
    confirmed = services.registration_confirm(token=pending.token)
    assert confirmed.status == RegistrationStatus.WAITING


def test_an_expired_link_is_refused_with_a_way_forward(workshop) -> None:
    pending = services.registration_create(event=workshop, name="Léa", email="lea@example.org")
    with pytest.raises(services.RegistrationRefused) as refusal:
        services.registration_confirm(
            token=pending.token, now=pending.created_at + dt.timedelta(days=7, minutes=1)
        )
    assert "Inscrivez-vous à nouveau" in refusal.value.messages[0]
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING


def test_an_unknown_token_is_refused() -> None:
    with pytest.raises(services.RegistrationRefused, match="pas valide"):
        services.registration_confirm(token="inconnu")


def test_cancelling_a_seat_excuses_and_promotes_the_first_waiting(workshop, mails) -> None:
    seat, _other = EventRegistrationFactory.create_batch(2, event=workshop)
    first = services.registration_create(event=workshop, user=UserFactory())
    second = services.registration_create(event=workshop, user=UserFactory())
    with mails as outbox:
        cancelled = services.registration_cancel(registration=seat)
    first.refresh_from_db()
    second.refresh_from_db()
    assert cancelled.status == RegistrationStatus.CANCELLED
    assert cancelled.attendance == Attendance.EXCUSED
    assert first.status == RegistrationStatus.CONFIRMED
    assert first.promoted_at is not None
    assert second.status == RegistrationStatus.WAITING
    (mail,) = outbox
    assert mail.to == [first.user.email]
    assert "Une place s'est libérée" in mail.subject


def test_cancelling_twice_changes_nothing(workshop) -> None:
    seat = EventRegistrationFactory(event=workshop)
    services.registration_cancel(registration=seat)
    again = services.registration_cancel(registration=seat)
    assert again.status == RegistrationStatus.CANCELLED


def test_leaving_the_waiting_list_promotes_nobody_and_is_not_an_excuse(workshop) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    first = services.registration_create(event=workshop, user=UserFactory())
    second = services.registration_create(event=workshop, user=UserFactory())
    cancelled = services.registration_cancel(registration=first)
    second.refresh_from_db()
    assert cancelled.attendance == Attendance.UNKNOWN
    assert second.status == RegistrationStatus.WAITING
    assert services.waiting_rank(second) == 1


def test_it_refuses_to_cancel_once_the_event_started(workshop) -> None:
    seat = EventRegistrationFactory(event=workshop)
    with pytest.raises(services.RegistrationRefused, match="déjà commencé"):
        services.registration_cancel(registration=seat, now=workshop.starts_at)


def test_the_waiting_list_is_served_in_order_of_arrival(workshop) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    waiting = [services.registration_create(event=workshop, user=UserFactory()) for _ in range(3)]
    assert [services.waiting_rank(r) for r in waiting] == [1, 2, 3]
    workshop.capacity = 4
    workshop.save(update_fields=["capacity"])
    promoted = services.waiting_list_promote(event=workshop)
    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]


def test_nobody_is_promoted_into_a_started_or_cancelled_event(workshop) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    services.registration_create(event=workshop, user=UserFactory())
    workshop.capacity = 5
    workshop.save(update_fields=["capacity"])
    assert services.waiting_list_promote(event=workshop, now=workshop.starts_at) == []
    workshop.status = EventStatus.CANCELLED
    workshop.save(update_fields=["status"])
    assert services.waiting_list_promote(event=workshop) == []


def test_an_organiser_adds_someone_without_e_mail_confirmation(workshop, mails) -> None:
    workshop.registration_open = False
    workshop.save(update_fields=["registration_open"])
    with mails as outbox:
        by_phone = services.registration_create(event=workshop, name="M. Roux", by_organiser=True)
        by_mail = services.registration_create(
            event=workshop, name="Mme Blanc", email="blanc@example.org", by_organiser=True
        )
    assert by_phone.status == by_mail.status == RegistrationStatus.CONFIRMED
    assert [m.to for m in outbox] == [["blanc@example.org"]]
    with pytest.raises(services.RegistrationRefused, match="déjà inscrit"):
        services.registration_create(event=workshop, name="m. roux", by_organiser=True)


def test_the_rank_annotation_matches_the_waiting_rank(workshop) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    waiting = [services.registration_create(event=workshop, user=UserFactory()) for _ in range(2)]
    ranks = dict(
        workshop.registrations.with_rank().values_list("pk", "rank")  # type: ignore[attr-defined]
    )
    assert [ranks[r.pk] for r in waiting] == [1, 2]
    assert sum(1 for rank in ranks.values() if rank is None) == 2


def test_the_registration_now_defaults_to_the_present(workshop, member) -> None:
    before = timezone.now()
    registration = services.registration_create(event=workshop, user=member)
    assert registration.confirmed_at is not None
    assert registration.confirmed_at >= before
