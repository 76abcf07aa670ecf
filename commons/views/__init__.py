"""Views of the commons, one module per area; each declares its `urlpatterns`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from commons.models import Comment, Path, Resource
from commons.selectors import resource_for_page

VIEW = "commons.view_resource"


def resource_from_url(slug: str) -> Resource:
    return get_object_or_404(resource_for_page(slug))


def comment_from_url(pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("resource"), pk=pk)


def path_from_url(slug: str) -> Path:
    return get_object_or_404(Path, slug=slug)
