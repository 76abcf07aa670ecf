"""The captain's dashboard and the one-click reminder."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from challenges.models import CaptainReminder, Registration, Team, Theme
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    TeamFactory,
    UserFactory,
    WeighingFactory,
)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Read at each use: a run that crosses midnight must not compare
    # yesterday's date with the server's today.
    return timezone.localdate()


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def challenge(territory):
    return ChallengeFactory(
        territory=territory, themes=[Theme.ENERGY, Theme.WASTE], reading_frequency_days=15
    )


@pytest.fixture
def team(challenge):
    return TeamFactory(challenge=challenge, name="Crest 1")


@pytest.fixture
def captain(team):
    registration = join(team, "Capitaine", days_ago=1)
    user = registration.household.members.get()
    team.captain = user
    team.save()
    return user


def join(team: Team, name: str, *, days_ago: int | None = None, **kwargs) -> Registration:
    registration = RegistrationFactory(
        challenge=team.challenge,
        team=team,
        household=HouseholdFactory(name=f"Foyer {name}"),
        **kwargs,
    )
    UserFactory(
        household=registration.household,
        display_name=name,
        email=f"{name.lower()}@example.org",
    )
    if days_ago is not None:
        meter = MeterFactory(household=registration.household, label="Gaz")
        ReadingFactory(meter=meter, read_on=today() - dt.timedelta(days=days_ago), value=4321)
        WeighingFactory(registration=registration, weighed_on=today() - dt.timedelta(days=days_ago))
    return registration


def dashboard(team: Team) -> str:
    return reverse(
        "challenges:captain", args=[team.challenge.territory.slug, team.challenge.slug, team.pk]
    )


def remind_url(team: Team, registration: Registration) -> str:
    args = [team.challenge.territory.slug, team.challenge.slug, team.pk, registration.pk]
    return reverse("challenges:remind", args=args)


def test_the_dashboard_shows_each_household_status(client, team, captain) -> None:
    join(team, "Alix", days_ago=2)
    join(team, "Bruno", days_ago=23)
    join(team, "Chloé")
    client.force_login(captain)
    response = client.get(dashboard(team))
    assert response.status_code == 200
    page = text(response)
    assert "À jour" in page
    assert "En retard" in page
    assert "dernier relevé il y a 23 jours" in page
    assert "Aucune donnée" in page
    assert response.context["late_count"] == 2
    assert page.count(">Relancer<") == 2


def test_values_show_only_for_households_that_share_them(client, team, captain) -> None:
    join(team, "Alix", days_ago=2)
    client.force_login(captain)
    assert "4321" not in text(client.get(dashboard(team)))
    Registration.objects.filter(team=team).update(shares_values_with_team=True)
    assert "4321 m³" in text(client.get(dashboard(team)))


def test_the_dashboard_query_count_does_not_grow_with_households(client, team, captain) -> None:
    for index in range(2):
        join(team, f"Petit{index}", days_ago=index * 10)
    client.force_login(captain)
    with CaptureQueriesContext(connection) as three:
        assert client.get(dashboard(team)).status_code == 200
    for index in range(7):
        join(team, f"Grand{index}", days_ago=index * 5, shares_values_with_team=True)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(dashboard(team)).status_code == 200
    assert Registration.objects.filter(team=team).count() == 10
    # One more at most: the weights of the households that share them.
    assert len(ten) <= len(three) + 1


def test_a_member_may_not_open_the_dashboard(client, team, captain) -> None:
    member = join(team, "Alix").household.members.get()
    client.force_login(member)
    assert client.get(dashboard(team)).status_code == 403
    late = join(team, "Bruno")
    assert client.post(remind_url(team, late)).status_code == 403
    assert not CaptainReminder.objects.exists()


def test_the_reminder_emails_the_late_household(
    client, team, captain, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    late = join(team, "Bruno", days_ago=23)
    UserFactory(household=late.household, email="bruno2@example.org")
    client.force_login(captain)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(team, late), follow=True)
    assert "Relance envoyée au foyer « Foyer Bruno »." in text(response)
    reminder = CaptainReminder.objects.get()
    assert (reminder.team, reminder.registration, reminder.sent_by) == (team, late, captain)
    # One message per member of the household, each with its unsubscribe link.
    assert sorted(m.to for m in mailoutbox) == [["bruno2@example.org"], ["bruno@example.org"]]
    mail = mailoutbox[0]
    assert "List-Unsubscribe" in mail.extra_headers
    assert mail.subject == "[Élan] Votre équipe « Crest 1 » attend vos chiffres"
    assert "Capitaine, capitaine de votre équipe « Crest 1 »" in mail.body
    assert "Énergie : en retard (dernier relevé il y a 23 jours)" in mail.body
    assert "Déchets : en retard (dernière pesée il y a 23 jours)" in mail.body
    assert "notez l'index affiché sur chaque compteur" in mail.body
    assert "au moins une fois tous les 15 jours" in mail.body
    assert "/compte/" in mail.body
    assert "&#x27;" not in mail.body
    assert "4321" not in mail.body


def test_a_household_is_reminded_once_a_day_at_most(
    client, team, captain, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    late = join(team, "Bruno")
    sent_at = timezone.now() - dt.timedelta(hours=23)
    CaptainReminder.objects.create(team=team, registration=late, sent_by=captain, sent_at=sent_at)
    client.force_login(captain)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(team, late), follow=True)
    next_at = timezone.localtime(sent_at + dt.timedelta(hours=24))
    page = text(response)
    assert "déjà été relancé il y a moins de 24 heures" in page
    assert f"à {next_at:%H} h {next_at:%M}" in page
    assert mailoutbox == []
    CaptainReminder.objects.update(sent_at=timezone.now() - dt.timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(remind_url(team, late))
    assert len(mailoutbox) == 1
    assert CaptainReminder.objects.count() == 2


def test_households_that_paused_reminders_are_not_reminded(
    client, team, captain, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    paused = join(team, "Bruno", reminders_paused=True)
    client.force_login(captain)
    page = text(client.get(dashboard(team)))
    assert "rappels en pause" in page
    assert remind_url(team, paused) not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(team, paused), follow=True)
    assert "a mis ses rappels en pause" in text(response)
    assert mailoutbox == []
    assert not CaptainReminder.objects.exists()


def test_an_up_to_date_household_is_not_reminded(client, team, captain, mailoutbox) -> None:
    fine = join(team, "Alix", days_ago=1)
    client.force_login(captain)
    response = client.post(remind_url(team, fine), follow=True)
    assert "Ce foyer est à jour" in text(response)
    assert not CaptainReminder.objects.exists()


def test_htmx_swaps_the_row(client, team, captain, django_capture_on_commit_callbacks) -> None:
    late = join(team, "Bruno")
    client.force_login(captain)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remind_url(team, late), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    sent = timezone.localtime(CaptainReminder.objects.get().sent_at)
    row = text(response)
    assert row.startswith(f'<tr id="foyer-{late.pk}">')
    assert f"relancé à {sent:%H} h {sent:%M}" in row
    response = client.post(remind_url(team, late), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Prochaine relance possible" in text(response)


def test_a_household_of_another_team_is_not_found(client, team, captain, challenge) -> None:
    elsewhere = join(TeamFactory(challenge=challenge), "Zoé")
    client.force_login(captain)
    assert client.post(remind_url(team, elsewhere)).status_code == 404


def test_the_organiser_may_remind_too(client, team, organiser) -> None:
    late = join(team, "Bruno")
    client.force_login(organiser)
    assert client.get(dashboard(team)).status_code == 200
    client.post(remind_url(team, late))
    assert CaptainReminder.objects.get().sent_by == organiser
