"""Pledge campaign views, one module per area; each declares its `urlpatterns`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from pledges.models import Campaign


def campaign_from_url(slug: str, campaign: str) -> Campaign:
    """The territory's campaign named in the URL (404 otherwise)."""
    return get_object_or_404(
        Campaign.objects.select_related("territory", "sponsor", "operation"),
        territory__slug=slug,
        slug=campaign,
    )
