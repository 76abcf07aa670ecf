"""The territory's activity dashboard (organisers) and the region's
side-by-side dashboard (regional coordinators): sortable, exportable."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from elan.pagecache import TRACKED_APPS, computed_once
from elan.tabular import table_response
from measures.results.cache import precompute_enabled
from reports import dashboards
from territories.models import Region, Territory
from territories.permissions import permission_required

VIEW_TERRITORY = "territories.view_territory"
FORMATS = ("csv", "xlsx", "ods")


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory.objects.select_related("region"), slug=slug)


def _region(code: str) -> Region:
    return get_object_or_404(Region, code=code)


def _dashboard_depends() -> frozenset[str]:
    """With results precomputed, the households' data renews no generation
    (published_through_snapshots) and the measures' generation moves with each
    results snapshot, every few seconds while readings come in. The dashboard
    reads no snapshot: it would be computed again for nothing. Its count of
    late households is then bound by the timeout, as it already is."""
    if precompute_enabled():
        return TRACKED_APPS - {"measures"}
    return TRACKED_APPS


@require_GET
@permission_required("territories.view_dashboard", _territory, visible=VIEW_TERRITORY)
def territory_dashboard(request: HttpRequest, territory: Territory) -> HttpResponse:
    def compute() -> tuple[dashboards.Figures, dict[str, Any]]:
        now = timezone.now()
        figures = dashboards.territory_figures([territory], now=now)[0]
        return figures, dashboards.running(territory, now=now, figures=figures)

    # Shared by the territory's organisers, renewed by any write to what it
    # counts, and at most ELAN_PAGE_CACHE_SECONDS old for the readings.
    figures, running = computed_once(
        f"tableau-de-bord:{territory.pk}:{timezone.localdate()}",
        depends=_dashboard_depends(),
        compute=compute,
        territory=territory.slug,
    )
    context = {
        "territory": territory,
        "figures": figures,
        "tiles": [
            {"key": key, "label": label, "value": figures[key], "worse": worse}
            for key, label, worse in dashboards.COLUMNS
        ],
        "alerts": dashboards.alerts(territory, figures, running),
        **running,
        "can_manage": request.user.has_perm("territories.change_territory", territory),
    }
    return TemplateResponse(request, "reports/dashboard_territory.html", context)


def _sorted(rows: list[dashboards.Figures], key: str, descending: bool) -> list[dashboards.Figures]:
    if key == "territoire":
        return sorted(rows, key=lambda f: f.territory.name, reverse=descending)
    if key == "alertes":
        return sorted(rows, key=lambda f: (f.alerts, f.territory.name), reverse=descending)
    return sorted(rows, key=lambda f: (f[key], f.territory.name), reverse=descending)


def _region_rows(
    request: HttpRequest, region: Region
) -> tuple[list[dashboards.Figures], str, bool]:
    territories = list(Territory.objects.filter(region=region).order_by("name"))
    rows = dashboards.territory_figures(territories)
    sort = request.GET.get("tri", "alertes")
    if sort not in {"territoire", "alertes", *dashboards.KEYS}:
        sort = "alertes"
    descending = request.GET.get("ordre", "desc" if sort != "territoire" else "asc") != "asc"
    return _sorted(rows, sort, descending), sort, descending


@require_GET
@permission_required("territories.view_region", _region)
def region_dashboard(request: HttpRequest, region: Region) -> HttpResponse:
    rows, sort, descending = _region_rows(request, region)
    columns = [("territoire", _("Territoire")), ("alertes", _("Points d'attention"))] + [
        (key, str(label)) for key, label, _worse in dashboards.COLUMNS
    ]
    headers = []
    for key, label in columns:
        current = key == sort
        # A click sorts by the column; a second click reverses the order.
        order = (
            ("asc" if descending else "desc")
            if current
            else ("asc" if key == "territoire" else "desc")
        )
        headers.append(
            {
                "key": key,
                "label": label,
                "current": current,
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "query": f"?tri={key}&ordre={order}",
            }
        )
    totals = {key: sum(r[key] for r in rows) for key in dashboards.KEYS}
    context = {
        "region": region,
        "headers": headers,
        "rows": [{"figures": r, "cells": [r[key] for key in dashboards.KEYS]} for r in rows],
        "totals": [totals[key] for key in dashboards.KEYS],
        "total_alerts": sum(r.alerts for r in rows),
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "reports/dashboard_region.html", context)


@require_GET
@permission_required("territories.view_region", _region)
def region_export(request: HttpRequest, region: Region) -> HttpResponse:
    """?format=csv|xlsx|ods, in the order the page was sorted."""
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(
            _("Format inconnu : choisissez csv, xlsx ou ods."), content_type="text/plain"
        )
    rows, _sort, _descending = _region_rows(request, region)
    header: list[Any] = [_("Territoire"), _("Points d'attention")] + [
        str(label) for _key, label, _worse in dashboards.COLUMNS
    ]
    return table_response(
        f"tableau-de-bord-{region.code}-{timezone.localdate().isoformat()}",
        header,
        ([r.territory.name, r.alerts, *(r[key] for key in dashboards.KEYS)] for r in rows),
        fmt,  # type: ignore[arg-type]
        sheet=region.name,
    )


urlpatterns: list[URLPattern] = [
    path("t/<slug:slug>/animation/suivi/", territory_dashboard, name="territory_dashboard"),
    path("regions/<str:code>/tableau-de-bord/", region_dashboard, name="region_dashboard"),
    path("regions/<str:code>/tableau-de-bord/export/", region_export, name="region_export"),
]
