"""The commons' home, the search page with its facets, and the suggestions
drawn from a territory's self-diagnosis (an HTMX block that the grid's
results page and the home load, so that questionnaires imports nothing from
the commons)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from commons import search, selectors
from commons.forms import SearchForm
from commons.models import Kind, Path, Resource
from elan.pagecache import public_page
from questionnaires.models import Kind as QuestionnaireKind
from questionnaires.models import Questionnaire
from territories.permissions import check

RESULTS = "questionnaires.view_results"


@public_page(depends=("territories", "commons"))
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    published = selectors.base_queryset(request.user)
    grids = list(selectors.filled_grids_of(request.user)[:1])
    context = {
        "form": SearchForm(),
        "paths": Path.objects.filter(is_published=True).order_by("position", "title")[:6],
        "recent": published.order_by("-updated_at")[:6],
        "total": published.count(),
        "experience_count": published.filter(kind=Kind.EXPERIENCE).count(),
        "axes": selectors.facets(published, selectors.Filters())[1].values,
        "grid": grids[0] if grids else None,
    }
    return TemplateResponse(request, "commons/home.html", context)


def _filters(data: dict[str, Any]) -> selectors.Filters:
    return selectors.Filters(
        kind=data.get("type") or "",
        axis=data.get("axe") or "",
        theme=data.get("theme") or "",
        territory_type=data.get("territoire") or "",
        stage=data.get("niveau") or "",
        licence=data.get("licence") or "",
    )


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    status = 200
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            query = search.check_query(data.get("q") or "")
        except search.QueryError as error:
            form.add_error("q", str(error))
            status = 400
        else:
            result = selectors.search_page(
                user=request.user, query=query, filters=_filters(data), page=data.get("page") or 1
            )
    else:
        status = 400
    if result is not None:
        _facet_links(request, result)
    context = {
        "form": form,
        "result": result,
        "items": [(r, result.snippets.get(r.pk)) for r in result.results] if result else [],
        "max_length": search.MAX_QUERY_LENGTH,
    }
    return TemplateResponse(request, "commons/search.html", context, status=status)


def _facet_links(request: HttpRequest, result: selectors.SearchPage) -> None:
    for facet in result.facets:
        for value in facet.values:
            params = request.GET.copy()
            params.pop("page", None)
            if value.selected:
                params.pop(facet.name, None)
            else:
                params[facet.name] = value.value
            value.url = f"?{params.urlencode()}"


@require_GET
def grid_suggestions(request: HttpRequest, slug: str, questionnaire: str) -> HttpResponse:
    grid = get_object_or_404(
        Questionnaire.objects.select_related("territory"),
        territory__slug=slug,
        slug=questionnaire,
        kind=QuestionnaireKind.GRID,
    )
    check(request, RESULTS, grid, visible="questionnaires.view_questionnaire")
    scores = selectors.latest_grid_scores(grid)
    context = {
        "grid": grid,
        "territory": grid.territory,
        "suggestions": selectors.suggestions(scores),
        "block": bool(request.htmx),  # type: ignore[attr-defined]
    }
    template = "commons/_suggestions.html" if request.htmx else "commons/suggestions.html"  # type: ignore[attr-defined]
    return TemplateResponse(request, template, context)


@require_GET
def paths(request: HttpRequest) -> HttpResponse:
    visible = (
        Path.objects.all()
        if request.user.has_perm("commons.manage_paths")
        else Path.objects.filter(is_published=True)
    )
    return TemplateResponse(
        request,
        "commons/paths.html",
        {
            "paths": visible.order_by("position", "title"),
            "can_manage": request.user.has_perm("commons.manage_paths"),
        },
    )


def resources_count() -> int:
    return Resource.objects.published().count()


urlpatterns: list[URLPattern] = [
    path("commun/", home, name="home"),
    path("commun/recherche/", search_view, name="search"),
    path("commun/parcours/", paths, name="paths"),
    path(
        "commun/suggestions/<slug:slug>/<slug:questionnaire>/",
        grid_suggestions,
        name="grid_suggestions",
    ),
]
