"""The organisers' pages: list, form, publish, cancel, catalogue, registrations,
attendance (tablet, HTMX), statistics and photos."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.forms import MAX_PHOTO_BYTES
from events.models import (
    Attendance,
    Event,
    EventKind,
    EventPhoto,
    EventStatus,
    RegistrationStatus,
    WorkshopTemplate,
)
from tests.events.factories import (
    EventFactory,
    EventPhotoFactory,
    EventRegistrationFactory,
    png_bytes,
)
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_organiser(client, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    return client


@pytest.fixture
def workshop(territory):  # type: ignore[no-untyped-def]
    return EventFactory(territory=territory, capacity=2, title="Repair café")


def _url(name: str, event) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"events:{name}", args=[event.territory.slug, event.pk])


def _territory_url(name: str, territory) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"events:{name}", args=[territory.slug])


def _form_data(**overrides: str) -> dict[str, str]:
    start = timezone.localtime() + dt.timedelta(days=14)
    data = {
        "title": "Balade thermique",
        "kind": EventKind.VISIT,
        "theme": "logement",
        "audience": "public",
        "starts_at": start.strftime("%Y-%m-%dT18:00"),
        "ends_at": start.strftime("%Y-%m-%dT20:00"),
        "place_name": "Place de la mairie",
        "capacity": "20",
        "registration_open": "on",
    }
    data.update(overrides)
    return data


# --- list ---------------------------------------------------------------------------


def test_the_list_shows_drafts_upcoming_and_past_with_figures(as_organiser, territory) -> None:
    EventFactory(territory=territory, title="Brouillon compost", status=EventStatus.DRAFT)
    coming = EventFactory(territory=territory, title="Atelier lessive", capacity=12)
    EventRegistrationFactory.create_batch(3, event=coming)
    past = EventFactory(
        territory=territory,
        title="Conférence",
        invited_count=180,
        starts_at=timezone.now() - dt.timedelta(days=20),
    )
    EventRegistrationFactory.create_batch(2, event=past, attendance=Attendance.PRESENT)
    page = as_organiser.get(_territory_url("manage", territory)).content.decode()
    for expected in ("Brouillon compost", "Atelier lessive", "3 / 12", "Conférence", "180"):
        assert expected in page


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_takes_the_same_queries_whatever_the_number_of_events(
    as_organiser, territory, django_assert_num_queries, count
) -> None:
    now = timezone.now()
    for day in range(count):
        EventRegistrationFactory(event=EventFactory(territory=territory))
        EventRegistrationFactory(
            event=EventFactory(territory=territory, starts_at=now - dt.timedelta(days=day + 2))
        )
        EventFactory(territory=territory, status=EventStatus.DRAFT)
    # session, user, territory, roles; drafts, upcoming, past
    with django_assert_num_queries(7):
        as_organiser.get(_territory_url("manage", territory))


# --- the event form --------------------------------------------------------------------


def test_an_organiser_creates_a_draft_placed_at_the_commune_centre(
    as_organiser, territory, organiser
) -> None:
    CommuneFactory(
        insee_code="26281",
        name="Saillans",
        postal_codes=" 26340",
        latitude="44.69750",
        longitude="5.19530",
    )
    response = as_organiser.post(
        _territory_url("create", territory), _form_data(commune="Saillans (26340)")
    )
    event = Event.objects.get(title="Balade thermique")
    assert response.status_code == 302
    assert response["Location"] == _url("edit", event)
    assert event.status == EventStatus.DRAFT
    assert event.created_by == organiser
    assert event.commune_id == "26281"
    assert (str(event.latitude), str(event.longitude)) == ("44.69750", "5.19530")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ends_at": (timezone.localtime() + dt.timedelta(days=14)).strftime("%Y-%m-%dT17:00")},
            "ends_at",
            "La fin doit être après le début.",
        ),
        ({"capacity": "0"}, "capacity", "Indiquez au moins une place"),
        (
            {
                "starts_at": "2020-01-10T18:00",
                "ends_at": "2020-01-10T20:00",
            },
            "starts_at",
            "Cette date est passée",
        ),
        ({"commune": "Nulle-Part-sur-Mer"}, "commune", "Commune introuvable"),
    ],
)
def test_bad_input_comes_back_with_the_message_next_to_the_field(
    as_organiser, territory, overrides, field, message
) -> None:
    response = as_organiser.post(_territory_url("create", territory), _form_data(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert 'value="Balade thermique"' in page  # nothing typed is lost
    assert not Event.objects.filter(title="Balade thermique").exists()


def test_editing_the_date_of_a_published_event_tells_registrants(
    as_organiser, workshop, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    EventRegistrationFactory(event=workshop)
    new_day = timezone.localtime(workshop.starts_at) + dt.timedelta(days=2)
    data = _form_data(
        title="Repair café",
        starts_at=new_day.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(new_day + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(_url("edit", workshop), data)
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.sequence == 1
    assert [m.subject for m in mailoutbox] == ["[Élan] Changement : Repair café"]


def test_an_existing_event_may_keep_a_past_date(as_organiser, territory) -> None:
    past = EventFactory(territory=territory, starts_at=timezone.now() - dt.timedelta(days=3))
    start = timezone.localtime(past.starts_at)
    data = _form_data(
        title="Compte rendu ajouté",
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        invited_count="150",
    )
    assert as_organiser.post(_url("edit", past), data).status_code == 302
    past.refresh_from_db()
    assert past.invited_count == 150


def test_publishing_puts_the_draft_in_the_agenda(as_organiser, territory) -> None:
    draft = EventFactory(territory=territory, status=EventStatus.DRAFT, published_at=None)
    response = as_organiser.post(_url("publish", draft))
    draft.refresh_from_db()
    assert response["Location"] == _url("detail", draft)
    assert draft.status == EventStatus.PUBLISHED
    assert draft.published_at is not None


def test_cancelling_asks_for_a_reason_then_tells_everyone(
    as_organiser, workshop, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    url = _url("cancel", workshop)
    assert "2 personnes inscrites ou en attente" in as_organiser.get(url).content.decode()
    response = as_organiser.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Indiquez la raison de l&#x27;annulation." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(url, {"reason": "Intervenant malade"})
    workshop.refresh_from_db()
    assert workshop.status == EventStatus.CANCELLED
    assert len(mailoutbox) == 2
    assert "Intervenant malade" in mailoutbox[0].body


# --- catalogue ------------------------------------------------------------------------


def test_the_catalogue_lists_the_workshops_by_theme(as_organiser, territory) -> None:
    page = as_organiser.get(_territory_url("catalogue", territory)).content.decode()
    assert "Les bases du compostage" in page
    assert "Repair café" in page
    assert '<h2 id="theme-1">' in page
    assert "Déchets" in page
    assert page.count("Créer la séance") == WorkshopTemplate.objects.count()


def test_two_clicks_create_a_draft_from_the_catalogue(as_organiser, territory) -> None:
    template = WorkshopTemplate.objects.get(title="Les bases du compostage")
    day = timezone.localdate() + dt.timedelta(days=21)
    prefix = f"atelier-{template.pk}"
    response = as_organiser.post(
        _territory_url("create_from_template", territory),
        {
            "template": template.pk,
            f"{prefix}-date": day.isoformat(),
            f"{prefix}-start": "14:30",
            f"{prefix}-place_name": "Jardin partagé",
        },
    )
    event = Event.objects.get(template=template)
    assert response["Location"] == _url("edit", event)
    local = timezone.localtime(event.starts_at)
    assert (local.date(), local.hour, local.minute) == (day, 14, 30)
    assert event.place_name == "Jardin partagé"
    assert event.status == EventStatus.DRAFT


def test_a_past_date_in_the_catalogue_form_is_refused_with_the_input_kept(
    as_organiser, territory
) -> None:
    template = WorkshopTemplate.objects.get(title="Repair café")
    prefix = f"atelier-{template.pk}"
    response = as_organiser.post(
        _territory_url("create_from_template", territory),
        {
            "template": template.pk,
            f"{prefix}-date": "2020-03-01",
            f"{prefix}-start": "10:00",
            f"{prefix}-place_name": "Salle Coluche",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cette date est passée" in page
    assert 'value="Salle Coluche"' in page
    assert f'id="id_{prefix}-date_error"' in page
    assert not Event.objects.filter(template=template).exists()


def test_an_unknown_catalogue_entry_is_not_found(as_organiser, territory) -> None:
    url = _territory_url("create_from_template", territory)
    assert as_organiser.post(url, {"template": "999999"}).status_code == 404


# --- registrations --------------------------------------------------------------------


def test_the_registrations_page_shows_statuses_and_waiting_ranks(as_organiser, workshop) -> None:
    EventRegistrationFactory.create_batch(2, event=workshop)
    EventRegistrationFactory(
        event=workshop,
        user=None,
        name="Léa Martin",
        email="lea@example.org",
        status=RegistrationStatus.WAITING,
    )
    page = as_organiser.get(_url("registrations", workshop)).content.decode()
    assert "Léa Martin" in page
    assert "Liste d&#x27;attente" in page
    assert "<td>1</td>" in page


def test_an_organiser_adds_a_person_by_hand(as_organiser, workshop) -> None:
    response = as_organiser.post(_url("registrations", workshop), {"name": "M. Roux"})
    assert response.status_code == 302
    assert workshop.registrations.get().status == RegistrationStatus.CONFIRMED
    again = as_organiser.post(
        _url("registrations", workshop), {"name": "Mme Blanc", "email": "blanc@example.org"}
    )
    assert again.status_code == 302
    twice = as_organiser.post(
        _url("registrations", workshop), {"name": "Mme Blanc", "email": "BLANC@example.org"}
    )
    assert twice.status_code == 400
    assert "déjà inscrit" in twice.content.decode()


@pytest.mark.parametrize("count", [2, 12])
def test_the_registrations_page_takes_the_same_queries_whatever_their_number(
    as_organiser, workshop, django_assert_num_queries, count
) -> None:
    EventRegistrationFactory.create_batch(count, event=workshop)
    EventRegistrationFactory.create_batch(count, event=workshop, status=RegistrationStatus.WAITING)
    # session, user, event, roles, seats, registrations, and the access log
    # (the count of people concerned, the entry)
    with django_assert_num_queries(8):
        as_organiser.get(_url("registrations", workshop))


# --- attendance -----------------------------------------------------------------------


def test_the_attendance_sheet_lists_the_confirmed_people(as_organiser, workshop) -> None:
    EventRegistrationFactory(event=workshop, user=None, name="Aline Roux")
    EventRegistrationFactory(
        event=workshop, user=None, name="Bruno Attente", status=RegistrationStatus.WAITING
    )
    page = as_organiser.get(_url("attendance", workshop)).content.decode()
    assert "Aline Roux" in page
    assert "Bruno Attente" not in page
    assert 'aria-pressed="false"' in page


def test_one_tap_marks_a_row_and_updates_the_counters(as_organiser, workshop) -> None:
    seat = EventRegistrationFactory(event=workshop, user=None, name="Aline Roux")
    response = as_organiser.post(
        reverse("events:attendance_mark", args=[workshop.territory.slug, workshop.pk]),
        {"registration": seat.pk, "attendance": "present"},
        **HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="presence-{seat.pk}"' in page
    assert 'value="present" class="choice" aria-pressed="true"' in page
    assert 'id="compteurs" aria-live="polite" hx-swap-oob="true"' in page
    assert "<strong>1</strong> présent·es" in page
    seat.refresh_from_db()
    assert seat.attendance == Attendance.PRESENT


def test_without_javascript_marking_goes_back_to_the_sheet(as_organiser, workshop) -> None:
    seat = EventRegistrationFactory(event=workshop)
    response = as_organiser.post(
        reverse("events:attendance_mark", args=[workshop.territory.slug, workshop.pk]),
        {"registration": seat.pk, "attendance": "excuse"},
    )
    assert response["Location"] == _url("attendance", workshop)
    seat.refresh_from_db()
    assert seat.attendance == Attendance.EXCUSED


def test_marking_refuses_bad_values_and_other_events_rows(as_organiser, workshop) -> None:
    url = reverse("events:attendance_mark", args=[workshop.territory.slug, workshop.pk])
    seat = EventRegistrationFactory(event=workshop)
    assert as_organiser.post(url, {"registration": seat.pk, "attendance": "?"}).status_code == 400
    elsewhere = EventRegistrationFactory(event=EventFactory(territory=workshop.territory))
    response = as_organiser.post(url, {"registration": elsewhere.pk, "attendance": "present"})
    assert response.status_code == 404
    waiting = EventRegistrationFactory(event=workshop, status=RegistrationStatus.WAITING)
    response = as_organiser.post(url, {"registration": waiting.pk, "attendance": "present"})
    assert response.status_code == 400
    assert "Seules les personnes inscrites" in response.content.decode()
    tampered = as_organiser.post(url, {"registration": "abc", "attendance": "present"})
    assert tampered.status_code == 400


def test_a_refused_tap_swaps_the_row_back_with_the_reason(as_organiser, workshop) -> None:
    url = reverse("events:attendance_mark", args=[workshop.territory.slug, workshop.pk])
    cancelled = EventRegistrationFactory(event=workshop, status=RegistrationStatus.CANCELLED)
    response = as_organiser.post(
        url, {"registration": cancelled.pk, "attendance": "present"}, **HTMX
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.startswith(f'<li class="attendance-row" id="presence-{cancelled.pk}">')
    assert 'role="alert">Seules les personnes inscrites peuvent être pointées.' in page


def test_a_walk_in_is_added_present_and_the_sheet_comes_back(as_organiser, workshop) -> None:
    url = reverse("events:walk_in", args=[workshop.territory.slug, workshop.pk])
    response = as_organiser.post(url, {"sur-place-name": "Jo Martin"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Jo Martin" in page
    assert "<strong>1</strong> venu·es sans inscription" in page
    assert "<html" not in page  # the partial only
    walk_in = workshop.registrations.get()
    assert walk_in.walk_in
    assert walk_in.attendance == Attendance.PRESENT


def test_a_walk_in_without_a_name_is_refused_with_the_email_kept(as_organiser, workshop) -> None:
    url = reverse("events:walk_in", args=[workshop.territory.slug, workshop.pk])
    response = as_organiser.post(url, {"sur-place-name": "", "sur-place-email": "jo@example.org"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_sur-place-name_error"' in page
    assert 'value="jo@example.org"' in page
    assert not workshop.registrations.exists()


# --- statistics -----------------------------------------------------------------------


def test_the_stats_show_a_chart_and_the_same_numbers_in_tables(
    client, territory, coordinator
) -> None:
    held = EventFactory(
        territory=territory,
        title="Soirée de lancement",
        kind=EventKind.LAUNCH,
        invited_count=180,
        starts_at=timezone.now() - dt.timedelta(days=10),
    )
    EventRegistrationFactory.create_batch(3, event=held, attendance=Attendance.PRESENT)
    EventRegistrationFactory(event=held, attendance=Attendance.EXCUSED)
    client.force_login(coordinator)
    page = client.get(_territory_url("stats", territory)).content.decode()
    assert 'role="img"' in page
    assert '<title id="participation-titre">' in page
    assert "Soirée de lancement" in page
    assert "<td>180</td>" in page
    assert "<strong>75 %</strong>" in page


def test_the_stats_filter_by_kind_and_period(as_organiser, territory) -> None:
    ago = timezone.now() - dt.timedelta(days=10)
    EventFactory(territory=territory, title="Atelier A", starts_at=ago)
    EventFactory(
        territory=territory, title="Conférence B", kind=EventKind.CONFERENCE, starts_at=ago
    )
    day = timezone.localdate()
    query = {"start": (day - dt.timedelta(days=30)).isoformat(), "end": day.isoformat()}
    page = as_organiser.get(
        _territory_url("stats", territory), {**query, "kind": EventKind.CONFERENCE}
    ).content.decode()
    assert "Conférence B" in page
    assert "Atelier A" not in page


def test_a_reversed_period_is_bad_input(as_organiser, territory) -> None:
    response = as_organiser.get(
        _territory_url("stats", territory), {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert response.status_code == 400
    assert "La fin de la période doit être après son début." in response.content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_the_stats_take_the_same_queries_whatever_the_number_of_events(
    as_organiser, territory, django_assert_num_queries, count
) -> None:
    for day in range(count):
        held = EventFactory(
            territory=territory, starts_at=timezone.now() - dt.timedelta(days=day + 1)
        )
        EventRegistrationFactory.create_batch(2, event=held, attendance=Attendance.PRESENT)
    # session, user, territory, roles, period
    with django_assert_num_queries(5):
        assert as_organiser.get(_territory_url("stats", territory)).status_code == 200


# --- photos --------------------------------------------------------------------------


def _upload(name: str = "atelier.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or png_bytes(), content_type="image/png")


def test_photos_wait_for_the_end_of_the_event(as_organiser, workshop) -> None:
    assert (
        "une fois l&#x27;événement terminé"
        in as_organiser.get(_url("photos", workshop)).content.decode()
    )
    response = as_organiser.post(
        _url("photos", workshop), {"image": _upload(), "alt_text": "Un atelier"}
    )
    assert response.status_code == 400
    assert not EventPhoto.objects.exists()


def test_a_photo_is_added_with_its_description_after_the_event(as_organiser, territory) -> None:
    held = EventFactory(territory=territory, starts_at=timezone.now() - dt.timedelta(days=1))
    response = as_organiser.post(
        _url("photos", held),
        {"image": _upload(), "alt_text": "Trois personnes réparent un grille-pain"},
    )
    assert response.status_code == 302
    assert held.photos.get().alt_text == "Trois personnes réparent un grille-pain"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"alt_text": ""}, "Décrivez la photo en une phrase"),
        ({"alt_text": "Trop lourde", "big": True}, "Cette photo dépasse 8 Mo"),
        ({"alt_text": "Un GIF", "gif": True}, "au format JPEG, PNG ou WebP"),
    ],
)
def test_a_photo_without_description_or_too_big_is_refused(
    as_organiser, territory, data, message
) -> None:
    held = EventFactory(territory=territory, starts_at=timezone.now() - dt.timedelta(days=1))
    content = png_bytes() + b"\0" * MAX_PHOTO_BYTES if data.pop("big", False) else None
    name = "anime.gif" if data.pop("gif", False) else "atelier.png"
    upload = _upload(name=name, content=content)
    response = as_organiser.post(_url("photos", held), {"image": upload, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EventPhoto.objects.exists()


def test_a_photo_is_deleted_with_its_file(as_organiser, territory) -> None:
    photo = EventPhotoFactory(event__territory=territory)
    storage, name = photo.image.storage, photo.image.name
    url = reverse("events:photo_delete", args=[territory.slug, photo.event_id, photo.pk])
    assert as_organiser.post(url).status_code == 302
    assert not EventPhoto.objects.exists()
    assert not storage.exists(name)


def test_a_draft_events_photo_is_hidden(client, territory) -> None:
    photo = EventPhotoFactory(event__territory=territory, event__status=EventStatus.DRAFT)
    url = reverse("events:photo", args=[territory.slug, photo.event_id, photo.pk])
    assert client.get(url).status_code == 404
