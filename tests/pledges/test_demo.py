"""The demo's pledge campaigns: one in each state, an employee operation, a
door-to-door operation; consistent counters; nothing duplicated on a re-run."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum
from django.utils import timezone

from pledges.models import (
    ActivityReport,
    Audience,
    Campaign,
    CampaignStatus,
    Commitment,
    CommitmentStatus,
    FieldProposal,
    Operation,
    ProposalOutcome,
)

pytestmark = pytest.mark.django_db


# seed_demo takes seconds: each test loads it once and checks several things.


def test_the_demo_shows_every_side_of_the_pledges() -> None:
    call_command("seed_demo", verbosity=0)
    _a_campaign_in_each_state()
    _sponsors_and_agents_are_demo_accounts()
    _the_agent_went_door_to_door_in_saillans()
    _the_company_operation_ranks_its_sites()
    _no_date_is_in_the_future_but_deadlines()


def test_the_pledges_demo_is_idempotent_with_counters_equal_to_the_rows() -> None:
    call_command("seed_demo", verbosity=0)
    before = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == before
    _the_counters_are_the_row_counts()


def _a_campaign_in_each_state() -> None:
    states = set(
        Campaign.objects.filter(territory__slug="val-de-drome").values_list("status", flat=True)
    )
    assert {
        CampaignStatus.OPEN,
        CampaignStatus.REACHED,
        CampaignStatus.FULFILLED,
        CampaignStatus.EXPIRED,
    } <= states
    solicycle = Campaign.objects.get(slug="a-velo-pour-solicycle")
    assert solicycle.title == "À vélo pour Solicycle"
    assert solicycle.participants_goal == 200
    assert 120 <= solicycle.participants_count <= 140
    assert solicycle.accepts_commitments()
    assert solicycle.commitments.filter(status=CommitmentStatus.PENDING).exists()
    assert solicycle.commitments.values("commune").distinct().count() == 6
    assert ActivityReport.objects.filter(commitment__campaign=solicycle).count() == 200
    assert solicycle.quantity_total > 0
    reached = Campaign.objects.get(status=CampaignStatus.REACHED)
    assert reached.participants_count >= reached.participants_goal
    assert reached.reached_at is not None
    assert not reached.fulfilment_text
    fulfilled = Campaign.objects.get(status=CampaignStatus.FULFILLED)
    assert fulfilled.fulfilment_text.startswith("Promesse tenue")
    assert fulfilled.fulfilled_at is not None
    expired = Campaign.objects.get(status=CampaignStatus.EXPIRED)
    assert expired.participants_count < expired.participants_goal
    assert expired.deadline < timezone.now()


def _sponsors_and_agents_are_demo_accounts() -> None:
    for campaign in Campaign.objects.filter(territory__slug="val-de-drome"):
        assert list(campaign.sponsor_contacts.values_list("email", flat=True)) == [
            "partenaire@demo.elan.localhost"
        ]
    solicycle = Campaign.objects.get(slug="a-velo-pour-solicycle")
    assert list(solicycle.agents.values_list("email", flat=True)) == ["acteur@demo.elan.localhost"]


def _the_agent_went_door_to_door_in_saillans() -> None:
    proposals = FieldProposal.objects.filter(campaign__slug="a-velo-pour-solicycle")
    assert proposals.count() == 40
    committed = proposals.filter(outcome=ProposalOutcome.COMMITTED)
    assert committed.count() == 12
    assert not committed.filter(commitment__isnull=True).exists()
    recorded = Commitment.objects.filter(proposal__in=committed)
    assert set(recorded.values_list("commune__name", flat=True)) == {"Saillans"}
    assert not recorded.filter(agent__isnull=True).exists()


def _the_company_operation_ranks_its_sites() -> None:
    operation = Operation.objects.get(slug="semaine-mobilite-biovallee")
    assert operation.title == "Semaine de la mobilité — Biovallée Industries"
    campaigns = list(operation.campaigns.all())
    assert 3 <= len(campaigns) <= 5
    for campaign in campaigns:
        assert campaign.audience == Audience.ORGANISATION
        assert campaign.allowed_domains == "biovallee-industries.example.org"
        assert campaign.sites == ["Siège Crest", "Usine Eurre", "Entrepôt Livron"]
        assert campaign.reports_activities
        sites = set(campaign.commitments.values_list("site", flat=True))
        assert sites == set(campaign.sites)
        emails = campaign.commitments.values_list("email", flat=True)
        assert all(email.endswith("@biovallee-industries.example.org") for email in emails)
        assert ActivityReport.objects.filter(commitment__campaign=campaign).exists()


def _the_counters_are_the_row_counts() -> None:
    campaigns = Campaign.objects.annotate(
        confirmed=Count("commitments", filter=Q(commitments__status=CommitmentStatus.CONFIRMED))
    )
    assert campaigns.count() >= 8
    for campaign in campaigns:
        assert campaign.participants_count == campaign.confirmed, campaign.slug
        km = ActivityReport.objects.filter(commitment__campaign=campaign).aggregate(s=Sum("km"))
        assert campaign.quantity_total == (km["s"] or 0), campaign.slug


def _no_date_is_in_the_future_but_deadlines() -> None:
    now = timezone.now()
    assert not Commitment.objects.filter(confirmed_at__gt=now).exists()
    assert not Commitment.objects.filter(created_at__gt=now).exists()
    assert not ActivityReport.objects.filter(date__gt=timezone.localdate()).exists()
    assert not Campaign.objects.filter(published_at__gt=now).exists()


def _counts() -> tuple[int, ...]:
    return (
        Operation.objects.count(),
        Campaign.objects.count(),
        Commitment.objects.count(),
        ActivityReport.objects.count(),
        FieldProposal.objects.count(),
        *Campaign.objects.order_by("slug").values_list("participants_count", flat=True),
    )
