"""The public pages of pledge campaigns: a territory's list, an operation, a
campaign with its live counter, its map by commune and the commit form.

Headline numbers come from the counters on the campaign row; the map's
aggregate by commune is cached a minute. The page's query count does not
depend on the number of commitments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from elan.links import site_root
from elan.pagecache import public_page
from pledges.forms import CommitForm
from pledges.models import (
    Campaign,
    CampaignStatus,
    Commitment,
    CommitmentStatus,
    CommuneTally,
    Operation,
)
from pledges.views import campaign_from_url
from territories.models import Territory
from territories.permissions import permission_required

VIEW = "pledges.view_campaign"
VIEW_TERRITORY = "territories.view_territory"
MAP_CACHE_SECONDS = 60
RECENT = 10
_VISIBLE = [s for s in CampaignStatus.values if s != CampaignStatus.DRAFT]
_OPEN_FIRST = Case(
    When(status=CampaignStatus.OPEN, then=0),
    When(status=CampaignStatus.REACHED, then=1),
    When(status=CampaignStatus.FULFILLED, then=2),
    default=3,
)


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory, slug=slug)


def _operation(slug: str, operation: str) -> Operation:
    return get_object_or_404(
        Operation.objects.select_related("territory"), territory__slug=slug, slug=operation
    )


def days_left_label(campaign: Campaign, now: dt.datetime) -> str:
    """« plus que 12 jours », « dernier jour », or when it closed."""
    if campaign.status in (CampaignStatus.FULFILLED, CampaignStatus.EXPIRED) or (
        campaign.is_past_deadline(now)
    ):
        return _("close depuis le %(day)s") % {
            "day": date_format(timezone.localtime(campaign.deadline), "j F Y")
        }
    days = (campaign.deadline - now).days
    if days < 1:
        return _("dernier jour")
    return ngettext("plus que %(n)d jour", "plus que %(n)d jours", days) % {"n": days}


def state_label(campaign: Campaign, now: dt.datetime) -> str:
    """The state as a visitor reads it: an open campaign past its deadline is
    closed even before the daily command marks it expired."""
    if campaign.status == CampaignStatus.OPEN and campaign.is_past_deadline(now):
        return _("Campagne close")
    return str(campaign.get_status_display())


def commune_counts(campaign: Campaign) -> list[dict[str, Any]]:
    """Confirmed commitments by commune (never more precise), read from the
    tallies the services keep; cached a minute."""
    key = f"pledges:communes:{campaign.pk}"
    rows = cache.get(key)
    if rows is None:
        tallies = (
            CommuneTally.objects.filter(campaign=campaign, count__gt=0)
            .select_related("commune")
            .order_by("-count", "commune__name")
        )
        rows = [
            {
                "name": t.commune.name,
                "lat": _float(t.commune.latitude),
                "lon": _float(t.commune.longitude),
                "count": t.count,
            }
            for t in tallies
        ]
        cache.set(key, rows, MAP_CACHE_SECONDS)
    return rows


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def counter_context(campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign": campaign,
        "counter_url": reverse("pledges:counter", args=[campaign.territory.slug, campaign.slug]),
        "counter_key": counter_key(campaign),
        "closed": campaign.is_closed() or campaign.status == CampaignStatus.DRAFT,
    }


def counter_key(campaign: Campaign) -> str:
    """What the counter partial shows: the poll answers 204 while it is unchanged."""
    return f"{campaign.participants_count}-{campaign.quantity_total}-{campaign.status}"


def share_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    url = site_root(request) + reverse(
        "pledges:detail", args=[campaign.territory.slug, campaign.slug]
    )
    subject = _("Je me suis engagé·e : %(title)s") % {"title": campaign.title}
    body = _(
        "Rejoignez-moi : si nous sommes %(goal)d à nous engager, %(sponsor)s %(promise)s\n%(url)s"
    ) % {
        "goal": campaign.participants_goal,
        "sponsor": campaign.sponsor.name,
        "promise": campaign.counterpart,
        "url": url,
    }
    return {
        "share_url": url,
        "mailto": f"mailto:?subject={quote(subject)}&body={quote(body)}",
    }


def render_detail(
    request: HttpRequest,
    campaign: Campaign,
    *,
    form: CommitForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> TemplateResponse:
    """The campaign page, also re-rendered by the commit view with its errors."""
    now = timezone.now()
    user = request.user
    recent = (
        Commitment.objects.filter(campaign=campaign, status=CommitmentStatus.CONFIRMED)
        .select_related("commune")
        .only("first_name", "confirmed_at", "commune__name")
        .order_by("-confirmed_at")[:RECENT]
    )
    accepts = campaign.accepts_commitments(now)
    communes = commune_counts(campaign)
    context = {
        "territory": campaign.territory,
        "campaign": campaign,
        "state": state_label(campaign, now),
        "days_left": days_left_label(campaign, now),
        "recent": list(recent),
        "communes": communes,
        "map_points": [c for c in communes if c["lat"] is not None],
        "tile_url": settings.ELAN_TILE_URL,
        "form": form or (CommitForm(campaign=campaign) if accepts else None),
        "refusal": refusal,
        "accepts": accepts,
        "can_manage": user.has_perm("pledges.manage_campaign", campaign),
        "can_fulfil": campaign.status == CampaignStatus.REACHED
        and user.has_perm("pledges.confirm_counterpart", campaign),
        "og_image": site_root(request) + campaign.sponsor.logo.url if campaign.sponsor.logo else "",
        **counter_context(campaign),
        **share_context(request, campaign),
    }
    return TemplateResponse(request, "pledges/detail.html", context, status=status)


def _cards(campaigns: Iterable[Campaign]) -> list[dict[str, Any]]:
    """The rows of pledges/_campaign_card.html."""
    now = timezone.now()
    return [
        {"campaign": c, "state": state_label(c, now), "days_left": days_left_label(c, now)}
        for c in campaigns
    ]


@require_GET
@permission_required(VIEW_TERRITORY, _territory, visible=VIEW_TERRITORY)
def campaign_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    can_manage = request.user.has_perm("pledges.manage_campaign", territory)
    campaigns = (
        Campaign.objects.filter(territory=territory)
        .visible()
        .select_related("sponsor", "operation", "territory")
        .order_by(_OPEN_FIRST, "deadline")
    )
    context = {
        "territory": territory,
        "rows": _cards(campaigns),
        "operations": territory.pledge_operations.filter(campaigns__status__in=_VISIBLE)
        .distinct()
        .order_by("title"),
        "can_manage": can_manage,
    }
    return TemplateResponse(request, "pledges/list.html", context)


@require_GET
@permission_required(VIEW_TERRITORY, _operation, visible=VIEW_TERRITORY)
def operation_detail(request: HttpRequest, operation: Operation) -> HttpResponse:
    campaigns = operation.campaigns.select_related("sponsor", "territory").order_by("title")
    if not request.user.has_perm("pledges.manage_campaign", operation.territory):
        campaigns = campaigns.visible()
    context = {"territory": operation.territory, "operation": operation, "rows": _cards(campaigns)}
    return TemplateResponse(request, "pledges/operation.html", context)


@public_page(depends=("territories", "pledges"))
@require_GET
@permission_required(VIEW, campaign_from_url, visible=VIEW)
def campaign_detail(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    return render_detail(request, campaign)


@require_GET
@permission_required(VIEW, campaign_from_url, visible=VIEW)
def campaign_counter(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The counter partial, polled every 10 s; 204 (nothing to swap) while unchanged."""
    if request.GET.get("vu") == counter_key(campaign):
        return HttpResponse(status=204)
    return TemplateResponse(request, "pledges/_counter.html", counter_context(campaign))


urlpatterns: list[URLPattern] = [
    path("t/<slug:slug>/engagements/", campaign_list, name="list"),
    path(
        "t/<slug:slug>/engagements/operation/<slug:operation>/",
        operation_detail,
        name="operation",
    ),
    path("t/<slug:slug>/engagements/<slug:campaign>/", campaign_detail, name="detail"),
    path(
        "t/<slug:slug>/engagements/<slug:campaign>/compteur/",
        campaign_counter,
        name="counter",
    ),
]
