"""The organisers' side of the network: the directory with every filter,
a new actor, the communes as members by right, the members to contact
again, what actor contacts changed, and the charter's versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from network import services
from network.forms import ActorForm, CharterForm, DaysForm, DirectoryFilterForm
from network.models import Actor, ActorChange, ActorKind, Charter, JoinRequestStatus
from network.selectors import DirectoryFilters, directory, directory_communes, overdue
from network.views import PER_PAGE, PREFIX, territory_from_url, user_of
from territories.models import Territory
from territories.permissions import permission_required

VIEW_TERRITORY = "territories.view_territory"
READ = "network.view_network"
MANAGE = "network.manage"
CHANGES_PER_PAGE = 30


def days_since(day: dt.date | None, today: dt.date) -> int | None:
    return (today - day).days if day else None


def _rows(actors: list[Actor], today: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "actor": actor,
            "days": days_since(
                getattr(actor, "last_contact_on", None) or getattr(actor, "member_since", None),
                today,
            ),
        }
        for actor in actors
    ]


def _nav_counts(territory: Territory) -> dict[str, Any]:
    return {
        "pending_requests": territory.network_join_requests.filter(
            status=JoinRequestStatus.PENDING
        ).count()
    }


@require_GET
@permission_required(READ, territory_from_url, visible=VIEW_TERRITORY)
def manage(request: HttpRequest, territory: Territory) -> HttpResponse:
    today = timezone.localdate()
    form = DirectoryFilterForm(request.GET or None, communes=directory_communes(territory))
    filters = form.filters()
    days = DaysForm(request.GET or None).days()
    actors = directory(territory, filters, today=today, days=days)
    page = Paginator(actors, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "territory": territory,
        "form": form,
        "filters": filters,
        "narrowed": filters != DirectoryFilters(),
        "days": days,
        "page_obj": page,
        "rows": _rows(list(page), today),
        "can_manage": request.user.has_perm(MANAGE, territory),
        **_nav_counts(territory),
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "network/manage/directory.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def actor_create(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = ActorForm(request.POST or None, request.FILES or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        try:
            actor = services.actor_create(
                territory=territory, user=user_of(request), **form.service_kwargs()
            )
        except services.NetworkRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(request, _("« %(name)s » est dans l'annuaire.") % {"name": actor.name})
            return redirect("network:actor_detail", territory.slug, actor.pk)
    context = {"territory": territory, "form": form, "actor": None}
    return TemplateResponse(request, "network/manage/actor_form.html", context)


def _add_errors(form: Any, refusal: services.NetworkRefused) -> None:
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal.messages)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def members_by_right(request: HttpRequest, territory: Territory) -> HttpResponse:
    """GET lists what would be done; POST does it (idempotent)."""
    if request.method == "POST":
        actors, opened = services.members_by_right(territory=territory, user=user_of(request))
        if opened:
            messages.success(
                request,
                ngettext(
                    "%(n)d commune est maintenant membre de droit (%(new)d nouvelle fiche).",
                    "%(n)d communes sont maintenant membres de droit (%(new)d nouvelles fiches).",
                    opened,
                )
                % {"n": opened, "new": actors},
            )
        else:
            messages.info(request, _("Toutes les communes du territoire sont déjà membres."))
        return redirect("network:manage", territory.slug)
    in_directory = set(
        Actor.objects.filter(territory=territory, kind=ActorKind.COMMUNE).values_list(
            "commune_id", flat=True
        )
    )
    communes = [
        {"commune": commune, "known": commune.pk in in_directory}
        for commune in territory.communes.order_by("name")
    ]
    context = {"territory": territory, "communes": communes}
    return TemplateResponse(request, "network/manage/members_by_right.html", context)


@require_GET
@permission_required(READ, territory_from_url, visible=VIEW_TERRITORY)
def overdue_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    """Members not contacted for more than N days (?jours=N, 90 by default)."""
    today = timezone.localdate()
    form = DaysForm(request.GET or None)
    days = form.days()
    page = Paginator(overdue(territory, today=today, days=days), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "territory": territory,
        "form": form,
        "days": days,
        "page_obj": page,
        "rows": _rows(list(page), today),
        "can_manage": request.user.has_perm(MANAGE, territory),
        **_nav_counts(territory),
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "network/manage/overdue.html", context, status=status)


@require_GET
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def changes(request: HttpRequest, territory: Territory) -> HttpResponse:
    """What the actors' contacts changed or confirmed on their entry."""
    entries = (
        ActorChange.objects.filter(actor__territory=territory, by_contact=True)
        .select_related("actor", "changed_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(entries, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "territory": territory,
        "page_obj": page,
        "entries": list(page),
        **_nav_counts(territory),
    }
    return TemplateResponse(request, "network/manage/changes.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def charter(request: HttpRequest, territory: Territory) -> HttpResponse:
    """The charter's versions; a change of text is published as a new one."""
    current = Charter.current(territory)
    initial = {"title": current.title, "body": current.body} if current else {}
    form = CharterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        published = services.charter_publish(
            territory=territory,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            user=user_of(request),
        )
        messages.success(
            request,
            _("Version %(v)d de la charte publiée : les nouvelles adhésions la signent.")
            % {"v": published.version},
        )
        return redirect("network:charter", territory.slug)
    versions = (
        Charter.objects.filter(territory=territory)
        .annotate(last_signed=Max("memberships__charter_signed_on"))
        .order_by("-version")
    )
    context = {"territory": territory, "form": form, "current": current, "versions": versions}
    return TemplateResponse(request, "network/manage/charter.html", context)


urlpatterns: list[URLPattern] = [
    path(PREFIX + "gerer/", manage, name="manage"),
    path(PREFIX + "gerer/nouvel-acteur/", actor_create, name="actor_create"),
    path(PREFIX + "gerer/membres-de-droit/", members_by_right, name="members_by_right"),
    path(PREFIX + "gerer/a-recontacter/", overdue_list, name="overdue"),
    path(PREFIX + "gerer/modifications/", changes, name="changes"),
    path(PREFIX + "gerer/charte/", charter, name="charter"),
]
