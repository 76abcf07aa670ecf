"""The sponsor's pages: their campaigns, a campaign's figures, the CSV export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from pledges.models import Campaign, CampaignStatus, CommitmentStatus
from tests.factories import UserFactory
from tests.pledges.factories import (
    ActivityReportFactory,
    CampaignFactory,
    CommitmentFactory,
    FieldProposalFactory,
    OperationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="mairie@example.org")


@pytest.fixture
def campaign(territory, sponsor):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory,
        slug="velo",
        title="À vélo pour Solicycle",
        reports_activities=True,
        sites=["Crest", "Die"],
        participants_goal=3,
    )
    campaign.sponsor_contacts.add(sponsor)
    return campaign


@pytest.fixture
def sponsor_client(client, sponsor):  # type: ignore[no-untyped-def]
    client.force_login(sponsor)
    return client


def figures_url(campaign, name="pledges:sponsor_campaign") -> str:  # type: ignore[no-untyped-def]
    return reverse(name, args=[campaign.territory.slug, campaign.slug])


def test_the_sponsor_sees_their_campaigns_in_every_territory(
    sponsor_client, sponsor, campaign, other_territory
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = CampaignFactory(territory=other_territory, title="Covoiturage à Paris")
    elsewhere.sponsor_contacts.add(sponsor)
    CampaignFactory(title="Pas la mienne")
    draft = CampaignFactory(title="Brouillon", status=CampaignStatus.DRAFT)
    draft.sponsor_contacts.add(sponsor)
    html = sponsor_client.get(reverse("pledges:sponsor")).content.decode()
    assert "À vélo pour Solicycle" in html
    assert "Covoiturage à Paris" in html
    assert "Pas la mienne" not in html
    assert "Brouillon" not in html


def test_without_sponsored_campaigns_the_page_explains(client, outsider) -> None:  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    response = client.get(reverse("pledges:sponsor"))
    assert response.status_code == 200
    assert "Vous n'êtes le contact du parrain d'aucune campagne" in response.content.decode()


def test_the_figures_page(sponsor_client, campaign, territory) -> None:  # type: ignore[no-untyped-def]
    crest = territory.communes.first()
    people = [CommitmentFactory(campaign=campaign, commune=crest, site="Crest") for _ in range(2)]
    ActivityReportFactory(commitment=people[0], km=Decimal(40))
    FieldProposalFactory(campaign=campaign, outcome="refus")
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=2)
    response = sponsor_client.get(figures_url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert "engagements-par-semaine" in html
    assert "engagements-par-commune" in html
    assert "Crest" in html
    assert "8,7" in html  # 40 km × 0.218 kg of CO2 avoided
    assert "Sur le terrain" in html
    assert "Confirmer la contrepartie" not in html
    assert figures_url(campaign, "pledges:sponsor_csv") in html


def test_the_fulfil_button_shows_once_reached(sponsor_client, campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.REACHED, reached_at=timezone.now()
    )
    html = sponsor_client.get(figures_url(campaign)).content.decode()
    assert "Confirmer la contrepartie" in html
    assert reverse("pledges:fulfil", args=[campaign.territory.slug, campaign.slug]) in html


def test_an_operation_ranks_its_campaigns(sponsor_client, campaign, territory) -> None:  # type: ignore[no-untyped-def]
    operation = OperationFactory(territory=territory, title="Semaine de la mobilité")
    Campaign.objects.filter(pk=campaign.pk).update(operation=operation, participants_count=4)
    CampaignFactory(territory=territory, operation=operation, title="À pied")
    html = sponsor_client.get(figures_url(campaign)).content.decode()
    assert "Les campagnes de l'opération « Semaine de la mobilité »" in html
    assert html.index("À vélo pour Solicycle</th>") < html.index("À pied</th>")


def test_the_csv_has_no_email_and_one_row_per_confirmed_commitment(
    sponsor_client, campaign, territory
) -> None:  # type: ignore[no-untyped-def]
    crest = territory.communes.first()
    when = dt.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Europe/Paris"))
    lou = CommitmentFactory(
        campaign=campaign,
        first_name="Lou",
        email="lou@example.org",
        commune=crest,
        site="Crest",
        confirmed_at=when,
    )
    ActivityReportFactory(commitment=lou, mode="velo", km=Decimal("12.5"))
    ActivityReportFactory(commitment=lou, mode="velo", km=Decimal("10"))
    ActivityReportFactory(commitment=lou, mode="marche", km=Decimal("3"))
    CommitmentFactory(campaign=campaign, first_name="=HYPERLINK(1)", confirmed_at=when)
    CommitmentFactory(campaign=campaign, first_name="Pending", status=CommitmentStatus.PENDING)
    response = sponsor_client.get(figures_url(campaign, "pledges:sponsor_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Date d'engagement;Prénom ou pseudonyme;Commune;Site ou équipe;")
    assert "Vélo (km)" in lines[0]
    assert "Covoiturage (km)" in lines[0]
    assert len(lines) == 3
    assert lines[1].startswith("02/03/2026;Lou;Crest;Crest;22,5;3,0")
    assert lines[2].split(";")[1] == "'=HYPERLINK(1)"
    assert "@" not in body
    assert "Pending" not in body


@pytest.mark.parametrize("size", [2, 12])
def test_the_figures_page_does_not_grow_with_the_data(
    sponsor_client, campaign, size, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    measured = []
    for people in (size, size * 3):
        for i in range(people):
            person = CommitmentFactory(campaign=campaign, site=["Crest", "Die"][i % 2])
            ActivityReportFactory(commitment=person)
            FieldProposalFactory(campaign=campaign)
        cache.clear()
        with django_assert_max_num_queries(25) as captured:
            assert sponsor_client.get(figures_url(campaign)).status_code == 200
        measured.append(len(captured.captured_queries))
    assert measured[0] == measured[1]


def test_the_csv_does_not_grow_with_the_data(
    sponsor_client, campaign, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    measured = []
    for people in (2, 20):
        for _ in range(people):
            ActivityReportFactory(commitment=CommitmentFactory(campaign=campaign))
        with django_assert_max_num_queries(12) as captured:
            response = sponsor_client.get(figures_url(campaign, "pledges:sponsor_csv"))
            b"".join(response.streaming_content)
        measured.append(len(captured.captured_queries))
    assert measured[0] == measured[1]
