"""The pledges API: campaigns (public), committing, reporting an activity."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import ActivityReport, Campaign, CampaignStatus, Commitment, CommitmentStatus
from tests.factories import TerritoryFactory
from tests.pledges.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Read at each use: a run that crosses midnight must not compare
    # yesterday's date with the server's today.
    return timezone.localdate()


@pytest.fixture
def campaign(territory):  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory,
        slug="velo",
        title="À vélo pour Solicycle",
        participants_goal=200,
        reports_activities=True,
        published_at=timezone.now() - dt.timedelta(days=3),
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        participants_count=50, quantity_total=Decimal("1234.5")
    )
    campaign.refresh_from_db()
    return campaign


def post(client, url: str, body: dict, **headers):  # type: ignore[no-untyped-def]
    return client.post(
        url, json.dumps(body, default=str), content_type="application/json", **headers
    )


# --- Campaigns ----------------------------------------------------------------------


def test_the_list_shows_announced_campaigns_with_live_counts(client, campaign, territory) -> None:  # type: ignore[no-untyped-def]
    CampaignFactory(territory=territory, status=CampaignStatus.DRAFT, title="Brouillon")
    CampaignFactory(territory=TerritoryFactory(is_published=False), title="Cachée")
    response = client.get(reverse("api:campaign_list"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["title"] == "À vélo pour Solicycle"
    assert item["territory"] == "val-de-drome"
    assert item["participants_count"] == 50
    assert item["participants_goal"] == 200
    assert item["progress"] == 0.25
    assert Decimal(item["quantity_total"]) == Decimal("1234.5")
    assert item["url"] == "/t/val-de-drome/engagements/velo/"


def test_the_list_filters_by_territory_and_status(client, campaign, other_territory) -> None:  # type: ignore[no-untyped-def]
    CampaignFactory(territory=other_territory, status=CampaignStatus.REACHED, title="Atteinte")
    url = reverse("api:campaign_list")
    by_territory = client.get(url, {"territory": "pays-voisin"}).json()
    assert [c["title"] for c in by_territory["items"]] == ["Atteinte"]
    by_status = client.get(url, {"status": "ouverte"}).json()
    assert [c["title"] for c in by_status["items"]] == ["À vélo pour Solicycle"]
    assert client.get(url, {"status": "nimporte"}).status_code == 422


def test_the_list_does_not_grow_with_the_data(client, territory, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    measured = []
    for n in (2, 12):
        CampaignFactory.create_batch(n, territory=territory)
        with django_assert_num_queries(2) as captured:  # count + page
            assert client.get(reverse("api:campaign_list")).status_code == 200
        measured.append(len(captured.captured_queries))
    assert measured[0] == measured[1]


def test_the_detail_has_the_promise_and_the_state(client, campaign) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("api:campaign_detail", args=["val-de-drome", "velo"]))
    assert response.status_code == 200
    body = response.json()
    assert body["sponsor"] == "Mairie de Crest"
    assert body["counterpart"].startswith("La Mairie donne 5 000 €")
    assert body["status"] == "ouverte"
    assert body["status_label"] == "Ouverte"
    assert body["accepts_commitments"] is True
    assert body["activity_modes"] == [
        "velo",
        "marche",
        "covoiturage",
        "transport_commun",
        "trottinette",
        "autre",
    ]


def test_a_draft_or_unknown_campaign_is_a_404(client, campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.DRAFT)
    for slug in ("velo", "inconnue"):
        response = client.get(reverse("api:campaign_detail", args=["val-de-drome", slug]))
        assert response.status_code == 404
        assert response.json() == {"message": "Ressource introuvable."}


# --- Committing -----------------------------------------------------------------------


def commit_url() -> str:
    return reverse("api:campaign_commit", args=["val-de-drome", "velo"])


def commitment(**overrides):  # type: ignore[no-untyped-def]
    body = {"first_name": "Camille", "email": "Camille@Example.org", "commune": "26400"}
    body.update({"consent": True, **overrides})
    return body


def test_committing_sends_a_confirmation(
    client, campaign, mailoutbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, commit_url(), commitment())
    assert response.status_code == 202
    assert "e-mail de confirmation a été envoyé à camille@example.org" in response.json()["message"]
    saved = Commitment.objects.get()
    assert saved.status == CommitmentStatus.PENDING
    assert saved.commune_id == "26108"
    assert [m.to for m in mailoutbox] == [["camille@example.org"]]
    campaign.refresh_from_db()
    assert campaign.participants_count == 50  # counted once confirmed


def test_a_confirmed_person_cannot_commit_twice(client, campaign) -> None:  # type: ignore[no-untyped-def]
    CommitmentFactory(campaign=campaign, email="camille@example.org")
    response = post(client, commit_url(), commitment())
    assert response.status_code == 409
    assert "déjà engagé" in response.json()["message"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"consent": False}, "consent", "accord est nécessaire"),
        ({"email": "pas-une-adresse"}, "email", "pas valable"),
        ({"commune": "Zzyzx"}, "commune", "Commune introuvable"),
    ],
)
def test_bad_input_is_refused_field_by_field(client, campaign, change, field, words) -> None:  # type: ignore[no-untyped-def]
    response = post(client, commit_url(), commitment(**change))
    assert response.status_code == 422
    body = response.json()
    assert body["erreurs"][0]["champ"] == field
    assert words in body["message"]
    assert not Commitment.objects.exists()


def test_a_closed_campaign_refuses(client, campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    response = post(client, commit_url(), commitment())
    assert response.status_code == 409
    assert "close" in response.json()["message"]


def test_floods_from_one_address_are_limited_like_the_form(client, campaign) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        assert post(client, commit_url(), commitment(email=f"p{i}@example.org")).status_code == 202
    response = post(client, commit_url(), commitment(email="p9@example.org"))
    assert response.status_code == 429
    assert Commitment.objects.count() == 5


# --- Activities --------------------------------------------------------------------


@pytest.fixture
def participant(campaign):  # type: ignore[no-untyped-def]
    return CommitmentFactory(campaign=campaign)


def activity(**overrides):  # type: ignore[no-untyped-def]
    body = {
        "date": today().isoformat(),
        "mode": "velo",
        "km": "12",
        "client_key": str(uuid.uuid4()),
    }
    body.update(overrides)
    return body


def bearer(commitment) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {commitment.report_token}"}


def test_reporting_needs_the_personal_token(client, participant) -> None:  # type: ignore[no-untyped-def]
    url = reverse("api:activity_create")
    assert post(client, url, activity()).status_code == 401
    wrong = {"HTTP_AUTHORIZATION": "Bearer pas-le-bon"}
    assert post(client, url, activity(), **wrong).status_code == 401
    assert not ActivityReport.objects.exists()


def test_reporting_an_activity(client, campaign, participant) -> None:  # type: ignore[no-untyped-def]
    response = post(client, reverse("api:activity_create"), activity(), **bearer(participant))
    assert response.status_code == 201
    body = response.json()
    assert body["mode"] == "velo"
    assert Decimal(body["km"]) == 12
    assert Decimal(body["campaign_total"]) == Decimal("1246.5")


def test_a_replay_returns_the_same_report(client, campaign, participant) -> None:  # type: ignore[no-untyped-def]
    body = activity()
    first = post(client, reverse("api:activity_create"), body, **bearer(participant))
    again = post(client, reverse("api:activity_create"), body, **bearer(participant))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    campaign.refresh_from_db()
    assert campaign.quantity_total == Decimal("1246.5")


def test_an_absurd_value_asks_for_confirmation(client, participant) -> None:  # type: ignore[no-untyped-def]
    url = reverse("api:activity_create")
    response = post(client, url, activity(km="350"), **bearer(participant))
    assert response.status_code == 422
    assert response.json()["question"] == (
        "Vous avez saisi 350 km à vélo en une journée : confirmez-vous ?"
    )
    assert not ActivityReport.objects.exists()
    confirmed = post(client, url, activity(km="350", confirm=True), **bearer(participant))
    assert confirmed.status_code == 201


def test_negative_km_are_refused_in_french(client, participant) -> None:  # type: ignore[no-untyped-def]
    response = post(
        client, reverse("api:activity_create"), activity(km="-2"), **bearer(participant)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["question"] is None
    assert body["erreurs"] == [
        {"champ": "km", "message": "Une distance ou un nombre de trajets ne peut pas être négatif."}
    ]


def test_an_unconfirmed_commitment_may_not_report(client, participant) -> None:  # type: ignore[no-untyped-def]
    participant.status = CommitmentStatus.PENDING
    participant.save(update_fields=["status"])
    response = post(client, reverse("api:activity_create"), activity(), **bearer(participant))
    assert response.status_code == 403
    assert "confirmé" in response.json()["message"]
