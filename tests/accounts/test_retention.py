"""Retention: what was collected for a campaign, an event or a join request
is anonymised ELAN_RETENTION_DAYS after it ended; what is still running or
recent stays, and the published figures do not move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts import rgpd
from accounts.tasks import apply_retention
from events.models import Attendance, EventRegistration
from network.models import JoinRequest, JoinRequestStatus
from pledges.models import CampaignStatus, Commitment
from tests.events.factories import EventFactory, EventRegistrationFactory
from tests.network.factories import JoinRequestFactory
from tests.pledges.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - dt.timedelta(days=800)


def test_closed_campaigns_lose_names_and_addresses_not_their_count(territory, settings) -> None:
    settings.ELAN_RETENTION_DAYS = 730
    old = CampaignFactory(
        territory=territory,
        status=CampaignStatus.EXPIRED,
        expired_at=LONG_AGO,
        participants_count=2,
    )
    recent = CampaignFactory(
        territory=territory,
        status=CampaignStatus.FULFILLED,
        fulfilled_at=timezone.now() - dt.timedelta(days=10),
    )
    running = CampaignFactory(territory=territory)
    for campaign in (old, old, recent, running):
        CommitmentFactory(campaign=campaign)
    changed = rgpd.run_retention()
    assert changed["engagements"] == 2
    gone = Commitment.objects.filter(campaign=old)
    assert set(gone.values_list("first_name", "email")) == {("", "")}
    assert gone.count() == 2  # still counted
    old.refresh_from_db()
    assert old.participants_count == 2
    kept = Commitment.objects.exclude(campaign=old)
    assert all(c.email for c in kept)
    assert rgpd.run_retention()["engagements"] == 0  # idempotent


def test_guests_of_past_events_are_anonymised_and_attendance_kept(territory) -> None:
    past = EventFactory(
        territory=territory, starts_at=LONG_AGO, ends_at=LONG_AGO + dt.timedelta(hours=2)
    )
    guest = EventRegistrationFactory(
        event=past,
        user=None,
        name="Lou Martin",
        email="lou@example.org",
        attendance=Attendance.PRESENT,
    )
    member = EventRegistrationFactory(event=past)
    future = EventFactory(territory=territory)
    upcoming = EventRegistrationFactory(
        event=future, user=None, name="Ali", email="ali@example.org"
    )
    assert rgpd.run_retention()["evenements"] == 1
    guest.refresh_from_db()
    assert (guest.name, guest.email, guest.attendance) == ("", "", Attendance.PRESENT)
    assert EventRegistration.objects.filter(pk=member.pk, user__isnull=False).exists()
    upcoming.refresh_from_db()
    assert upcoming.email == "ali@example.org"


def test_decided_join_requests_keep_the_organisation_not_the_person(territory) -> None:
    old = JoinRequestFactory(territory=territory, name="Repair café", phone="06 00 00 00 00")
    JoinRequest.objects.filter(pk=old.pk).update(
        status=JoinRequestStatus.DECLINED, decided_at=LONG_AGO
    )
    pending = JoinRequestFactory(territory=territory)
    assert apply_retention()["reseau_demandes_adhesion"] == 1
    old.refresh_from_db()
    assert (old.first_name, old.last_name, old.email, old.phone) == ("", "", "", "")
    assert old.name == "Repair café"
    pending.refresh_from_db()
    assert pending.email
