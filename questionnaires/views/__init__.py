"""Questionnaire views, one module per area; each declares its `urlpatterns`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from questionnaires.models import Questionnaire


def questionnaire_from_url(slug: str, questionnaire: str) -> Questionnaire:
    """The territory's questionnaire named in the URL (404 otherwise)."""
    return get_object_or_404(
        Questionnaire.objects.select_related("territory", "challenge__territory"),
        territory__slug=slug,
        slug=questionnaire,
    )
