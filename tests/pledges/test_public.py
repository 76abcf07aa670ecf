"""The public pages: a territory's campaigns, an operation, a campaign page
with its live counter, recent commitments, map by commune and share tags."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pledges.models import CampaignStatus, CommitmentStatus
from pledges.services import commune_tallies_rebuild
from tests.factories import CommuneFactory
from tests.pledges.factories import CampaignFactory, CommitmentFactory, OperationFactory
from tests.pledges.test_services import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(territory):  # type: ignore[no-untyped-def]
    return CampaignFactory(
        territory=territory,
        slug="velo",
        title="À vélo pour Solicycle",
        participants_goal=200,
        deadline=timezone.now() + dt.timedelta(days=12, hours=2),
    )


def detail_url(campaign) -> str:  # type: ignore[no-untyped-def]
    return reverse("pledges:detail", args=[campaign.territory.slug, campaign.slug])


def page(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_visible_campaigns_with_their_counters(client, territory) -> None:  # type: ignore[no-untyped-def]
    CampaignFactory(territory=territory, title="Marc de café", participants_count=143)
    CampaignFactory(territory=territory, title="Brouillon secret", status=CampaignStatus.DRAFT)
    html = page(client, reverse("pledges:list", args=[territory.slug]))
    assert "Marc de café" in html
    assert "<strong>143</strong> personnes engagées sur 200" in html
    assert 'max="200" value="143"' in html
    assert "Brouillon secret" not in html
    assert reverse("pledges:manage", args=[territory.slug]) not in html


def test_the_list_links_organisers_to_the_management_page(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    html = page(client, reverse("pledges:list", args=[territory.slug]))
    assert reverse("pledges:manage", args=[territory.slug]) in html


def test_an_operation_shows_its_campaigns_side_by_side(client, territory) -> None:  # type: ignore[no-untyped-def]
    operation = OperationFactory(territory=territory, title="Humanis bouge", slug="humanis")
    for mode in ("Vélo", "Marche", "Covoiturage", "Transports en commun", "Trottinette"):
        CampaignFactory(territory=territory, operation=operation, title=f"Défi {mode}")
    CampaignFactory(territory=territory, operation=operation, status=CampaignStatus.DRAFT)
    html = page(client, reverse("pledges:operation", args=[territory.slug, "humanis"]))
    assert html.count('class="card pledge-card"') == 5
    assert "5 campagnes" in html
    listing = page(client, reverse("pledges:list", args=[territory.slug]))
    assert reverse("pledges:operation", args=[territory.slug, "humanis"]) in listing


def test_the_campaign_page_states_the_promise_and_the_deadline(client, campaign) -> None:  # type: ignore[no-untyped-def]
    html = page(client, detail_url(campaign))
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        "SI 200 personnes s'engagent à se déplacer à vélo au moins une fois par semaine , "
        "ALORS Mairie de Crest s'engage : La Mairie donne 5 000 € à l'association Solicycle."
    ) in text.replace("&#x27;", "'")
    assert "plus que 12 jours" in text
    assert "Bénéficiaire : Solicycle" in text


def test_the_counter_reads_the_campaign_row_not_the_commitments(client, campaign) -> None:  # type: ignore[no-untyped-def]
    campaign.participants_count = 42
    campaign.save(update_fields=["participants_count"])
    html = page(client, detail_url(campaign))
    assert "<strong>42</strong> personnes engagées sur 200" in html
    assert '<progress class="pledge-progress" max="200" value="42"' in html
    assert 'aria-live="polite"' in html
    counter = reverse("pledges:counter", args=[campaign.territory.slug, campaign.slug])
    assert f'hx-get="{counter}?vu=42-0.0-ouverte"' in html
    assert 'hx-trigger="every 10s"' in html


def test_the_quantity_counter_appears_with_a_quantity_goal(client, campaign) -> None:  # type: ignore[no-untyped-def]
    campaign.quantity_goal = Decimal("1000")
    campaign.quantity_total = Decimal("250.5")
    campaign.save(update_fields=["quantity_goal", "quantity_total"])
    html = page(client, detail_url(campaign))
    assert "<strong>250,5 km</strong> déclarés sur 1000 km" in html
    assert 'max="1000.0" value="250.5"' in html


def test_the_counter_partial_answers_204_while_nothing_changed(client, campaign) -> None:  # type: ignore[no-untyped-def]
    url = reverse("pledges:counter", args=[campaign.territory.slug, campaign.slug])
    assert client.get(url, {"vu": "0-0.0-ouverte"}).status_code == 204
    campaign.participants_count = 1
    campaign.save(update_fields=["participants_count"])
    response = client.get(url, {"vu": "0-0.0-ouverte"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>1</strong> personne engagée sur 200" in html
    assert "<html" not in html


def test_recent_commitments_show_first_name_and_commune_never_the_email(client, campaign) -> None:  # type: ignore[no-untyped-def]
    crest = campaign.territory.communes.first()
    now = timezone.now()
    for n in range(12):
        CommitmentFactory(
            campaign=campaign,
            first_name=f"Prénom{n:02d}",
            email=f"secret{n}@example.org",
            commune=crest,
            confirmed_at=now - dt.timedelta(hours=n),
        )
    CommitmentFactory(campaign=campaign, first_name="Enattente", status=CommitmentStatus.PENDING)
    html = page(client, detail_url(campaign))
    assert "Prénom00" in html
    assert "Prénom09" in html
    assert "Prénom10" not in html  # only the last ten
    assert "Enattente" not in html
    assert "(Crest)" in html
    assert "secret" not in html
    assert "il y a 2\xa0heures" in html


def test_the_map_data_is_the_count_by_commune_with_a_table(client, campaign, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ELAN_TILE_URL = ""
    crest = campaign.territory.communes.first()
    crest.latitude, crest.longitude = Decimal("44.7275"), Decimal("5.0231")
    crest.save()
    die = CommuneFactory(insee_code="26113", name="Die", latitude=None, longitude=None)
    CommitmentFactory.create_batch(3, campaign=campaign, commune=crest)
    CommitmentFactory(campaign=campaign, commune=die)
    commune_tallies_rebuild(campaign=campaign)  # rows made by factories, not the services
    html = page(client, detail_url(campaign))
    data = re.search(r'<script id="pledges-map-data" type="application/json">(.*?)</script>', html)
    assert data is not None
    assert json.loads(data.group(1)) == [
        {"name": "Crest", "lat": 44.7275, "lon": 5.0231, "count": 3}
    ]
    assert "<tr><td>Crest</td><td>3</td></tr>" in html
    assert "<tr><td>Die</td><td>1</td></tr>" in html  # no centre known: in the table only
    assert 'data-tiles=""' in html
    assert "leaflet/leaflet.js" in html


def test_the_map_aggregate_is_cached_a_minute(client, campaign, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from pledges.views.public import commune_counts

    crest = campaign.territory.communes.first()
    CommitmentFactory(campaign=campaign, commune=crest)
    commune_tallies_rebuild(campaign=campaign)
    assert commune_counts(campaign)[0]["count"] == 1
    CommitmentFactory(campaign=campaign, commune=crest)
    commune_tallies_rebuild(campaign=campaign)
    with django_assert_num_queries(0):
        assert commune_counts(campaign)[0]["count"] == 1
    cache.clear()
    assert commune_counts(campaign)[0]["count"] == 2


def test_the_page_carries_open_graph_and_twitter_tags(client, campaign) -> None:  # type: ignore[no-untyped-def]
    sponsor = campaign.sponsor
    sponsor.logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    sponsor.save()
    campaign.participants_count = 143
    campaign.save(update_fields=["participants_count"])
    html = page(client, detail_url(campaign))
    assert '<meta property="og:title" content="À vélo pour Solicycle">' in html
    assert '<meta property="og:description" content="143 personnes engagées sur 200.' in html
    assert f'<meta property="og:url" content="http://testserver{detail_url(campaign)}">' in html
    assert (
        '<meta property="og:image" content="http://testserver/media/territories/partners/' in html
    )
    assert '<meta name="twitter:card" content="summary">' in html


def test_the_page_offers_share_links_without_third_party_scripts(client, campaign) -> None:  # type: ignore[no-untyped-def]
    html = page(client, detail_url(campaign))
    assert 'href="mailto:?subject=' in html
    assert 'data-copy="lien-campagne"' in html
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts
    assert all(src.startswith("/static/") for src in scripts)


def test_a_campaign_past_its_deadline_shows_closed_before_the_daily_command(
    client, campaign
) -> None:  # type: ignore[no-untyped-def]
    campaign.deadline = timezone.now() - dt.timedelta(days=2)
    campaign.save(update_fields=["deadline"])
    html = page(client, detail_url(campaign))
    assert '<span class="badge">Campagne close</span>' in html
    assert "close depuis le" in html
    assert "il n'est plus possible de s'engager" in html
    assert reverse("pledges:commit", args=[campaign.territory.slug, campaign.slug]) not in html
    assert "every 10s" not in html


def test_a_fulfilled_campaign_shows_the_sponsor_text_and_photo(client, campaign) -> None:  # type: ignore[no-untyped-def]
    campaign.status = CampaignStatus.FULFILLED
    campaign.fulfilled_at = timezone.now()
    campaign.fulfilment_text = "Les 500 scolaires ont réparé leurs vélos."
    campaign.fulfilment_photo = SimpleUploadedFile("atelier.png", PNG, content_type="image/png")
    campaign.fulfilment_photo_alt = "Un atelier de réparation dans la cour"
    campaign.save()
    html = page(client, detail_url(campaign))
    assert "Promesse tenue" in html
    assert "Les 500 scolaires ont réparé leurs vélos." in html
    assert 'alt="Un atelier de réparation dans la cour"' in html


def test_a_draft_is_hidden_from_the_public_and_previewed_by_organisers(  # type: ignore[no-untyped-def]
    client, territory, organiser, member, other_organiser, coordinator
) -> None:
    draft = CampaignFactory(territory=territory, status=CampaignStatus.DRAFT)
    assert client.get(detail_url(draft)).status_code == 404
    for someone in (member, other_organiser):
        client.force_login(someone)
        assert client.get(detail_url(draft)).status_code == 404
    client.force_login(coordinator)
    assert client.get(detail_url(draft)).status_code == 200
    client.force_login(organiser)
    html = page(client, detail_url(draft))
    assert "Brouillon" in html
    assert reverse("pledges:publish", args=[territory.slug, draft.slug]) in html
    assert "pas encore ouverte aux engagements" in html


def test_a_reached_campaign_says_so_and_offers_the_sponsor_contact_to_confirm(  # type: ignore[no-untyped-def]
    client, campaign, outsider
) -> None:
    campaign.status = CampaignStatus.REACHED
    campaign.save(update_fields=["status"])
    campaign.sponsor_contacts.add(outsider)
    client.force_login(outsider)
    html = page(client, detail_url(campaign))
    assert "Objectif atteint !" in html
    assert reverse("pledges:fulfil", args=[campaign.territory.slug, campaign.slug]) in html


@pytest.mark.parametrize("size", [10, 500])
def test_the_campaign_page_query_count_does_not_depend_on_commitments(  # type: ignore[no-untyped-def]
    client, campaign, django_assert_num_queries, size
) -> None:
    communes = [CommuneFactory(insee_code=f"26{n:03d}", name=f"Commune {n}") for n in range(5)]
    CommitmentFactory.create_batch(size, campaign=campaign, commune=factory_cycle(communes))
    cache.clear()
    # The territory and campaign (1), the last ten (1), the map by commune (1).
    with django_assert_num_queries(3):
        client.get(detail_url(campaign))


def factory_cycle(items):  # type: ignore[no-untyped-def]
    import factory

    return factory.Iterator(items)


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_query_count_does_not_depend_on_campaigns(  # type: ignore[no-untyped-def]
    client, territory, django_assert_num_queries, size
) -> None:
    CampaignFactory.create_batch(size, territory=territory)
    # The territory (1), the campaigns (1), the operations (1).
    with django_assert_num_queries(3):
        client.get(reverse("pledges:list", args=[territory.slug]))


def test_the_territory_page_links_to_its_campaigns(client, territory) -> None:  # type: ignore[no-untyped-def]
    html = page(client, reverse("territories:detail", args=[territory.slug]))
    assert reverse("pledges:list", args=[territory.slug]) in html
