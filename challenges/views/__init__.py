"""Challenge views, one module per area; each declares its `urlpatterns`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from challenges.models import Challenge


def challenge_from_url(slug: str, challenge: str) -> Challenge:
    """The challenge named by the URL's territory and challenge slugs (or 404)."""
    return get_object_or_404(
        Challenge.objects.select_related("territory", "consent_text"),
        territory__slug=slug,
        slug=challenge,
    )
