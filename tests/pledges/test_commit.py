"""Committing without an account: the form, its refusals and rate limits, the
confirmation by the e-mailed link and the withdrawal by the personal link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges import services
from pledges.models import Audience, Campaign, CampaignStatus, Commitment, CommitmentStatus
from tests.pledges.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(territory):  # type: ignore[no-untyped-def]
    return CampaignFactory(territory=territory, slug="velo", participants_goal=2)


@pytest.fixture
def mails(mailoutbox, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run():  # type: ignore[no-untyped-def]
        return django_capture_on_commit_callbacks(execute=True)

    run.outbox = mailoutbox  # type: ignore[attr-defined]
    return run


def commit_url(campaign) -> str:  # type: ignore[no-untyped-def]
    return reverse("pledges:commit", args=[campaign.territory.slug, campaign.slug])


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Camille",
        "email": "camille@example.org",
        "commune": "Crest (26400)",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, campaign, **overrides):  # type: ignore[no-untyped-def]
    return client.post(commit_url(campaign), form_data(**overrides), REMOTE_ADDR="10.0.0.1")


def link_in(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/engagement/confirmer/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_committing_sends_the_confirmation_link_and_shows_check_your_mailbox(  # type: ignore[no-untyped-def]
    client, campaign, mails
) -> None:
    with mails():
        response = post(client, campaign)
    sent = reverse("pledges:commit_sent", args=[campaign.territory.slug, campaign.slug])
    assert response.status_code == 302
    assert response["Location"] == sent
    commitment = Commitment.objects.get()
    assert commitment.status == CommitmentStatus.PENDING
    assert commitment.commune_id == "26108"
    assert link_in(mails.outbox[0].body) == reverse(
        "pledges:confirm", args=[commitment.confirm_token]
    )
    assert "vérifiez votre boîte" in client.get(sent).content.decode()


def test_the_form_has_a_label_and_a_consent_sentence(client, campaign) -> None:  # type: ignore[no-untyped-def]
    html = client.get(reverse("pledges:detail", args=[campaign.territory.slug, campaign.slug]))
    text = html.content.decode()
    for field in ("first_name", "email", "commune", "consent"):
        assert f'for="id_{field}"' in text
    assert "jamais publiée ni transmise au parrain" in text
    assert reverse("territories:commune_search") in text  # the commune autocomplete
    assert 'name="invite_code"' not in text
    assert 'name="site"' not in text


def test_bad_input_answers_400_with_messages_next_to_fields_and_keeps_what_was_typed(  # type: ignore[no-untyped-def]
    client, campaign
) -> None:
    response = post(client, campaign, email="pas-une-adresse", consent=None, first_name="Zoé")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette adresse e-mail n&#x27;est pas valable" in html
    assert "Cochez la case pour vous engager." in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html or (
        'aria-describedby="id_email_error"' in html
    )
    assert 'value="Zoé"' in html
    assert 'value="pas-une-adresse"' in html
    assert not Commitment.objects.exists()


def test_an_unknown_commune_is_refused_with_a_message(client, campaign) -> None:  # type: ignore[no-untyped-def]
    response = post(client, campaign, commune="Atlantide")
    assert response.status_code == 400
    assert "Commune introuvable" in response.content.decode()


def test_a_refusal_of_the_service_is_shown_in_french_and_nothing_is_lost(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory,
        slug="humanis",
        audience=Audience.ORGANISATION,
        allowed_domains="humanis.fr",
    )
    response = post(client, campaign, email="perso@gmail.com")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette campagne est réservée aux membres de Mairie de Crest." in html
    assert 'value="perso@gmail.com"' in html
    assert "humanis.fr" in html  # the help says which addresses
    assert not Commitment.objects.exists()


def test_the_invitation_code_field_appears_when_restricted_by_code(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory, slug="code", audience=Audience.ORGANISATION, invite_code="VELO2026"
    )
    assert (
        'name="invite_code"'
        in client.get(reverse("pledges:detail", args=[territory.slug, "code"])).content.decode()
    )
    assert post(client, campaign, invite_code="FAUX").status_code == 400
    assert post(client, campaign, invite_code="velo2026").status_code == 302


def test_employees_choose_their_site(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, slug="sites", sites=["Lyon", "Paris"])
    response = post(client, campaign)
    assert response.status_code == 400
    assert "Choisissez votre site ou équipe." in response.content.decode()
    assert post(client, campaign, site="Paris").status_code == 302
    assert Commitment.objects.get().site == "Paris"


def test_an_email_already_confirmed_is_told_so_and_not_counted_twice(client, campaign) -> None:  # type: ignore[no-untyped-def]
    CommitmentFactory(campaign=campaign, email="camille@example.org")
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=1)
    response = post(client, campaign, email="Camille@Example.org")
    assert response.status_code == 400
    assert "Vous êtes déjà engagé·e dans cette campagne, merci !" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.participants_count == 1


def test_committing_after_the_deadline_is_refused(client, campaign) -> None:  # type: ignore[no-untyped-def]
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - dt.timedelta(days=1))
    response = post(client, campaign)
    assert response.status_code == 400
    assert "La campagne est close depuis le" in response.content.decode()
    assert not Commitment.objects.exists()


def test_a_draft_cannot_be_committed_to(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    draft = CampaignFactory(territory=territory, status=CampaignStatus.DRAFT)
    assert post(client, draft).status_code == 404
    client.force_login(organiser)
    assert post(client, draft).status_code == 403


def test_it_allows_five_commitments_per_address_in_ten_minutes(client, campaign) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):
        assert post(client, campaign, email=f"p{n}@example.org").status_code == 302
    response = post(client, campaign, email="p5@example.org")
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert Commitment.objects.count() == 5
    other = client.post(
        commit_url(campaign), form_data(email="p6@example.org"), REMOTE_ADDR="10.0.0.2"
    )
    assert other.status_code == 302


def test_it_allows_three_pending_links_per_email_a_day(client, campaign) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        response = client.post(commit_url(campaign), form_data(), REMOTE_ADDR=f"10.0.1.{n}")
        assert response.status_code == 302
    response = client.post(commit_url(campaign), form_data(), REMOTE_ADDR="10.0.1.9")
    assert response.status_code == 429
    assert Commitment.objects.count() == 1


def test_the_confirmation_link_shows_a_button_and_only_a_post_confirms(client, campaign) -> None:  # type: ignore[no-untyped-def]
    commitment = services.commitment_create(
        campaign=campaign, first_name="Camille", email="c@example.org", commune=None, consent=True
    )
    url = reverse("pledges:confirm", args=[commitment.confirm_token])
    response = client.get(url)
    assert response.status_code == 200
    assert "Je confirme mon engagement" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.PENDING  # a mail scanner changes nothing
    response = client.post(url)
    assert response.status_code == 302
    thanks = client.get(url).content.decode()
    assert "votre engagement compte" in thanks
    assert "<strong>1</strong> personne engagée sur 2" in thanks
    assert 'href="mailto:?subject=' in thanks
    assert client.post(url).status_code == 302  # again: nothing counted twice
    campaign.refresh_from_db()
    assert campaign.participants_count == 1


def test_an_expired_link_explains_how_to_commit_again(client, campaign) -> None:  # type: ignore[no-untyped-def]
    commitment = services.commitment_create(
        campaign=campaign,
        first_name="Camille",
        email="c@example.org",
        commune=None,
        consent=True,
        now=timezone.now() - dt.timedelta(days=8),
    )
    url = reverse("pledges:confirm", args=[commitment.confirm_token])
    html = client.get(url).content.decode()
    assert "Ce lien de confirmation a expiré" in html
    assert reverse("pledges:detail", args=[campaign.territory.slug, campaign.slug]) in html
    response = client.post(url)
    assert response.status_code == 400
    campaign.refresh_from_db()
    assert campaign.participants_count == 0


def test_an_unknown_confirmation_link_is_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(reverse("pledges:confirm", args=["inconnu"])).status_code == 404


def test_withdrawing_asks_then_stops_counting(client, campaign) -> None:  # type: ignore[no-untyped-def]
    commitment = CommitmentFactory(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(participants_count=1)
    url = reverse("pledges:withdraw", args=[commitment.report_token])
    assert "Retirer mon engagement" in client.get(url).content.decode()
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.CONFIRMED
    response = client.post(url)
    assert response.status_code == 200
    assert "Votre engagement est retiré" in response.content.decode()
    client.post(url)
    campaign.refresh_from_db()
    assert campaign.participants_count == 0


def test_the_confirm_token_does_not_open_the_withdrawal_page(client, campaign) -> None:  # type: ignore[no-untyped-def]
    commitment = CommitmentFactory(campaign=campaign)
    assert (
        client.get(reverse("pledges:withdraw", args=[commitment.confirm_token])).status_code == 404
    )


def test_withdrawing_from_a_closed_campaign_is_refused_in_french(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, status=CampaignStatus.EXPIRED)
    commitment = CommitmentFactory(campaign=campaign)
    response = client.post(reverse("pledges:withdraw", args=[commitment.report_token]))
    assert response.status_code == 400
    assert "son bilan est publié" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.CONFIRMED
