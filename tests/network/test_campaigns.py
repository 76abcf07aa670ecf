"""Campaign weeks: declarations by actors' contacts, moderation, the agenda's
events of accepted actions, the edition's figures against the previous one,
the organisers' and the public pages, and the bad input of the form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import OutgoingEmail
from events.models import Audience, Event, EventKind, EventStatus
from events.selectors import AgendaFilters, agenda_events
from network import campaigns
from network.campaigns import DateIn, PhotoIn
from network.models import ActionStatus, CampaignAction, CampaignWeek
from network.services import NetworkRefused
from territories.models import Role
from tests.factories import CommuneFactory, MembershipFactory, TerritoryFactory, UserFactory
from tests.network.campaign_factories import (
    CampaignActionFactory,
    CampaignWeekFactory,
    action_with_dates,
    add_dates,
    png,
)
from tests.network.factories import ActorFactory, ContactFactory

pytestmark = pytest.mark.django_db

SLUG = "val-de-drome"


@pytest.fixture
def week(territory):  # type: ignore[no-untyped-def]
    return CampaignWeekFactory(
        territory=territory, title="Semaine européenne de réduction des déchets 2015"
    )


def at(week: CampaignWeek, offset: int, hour: int, hours: int = 2) -> DateIn:
    day = week.starts_on + dt.timedelta(days=offset)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return DateIn(starts_at=starts, ends_at=starts + dt.timedelta(hours=hours))


def values(territory: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Disco soupe au marché",
        "description": "On cuisine les invendus du marché, en musique.",
        "place_name": "Marché couvert",
        "commune": territory.communes.get(),
        "audience": "public",
        "expected_attendance": 80,
        "staff_days": Decimal("2"),
        "material_expenses": Decimal("150"),
    }
    return {**data, **overrides}


def declare(week: CampaignWeek, actor: Any, user: Any, **kwargs: Any) -> CampaignAction:
    kwargs.setdefault("dates", [at(week, 0, 10), at(week, 1, 14)])
    return campaigns.action_declare(
        week=week, actor=actor, data=values(week.territory), user=user, **kwargs
    )


def mails(reference: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(reference=reference).order_by("pk"))


# --- services: declaring ------------------------------------------------------------


def test_an_action_on_two_dates_is_one_action_and_the_organisers_hear_of_it(
    week, actor, actor_contact, organiser
) -> None:
    partner = ActorFactory(territory=week.territory, name="Les Colibris")
    action = declare(week, actor, actor_contact, partners=[partner])
    assert action.status == ActionStatus.SUBMITTED
    assert action.dates.count() == 2
    assert list(action.partners.all()) == [partner]
    assert action.declared_by == actor_contact
    (mail,) = mails("network:campaign-to-moderate")
    assert mail.recipient == organiser.email
    assert "Nouvelle action à relire" in mail.subject
    assert "Disco soupe au marché" in mail.body


def test_after_the_deadline_a_contact_is_refused_but_an_organiser_may_add(
    week, actor, actor_contact, organiser
) -> None:
    week.declaration_deadline = timezone.localdate() - dt.timedelta(days=1)
    week.save()
    with pytest.raises(NetworkRefused, match="sont closes depuis le"):
        declare(week, actor, actor_contact)
    assert not CampaignAction.objects.exists()
    action = declare(week, actor, organiser, by_organiser=True)
    assert action.pk is not None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"dates": []}, "dates", "au moins une date"),
        ({"staff_days": Decimal("-1")}, "staff_days", "positif ou nul"),
        ({"material_expenses": Decimal("-5")}, "material_expenses", "positif ou nul"),
    ],
)
def test_bad_declarations_are_refused_field_by_field(
    week, actor, actor_contact, change, field, message
) -> None:
    dates = change.pop("dates", [at(week, 0, 10)])
    with pytest.raises(NetworkRefused) as refusal:
        campaigns.action_declare(
            week=week,
            actor=actor,
            data=values(week.territory, **change),
            dates=dates,
            user=actor_contact,
        )
    assert message in " ".join(refusal.value.message_dict[field])
    assert not CampaignAction.objects.exists()


def test_dates_end_after_they_start_and_fall_in_the_week(week, actor, actor_contact) -> None:
    backwards = DateIn(starts_at=at(week, 0, 14).starts_at, ends_at=at(week, 0, 10).starts_at)
    with pytest.raises(NetworkRefused) as refusal:
        declare(week, actor, actor_contact, dates=[backwards, at(week, 30, 10)])
    problems = " ".join(refusal.value.message_dict["dates"])
    assert "L'heure de fin doit être après l'heure de début." in problems
    assert "pendant la semaine" in problems


def test_a_partner_of_another_territory_or_the_actor_itself_is_refused(
    week, actor, actor_contact
) -> None:
    stranger = ActorFactory(territory=TerritoryFactory(slug="ailleurs"), name="Ailleurs")
    with pytest.raises(NetworkRefused) as refusal:
        declare(week, actor, actor_contact, partners=[stranger])
    assert (
        "n'est pas un acteur du réseau de ce territoire"
        in refusal.value.message_dict["partners"][0]
    )
    with pytest.raises(NetworkRefused) as refusal:
        declare(week, actor, actor_contact, partners=[actor])
    assert "partners" in refusal.value.message_dict


def test_a_photo_needs_its_description(week, actor, actor_contact) -> None:
    with pytest.raises(NetworkRefused) as refusal:
        declare(week, actor, actor_contact, photos=[PhotoIn(png(), "  ")])
    assert "Décrivez chaque photo" in refusal.value.message_dict["photos"][0]
    action = declare(week, actor, actor_contact, photos=[PhotoIn(png(), "Le stand de soupe")])
    assert action.photos.get().alt_text == "Le stand de soupe"


def test_an_actor_of_another_territory_cannot_declare(week, actor_contact) -> None:
    stranger = ActorFactory(territory=TerritoryFactory(slug="ailleurs"))
    with pytest.raises(NetworkRefused):
        declare(week, stranger, actor_contact)


# --- services: moderation and the agenda -------------------------------------------


def test_accepting_publishes_one_public_event_per_date_in_the_agenda(
    week, actor, actor_contact, organiser
) -> None:
    week.territory.communes.get()
    action = declare(week, actor, actor_contact, partners=[ActorFactory(territory=week.territory)])
    campaigns.action_accept(action=action, user=organiser)
    campaigns.action_accept(action=action, user=organiser)  # a second click
    events = list(Event.objects.order_by("starts_at"))
    assert len(events) == 2
    first = events[0]
    assert (first.kind, first.status, first.audience) == (
        EventKind.CAMPAIGN_ACTION,
        EventStatus.PUBLISHED,
        Audience.PUBLIC,
    )
    assert (first.theme, first.territory, first.commune_id) == ("dechets", week.territory, "26108")
    assert first.title == "Disco soupe au marché"
    assert actor.name in first.description
    assert week.title in first.description
    assert not first.registration_open
    assert [d.event for d in action.dates.order_by("starts_at")] == events
    shown = agenda_events(UserFactory(), AgendaFilters(), territory=week.territory)
    assert [e.pk for e in shown] == [e.pk for e in events]
    (mail,) = mails("network:campaign-accepted")
    assert mail.recipient == actor_contact.email


def test_asking_for_changes_emails_the_declarant_once(
    week, actor, actor_contact, organiser
) -> None:
    action = declare(week, actor, actor_contact)
    with pytest.raises(NetworkRefused) as refusal:
        campaigns.action_request_changes(action=action, message=" ", user=organiser)
    assert "message" in refusal.value.message_dict
    note = "Précisez l'heure de fin du samedi."
    campaigns.action_request_changes(action=action, message=note, user=organiser)
    campaigns.action_request_changes(action=action, message=note, user=organiser)
    action.refresh_from_db()
    assert (action.status, action.moderation_note) == (ActionStatus.CHANGES, note)
    (mail,) = mails("network:campaign-changes")
    assert mail.recipient == actor_contact.email
    assert note in mail.body
    assert f"/acteurs/{actor.pk}/actions/{action.pk}/modifier/" in mail.body
    assert mail.key.startswith(f"network-campaign-changes:{action.pk}:")


def test_the_contact_edits_an_action_sent_back_and_submits_it_again(
    week, actor, actor_contact, organiser
) -> None:
    action = declare(week, actor, actor_contact)
    campaigns.action_request_changes(action=action, message="Une date de plus ?", user=organiser)
    campaigns.action_update(
        action=action,
        data=values(week.territory, title="Disco soupe géante"),
        dates=[*[DateIn(d.starts_at, d.ends_at, d.pk) for d in action.dates.all()], at(week, 2, 9)],
        user=actor_contact,
    )
    action.refresh_from_db()
    assert (action.status, action.title, action.dates.count()) == (
        ActionStatus.SUBMITTED,
        "Disco soupe géante",
        3,
    )
    assert "Action modifiée à relire" in mails("network:campaign-to-moderate")[-1].subject


def test_editing_an_accepted_action_keeps_the_agenda_in_step(
    week, actor, actor_contact, organiser
) -> None:
    action = declare(week, actor, actor_contact)
    campaigns.action_accept(action=action, user=organiser)
    first, second = action.dates.order_by("starts_at")
    moved = at(week, 3, 18)
    campaigns.action_update(
        action=action,
        data=values(week.territory, title="Disco soupe du soir"),
        dates=[DateIn(moved.starts_at, moved.ends_at, first.pk), at(week, 4, 10)],
        user=organiser,
        by_organiser=True,
    )
    first.refresh_from_db()
    event = first.event
    assert (event.title, event.starts_at, event.status) == (
        "Disco soupe du soir",
        moved.starts_at,
        EventStatus.PUBLISHED,
    )
    removed = Event.objects.get(pk=second.event_id)
    assert removed.status == EventStatus.CANCELLED
    assert Event.objects.filter(status=EventStatus.PUBLISHED).count() == 2
    assert action.dates.count() == 2


def test_refusing_needs_a_reason_and_takes_the_action_out_of_the_agenda(
    week, actor, actor_contact, organiser
) -> None:
    action = declare(week, actor, actor_contact)
    campaigns.action_accept(action=action, user=organiser)
    with pytest.raises(NetworkRefused):
        campaigns.action_refuse(action=action, reason="", user=organiser)
    campaigns.action_refuse(action=action, reason="Hors du thème de la semaine.", user=organiser)
    assert set(Event.objects.values_list("status", flat=True)) == {EventStatus.CANCELLED}
    assert "Hors du thème" in mails("network:campaign-refused")[0].body
    assert campaigns.contact_edit_refusal(action) != ""
    with pytest.raises(NetworkRefused, match="refusée"):
        campaigns.action_update(
            action=action,
            data=values(week.territory),
            dates=[at(week, 0, 10)],
            user=actor_contact,
        )
    # Accepted again: new events (a cancellation stays news).
    campaigns.action_accept(action=action, user=organiser)
    assert Event.objects.filter(status=EventStatus.PUBLISHED).count() == 2


def test_a_proposed_action_is_frozen_for_its_contact_after_the_deadline(
    week, actor, actor_contact
) -> None:
    action = declare(week, actor, actor_contact)
    later = timezone.now() + dt.timedelta(days=11)
    assert "sont closes" in campaigns.contact_edit_refusal(action, now=later)
    action.status = ActionStatus.CHANGES
    assert campaigns.contact_edit_refusal(action, now=later) == ""


def test_the_declarant_is_told_even_when_an_organiser_declared(
    week, actor, actor_contact, organiser
) -> None:
    action = declare(week, actor, organiser, by_organiser=True)
    assert campaigns.declarant_addresses(action) == [actor_contact.email]


# --- figures ------------------------------------------------------------------------


def _edition(territory: Any, title: str, starts_in: int, theme: str = "dechets") -> CampaignWeek:
    start = timezone.localdate() + dt.timedelta(days=starts_in)
    return CampaignWeekFactory(
        territory=territory,
        title=title,
        theme=theme,
        starts_on=start,
        ends_on=start + dt.timedelta(days=8),
        declaration_deadline=start,
    )


def test_the_figures_of_an_edition(week) -> None:
    territory = week.territory
    a, b, c = (ActorFactory(territory=territory) for _ in range(3))
    one = action_with_dates(0, 1, 2, week=week, actor=a, status=ActionStatus.ACCEPTED)
    one.partners.set([b, c])
    two = action_with_dates(3, week=week, actor=b, status=ActionStatus.ACCEPTED)
    two.partners.set([a])
    action_with_dates(0, week=week, status=ActionStatus.SUBMITTED, expected_attendance=999)
    action_with_dates(0, week=week, status=ActionStatus.REFUSED)
    figures = campaigns.edition_figures(week)
    assert (figures.actions, figures.distinct_actions, figures.partners) == (4, 2, 3)
    assert figures.staff_days == Decimal("3.0")
    assert figures.material_expenses == Decimal("240")
    assert figures.staff_value == Decimal("600")
    assert figures.valued_expenses == Decimal("840")
    assert figures.expected_attendance == 60


def test_an_edition_is_compared_with_the_previous_one_of_the_same_theme(territory) -> None:
    older = _edition(territory, "SERD 2014", -700)
    _edition(territory, "Semaine de la mobilité 2015", -420, theme="mobilite")
    current = _edition(territory, "SERD 2015", -340)
    action_with_dates(0, 1, week=older, status=ActionStatus.ACCEPTED)
    action_with_dates(0, 1, 2, week=current, status=ActionStatus.ACCEPTED)
    action_with_dates(0, week=current, status=ActionStatus.ACCEPTED)
    comparison = campaigns.compare_with_previous(current)
    assert comparison.previous is not None
    assert comparison.previous.week == older
    rows = {row.key: row for row in comparison.rows()}
    assert (rows["actions"].current, rows["actions"].previous) == (4, 2)
    assert (rows["actions"].change, rows["actions"].change_percent) == (2, 100)
    assert campaigns.compare_with_previous(older).previous is None
    untitled = _edition(territory, "Semaine sans thème", -10, theme="")
    assert campaigns.previous_edition(untitled).title == "SERD 2015"


@pytest.mark.parametrize("size", [2, 12])
def test_the_figures_take_three_queries_whatever_the_size(
    territory, size, django_assert_num_queries
) -> None:
    weeks = [_edition(territory, f"Édition {n}", -400 * n) for n in range(3)]
    for week in weeks:
        for _ in range(size):
            action = action_with_dates(0, 1, week=week, status=ActionStatus.ACCEPTED)
            action.partners.set([ActorFactory(territory=territory)])
    with django_assert_num_queries(3):
        figures = campaigns.figures_for(weeks)
    assert figures[weeks[0].pk].actions == 2 * size
    assert figures[weeks[0].pk].partners == 2 * size


# --- organisers' pages ----------------------------------------------------------------


def week_url(week: CampaignWeek, suffix: str = "") -> str:
    return f"/t/{SLUG}/reseau/gerer/semaines/{week.pk}/{suffix}"


def test_an_organiser_creates_a_week_and_bad_dates_are_refused_next_to_the_field(
    client, territory, organiser
) -> None:
    client.force_login(organiser)
    url = f"/t/{SLUG}/reseau/gerer/semaines/nouvelle/"
    data = {
        "title": "Semaine européenne de réduction des déchets 2015",
        "theme": "dechets",
        "description": "La SERD du territoire.",
        "starts_on": "2026-11-21",
        "ends_on": "2026-11-15",
        "declaration_deadline": "2026-11-30",
        "staff_day_value": "-3",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["ends_on"] == ["La semaine doit finir après son premier jour."]
    assert form.errors["staff_day_value"] == ["La valeur d'une journée ne peut pas être négative."]
    assert "La SERD du territoire." in response.content.decode()
    response = client.post(
        url,
        {
            **data,
            "ends_on": "2026-11-29",
            "declaration_deadline": "2026-11-10",
            "staff_day_value": "180",
        },
    )
    week = CampaignWeek.objects.get()
    assert response.status_code == 302
    assert response["Location"] == week_url(week)
    assert week.staff_day_value == Decimal("180")
    response = client.post(
        url, {**data, "ends_on": "2026-11-29", "declaration_deadline": "2026-11-10"}
    )
    assert "déjà ce titre" in response.context["form"].errors["title"][0]


def _crowd(week: CampaignWeek, n: int) -> None:
    territory = week.territory
    for i in range(n):
        action = CampaignActionFactory(
            week=week,
            actor=ActorFactory(territory=territory),
            status=ActionStatus.ACCEPTED if i % 2 else ActionStatus.SUBMITTED,
            commune=territory.communes.get(),
        )
        add_dates(action, 0, 1)
        action.partners.set([ActorFactory(territory=territory)])


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_week_page_shows_the_figures_and_a_chart_in_constant_queries(
    client, week, organiser
) -> None:
    previous = _edition(week.territory, "SERD 2014", -340)
    action_with_dates(0, week=previous, status=ActionStatus.ACCEPTED)
    client.force_login(organiser)
    _crowd(week, 3)
    small = _queries(client, week_url(week))
    _crowd(week, 12)
    large = _queries(client, week_url(week))
    assert small == large, (small, large)
    response = client.get(week_url(week))
    page = response.content.decode()
    assert 'class="chart"' in page
    assert "Actions et partenaires" in page
    assert "SERD 2014" in page
    rows = {row.key: row for row in response.context["figure_rows"]}
    assert (rows["actions"].current, rows["distinct_actions"].current) == (14, 7)
    assert response.context["page_obj"].paginator.count == 15
    filtered = client.get(week_url(week), {"status": "proposee"})
    assert filtered.context["page_obj"].paginator.count == 8
    assert client.get(week_url(week), {"status": "nimporte"}).status_code == 400
    print(f"\nsemaine (organisateur) : {small} requêtes à 3 actions, {large} à 15")


def test_a_week_of_another_territory_is_a_404(client, organiser) -> None:
    other = CampaignWeekFactory(territory=TerritoryFactory(slug="ailleurs"))
    client.force_login(organiser)
    assert client.get(f"/t/{SLUG}/reseau/gerer/semaines/{other.pk}/").status_code == 404


# --- the declaration form ---------------------------------------------------------------


def form_data(week: CampaignWeek, **overrides: Any) -> dict[str, Any]:
    day = week.starts_on
    data = {
        "title": "Disco soupe au marché",
        "description": "On cuisine les invendus du marché, en musique.",
        "place_name": "Marché couvert",
        "address": "Place du Marché",
        "commune": "26108",
        "latitude": "",
        "longitude": "",
        "audience": "public",
        "expected_attendance": "80",
        "other_partners": "Les Incroyables Comestibles",
        "staff_days": "2",
        "material_expenses": "150",
        "dates-TOTAL_FORMS": "3",
        "dates-INITIAL_FORMS": "0",
        "dates-0-day": day.isoformat(),
        "dates-0-starts": "10:00",
        "dates-0-ends": "12:00",
        "dates-1-day": (day + dt.timedelta(days=1)).isoformat(),
        "dates-1-starts": "14:00",
        "dates-1-ends": "17:00",
        "dates-2-day": "",
        "dates-2-starts": "",
        "dates-2-ends": "",
        "photos-TOTAL_FORMS": "2",
        "photos-INITIAL_FORMS": "0",
        "photos-0-alt_text": "",
        "photos-1-alt_text": "",
    }
    return {**data, **overrides}


def declare_url(week: CampaignWeek, actor: Any) -> str:
    return f"/t/{SLUG}/reseau/acteurs/{actor.pk}/semaines/{week.pk}/declarer/"


def test_a_contact_declares_an_action_with_two_dates_and_a_photo(
    client, week, actor, actor_contact
) -> None:
    partner = ActorFactory(territory=week.territory, name="Les Colibris")
    client.force_login(actor_contact)
    listing = client.get(f"/t/{SLUG}/reseau/acteurs/{actor.pk}/actions/")
    assert listing.status_code == 200
    assert declare_url(week, actor) in listing.content.decode()
    assert client.get(declare_url(week, actor)).status_code == 200
    data = form_data(
        week,
        partners=[str(partner.pk)],
        **{"photos-0-image": png(), "photos-0-alt_text": "Le stand de soupe"},
    )
    response = client.post(declare_url(week, actor), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert response["Location"] == f"/t/{SLUG}/reseau/acteurs/{actor.pk}/actions/"
    action = CampaignAction.objects.get()
    assert action.dates.count() == 2
    assert list(action.partners.all()) == [partner]
    assert action.photos.get().alt_text == "Le stand de soupe"
    assert action.commune_id == "26108"


def test_a_new_declaration_starts_in_the_actors_commune(client, week, actor, actor_contact) -> None:
    client.force_login(actor_contact)
    form = client.get(declare_url(week, actor)).context["form"]
    assert form["commune"].value() == actor.commune_id
    assert 'value="26108" selected' in str(form["commune"])


def _post_errors(client: Any, url: str, data: dict[str, Any]) -> Any:
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Disco soupe au marché" in page  # nothing typed is lost
    assert "On cuisine les invendus du marché" in page
    return response


def test_bad_input_in_the_form_stays_next_to_its_field(client, week, actor, actor_contact) -> None:
    client.force_login(actor_contact)
    url = declare_url(week, actor)
    stranger = ActorFactory(territory=TerritoryFactory(slug="ailleurs"))

    response = _post_errors(client, url, form_data(week, **{"dates-1-ends": "13:00"}))
    assert response.context["dates"].forms[1].errors["ends"] == [
        "L'heure de fin doit être après l'heure de début."
    ]
    response = _post_errors(client, url, form_data(week, staff_days="-1", material_expenses="-2"))
    errors = response.context["form"].errors
    assert errors["staff_days"] == ["Les dépenses valorisées ne peuvent pas être négatives."]
    assert "material_expenses" in errors
    response = _post_errors(
        client, url, form_data(week, expected_attendance="1" + "0" * 30, staff_days="1e308")
    )
    errors = response.context["form"].errors
    assert errors["expected_attendance"] == [
        "Indiquez un nombre de participants réaliste (au plus 1000000)."
    ]
    assert "staff_days" in errors
    response = _post_errors(client, url, form_data(week, partners=[str(stranger.pk)]))
    assert response.context["form"].errors["partners"] == [
        "Cet acteur n'est pas dans le réseau de ce territoire."
    ]
    response = _post_errors(client, url, form_data(week, **{"photos-0-image": png()}))
    assert "Décrivez la photo" in response.context["photos"].forms[0].errors["alt_text"][0]
    assert "choisissez-les à nouveau" in response.content.decode()
    fake = SimpleUploadedFile("photo.png", b"<svg onload=alert(1)>", content_type="image/png")
    data = form_data(week, **{"photos-0-image": fake, "photos-0-alt_text": "Une photo"})
    response = _post_errors(client, url, data)
    assert response.context["photos"].forms[0].errors["image"] == [
        "Une image PNG ou JPEG est attendue."
    ]
    response = _post_errors(client, url, form_data(week, **{"dates-0-day": "2001-01-01"}))
    assert "Choisissez un jour de la semaine" in response.context["dates"].forms[0].errors["day"][0]
    blank = {f"dates-{i}-{f}": "" for i in range(3) for f in ("day", "starts", "ends")}
    response = _post_errors(client, url, form_data(week, **blank))
    assert response.context["dates"].non_form_errors() == ["Indiquez au moins une date."]
    assert not CampaignAction.objects.exists()


def test_after_the_deadline_the_form_says_so_and_keeps_what_was_typed(
    client, week, actor, actor_contact, organiser
) -> None:
    week.declaration_deadline = timezone.localdate() - dt.timedelta(days=1)
    week.save()
    client.force_login(actor_contact)
    page = client.get(declare_url(week, actor)).content.decode()
    assert "sont closes depuis le" in page
    response = _post_errors(client, declare_url(week, actor), form_data(week))
    assert "sont closes depuis le" in response.content.decode()
    assert not CampaignAction.objects.exists()
    listing = client.get(f"/t/{SLUG}/reseau/acteurs/{actor.pk}/actions/").content.decode()
    assert declare_url(week, actor) not in listing
    client.force_login(organiser)
    assert client.post(declare_url(week, actor), form_data(week)).status_code == 302
    assert CampaignAction.objects.get().declared_by == organiser


def test_an_actor_of_another_territory_in_the_url_is_a_404(
    client, week, actor_contact, organiser
) -> None:
    stranger = ActorFactory(territory=TerritoryFactory(slug="ailleurs"))
    client.force_login(organiser)
    assert client.get(declare_url(week, stranger)).status_code == 404
    assert client.get(f"/t/{SLUG}/reseau/acteurs/{stranger.pk}/actions/").status_code == 404
    other_week = CampaignWeekFactory(territory=stranger.territory)
    actor = ActorFactory(territory=week.territory)
    assert client.get(declare_url(other_week, actor)).status_code == 404


def test_a_contact_declares_only_for_their_own_actor(client, week, actor, actor_contact) -> None:
    other = ActorFactory(territory=week.territory, name="Autre association")
    client.force_login(actor_contact)
    assert client.get(declare_url(week, other)).status_code == 404  # not listed: not seen
    action = action_with_dates(0, week=week, actor=other)
    edit = f"/t/{SLUG}/reseau/acteurs/{other.pk}/actions/{action.pk}/modifier/"
    assert client.get(edit).status_code == 404
    # Under one's own actor's address, the other's action does not exist either.
    mine = f"/t/{SLUG}/reseau/acteurs/{actor.pk}/actions/{action.pk}/modifier/"
    assert client.get(mine).status_code == 404


def test_moderation_through_the_page_ends_in_the_agenda(
    client, week, actor, actor_contact, organiser
) -> None:
    action = declare(week, actor, actor_contact)
    client.force_login(organiser)
    url = week_url(week, f"actions/{action.pk}/")
    page = client.get(url)
    assert page.status_code == 200
    assert actor_contact.email in page.content.decode()
    response = client.post(url, {"decision": "modifier", "message": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["message"] == [
        "Dites au déclarant ce qu'il faut modifier."
    ]
    response = client.post(url, {"decision": "refuser", "message": ""})
    assert response.context["form"].errors["message"] == ["Indiquez la raison du refus."]
    response = client.post(url, {"decision": "modifier", "message": "Ajoutez l'adresse."})
    assert response.status_code == 302
    assert len(mails("network:campaign-changes")) == 1

    client.force_login(actor_contact)
    edit = f"/t/{SLUG}/reseau/acteurs/{actor.pk}/actions/{action.pk}/modifier/"
    form = client.get(edit)
    assert "Ajoutez l&#x27;adresse." in form.content.decode()
    dates = list(action.dates.order_by("starts_at"))
    data = form_data(
        week,
        address="12 place du Marché",
        **{
            "dates-TOTAL_FORMS": "4",
            "dates-INITIAL_FORMS": "2",
            "dates-0-date_id": str(dates[0].pk),
            "dates-1-date_id": str(dates[1].pk),
            "dates-3-day": "",
            "dates-3-starts": "",
            "dates-3-ends": "",
        },
    )
    assert client.post(edit, data).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.address) == (ActionStatus.SUBMITTED, "12 place du Marché")
    assert sorted(action.dates.values_list("pk", flat=True)) == sorted(d.pk for d in dates)

    client.force_login(organiser)
    assert client.post(url, {"decision": "accepter", "message": ""}).status_code == 302
    agenda = client.get(f"/t/{SLUG}/agenda/").content.decode()
    assert "Disco soupe au marché" in agenda
    assert client.get(url).context["form"].fields["decision"].choices == [("refuser", "Refuser")]


def test_coordinators_read_the_week_but_do_not_moderate(client, week, coordinator) -> None:
    action = action_with_dates(0, week=week)
    client.force_login(coordinator)
    page = client.get(week_url(week))
    assert page.status_code == 200
    assert week_url(week, f"actions/{action.pk}/") not in page.content.decode()
    assert client.get(week_url(week, f"actions/{action.pk}/")).status_code == 404


# --- public page and photos -------------------------------------------------------------


def public_url(week: CampaignWeek) -> str:
    return f"/t/{SLUG}/reseau/semaines/{week.pk}/"


def _public_crowd(week: CampaignWeek, n: int) -> None:
    crest = week.territory.communes.get()
    for _ in range(n):
        action = action_with_dates(0, 2, week=week, status=ActionStatus.ACCEPTED, commune=crest)
        action.partners.set([ActorFactory(territory=week.territory)])
        action.photos.create(image=png(), alt_text="Le stand")


def test_the_public_page_lists_accepted_actions_on_a_map_in_constant_queries(client, week) -> None:
    action_with_dates(0, week=week, title="Pas encore relue", status=ActionStatus.SUBMITTED)
    _public_crowd(week, 2)
    small = _queries(client, public_url(week))
    _public_crowd(week, 10)
    large = _queries(client, public_url(week))
    assert small == large, (small, large)
    response = client.get(public_url(week))
    page = response.content.decode()
    assert "Pas encore relue" not in page
    assert response.context["page_obj"].paginator.count == 12
    (marker,) = response.context["markers"]  # all in Crest
    assert len(marker["events"]) == 12
    assert "leaflet/leaflet.js" in page
    assert "unpkg" not in page
    assert client.get(f"/t/{SLUG}/reseau/semaines/").status_code == 200
    print(f"\nsemaine (publique) : {small} requêtes à 2 actions, {large} à 12")


def test_a_photo_is_public_once_its_action_is_accepted(client, week, actor, actor_contact) -> None:
    action = action_with_dates(0, week=week, actor=actor)
    photo = action.photos.create(image=png(), alt_text="Le stand")
    url = f"/t/{SLUG}/reseau/semaines/{week.pk}/actions/{action.pk}/photos/{photo.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(actor_contact)
    assert client.get(url).status_code == 200
    client.logout()
    action.status = ActionStatus.ACCEPTED
    action.save()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_an_actor_contact_role_alone_does_not_give_access(client, week, actor) -> None:
    user = UserFactory(email="intrus@example.org")
    MembershipFactory(user=user, territory=week.territory, role=Role.ACTOR_CONTACT)
    ContactFactory(actor=ActorFactory(territory=week.territory), user=user, email=user.email)
    client.force_login(user)
    assert client.get(declare_url(week, actor)).status_code == 404
    CommuneFactory()  # the page of another actor stays hidden whatever the data
    assert client.get(f"/t/{SLUG}/reseau/acteurs/{actor.pk}/actions/").status_code == 404
