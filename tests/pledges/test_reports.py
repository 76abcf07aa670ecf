"""The participant's activity page, by the personal link of their commitment."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from pledges.models import ActivityReport, Campaign, CommitmentStatus
from tests.pledges.factories import ActivityReportFactory, CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Read at each use: a run that crosses midnight must not compare
    # yesterday's date with the server's today.
    return timezone.localdate()


@pytest.fixture
def campaign(territory):  # type: ignore[no-untyped-def]
    return CampaignFactory(
        territory=territory,
        reports_activities=True,
        activity_modes=["velo", "marche"],
        published_at=timezone.now() - dt.timedelta(days=5),
    )


@pytest.fixture
def commitment(campaign):  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=1)
    return CommitmentFactory(campaign=campaign, first_name="Lou")


def url(commitment) -> str:  # type: ignore[no-untyped-def]
    return reverse("pledges:activities", args=[commitment.report_token])


def data(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "date": today().isoformat(),
        "mode": "velo",
        "km": "12",
        "client_key": str(uuid.uuid4()),
    }
    values.update(overrides)
    return values


def total(campaign) -> Decimal:  # type: ignore[no-untyped-def]
    campaign.refresh_from_db()
    return campaign.quantity_total


def test_an_unknown_link_is_a_404(client, campaign) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("pledges:activities", args=["inconnu"]))
    assert response.status_code == 404


def test_a_campaign_without_reports_has_no_activity_page(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(reports_activities=False)
    assert client.get(url(commitment)).status_code == 404


def test_the_page_offers_the_campaigns_modes_and_today(client, commitment) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url(commitment))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mes activités, Lou" in html
    assert f'value="{today().isoformat()}"' in html
    assert 'value="velo"' in html
    assert 'value="marche"' in html
    assert 'value="covoiturage"' not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_reporting_12_km_of_bike(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    response = client.post(url(commitment), data(km="12"), follow=True)
    assert response.redirect_chain[-1][0] == url(commitment)
    html = response.content.decode()
    assert "Merci ! 12,0 km (vélo) enregistrés" in html
    assert total(campaign) == 12
    assert response.context["mine"].km == 12
    assert response.context["mine"].co2_avoided_kg == Decimal("2.6")


def test_a_french_decimal_comma_is_understood(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    client.post(url(commitment), data(km="12,5"))
    assert ActivityReport.objects.get().km == Decimal("12.5")


def test_negative_km_are_refused_in_french_and_nothing_is_lost(
    client, commitment, campaign
) -> None:  # type: ignore[no-untyped-def]
    response = client.post(url(commitment), data(km="-4", mode="marche"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "ne peut pas être négatif" in html
    assert 'value="-4"' in html
    assert re.search(r'value="marche"[^>]*checked', html)
    assert not ActivityReport.objects.exists()


def test_an_absurd_value_asks_for_confirmation(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    response = client.post(url(commitment), data(km="350"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vous avez saisi 350 km à vélo en une journée : confirmez-vous ?" in html
    assert 'name="confirm"' in html
    assert 'value="350"' in html
    assert not ActivityReport.objects.exists()
    confirmed = client.post(url(commitment), data(km="350", confirm="on"))
    assert confirmed.status_code == 302
    assert total(campaign) == 350


def test_correcting_an_absurd_value_needs_no_confirmation(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    key = str(uuid.uuid4())
    client.post(url(commitment), data(km="350", client_key=key))
    response = client.post(url(commitment), data(km="35", client_key=key))
    assert response.status_code == 302
    assert total(campaign) == 35


def test_the_same_form_sent_twice_counts_once(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    sent = data(km="10")
    client.post(url(commitment), sent)
    response = client.post(url(commitment), sent, follow=True)
    assert "déjà enregistrée" in response.content.decode()
    assert ActivityReport.objects.count() == 1
    assert total(campaign) == 10


def test_a_date_in_the_future_is_refused(client, commitment) -> None:  # type: ignore[no-untyped-def]
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = client.post(url(commitment), data(date=tomorrow))
    assert response.status_code == 400
    assert "Cette date est dans le futur." in response.content.decode()


def test_deleting_ones_report(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    client.post(url(commitment), data(km="10"))
    client.post(url(commitment), data(km="4", mode="marche"))
    report = ActivityReport.objects.get(km=10)
    delete = reverse("pledges:activity_delete", args=[commitment.report_token, report.pk])
    response = client.post(delete, follow=True)
    assert "Activité supprimée" in response.content.decode()
    assert total(campaign) == 4
    again = client.post(delete, follow=True)
    assert "déjà supprimée" in again.content.decode()
    assert total(campaign) == 4


def test_someone_elses_report_cannot_be_deleted(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    other = ActivityReportFactory(commitment=CommitmentFactory(campaign=campaign))
    client.post(reverse("pledges:activity_delete", args=[commitment.report_token, other.pk]))
    assert ActivityReport.objects.filter(pk=other.pk).exists()


def test_an_unconfirmed_commitment_cannot_report(client, commitment) -> None:  # type: ignore[no-untyped-def]
    commitment.status = CommitmentStatus.PENDING
    commitment.save(update_fields=["status"])
    page = client.get(url(commitment))
    assert "pas (ou plus) confirmé" in page.content.decode()
    assert page.context["form"] is None
    response = client.post(url(commitment), data())
    assert response.status_code == 403
    assert not ActivityReport.objects.exists()


def test_reporting_closes_a_week_after_the_deadline(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(
        deadline=timezone.now() - dt.timedelta(days=8),
        published_at=timezone.now() - dt.timedelta(days=40),
    )
    response = client.post(url(commitment), data(date=(today() - dt.timedelta(days=9)).isoformat()))
    assert response.status_code == 403
    assert "closes depuis" in response.content.decode()
    assert not ActivityReport.objects.exists()


def test_a_trips_campaign_asks_for_trips(client, commitment, campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(quantity_unit="trajets")
    page = client.get(url(commitment))
    assert 'name="count"' in page.content.decode()
    assert 'name="km"' not in page.content.decode()
    client.post(url(commitment), data(km="", count="2"))
    assert ActivityReport.objects.get().count == 2
    assert total(campaign) == 2


def test_the_page_does_not_grow_with_the_reports(
    client, commitment, campaign, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    measured = []
    for reports in (2, 25):
        for i in range(reports):
            ActivityReportFactory(commitment=commitment, date=today() - dt.timedelta(days=i % 5))
        cache.clear()  # the campaign's figures and the factors are cached: measure without
        with django_assert_max_num_queries(12) as captured:
            assert client.get(url(commitment)).status_code == 200
        measured.append(len(captured.captured_queries))
    assert measured[0] == measured[1]
