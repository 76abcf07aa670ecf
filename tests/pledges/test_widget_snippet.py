"""The page where a partner copies the widget's snippet."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from pledges.models import CampaignStatus
from tests.pledges.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def snippet_url(campaign, query: str = "") -> str:  # type: ignore[no-untyped-def]
    return reverse("pledges:widget_snippet", args=[campaign.territory.slug, campaign.slug]) + query


def test_it_gives_the_iframe_code_to_copy(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, slug="a-velo", title="L'été à vélo")
    response = client.get(snippet_url(campaign))
    assert response.status_code == 200
    snippet = response.context["snippet"]
    assert snippet == (
        '<iframe src="http://testserver/widget/val-de-drome/a-velo/" '
        'title="Compteur des engagements : L\'été à vélo" width="360" height="300" '
        'loading="lazy" style="border:0;max-width:100%"></iframe>'
    )
    page = response.content.decode()
    assert html.escape(snippet, quote=False) in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert '<label for="code-widget">' in page
    assert 'readonly rows="5" aria-describedby="aide-code"' in page
    # The copy button needs the script: hidden until it runs.
    assert 'data-copy="code-widget"' in page
    assert " hidden>" in page
    assert 'src="/widget/val-de-drome/a-velo/"' in page


def test_the_options_change_the_preview_and_the_code(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, slug="a-velo")
    response = client.get(snippet_url(campaign, "?theme=sombre&compact=1"))
    # An ampersand in an attribute is written &amp; (the browser reads it as &).
    assert (
        'src="http://testserver/widget/val-de-drome/a-velo/?theme=sombre&amp;compact=1"'
        in (response.context["snippet"])
    )
    assert 'height="140"' in response.context["snippet"]
    page = response.content.decode()
    assert 'src="/widget/val-de-drome/a-velo/?theme=sombre&amp;compact=1"' in page
    assert 'id="option-sombre" name="theme" value="sombre" checked' in page
    assert 'id="option-compact" name="compact" value="1" checked' in page


def test_the_code_points_at_the_host_the_page_is_served_on(client, territory, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["elan.example.org"]
    campaign = CampaignFactory(territory=territory, slug="a-velo")
    response = client.get(snippet_url(campaign), headers={"host": "elan.example.org"})
    assert (
        'src="http://elan.example.org/widget/val-de-drome/a-velo/"' in response.context["snippet"]
    )


def test_a_configured_public_address_wins_over_the_host(client, territory, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PUBLIC_URL = "https://elan.example.org"
    campaign = CampaignFactory(territory=territory, slug="a-velo")
    response = client.get(snippet_url(campaign))
    assert 'src="https://elan.example.org/widget/' in response.context["snippet"]


def test_it_links_back_to_the_campaign(client, territory) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory)
    page = client.get(snippet_url(campaign)).content.decode()
    assert f'href="{reverse("pledges:detail", args=[territory.slug, campaign.slug])}"' in page


def test_an_organiser_sees_that_a_draft_has_no_widget_yet(client, territory, organiser) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, status=CampaignStatus.DRAFT, published_at=None)
    client.force_login(organiser)
    response = client.get(snippet_url(campaign))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le compteur sera disponible dès la publication de la campagne" in page
    assert "<iframe" not in page
    assert "<textarea" not in page


def test_a_draft_is_not_found_for_the_public(client, territory, member) -> None:  # type: ignore[no-untyped-def]
    campaign = CampaignFactory(territory=territory, status=CampaignStatus.DRAFT, published_at=None)
    assert client.get(snippet_url(campaign)).status_code == 404
    client.force_login(member)
    assert client.get(snippet_url(campaign)).status_code == 404
