"""Meetings and trainings of the network: a council made through the events
engine, invitations to a segment (the exact list, who is left out, one
e-mail each, never twice), the contact's answer by link (idempotent,
changeable until the start), attendance marked by the events engine, the
figures per meeting, per year and of the training (the share of trained
actors that ran an action), the pages, and bad input (French message, 4xx).
The figures and the list pages run as many queries with 2 meetings as with
6."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.mail import unsubscribe
from accounts.models import EmailStatus, EmailStream, OutgoingEmail, SuppressionSource
from events import services as event_services
from events.models import (
    Attendance,
    Audience,
    EventKind,
    EventRegistration,
    EventStatus,
    RegistrationStatus,
)
from network import meetings
from network.models import (
    ActionStatus,
    ActorKind,
    CampaignAction,
    CampaignActionDate,
    CampaignWeek,
    Invitation,
    InvitationAnswer,
)
from network.segments import Segment
from network.services import NetworkRefused
from tests.events.factories import EventFactory
from tests.factories import TerritoryFactory, UserFactory
from tests.network.factories import ActorFactory, ContactFactory

pytestmark = pytest.mark.django_db

SLUG = "val-de-drome"
EVERYONE = Segment()
ASSOCIATIONS = Segment(kinds=(ActorKind.ASSOCIATION,))


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def url(name: str, *args: object) -> str:
    return reverse(f"network:{name}", args=[SLUG, *args])


def council(territory, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "territory": territory,
        "kind": EventKind.ACTOR_COUNCIL,
        "audience": Audience.INVITATION,
        "title": "Conseil des acteurs de printemps",
        "theme": "",
        **kwargs,
    }
    return EventFactory(**values)


def training(territory, theme="dechets", **kwargs):  # type: ignore[no-untyped-def]
    return council(
        territory, kind=EventKind.RELAY_TRAINING, theme=theme, title="Formation relais", **kwargs
    )


@pytest.fixture
def people(territory):  # type: ignore[no-untyped-def]
    """Two associations with a contact each, a company, a contact without
    address and one who unsubscribed from the invitations."""
    crest = territory.communes.get()
    jardins = ActorFactory(territory=territory, name="Jardins partagés", commune=crest)
    repair = ActorFactory(territory=territory, name="Repair café", commune=crest)
    company = ActorFactory(territory=territory, name="La Cagette", kind=ActorKind.COMPANY)
    found = {
        "lou": ContactFactory(actor=jardins, first_name="Lou", email="lou@jardins.example.org"),
        "karim": ContactFactory(actor=repair, first_name="Karim", email="karim@repair.example.org"),
        "nina": ContactFactory(actor=company, first_name="Nina", email="nina@cagette.example.org"),
        "sans": ContactFactory(actor=repair, first_name="Sans", email=""),
        "parti": ContactFactory(
            actor=jardins, first_name="Parti", email="parti@jardins.example.org"
        ),
    }
    unsubscribe(
        email="parti@jardins.example.org",
        scope=meetings.invitation_scope(territory),
        source=SuppressionSource.LINK,
    )
    return found


def send(event, organiser, segment=EVERYONE, **kwargs):  # type: ignore[no-untyped-def]
    return meetings.invitations_send(event=event, segment=segment, user=organiser, **kwargs)


def invitation_of(event, contact) -> Invitation:  # type: ignore[no-untyped-def]
    return Invitation.objects.get(event=event, contact=contact)


# --- creating and inviting -------------------------------------------------------------


def test_a_meeting_is_a_draft_event_on_invitation(territory, organiser) -> None:
    starts = timezone.now() + dt.timedelta(days=20)
    event = meetings.meeting_create(
        territory=territory,
        data={
            "title": "Conseil d'automne",
            "kind": EventKind.ACTOR_COUNCIL,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
        },
        user=organiser,
    )
    assert (event.kind, event.audience, event.status) == (
        EventKind.ACTOR_COUNCIL,
        Audience.INVITATION,
        EventStatus.DRAFT,
    )
    assert event.created_by == organiser
    assert event.territory == territory


def test_a_training_needs_its_module(territory, organiser) -> None:
    starts = timezone.now() + dt.timedelta(days=20)
    with pytest.raises(NetworkRefused) as refused:
        meetings.meeting_create(
            territory=territory,
            data={
                "title": "Formation",
                "kind": EventKind.RELAY_TRAINING,
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=2),
            },
            user=organiser,
        )
    assert "module" in refused.value.message_dict["theme"][0]


def test_the_preview_lists_who_gets_it_and_who_is_left_out(territory, people) -> None:
    event = council(territory)
    preview = meetings.invitation_preview(event=event, segment=EVERYONE)
    assert {c.first_name for c in preview.to_invite} == {"Lou", "Karim", "Nina"}
    assert [c.first_name for c in preview.without_email] == ["Sans"]
    assert [c.first_name for c in preview.unsubscribed] == ["Parti"]
    associations = meetings.invitation_preview(event=event, segment=ASSOCIATIONS)
    assert {c.first_name for c in associations.to_invite} == {"Lou", "Karim"}


def test_sending_invites_each_contact_once_with_one_email(territory, organiser, people) -> None:
    event = council(territory, status=EventStatus.DRAFT, published_at=None)
    sent = send(event, organiser, ASSOCIATIONS)
    assert {i.contact.first_name for i in sent} == {"Lou", "Karim"}
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED  # the invitations announce it
    assert event.invited_count == 2
    mails = OutgoingEmail.objects.filter(reference=meetings.reference(event))
    assert {m.key for m in mails.all()} == {f"network-invitation:{i.pk}" for i in sent}
    mail = mails.get(recipient="lou@jardins.example.org")
    assert mail.stream == EmailStream.CAMPAIGN
    assert mail.unsubscribe_scope == f"network-invitations:{SLUG}"
    assert "List-Unsubscribe" in mail.headers
    assert invitation_of(event, people["lou"]).token in mail.body
    assert "Conseil des acteurs de printemps" in mail.subject

    # A wider segment afterwards: only the newcomers are invited.
    more = send(event, organiser, EVERYONE)
    assert [i.contact.first_name for i in more] == ["Nina"]
    assert mails.count() == 3
    with pytest.raises(NetworkRefused, match="déjà invités"):
        send(event, organiser, EVERYONE)
    assert mails.count() == 3
    assert not OutgoingEmail.objects.filter(recipient="parti@jardins.example.org").exists()


def test_an_empty_segment_sends_nothing(territory, organiser, people) -> None:
    event = council(territory)
    with pytest.raises(NetworkRefused, match="aucun contact joignable"):
        send(event, organiser, Segment(kinds=(ActorKind.SCHOOL,)))
    assert not Invitation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_list_changed_since_the_preview_is_not_sent(territory, organiser, people) -> None:
    event = council(territory)
    shown = meetings.invitation_preview(event=event, segment=EVERYONE).fingerprint
    ContactFactory(actor=people["lou"].actor, first_name="Nouvelle", email="new@example.org")
    with pytest.raises(NetworkRefused, match="a changé"):
        send(event, organiser, fingerprint=shown)
    assert not Invitation.objects.exists()


def test_no_invitation_to_a_started_or_cancelled_meeting(territory, organiser, people) -> None:
    event = council(territory)
    with pytest.raises(NetworkRefused, match="déjà commencé"):
        send(event, organiser, now=event.starts_at + dt.timedelta(minutes=5))
    event.status = EventStatus.CANCELLED
    event.save()
    with pytest.raises(NetworkRefused, match="annulée"):
        send(event, organiser)


# --- answers and attendance -------------------------------------------------------------


def test_coming_takes_a_seat_through_the_events_engine(territory, organiser, people) -> None:
    event = council(territory)
    send(event, organiser)
    invitation = invitation_of(event, people["lou"])
    meetings.invitation_answer(invitation=invitation, answer=InvitationAnswer.COMING)
    invitation.refresh_from_db()
    registration = invitation.registration
    assert registration is not None
    assert (registration.status, registration.email, registration.name) == (
        RegistrationStatus.CONFIRMED,
        "lou@jardins.example.org",
        people["lou"].full_name,
    )
    answered_at = invitation.answered_at
    # The same answer again (a second click) changes nothing.
    meetings.invitation_answer(invitation=invitation, answer=InvitationAnswer.COMING)
    invitation.refresh_from_db()
    assert invitation.answered_at == answered_at
    assert EventRegistration.objects.filter(event=event).count() == 1


def test_a_contact_with_an_account_registers_as_that_account(territory, organiser) -> None:
    user = UserFactory(email="ines@asso.example.org")
    contact = ContactFactory(actor=ActorFactory(territory=territory), user=user, email=user.email)
    event = council(territory)
    send(event, organiser)
    invitation = meetings.invitation_answer(
        invitation=invitation_of(event, contact), answer=InvitationAnswer.COMING
    )
    assert invitation.registration is not None
    assert invitation.registration.user == user


def test_changing_ones_mind_gives_the_seat_back(territory, organiser, people) -> None:
    event = council(territory)
    send(event, organiser)
    lou, karim = invitation_of(event, people["lou"]), invitation_of(event, people["karim"])
    for invitation in (lou, karim):
        meetings.invitation_answer(invitation=invitation, answer=InvitationAnswer.COMING)
    meetings.invitation_answer(invitation=lou, answer=InvitationAnswer.EXCUSED)
    meetings.invitation_answer(invitation=karim, answer=InvitationAnswer.NOT_COMING)
    lou.refresh_from_db()
    karim.refresh_from_db()
    assert lou.registration.status == RegistrationStatus.CANCELLED
    assert lou.answer == InvitationAnswer.EXCUSED
    figures = meetings.meeting_figures(event)
    # Excused by their answer; « ne vient pas » is not an excuse.
    assert (figures.excused, figures.excused_answers, figures.not_coming) == (1, 1, 1)
    assert figures.not_marked == 0


def test_no_answer_after_the_start(territory, organiser, people) -> None:
    event = council(territory)
    send(event, organiser)
    invitation = invitation_of(event, people["lou"])
    with pytest.raises(NetworkRefused, match="réponses sont closes"):
        meetings.invitation_answer(
            invitation=invitation,
            answer=InvitationAnswer.COMING,
            now=event.starts_at + dt.timedelta(minutes=1),
        )
    with pytest.raises(NetworkRefused, match="Choisissez"):
        meetings.invitation_answer(invitation=invitation, answer="peut-etre")
    invitation.refresh_from_db()
    assert invitation.answer == ""
    assert invitation.registration is None


def test_a_link_expires_a_month_after_the_meeting_or_with_the_person(
    territory, organiser, people
) -> None:
    event = council(territory)
    send(event, organiser)
    invitation = invitation_of(event, people["lou"])
    assert meetings.invitation_from_token(invitation.token) == invitation
    assert meetings.invitation_from_token("pas-un-jeton") is None
    later = event.ends_at + dt.timedelta(days=31)
    assert meetings.invitation_from_token(invitation.token, now=later) is None
    people["lou"].delete()
    assert meetings.invitation_from_token(invitation.token) is None


def _attended_council(territory, organiser, people):  # type: ignore[no-untyped-def]
    """Lou present, Karim coming but not marked yet, Nina excused by answer,
    plus a walk-in present without invitation."""
    event = council(territory)
    send(event, organiser)
    for name in ("lou", "karim"):
        meetings.invitation_answer(
            invitation=invitation_of(event, people[name]), answer=InvitationAnswer.COMING
        )
    meetings.invitation_answer(
        invitation=invitation_of(event, people["nina"]), answer=InvitationAnswer.EXCUSED
    )
    lou = invitation_of(event, people["lou"])
    event_services.attendance_mark(registration=lou.registration, attendance=Attendance.PRESENT)
    event_services.walk_in_add(event=event, name="Élu de passage")
    return event


def test_the_figures_keep_not_marked_apart_from_absent(territory, organiser, people) -> None:
    event = _attended_council(territory, organiser, people)
    figures = meetings.meeting_figures(event)
    assert figures.invited == 3
    assert (figures.coming, figures.excused_answers, figures.no_answer) == (2, 1, 0)
    assert (figures.present, figures.present_uninvited, figures.present_invited) == (2, 1, 1)
    assert (figures.excused, figures.absent, figures.not_marked) == (1, 0, 1)
    karim = invitation_of(event, people["karim"])
    event_services.attendance_mark(registration=karim.registration, attendance=Attendance.ABSENT)
    figures = meetings.meeting_figures(event)
    assert (figures.absent, figures.not_marked) == (1, 0)


def test_an_invited_contact_who_came_anyway_is_marked_present(territory, organiser, people) -> None:
    event = council(territory)
    send(event, organiser)
    invitation = invitation_of(event, people["nina"])
    meetings.invitation_mark_present(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.registration.attendance == Attendance.PRESENT
    assert invitation.registration.walk_in
    assert meetings.meeting_figures(event).present_invited == 1


def test_meetings_per_year(territory, organiser, people) -> None:
    now = timezone.now()
    last_year = council(territory, starts_at=now.replace(year=now.year - 1))
    Invitation.objects.create(event=last_year, actor=people["lou"].actor, contact=people["lou"])
    _attended_council(territory, organiser, people)
    Event = type(last_year)
    Event.objects.filter(territory=territory, kind=EventKind.ACTOR_COUNCIL).exclude(
        pk=last_year.pk
    ).update(starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1))
    council(territory, starts_at=now + dt.timedelta(days=30))  # not held yet
    council(territory, starts_at=now - dt.timedelta(days=1), status=EventStatus.CANCELLED)
    rows = meetings.meetings_per_year(territory)
    assert [row.year for row in rows] == [now.year - 1, now.year]
    previous, current = rows
    assert (previous.meetings, previous.invited, previous.present) == (1, 1, 0)
    assert (current.meetings, current.councils, current.invited) == (1, 1, 3)
    assert (current.present, current.excused, current.not_marked) == (2, 1, 1)


def test_the_figures_take_as_many_queries_for_more_meetings(territory, organiser) -> None:
    def make(n: int) -> None:
        for i in range(n):
            event = council(territory, starts_at=timezone.now() - dt.timedelta(days=400 * i + 1))
            actor = ActorFactory(territory=territory)
            for _ in range(3):
                contact = ContactFactory(actor=actor)
                registration = EventRegistration.objects.create(
                    event=event,
                    email=contact.email,
                    name="x",
                    status="inscrit",
                    attendance="present",
                )
                Invitation.objects.create(
                    event=event, actor=actor, contact=contact, registration=registration
                )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            meetings.meetings_per_year(territory)
            meetings.training_impact(territory)
        return len(queries)

    make(2)
    small = count()
    make(4)
    assert count() == small
    assert sum(row.present for row in meetings.meetings_per_year(territory)) == 18


# --- trainings ------------------------------------------------------------------------


def _present(event, contact):  # type: ignore[no-untyped-def]
    registration = EventRegistration.objects.create(
        event=event,
        email=contact.email,
        name=contact.full_name,
        status=RegistrationStatus.CONFIRMED,
        attendance=Attendance.PRESENT,
    )
    return Invitation.objects.create(
        event=event, actor=contact.actor, contact=contact, registration=registration
    )


def _action(actor, starts_at, status=ActionStatus.ACCEPTED, partner=None):  # type: ignore[no-untyped-def]
    week, _ = CampaignWeek.objects.get_or_create(
        territory=actor.territory,
        title="SERD",
        defaults={
            "starts_on": starts_at.date(),
            "ends_on": starts_at.date() + dt.timedelta(days=7),
            "declaration_deadline": starts_at.date(),
        },
    )
    action = CampaignAction.objects.create(
        week=week, actor=actor, title="Stand", description="Un stand", status=status
    )
    if partner is not None:
        action.partners.add(partner)
    CampaignActionDate.objects.create(
        action=action, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2)
    )
    return action


def test_training_impact_counts_actions_after_the_first_training(territory) -> None:
    now = timezone.now()
    waste = training(territory, starts_at=now - dt.timedelta(days=100))
    energy = training(territory, theme="energie", starts_at=now - dt.timedelta(days=50))
    training(territory, starts_at=now + dt.timedelta(days=10))  # not held: no session yet
    actors = [ActorFactory(territory=territory, name=f"Acteur {i}") for i in range(5)]
    contacts = [ContactFactory(actor=actor) for actor in actors]
    for contact in contacts[:4]:
        _present(waste, contact)
    _present(energy, contacts[0])
    _present(energy, ContactFactory(actor=actors[0]))
    # Invited but absent: not trained.
    absent = EventRegistration.objects.create(
        event=waste, email="x@example.org", name="X", status="inscrit", attendance="absent"
    )
    Invitation.objects.create(
        event=waste, actor=actors[4], contact=contacts[4], registration=absent
    )

    _action(actors[0], now - dt.timedelta(days=10))  # after: counts
    _action(actors[1], now - dt.timedelta(days=200))  # before the training: no
    _action(actors[2], now - dt.timedelta(days=5), status=ActionStatus.SUBMITTED)  # not accepted
    _action(actors[4], now - dt.timedelta(days=5), partner=actors[3])  # co-organised: counts

    impact = meetings.training_impact(territory)
    assert (impact.trained_actors, impact.trained_contacts, impact.acting_actors) == (4, 5, 2)
    assert impact.acting_percent == 50
    assert impact.sessions == 2
    modules = {m.theme: m for m in impact.modules}
    assert (modules["dechets"].sessions, modules["dechets"].trained_actors) == (1, 4)
    assert (modules["energie"].trained_contacts, modules["energie"].trained_actors) == (2, 1)
    trained = {a.name: a for a in meetings.trained_actors(territory, theme="energie")}
    assert list(trained) == ["Acteur 0"]
    assert trained["Acteur 0"].trained_contacts == 2
    assert trained["Acteur 0"].acted


# --- pages ------------------------------------------------------------------------------


@pytest.fixture
def as_organiser(client, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    return client


def test_the_organiser_creates_a_council(as_organiser, territory) -> None:
    starts = (timezone.localtime() + dt.timedelta(days=30)).replace(second=0, microsecond=0)
    data = {
        "title": "Conseil des acteurs",
        "kind": EventKind.ACTOR_COUNCIL,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place_name": "Salle des fêtes",
    }
    response = as_organiser.post(url("meeting_create"), data)
    event = territory.events.get()
    assert response.status_code == 302
    assert response["Location"] == url("meeting_invite", event.pk)
    assert event.audience == Audience.INVITATION


def test_bad_meeting_input_is_answered_next_to_the_field(as_organiser, territory) -> None:
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = as_organiser.post(
        url("meeting_create"),
        {
            "title": "Formation",
            "kind": EventKind.RELAY_TRAINING,
            "starts_at": past,
            "ends_at": past,
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "Cette date est passée" in page
    assert "Choisissez le module (thème) de cette formation." in page
    assert 'value="Formation"' in page  # nothing typed is lost
    assert not territory.events.exists()


def test_the_invite_page_shows_the_exact_list_then_sends(as_organiser, territory, people) -> None:
    event = council(territory)
    response = as_organiser.get(
        url("meeting_invite", event.pk), {"voir": "1", "kinds": "association"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "2 personnes recevront l'invitation" in page
    assert "lou@jardins.example.org" in page
    assert "nina@cagette.example.org" not in page
    assert "1 contact écarté faute d'adresse e-mail" in page
    assert "1 contact écarté car désabonné" in page
    fingerprint = response.context["preview"].fingerprint
    response = as_organiser.post(
        url("meeting_invite", event.pk), {"kinds": "association", "empreinte": fingerprint}
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(event=event).count() == 2
    detail = text(as_organiser.get(url("meeting_detail", event.pk)))
    assert "Karim" in detail
    assert "Sans réponse" in detail


def test_an_empty_segment_says_so_and_sends_nothing(as_organiser, territory, people) -> None:
    event = council(territory)
    response = as_organiser.get(
        url("meeting_invite", event.pk), {"voir": "1", "kinds": "etablissement_scolaire"}
    )
    assert "aucun contact joignable par e-mail" in text(response)
    response = as_organiser.post(
        url("meeting_invite", event.pk), {"kinds": "etablissement_scolaire"}
    )
    assert response.status_code == 400
    assert "aucune invitation n'a été envoyée" in text(response)
    assert not OutgoingEmail.objects.exists()


def test_a_meeting_of_another_territory_is_a_404(as_organiser, territory, people) -> None:
    elsewhere = council(TerritoryFactory(slug="ailleurs"))
    workshop = EventFactory(territory=territory, kind=EventKind.WORKSHOP)
    for pk in (elsewhere.pk, workshop.pk):
        assert as_organiser.get(url("meeting_detail", pk)).status_code == 404
        response = as_organiser.post(url("meeting_invite", pk), {"kinds": "association"})
        assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert as_organiser.get(url("training_module", "pas-un-theme")).status_code == 404


def test_the_answer_page_by_link(client, territory, organiser, people) -> None:
    event = council(territory)
    send(event, organiser)
    invitation = invitation_of(event, people["karim"])
    answer_url = reverse("network:invitation_answer", args=[invitation.token])
    page = client.get(answer_url)
    assert page.status_code == 200
    assert "Je viens" in text(page)
    response = client.post(answer_url, {"answer": "vient"})
    assert response.status_code == 302
    response = client.post(answer_url, {"answer": "vient"})  # idempotent
    assert EventRegistration.objects.filter(event=event, status="inscrit").count() == 1
    assert "Votre réponse : Vient." in text(client.get(answer_url))
    assert client.post(answer_url, {"answer": "peut-etre"}).status_code == 400

    bad = client.get(reverse("network:invitation_answer", args=["pas-un-jeton"]))
    assert bad.status_code == 404
    assert "Ce lien d'invitation n'est pas valable" in text(bad)

    type(event).objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=1),
    )
    late = client.post(answer_url, {"answer": "excuse"})
    assert late.status_code == 409
    assert "les réponses sont closes" in text(late)
    invitation.refresh_from_db()
    assert invitation.answer == InvitationAnswer.COMING


def test_the_organiser_marks_a_contact_present_at_the_door(
    as_organiser, territory, people, organiser
) -> None:
    event = council(territory)
    send(event, organiser)
    invitation = invitation_of(event, people["nina"])
    response = as_organiser.post(url("meeting_present", event.pk, invitation.pk))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.registration.attendance == Attendance.PRESENT
    other = council(TerritoryFactory(slug="ailleurs"))
    assert as_organiser.post(url("meeting_present", other.pk, invitation.pk)).status_code == 404


def _count(client, address: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_pages_take_as_many_queries_for_more_meetings(
    as_organiser, territory, organiser, people
) -> None:
    def more() -> None:
        for _ in range(2):
            event = _attended_council(territory, organiser, people)
            session = training(territory, starts_at=timezone.now() - dt.timedelta(days=3))
            _present(session, people["lou"])
            _present(session, ContactFactory(actor=people["karim"].actor))
            del event

    more()
    first = territory.events.filter(kind=EventKind.ACTOR_COUNCIL).first()
    pages = [
        url("meetings"),
        url("trainings"),
        url("training_module", "dechets"),
        url("meeting_detail", first.pk),
        url("meeting_invite", first.pk) + "?voir=1",
        reverse("network:actor_detail", args=[SLUG, people["lou"].actor_id]),
    ]
    small = [_count(as_organiser, page) for page in pages]
    more()
    more()
    # More invitations on the same meeting too.
    for _ in range(3):
        contact = ContactFactory(actor=people["lou"].actor)
        Invitation.objects.create(event=first, actor=contact.actor, contact=contact)
    assert [_count(as_organiser, page) for page in pages] == small


def test_the_pages_show_the_figures(as_organiser, territory, organiser, people) -> None:
    event = _attended_council(territory, organiser, people)
    detail = text(as_organiser.get(url("meeting_detail", event.pk)))
    assert "<strong>3</strong> invité·es" in detail
    assert "<strong>1</strong> non relevé" in detail
    assert "<strong>2</strong> présent·es" in detail
    listing = as_organiser.get(url("meetings"))
    assert listing.status_code == 200
    assert event.title in text(listing)
    actor_page = text(
        as_organiser.get(reverse("network:actor_detail", args=[SLUG, people["lou"].actor_id]))
    )
    assert "Réunions et formations" in actor_page
    assert event.title in actor_page


def test_coordinators_read_the_figures_not_the_people(client, territory, coordinator) -> None:
    event = council(territory)
    client.force_login(coordinator)
    assert client.get(url("meetings")).status_code == 200
    assert client.get(url("trainings")).status_code == 200
    assert client.get(url("meeting_detail", event.pk)).status_code == 403


def test_emails_leave_after_the_commit(
    territory, organiser, people, django_capture_on_commit_callbacks, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    event = council(territory)
    with django_capture_on_commit_callbacks(execute=True):
        send(event, organiser)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "karim@repair.example.org",
        "lou@jardins.example.org",
        "nina@cagette.example.org",
    ]
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 3


def test_sending_takes_as_many_queries_for_more_contacts(territory, organiser) -> None:
    def sent_with(n: int) -> int:
        for _ in range(n):
            ContactFactory(actor=ActorFactory(territory=territory))
        event = council(territory)
        with CaptureQueriesContext(connection) as queries:
            send(event, organiser)
        return len(queries)

    assert sent_with(3) == sent_with(12)
