"""The public side of the network: the directory of the members who agreed
to be listed (filters in a GET form, a Leaflet map at commune level fed by
the same list, and the same data as a table), the « rejoindre le réseau »
form with its double opt-in, and the actors' logos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from elan.pagecache import public_page
from elan.ratelimit import RateLimit, client_ip
from network import services
from network.forms import DirectoryFilterForm, JoinForm
from network.models import Actor, Charter, JoinRequest, JoinRequestStatus
from network.selectors import DirectoryFilters, directory_communes, public_directory
from network.views import PER_PAGE, PREFIX, actor_from_url, territory_from_url
from territories.models import Territory
from territories.permissions import permission_required

VIEW_TERRITORY = "territories.view_territory"
# At most 5 requests per address per 10 minutes, 3 per e-mail a day.
IP_RATE = RateLimit("network-join-ip", 5, 10 * 60)
EMAIL_RATE = RateLimit("network-join-email", 3, 24 * 60 * 60)


def markers(actors: list[Actor]) -> list[dict[str, Any]]:
    """One marker per commune (never more precise), listing its actors; the
    shape static/js/agenda-map.js draws."""
    places: dict[str, dict[str, Any]] = {}
    for actor in actors:
        commune = actor.commune
        if commune is None or commune.latitude is None or commune.longitude is None:
            continue
        place = places.setdefault(
            commune.pk,
            {
                "lat": float(commune.latitude),
                "lng": float(commune.longitude),
                "label": commune.name,
                "events": [],
            },
        )
        place["events"].append(
            {
                "title": actor.name,
                "label": f"{actor.name} — {actor.get_kind_display()}",
                "url": f"#acteur-{actor.pk}",
            }
        )
    return list(places.values())


@public_page(depends=("territories", "network"))
@require_GET
@permission_required("network.view_directory", territory_from_url, visible=VIEW_TERRITORY)
def directory(request: HttpRequest, territory: Territory) -> HttpResponse:
    communes = directory_communes(territory, listed_only=True)
    form = DirectoryFilterForm(request.GET or None, communes=communes, public=True)
    filters = form.filters()
    page = Paginator(public_directory(territory, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    actors = list(page)
    context = {
        "territory": territory,
        "form": form,
        "filters": filters,
        "narrowed": filters != DirectoryFilters(),
        "page_obj": page,
        "actors": actors,
        "markers": markers(actors),
        "tile_url": settings.ELAN_TILE_URL,
        "can_join": request.user.has_perm("network.join", territory),
        "can_manage": request.user.has_perm("network.view_network", territory),
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "network/public/directory.html", context, status=status)


def _join_context(territory: Territory, form: JoinForm, charter: Charter | None) -> dict[str, Any]:
    return {"territory": territory, "form": form, "charter": charter}


@require_http_methods(["GET", "POST"])
@permission_required("network.join", territory_from_url, visible=VIEW_TERRITORY)
def join(request: HttpRequest, territory: Territory) -> HttpResponse:
    charter = Charter.current(territory)
    form = JoinForm(request.POST or None, charter=charter)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if IP_RATE.exceeded(client_ip(request)) or EMAIL_RATE.exceeded(email):
            context = _join_context(territory, form, charter)
            return TemplateResponse(request, "network/public/too_many.html", context, status=429)
        try:
            services.join_request_create(
                territory=territory, data=form.cleaned_data, themes=form.cleaned_data["themes"]
            )
        except services.NetworkRefused as refusal:
            for field, errors in refusal.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            IP_RATE.hit(client_ip(request))
            EMAIL_RATE.hit(email)
            return redirect("network:join_sent", territory.slug)
    context = _join_context(territory, form, charter)
    return TemplateResponse(request, "network/public/join.html", context)


@require_GET
@permission_required("network.join", territory_from_url, visible=VIEW_TERRITORY)
def join_sent(request: HttpRequest, territory: Territory) -> HttpResponse:
    return TemplateResponse(request, "network/public/join_sent.html", {"territory": territory})


@require_http_methods(["GET", "POST"])
def join_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link is its own proof. GET shows a button and POST
    confirms: mail scanners follow links and must not confirm."""
    join_request = get_object_or_404(JoinRequest.objects.select_related("territory"), token=token)
    refusal = services.confirmation_problem(join_request)
    if request.method == "POST" and not refusal:
        try:
            services.join_request_confirm(token=token)
        except services.NetworkRefused as error:
            refusal = " ".join(error.messages)
        else:
            return redirect("network:join_confirm", token)
    context = {
        "territory": join_request.territory,
        "join_request": join_request,
        "confirmed": join_request.status != JoinRequestStatus.UNCONFIRMED,
        "refusal": refusal,
    }
    status = 400 if refusal and request.method == "POST" else 200
    return TemplateResponse(request, "network/public/join_confirm.html", context, status=status)


@require_GET
@permission_required("network.see_actor", actor_from_url, visible="network.see_actor")
def actor_logo(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not actor.logo:
        raise Http404
    try:
        handle = actor.logo.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, filename=Path(actor.logo.name or "logo").name)
    response["Cache-Control"] = "private, max-age=3600"
    return response  # type: ignore[return-value]


urlpatterns: list[URLPattern] = [
    path(PREFIX, directory, name="directory"),
    path(PREFIX + "rejoindre/", join, name="join"),
    path(PREFIX + "rejoindre/verifiez-votre-boite/", join_sent, name="join_sent"),
    path("reseau/confirmer/<str:token>/", join_confirm, name="join_confirm"),
    path(PREFIX + "acteurs/<int:pk>/logo/", actor_logo, name="actor_logo"),
]
