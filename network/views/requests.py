"""The organisers' queue of « rejoindre le réseau » requests: the confirmed
ones to decide (with the duplicate the directory may already hold), the
unconfirmed ones, the last decisions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from network import services
from network.forms import DecisionForm
from network.models import JoinRequest, JoinRequestStatus
from network.views import PREFIX, join_request_from_url, territory_from_url, user_of
from network.views.manage import _add_errors
from territories.models import Territory
from territories.permissions import permission_required

VIEW_TERRITORY = "territories.view_territory"
MANAGE = "network.manage"
DECIDED_SHOWN = 20


@require_GET
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def join_requests(request: HttpRequest, territory: Territory) -> HttpResponse:
    requests = JoinRequest.objects.filter(territory=territory).select_related("commune")
    context = {
        "territory": territory,
        "pending": requests.filter(status=JoinRequestStatus.PENDING).order_by("confirmed_at"),
        "unconfirmed": requests.filter(status=JoinRequestStatus.UNCONFIRMED).count(),
        "decided": requests.filter(
            status__in=[JoinRequestStatus.ACCEPTED, JoinRequestStatus.DECLINED]
        )
        .select_related("actor")
        .order_by("-decided_at")[:DECIDED_SHOWN],
    }
    return TemplateResponse(request, "network/manage/join_requests.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, join_request_from_url, visible=MANAGE)
def join_request_decide(request: HttpRequest, join_request: JoinRequest) -> HttpResponse:
    territory = join_request.territory
    pending = join_request.status == JoinRequestStatus.PENDING
    match = services.join_request_match(join_request) if pending else None
    form = DecisionForm(request.POST or None, match=match.actor if match else None)
    refusal = ""
    if request.method == "POST" and not pending:
        refusal = _("Cette demande a déjà été traitée.")
    elif request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == DecisionForm.ACCEPT:
                actor = services.join_request_accept(
                    join_request=join_request, user=user_of(request), merge_into=form.merge_into()
                )
                messages.success(
                    request,
                    _("« %(name)s » est membre du réseau ; un e-mail de bienvenue est parti.")
                    % {"name": actor.name},
                )
                return redirect("network:actor_detail", territory.slug, actor.pk)
            services.join_request_decline(
                join_request=join_request, reason=form.cleaned_data["reason"], user=user_of(request)
            )
        except services.NetworkRefused as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Demande déclinée ; la raison a été envoyée par e-mail."))
            return redirect("network:join_requests", territory.slug)
    context = {
        "territory": territory,
        "join_request": join_request,
        "match": match,
        "form": form,
        "refusal": refusal,
    }
    status = 409 if refusal else 200
    return TemplateResponse(
        request, "network/manage/join_request_decide.html", context, status=status
    )


urlpatterns: list[URLPattern] = [
    path(PREFIX + "gerer/demandes/", join_requests, name="join_requests"),
    path(PREFIX + "gerer/demandes/<int:pk>/", join_request_decide, name="join_request_decide"),
]
