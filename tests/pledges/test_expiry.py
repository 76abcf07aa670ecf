"""The daily close_expired_campaigns command, and pages that already show a
campaign past its deadline as closed before it runs."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pledges.models import CampaignStatus
from tests.pledges.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def test_the_command_expires_due_campaigns_and_tells_participants(  # type: ignore[no-untyped-def]
    territory, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    due = CampaignFactory(territory=territory, deadline=timezone.now() - dt.timedelta(hours=2))
    CommitmentFactory(campaign=due, email="participante@example.org")
    CampaignFactory(territory=territory, deadline=timezone.now() + dt.timedelta(days=3))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("close_expired_campaigns", stdout=out)
    assert out.getvalue().strip() == "Campagnes closes : 1."
    due.refresh_from_db()
    assert due.status == CampaignStatus.EXPIRED
    assert [m.to for m in mailoutbox] == [["participante@example.org"]]
    assert "Campagne close" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        call_command("close_expired_campaigns", stdout=StringIO())
    assert len(mailoutbox) == 1  # idempotent: nobody is told twice


def test_the_list_shows_a_campaign_past_its_deadline_as_closed(client, territory) -> None:  # type: ignore[no-untyped-def]
    CampaignFactory(territory=territory, deadline=timezone.now() - dt.timedelta(minutes=5))
    html = client.get(reverse("pledges:list", args=[territory.slug])).content.decode()
    assert '<span class="badge">Campagne close</span>' in html


def test_an_expired_campaign_refuses_to_confirm_pending_links(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, deadline=timezone.now() - dt.timedelta(days=1))
    pending = CommitmentFactory(campaign=campaign, status="a_confirmer", confirmed_at=None)
    pending.confirmation_sent_at = timezone.now() - dt.timedelta(days=2)
    pending.save(update_fields=["confirmation_sent_at"])
    url = reverse("pledges:confirm", args=[pending.confirm_token])
    html = client.get(url).content.decode()
    assert "La campagne est close depuis le" in html
    assert client.post(url).status_code == 400
    campaign.refresh_from_db()
    assert campaign.participants_count == 0
