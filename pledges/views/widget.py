"""The embeddable counter of a campaign: a tiny page for a partner's <iframe>,
and the page where partners copy its snippet.

The widget is what a viral campaign multiplies: every visit of every partner
page asks for it. Its rendered bytes are therefore kept in the cache for
WIDGET_TTL seconds per campaign and options, and a hit is answered before any
database access (no campaign lookup, no session, no user). The counters it
shows are the campaign row's (`participants_count`, `quantity_total`), never a
count of commitments; after a change they show within WIDGET_TTL seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from elan.links import site_root
from pledges.models import Campaign, CampaignStatus
from pledges.views import campaign_from_url
from territories.permissions import permission_required

WIDGET_TTL = 30  # seconds
VIEW = "pledges.view_campaign"
EMBED = "pledges.embed_campaign"
# Size of the iframe in the snippet, per layout (px); the page fits narrower frames.
FRAME_SIZES = {False: (360, 300), True: (360, 140)}
STATES: dict[str, str] = {
    CampaignStatus.REACHED: "reached",
    CampaignStatus.FULFILLED: "fulfilled",
    CampaignStatus.EXPIRED: "expired",
}


@dataclass(frozen=True)
class WidgetOptions:
    dark: bool = False
    compact: bool = False

    @classmethod
    def from_query(cls, query: Any) -> WidgetOptions:
        # Only two known values each: the cache holds at most four entries a campaign.
        return cls(
            dark=query.get("theme") == "sombre",
            compact=query.get("compact") in ("1", "oui"),
        )

    @property
    def query_string(self) -> str:
        parts = (["theme=sombre"] if self.dark else []) + (["compact=1"] if self.compact else [])
        return "?" + "&".join(parts) if parts else ""


def embeddable(campaign: Campaign) -> bool:
    return rules.has_perm(EMBED, AnonymousUser(), campaign)


def widget_cache_key(root: str, slug: str, campaign: str, options: WidgetOptions) -> str:
    # Its links lead to the host it is served on: one copy per allowed host.
    return f"pledges:widget:{root}:{slug}:{campaign}:{int(options.dark)}:{int(options.compact)}"


def widget_url(root: str, campaign: Campaign, options: WidgetOptions | None = None) -> str:
    """The absolute address a partner's page embeds."""
    query = options.query_string if options else ""
    return root + reverse("pledges:widget", args=[campaign.territory.slug, campaign.slug]) + query


@xframe_options_exempt
@require_safe
def widget(request: HttpRequest, slug: str, campaign: str) -> HttpResponse:
    options = WidgetOptions.from_query(request.GET)
    root = site_root(request)
    key = widget_cache_key(root, slug, campaign, options)
    body = cache.get(key)
    if body is None:
        body = _render_widget(root, campaign_from_url(slug, campaign), options)
        cache.set(key, body, WIDGET_TTL)
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={WIDGET_TTL}"
    # Any site may frame it: it shows public figures only and takes no input.
    response["Content-Security-Policy"] = "frame-ancestors *"
    response["Content-Language"] = settings.LANGUAGE_CODE
    return response


def _render_widget(root: str, campaign: Campaign, options: WidgetOptions) -> bytes:
    # One rendering serves every visitor: what anyone may see (asked for an
    # anonymous visitor, whoever is signed in: an admin would see a draft), in
    # French as the partner pages that embed it, nothing from the request but
    # the site's address.
    if not embeddable(campaign):
        raise Http404
    context = _widget_context(root, campaign, options)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("pledges/widget/widget.html", context)
    return html.encode()


def _widget_context(root: str, campaign: Campaign, options: WidgetOptions) -> dict[str, Any]:
    return {
        "campaign": campaign,
        "options": options,
        "percent": round(campaign.progress * 100),
        # Whole days left, as the campaign page counts them (0: the last day).
        "days_left": max(0, (campaign.deadline - timezone.now()).days),
        "campaign_url": root
        + reverse("pledges:detail", args=[campaign.territory.slug, campaign.slug]),
        "can_commit": campaign.accepts_commitments(),
        "state": _state(campaign),
    }


def _state(campaign: Campaign) -> str:
    if campaign.status in STATES:
        return STATES[campaign.status]
    # Past its deadline before the daily command marks it expired.
    return "closed" if campaign.is_closed() else "open"


@require_safe
@permission_required(VIEW, campaign_from_url, visible=VIEW)
def widget_snippet(request: HttpRequest, campaign: Campaign) -> TemplateResponse:
    options = WidgetOptions.from_query(request.GET)
    width, height = FRAME_SIZES[options.compact]
    src = widget_url(site_root(request), campaign, options)
    title = _("Compteur des engagements : %(title)s") % {"title": campaign.title}
    context = {
        "campaign": campaign,
        "territory": campaign.territory,
        "options": options,
        "embeddable": embeddable(campaign),
        "widget_src": src,
        "preview_src": reverse("pledges:widget", args=[campaign.territory.slug, campaign.slug])
        + options.query_string,
        "frame_title": title,
        "width": width,
        "height": height,
        "snippet": (
            f'<iframe src="{_attr(src)}" title="{_attr(title)}" width="{width}" '
            f'height="{height}" loading="lazy" style="border:0;max-width:100%"></iframe>'
        ),
    }
    return TemplateResponse(request, "pledges/widget/snippet.html", context)


def _attr(value: str) -> str:
    """An attribute value for the snippet: escaped, yet readable (apostrophes stay)."""
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


urlpatterns: list[URLPattern] = [
    path("widget/<slug:slug>/<slug:campaign>/", widget, name="widget"),
    path(
        "t/<slug:slug>/engagements/<slug:campaign>/integrer/",
        widget_snippet,
        name="widget_snippet",
    ),
]
