"""The demo's network: about sixty actors of the Val de Drôme over three
years, communes members by right, overdue members, requests to decide, the
actor contact of the demo; nothing duplicated on a re-run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from network.identifiers import siret_valid, validate_rna
from network.models import (
    Actor,
    ActorKind,
    Contact,
    ContactLog,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
)
from network.selectors import overdue

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    models = [Actor, Contact, ContactLog, Membership, JoinRequest]
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_network_grows_over_three_years_and_is_idempotent() -> None:
    call_command("seed_demo", verbosity=0)
    val = Actor.objects.filter(territory__slug="val-de-drome")
    assert 55 <= val.count() <= 65
    communes = val.filter(kind=ActorKind.COMMUNE).with_membership()
    assert communes.count() == 6
    assert all(a.membership_status == MembershipStatus.MEMBER for a in communes)
    today = timezone.localdate()
    joined = Membership.objects.filter(
        actor__territory__slug="val-de-drome", joined_on__isnull=False
    )
    by_year = [
        joined.filter(joined_on__lte=today - dt.timedelta(days=365 * back)).count()
        for back in (2, 1, 0)
    ]
    assert by_year[0] < by_year[1] < by_year[2]  # three years of growth
    kinds = set(val.values_list("kind", flat=True))
    assert {ActorKind.ASSOCIATION, ActorKind.COMPANY, ActorKind.SCHOOL, ActorKind.CRAFT} <= kinds
    for siret in val.exclude(siret="").values_list("siret", flat=True):
        assert siret_valid(siret)
    for rna in val.exclude(rna="").values_list("rna", flat=True):
        validate_rna(rna)
    territory = val.first().territory
    assert 5 <= overdue(territory, today=today).count() <= 15
    statuses = set(JoinRequest.objects.values_list("status", flat=True))
    assert {JoinRequestStatus.PENDING, JoinRequestStatus.UNCONFIRMED} <= statuses
    contact = Contact.objects.get(user__email="acteur@demo.elan.localhost")
    assert contact.actor.name == "Recyclerie La Ressourcerie du Val"
    assert contact.user.has_perm("network.edit_actor", contact.actor)
    assert not ContactLog.objects.filter(happened_on__gt=today).exists()
    assert not val.annotate(n=Count("memberships")).filter(n__gt=1).exists()

    before = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == before


def test_the_demo_dashboard_shows_growth_councils_training_and_two_serd_editions() -> None:
    from network import indicators
    from network.models import CampaignAction, Invitation
    from territories.models import Territory

    call_command("seed_demo", verbosity=0)
    territory = Territory.objects.get(slug="val-de-drome")
    board = indicators.dashboard(territory)
    totals = [row.total for row in board.members]
    assert len(totals) >= 3
    assert totals[0] < totals[-2] <= totals[-1] + 3
    held = [row for row in board.activity if row.councils]
    assert len(held) >= 2
    for row in held:
        assert row.invited > row.present > 0
        assert row.excused > 0
    assert board.training.trained_actors >= 12
    assert len(board.training.modules) == 5
    assert 60 <= (board.training.acting_percent or 0) <= 85
    serd = [e for e in board.editions if e.current.week.title.startswith("SERD")]
    assert len(serd) == 2
    latest, first = serd
    assert latest.previous is not None
    assert latest.previous.week == first.current.week
    assert latest.current.distinct_actions > first.current.distinct_actions
    assert latest.current.actions > latest.current.distinct_actions  # repeated actions
    assert latest.current.valued_expenses > 0
    assert sum(row.sheets for row in board.activity) == 6
    before = (Invitation.objects.count(), CampaignAction.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Invitation.objects.count(), CampaignAction.objects.count()) == before
