"""Event views, one module per area; each declares its `urlpatterns`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from events.models import Event


def event_from_url(slug: str, pk: int) -> Event:
    """The territory's event named in the URL (404 otherwise)."""
    return get_object_or_404(
        Event.objects.select_related("territory", "challenge", "commune", "partner"),
        territory__slug=slug,
        pk=pk,
    )
