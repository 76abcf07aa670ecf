"""Views of the actors' network, one module per area; each declares its
`urlpatterns`. The getters below turn URL arguments into objects: an actor
of another territory than the one in the URL is a 404."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import User
from network.models import Actor, Contact, JoinRequest
from territories.models import Territory

PREFIX = "t/<slug:slug>/reseau/"
PER_PAGE = 50


def territory_from_url(slug: str) -> Territory:
    return get_object_or_404(Territory.objects.select_related("region"), slug=slug)


def actor_from_url(slug: str, pk: int) -> Actor:
    return get_object_or_404(
        Actor.objects.with_membership().select_related("territory__region", "commune"),
        territory__slug=slug,
        pk=pk,
    )


def contact_from_url(slug: str, pk: int, contact: int) -> Contact:
    return get_object_or_404(
        Contact.objects.select_related("actor__territory__region", "user"),
        actor__territory__slug=slug,
        actor_id=pk,
        pk=contact,
    )


def join_request_from_url(slug: str, pk: int) -> JoinRequest:
    return get_object_or_404(
        JoinRequest.objects.select_related("territory__region", "commune", "charter", "actor"),
        territory__slug=slug,
        pk=pk,
    )


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the permission let only accounts in
    return user
