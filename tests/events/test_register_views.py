"""The public event page, registering (member, guest), the e-mailed links and
« mes inscriptions »."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Audience, EventStatus, RegistrationStatus
from events.views.register import GUEST_RATE
from tests.events.factories import EventFactory, EventPhotoFactory, EventRegistrationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SATURDAY = dt.datetime(2031, 12, 13, 13, 0, tzinfo=dt.UTC)  # 14 h in Paris


@pytest.fixture
def workshop(territory):  # type: ignore[no-untyped-def]
    return EventFactory(
        territory=territory,
        title="Atelier lessive maison",
        starts_at=SATURDAY,
        ends_at=SATURDAY + dt.timedelta(hours=3),
        place_name="Tiers-lieu La Gare",
        address="2 rue de la Gare",
        access_note="Accessible en fauteuil ; bus ligne 2, arrêt Gare",
        capacity=3,
        latitude="44.72800",
        longitude="5.02300",
    )


def _url(name: str, event) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"events:{name}", args=[event.territory.slug, event.pk])


def _page(client, event) -> str:  # type: ignore[no-untyped-def]
    response = client.get(_url("detail", event))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_says_when_where_and_how_many_places_are_left(client, workshop) -> None:
    EventRegistrationFactory(event=workshop)
    page = _page(client, workshop)
    for expected in (
        "Atelier lessive maison",
        "Samedi 13 décembre 2031 de 14 h à 17 h",
        "Tiers-lieu La Gare",
        "Accessible en fauteuil ; bus ligne 2, arrêt Gare",
        "2 places restantes",
        "openstreetmap.org/?mlat=44.72800",
    ):
        assert expected in page


def test_a_full_event_offers_the_waiting_list(client, workshop) -> None:
    EventRegistrationFactory.create_batch(3, event=workshop)
    page = _page(client, workshop)
    assert "Complet — liste d'attente" in page
    assert "M'inscrire sur la liste d'attente" in page


def test_a_visitor_gets_the_guest_form_and_a_way_to_log_in(client, workshop) -> None:
    page = _page(client, workshop)
    assert 'name="email"' in page
    assert 'name="consent"' in page
    assert "connectez-vous" in page


def test_a_challenge_event_has_no_guest_form(client, workshop) -> None:
    workshop.audience = Audience.CHALLENGE
    workshop.save()
    page = _page(client, workshop)
    assert 'name="email"' not in page
    assert "Connectez-vous pour vous inscrire" in page


def test_a_registered_member_sees_the_status_rank_and_cancel_button(
    client, workshop, member
) -> None:
    EventRegistrationFactory.create_batch(3, event=workshop)
    EventRegistrationFactory(event=workshop, status=RegistrationStatus.WAITING)
    EventRegistrationFactory(event=workshop, user=member, status=RegistrationStatus.WAITING)
    client.force_login(member)
    page = _page(client, workshop)
    assert "Vous êtes sur la liste d'attente" in page
    assert "rang 2" in page
    assert "Annuler mon inscription" in page


def test_a_draft_is_hidden_from_the_public_and_flagged_for_organisers(
    client, territory, organiser
) -> None:
    draft = EventFactory(territory=territory, status=EventStatus.DRAFT)
    assert client.get(_url("detail", draft)).status_code == 404
    client.force_login(organiser)
    assert "n'est pas publié" in _page(client, draft)


def test_a_cancelled_event_shows_why(client, workshop) -> None:
    workshop.status, workshop.cancel_reason = EventStatus.CANCELLED, "Salle inondée"
    workshop.save()
    page = _page(client, workshop)
    assert "Événement annulé." in page
    assert "Salle inondée" in page
    assert 'name="email"' not in page


def test_photos_appear_once_the_event_is_over(client, territory) -> None:
    photo = EventPhotoFactory(event__territory=territory, alt_text="Le composteur du quartier")
    page = _page(client, photo.event)
    assert 'alt="Le composteur du quartier"' in page
    served = client.get(reverse("events:photo", args=[territory.slug, photo.event_id, photo.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_the_page_does_not_query_more_with_more_registrations(
    client, workshop, member, django_assert_max_num_queries
) -> None:
    client.force_login(member)
    EventRegistrationFactory.create_batch(2, event=workshop)
    with django_assert_max_num_queries(12) as small:
        _page(client, workshop)
    EventRegistrationFactory.create_batch(20, event=workshop, status=RegistrationStatus.WAITING)
    with django_assert_max_num_queries(len(small.captured_queries)):
        _page(client, workshop)


# --- registering --------------------------------------------------------------------


def test_a_member_registers_with_one_button(client, workshop, member) -> None:
    client.force_login(member)
    response = client.post(_url("register", workshop), follow=True)
    assert "Vous êtes inscrit·e." in response.content.decode()
    assert workshop.registrations.get().status == RegistrationStatus.CONFIRMED


def test_registering_twice_is_a_clear_refusal(client, workshop, member) -> None:
    client.force_login(member)
    client.post(_url("register", workshop))
    response = client.post(_url("register", workshop))
    assert response.status_code == 400
    assert "Vous êtes déjà inscrit·e à cet événement." in response.content.decode()
    assert workshop.registrations.count() == 1


def test_registering_after_the_start_is_refused(client, territory, member) -> None:
    started = EventFactory(territory=territory, starts_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(member)
    response = client.post(_url("register", started))
    assert response.status_code == 400
    assert "déjà commencé" in response.content.decode()


def test_a_guest_is_asked_to_check_the_mailbox(
    client, workshop, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("guest_register", workshop),
            {"name": "Léa Martin", "email": "lea@example.org", "consent": "on"},
        )
    assert response.status_code == 200
    assert "Vérifiez votre boîte" in response.content.decode()
    registration = workshop.registrations.get()
    assert registration.status == RegistrationStatus.PENDING
    assert mailoutbox[0].to == ["lea@example.org"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "Léa Martin", "email": "lea@", "consent": "on"},
            "email",
            "Indiquez une adresse e-mail valide",
        ),
        (
            {"name": "Léa Martin", "email": "lea@example.org"},
            "consent",
            "Cochez cette case pour vous inscrire.",
        ),
    ],
)
def test_a_bad_guest_form_comes_back_with_the_message_and_the_input(
    client, workshop, data, field, message
) -> None:
    response = client.post(_url("guest_register", workshop), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert 'value="Léa Martin"' in page
    assert not workshop.registrations.exists()


def test_guest_registrations_are_limited_per_address(client, territory) -> None:
    events = EventFactory.create_batch(GUEST_RATE.limit + 1, territory=territory)
    statuses = [
        client.post(
            _url("guest_register", event),
            {"name": "Robot", "email": f"r{i}@example.org", "consent": "on"},
        ).status_code
        for i, event in enumerate(events)
    ]
    assert statuses == [200] * GUEST_RATE.limit + [429]
    assert (
        "au plus 10 inscriptions"
        in client.post(
            _url("guest_register", events[0]),
            {"name": "Robot", "email": "x@example.org", "consent": "on"},
        ).content.decode()
    )


def test_the_confirmation_link_asks_before_confirming(client, workshop) -> None:
    pending = EventRegistrationFactory(
        event=workshop,
        user=None,
        name="Léa",
        email="lea@example.org",
        status=RegistrationStatus.PENDING,
        confirmed_at=None,
    )
    url = reverse("events:guest_confirm", args=[pending.token])
    response = client.get(url)
    assert "Je confirme mon inscription" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == RegistrationStatus.PENDING  # a mail scanner confirms nothing
    response = client.post(url, follow=True)
    assert "Vous êtes inscrit·e." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "events:registration_cancel", args=[pending.token]
    )


def test_an_expired_link_says_to_register_again(client, workshop) -> None:
    pending = EventRegistrationFactory(
        event=workshop, user=None, email="lea@example.org", status=RegistrationStatus.PENDING
    )
    type(pending).objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    response = client.post(reverse("events:guest_confirm", args=[pending.token]))
    assert response.status_code == 400
    assert "Inscrivez-vous à nouveau" in response.content.decode()


def test_an_unknown_link_is_not_found(client) -> None:
    assert client.get(reverse("events:guest_confirm", args=["nope"])).status_code == 404
    assert client.get(reverse("events:registration_cancel", args=["nope"])).status_code == 404


def test_the_cancel_link_cancels_and_gives_the_seat_away(client, workshop) -> None:
    seats = EventRegistrationFactory.create_batch(3, event=workshop)
    waiting = EventRegistrationFactory(event=workshop, status=RegistrationStatus.WAITING)
    url = reverse("events:registration_cancel", args=[seats[0].token])
    assert "Annuler mon inscription" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "Votre inscription est annulée." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_cancelling_after_the_start_is_refused(client, territory) -> None:
    started = EventFactory(territory=territory, starts_at=timezone.now() - dt.timedelta(hours=1))
    seat = EventRegistrationFactory(event=started)
    response = client.post(reverse("events:registration_cancel", args=[seat.token]))
    assert response.status_code == 400
    assert "ne peut plus être annulée" in response.content.decode()


def test_my_registrations_lists_upcoming_and_past_including_guest_ones(
    client, territory, member
) -> None:
    coming = EventRegistrationFactory(
        event=EventFactory(territory=territory, title="Balade thermique"), user=member
    )
    EventRegistrationFactory(
        event=EventFactory(territory=territory, title="Repair café"),
        user=None,
        email=member.email.upper(),
        status=RegistrationStatus.WAITING,
    )
    past = EventFactory(
        territory=territory, title="Compostage", starts_at=timezone.now() - dt.timedelta(days=9)
    )
    EventRegistrationFactory(event=past, user=member, attendance="present")
    EventRegistrationFactory(event=EventFactory(territory=territory, title="Pas à moi"))
    client.force_login(member)
    page = client.get(reverse("events:my_registrations")).content.decode()
    for expected in ("Balade thermique", "Repair café", "rang 1", "Compostage", "Présent"):
        assert expected in page
    assert "Pas à moi" not in page
    assert reverse("events:registration_cancel", args=[coming.token]) in page


@pytest.mark.parametrize("count", [1, 8])
def test_my_registrations_take_the_same_queries_whatever_their_number(
    client, territory, member, django_assert_num_queries, count
) -> None:
    for _ in range(count):
        EventRegistrationFactory(event=EventFactory(territory=territory), user=member)
        EventRegistrationFactory(
            event=EventFactory(territory=territory),
            user=member,
            status=RegistrationStatus.WAITING,
        )
    client.force_login(member)
    with django_assert_num_queries(3):  # session, user, registrations
        assert client.get(reverse("events:my_registrations")).status_code == 200


def test_a_logged_in_person_uses_the_button_not_the_guest_form(client, workshop) -> None:
    client.force_login(UserFactory())
    response = client.post(
        _url("guest_register", workshop),
        {"name": "Léa", "email": "lea@example.org", "consent": "on"},
    )
    assert response.status_code == 302
    assert not workshop.registrations.exists()
