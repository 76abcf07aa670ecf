"""The embeddable widget: what it shows, who may frame it, and its cache."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache.backends import locmem
from django.urls import reverse
from django.utils import timezone

from pledges.models import CampaignStatus
from pledges.views.widget import WIDGET_TTL
from tests.pledges.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(territory):  # type: ignore[no-untyped-def]
    return CampaignFactory(
        territory=territory,
        slug="a-velo",
        title="À vélo pour Solicycle",
        participants_goal=200,
        participants_count=143,
        deadline=timezone.now() + dt.timedelta(days=12, hours=1),
    )


def widget_url(campaign, query: str = "") -> str:  # type: ignore[no-untyped-def]
    return reverse("pledges:widget", args=[campaign.territory.slug, campaign.slug]) + query


def test_it_shows_the_counter_the_progress_and_the_deadline(client, campaign) -> None:  # type: ignore[no-untyped-def]
    response = client.get(widget_url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "<title>À vélo pour Solicycle — compteur des engagements</title>" in html
    assert "<strong>143</strong> engagé·es sur 200" in html
    assert 'role="progressbar"' in html
    assert 'aria-valuenow="72"' in html
    assert 'aria-valuemax="100"' in html
    assert 'aria-valuetext="72 % de l\'objectif"' in html
    deadline = timezone.localdate(campaign.deadline)
    assert f"Encore 12 jours, jusqu'au {deadline.day} " in html
    assert "Si 200 personnes s'engagent" in html
    assert "alors : La Mairie donne 5 000 €" in html


def test_its_link_opens_the_campaign_page_in_a_new_tab_and_says_so(client, campaign) -> None:  # type: ignore[no-untyped-def]
    html = client.get(widget_url(campaign)).content.decode()
    detail = reverse("pledges:detail", args=[campaign.territory.slug, campaign.slug])
    assert f'href="http://testserver{detail}" target="_blank" rel="noopener"' in html
    assert "Je m'engage" in html
    assert "(s'ouvre dans un nouvel onglet)" in html


def test_it_reads_the_counters_of_the_campaign_row_not_the_commitments(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, participants_count=1, participants_goal=10)
    CommitmentFactory.create_batch(
        3, campaign=campaign
    )  # the services would have moved the counter
    html = client.get(widget_url(campaign)).content.decode()
    assert "<strong>1</strong> engagé·e sur 10" in html


def test_it_shows_the_quantity_goal_when_there_is_one(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory,
        quantity_goal=Decimal("5000"),
        quantity_total=Decimal("1234.5"),
        quantity_unit="km",
    )
    html = client.get(widget_url(campaign)).content.decode()
    assert "1\xa0235 km déclarés sur 5\xa0000 km" in html


@pytest.mark.parametrize(
    ("status", "text", "link"),
    [
        (CampaignStatus.REACHED, "✓ Objectif atteint !", "Je m'engage"),
        (CampaignStatus.FULFILLED, "✓ Promesse tenue par Mairie de Crest", "Voir la campagne"),
        (CampaignStatus.EXPIRED, "Campagne expirée le", "Voir la campagne"),
    ],
)
def test_it_tells_the_state_of_the_campaign_in_words(client, territory, status, text, link) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, status=status)
    html = client.get(widget_url(campaign)).content.decode()
    assert text in html
    assert link in html


def test_an_open_campaign_past_its_deadline_shows_closed_before_the_daily_command(
    client, territory
) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, deadline=timezone.now() - dt.timedelta(hours=2))
    html = client.get(widget_url(campaign)).content.decode()
    assert "Campagne close le" in html
    assert "Voir la campagne" in html
    assert "Je m'engage" not in html


def test_it_says_when_it_is_the_last_day(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(
        territory=territory, deadline=timezone.now() + dt.timedelta(hours=20)
    )
    assert "Dernier jour pour s'engager !" in client.get(widget_url(campaign)).content.decode()


def test_any_site_may_frame_it_and_keep_it_thirty_seconds(client, campaign) -> None:  # type: ignore[no-untyped-def]
    response = client.get(widget_url(campaign))
    assert "X-Frame-Options" not in response.headers
    assert response["Content-Security-Policy"] == "frame-ancestors *"
    assert response["Cache-Control"] == f"public, max-age={WIDGET_TTL}"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Language"] == "fr"


def test_other_pages_still_refuse_to_be_framed(client, campaign) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        reverse("pledges:widget_snippet", args=[campaign.territory.slug, campaign.slug])
    )
    assert response["X-Frame-Options"] == "DENY"


def test_the_dark_and_compact_options(client, campaign) -> None:  # type: ignore[no-untyped-def]
    dark = client.get(widget_url(campaign, "?theme=sombre")).content.decode()
    assert '<body class="sombre">' in dark
    compact = client.get(widget_url(campaign, "?compact=1")).content.decode()
    assert '<body class=" compact">' in compact
    assert "<strong>143</strong>" in compact
    assert "Si 200 personnes" not in compact
    both = client.get(widget_url(campaign, "?compact=1&theme=sombre")).content.decode()
    assert '<body class="sombre compact">' in both


@pytest.mark.parametrize(
    "make",
    [
        lambda t: CampaignFactory(territory=t, status=CampaignStatus.DRAFT, published_at=None),
        lambda t: CampaignFactory(territory__is_published=False),
    ],
    ids=["brouillon", "territoire-non-publie"],
)
def test_it_is_not_found_unless_everyone_may_see_the_campaign(
    client, territory, organiser, admin_user, make
) -> None:  # type: ignore[no-untyped-def]
    campaign = make(territory)
    assert client.get(widget_url(campaign)).status_code == 404
    # Even for those who may see the campaign: the cached widget is the same for all.
    for user in (organiser, admin_user):
        client.force_login(user)
        assert client.get(widget_url(campaign)).status_code == 404


def test_it_is_not_found_for_an_unknown_campaign_or_another_territory(
    client, campaign, other_territory
) -> None:  # type: ignore[no-untyped-def]
    assert (
        client.get(reverse("pledges:widget", args=["val-de-drome", "inconnue"])).status_code == 404
    )
    assert (
        client.get(
            reverse("pledges:widget", args=[other_territory.slug, campaign.slug])
        ).status_code
        == 404
    )


def test_its_links_lead_to_the_host_it_is_served_on(client, campaign, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["elan.example.org", "elan.example.net"]
    detail = reverse("pledges:detail", args=[campaign.territory.slug, campaign.slug])
    org = client.get(widget_url(campaign), headers={"host": "elan.example.org"}).content.decode()
    assert f'href="http://elan.example.org{detail}"' in org
    assert "127.0.0.1" not in org
    # The cached copy of one host is not served to the other.
    net = client.get(widget_url(campaign), headers={"host": "elan.example.net"}).content.decode()
    assert f'href="http://elan.example.net{detail}"' in net


def test_its_links_use_the_configured_public_address(client, campaign, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PUBLIC_URL = "https://elan.example.org"
    detail = reverse("pledges:detail", args=[campaign.territory.slug, campaign.slug])
    html = client.get(widget_url(campaign)).content.decode()
    assert f'href="https://elan.example.org{detail}"' in html


def test_it_answers_get_and_head_only(client, campaign) -> None:  # type: ignore[no-untyped-def]
    assert client.head(widget_url(campaign)).status_code == 200
    assert client.post(widget_url(campaign)).status_code == 405


def test_a_miss_makes_one_query_and_a_hit_none(client, campaign, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):
        first = client.get(widget_url(campaign))
    with django_assert_num_queries(0):
        second = client.get(widget_url(campaign))
    assert second.content == first.content
    # Neither the session nor the CSRF machinery left a trace.
    assert not second.cookies
    assert "Cookie" not in second.get("Vary", "")


def test_a_hit_makes_no_query_for_a_signed_in_visitor_either(
    client, campaign, member, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.get(widget_url(campaign))
    client.force_login(member)
    with django_assert_num_queries(0):
        assert client.get(widget_url(campaign)).status_code == 200


def test_options_outside_the_known_values_share_the_default_entry(
    client, campaign, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.get(widget_url(campaign))
    client.get(widget_url(campaign, "?compact=1&theme=sombre"))
    with django_assert_num_queries(0):
        client.get(widget_url(campaign, "?theme=rose&compact=peut-etre&x=1"))
        client.get(widget_url(campaign, "?theme=sombre&compact=1&utm_source=site"))


def test_a_new_counter_shows_once_the_cached_copy_is_thirty_seconds_old(
    client, campaign, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    assert "<strong>143</strong>" in client.get(widget_url(campaign)).content.decode()
    campaign.participants_count = 150
    campaign.save(update_fields=["participants_count"])
    assert "<strong>143</strong>" in client.get(widget_url(campaign)).content.decode()
    later = time.time() + WIDGET_TTL + 1
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: later))
    assert "<strong>150</strong>" in client.get(widget_url(campaign)).content.decode()
