"""Pledges in the RGPD export and erasure: found by the account's e-mails,
anonymised without changing what was counted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from accounts import rgpd
from accounts.services import account_erase
from pledges.models import ActivityReport, Campaign, Commitment
from tests.factories import UserFactory
from tests.pledges.factories import ActivityReportFactory, CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):  # type: ignore[no-untyped-def]
    user = UserFactory(email="lou@example.org")
    EmailAddress.objects.create(user=user, email="lou@travail.fr", verified=True)
    EmailAddress.objects.create(user=user, email="lou@pas-verifiee.fr", verified=False)
    return user


@pytest.fixture
def campaign(territory):  # type: ignore[no-untyped-def]
    return CampaignFactory(territory=territory, title="À vélo", reports_activities=True)


@pytest.fixture
def commitments(campaign, territory, person):  # type: ignore[no-untyped-def]
    crest = territory.communes.first()
    mine = CommitmentFactory(
        campaign=campaign, first_name="Lou", email="LOU@example.org", commune=crest
    )
    at_work = CommitmentFactory(
        campaign=CampaignFactory(territory=territory, title="Au travail"),
        first_name="Lou",
        email="lou@travail.fr",
    )
    unverified = CommitmentFactory(campaign=campaign, email="lou@pas-verifiee.fr")
    someone = CommitmentFactory(campaign=campaign, first_name="Sam", email="sam@example.org")
    ActivityReportFactory(commitment=mine, km=Decimal(12))
    ActivityReportFactory(commitment=someone, km=Decimal(5))
    return mine, at_work, unverified, someone


def test_the_export_has_my_commitments_and_reports_only(person, commitments) -> None:  # type: ignore[no-untyped-def]
    data = rgpd.export_data(person)
    campaigns = sorted(row["campagne"] for row in data["engagements"])
    assert campaigns == ["Au travail", "À vélo"]
    mine = next(row for row in data["engagements"] if row["campagne"] == "À vélo")
    assert mine["prenom_ou_pseudonyme"] == "Lou"
    assert mine["commune"] == "Crest"
    assert mine["etat"] == "Confirmé"
    assert data["activites_declarees"] == [
        {
            "campagne": "À vélo",
            "date": data["activites_declarees"][0]["date"],
            "mode": "Vélo",
            "km": "12.0",
            "trajets": None,
            "declare_le": data["activites_declarees"][0]["declare_le"],
        }
    ]


def test_erasing_anonymises_and_keeps_what_was_counted(person, commitments, campaign) -> None:  # type: ignore[no-untyped-def]
    mine, at_work, unverified, someone = commitments
    campaign.sponsor_contacts.add(person)
    campaign.agents.add(person)
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=3, quantity_total=17)
    account_erase(user=person)
    mine.refresh_from_db()
    at_work.refresh_from_db()
    assert (mine.first_name, mine.email) == ("Participant·e", "")
    assert (at_work.first_name, at_work.email) == ("Participant·e", "")
    assert mine.commune_id == "26108"
    assert mine.status == "confirme"
    assert ActivityReport.objects.get(commitment=mine).km == 12
    # Not the person's (unverified address, someone else): untouched.
    assert Commitment.objects.get(pk=unverified.pk).email == "lou@pas-verifiee.fr"
    assert Commitment.objects.get(pk=someone.pk).first_name == "Sam"
    campaign.refresh_from_db()
    assert (campaign.participants_count, campaign.quantity_total) == (3, 17)
    assert not campaign.sponsor_contacts.exists()
    assert not campaign.agents.exists()
