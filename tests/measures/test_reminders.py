"""Reminders by e-mail when a reading or a weighing is due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from measures.tasks import due_reminders, send_due_reminders
from tests.factories import (
    ChallengeFactory,
    HouseholdFactory,
    MeterFactory,
    ReadingFactory,
    RegistrationFactory,
    UserFactory,
    WeighingFactory,
)

START = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 2, 4)  # 30 days after the start


@pytest.fixture
def challenge(territory):  # type: ignore[no-untyped-def]
    return ChallengeFactory(
        territory=territory,
        slug="hiver",
        title="Hiver malin",
        themes=["energie"],
        starts_on=START,
        ends_on=dt.date(2026, 4, 30),
        reading_frequency_days=15,
    )


def household_read_on(challenge, last_read: dt.date | None, email: str, **registration):  # type: ignore[no-untyped-def]
    household = HouseholdFactory()
    UserFactory(household=household, email=email)
    RegistrationFactory(challenge=challenge, household=household, **registration)
    if last_read is not None:
        meter = MeterFactory(household=household)
        ReadingFactory(meter=meter, read_on=last_read - dt.timedelta(days=20), value=10)
        ReadingFactory(meter=meter, read_on=last_read, value=20)
    return household


@pytest.fixture
def remind(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """send_due_reminders, and the outbox's hand-over once the work commits."""

    def run(**kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return send_due_reminders(**kwargs)

    return run


def recipients(mailoutbox) -> set[str]:  # type: ignore[no-untyped-def]
    return {address for mail in mailoutbox for address in mail.to}


def test_households_are_reminded_every_frequency_days_after_their_last_reading(
    challenge, mailoutbox, remind
):
    household_read_on(challenge, TODAY - dt.timedelta(days=15), "quinze@example.org")
    household_read_on(challenge, TODAY - dt.timedelta(days=30), "trente@example.org")
    household_read_on(challenge, TODAY - dt.timedelta(days=10), "dix@example.org")
    household_read_on(challenge, TODAY - dt.timedelta(days=16), "seize@example.org")
    household_read_on(challenge, TODAY, "ajour@example.org")
    assert remind(today=TODAY) == 2
    assert recipients(mailoutbox) == {"quinze@example.org", "trente@example.org"}
    mail = mailoutbox[0]
    assert "Hiver malin" in mail.subject
    assert "Énergie : dernier relevé il y a 15 jours" in mail.body
    assert "/t/val-de-drome/defis/hiver/saisie/" in mail.body
    assert "pause" in mail.body


def test_the_same_household_is_not_reminded_the_next_day(challenge, mailoutbox):
    household_read_on(challenge, TODAY - dt.timedelta(days=15), "quinze@example.org")
    assert send_due_reminders(today=TODAY) == 1
    assert send_due_reminders(today=TODAY + dt.timedelta(days=1)) == 0
    assert send_due_reminders(today=TODAY + dt.timedelta(days=15)) == 1


def test_a_household_without_any_reading_is_reminded_from_the_start(challenge, mailoutbox, remind):
    household_read_on(challenge, None, "rien@example.org")
    assert remind(today=START) == 1
    assert send_due_reminders(today=START + dt.timedelta(days=1)) == 0
    assert send_due_reminders(today=START + dt.timedelta(days=15)) == 1
    assert "aucune donnée" in mailoutbox[0].body


def test_paused_waiting_and_withdrawn_households_are_not_reminded(challenge, mailoutbox):
    late = TODAY - dt.timedelta(days=15)
    household_read_on(challenge, late, "pause@example.org", reminders_paused=True)
    household_read_on(challenge, late, "attente@example.org", status="attente")
    household_read_on(challenge, late, "parti@example.org", status="desiste")
    assert send_due_reminders(today=TODAY) == 0
    assert mailoutbox == []


def test_nobody_is_reminded_before_the_start_or_after_the_end(challenge, mailoutbox):
    household_read_on(challenge, None, "rien@example.org")
    assert send_due_reminders(today=START - dt.timedelta(days=15)) == 0
    assert send_due_reminders(today=dt.date(2026, 5, 5)) == 0


def test_a_draft_challenge_sends_nothing(challenge, mailoutbox):
    challenge.published_at = None
    challenge.save()
    household_read_on(challenge, None, "rien@example.org")
    assert send_due_reminders(today=START) == 0


def test_every_member_of_a_household_gets_the_reminder(challenge, mailoutbox, remind):
    household = household_read_on(challenge, TODAY - dt.timedelta(days=15), "a@example.org")
    UserFactory(household=household, email="b@example.org")
    assert remind(today=TODAY) == 1
    # One message each: each has its own unsubscribe link.
    assert sorted(mail.to for mail in mailoutbox) == [["a@example.org"], ["b@example.org"]]
    assert "List-Unsubscribe" in mailoutbox[0].extra_headers


def test_weighings_follow_their_own_weekly_rhythm(territory, mailoutbox, remind):
    waste = ChallengeFactory(
        territory=territory,
        themes=["dechets"],
        starts_on=START,
        ends_on=dt.date(2026, 6, 30),
        weighing_frequency_days=7,
    )
    household = HouseholdFactory()
    UserFactory(household=household, email="poubelle@example.org")
    registration = RegistrationFactory(challenge=waste, household=household)
    WeighingFactory(registration=registration, weighed_on=TODAY - dt.timedelta(days=14))
    due = due_reminders(today=TODAY)
    assert [(r.pk, [t.theme for t in themes]) for r, themes in due] == [
        (registration.pk, ["dechets"])
    ]
    assert remind(today=TODAY) == 1
    assert "Déchets : dernière pesée il y a 14 jours" in mailoutbox[0].body
    assert send_due_reminders(today=TODAY - dt.timedelta(days=1)) == 0


def test_an_unread_meter_is_named_in_the_reminder(challenge, mailoutbox, remind):
    household = household_read_on(challenge, TODAY - dt.timedelta(days=3), "deux@example.org")
    MeterFactory(household=household, label="Compteur d'eau du jardin")
    remind(today=TODAY)  # 30 days after the start: a multiple of 15
    assert "premier relevé attendu pour Compteur d'eau du jardin" in mailoutbox[0].body


def test_the_query_count_does_not_grow_with_households(
    challenge, mailoutbox, django_assert_max_num_queries
):
    for n in range(12):
        household_read_on(challenge, TODAY - dt.timedelta(days=15), f"f{n}@example.org")
    with django_assert_max_num_queries(8):
        assert send_due_reminders(today=TODAY) == 12


def test_the_command_sends_the_reminders_of_a_given_day(
    challenge, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    household_read_on(challenge, TODAY - dt.timedelta(days=15), "quinze@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", TODAY.isoformat())
    assert "Rappels envoyés : 1 foyer(s)." in capsys.readouterr().out
    assert len(mailoutbox) == 1


def test_the_task_accepts_an_iso_date_from_the_broker(challenge, mailoutbox):
    household_read_on(challenge, TODAY - dt.timedelta(days=15), "quinze@example.org")
    assert send_due_reminders.delay(today=TODAY.isoformat()).get() == 1
