"""The public comparison of closed challenges across territories: the page
(filters, chart, table with the same numbers, pages) and its CSV/XLSX/ODS."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from elan.charts import BarChart
from elan.pagecache import public_page
from elan.tabular import table_response
from measures.views.formatting import num
from reports import comparison
from reports.forms import ComparisonFilterForm
from territories.permissions import permission_required
from territories.themes import Theme

PER_PAGE = 50
FORMATS = ("csv", "xlsx", "ods")


def _form(request: HttpRequest) -> ComparisonFilterForm:
    years, regions = comparison.years_and_regions()
    return ComparisonFilterForm(request.GET or None, years=years, regions=regions)


def _cell(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    decimals = 0 if unit in ("", "kWh") else (2 if unit == "m³" else 1)
    text = num(value, decimals)
    return f"{text} {unit}".strip() if unit else text


def _chart(rows: list[dict[str, Any]], theme: str) -> BarChart | None:
    if not rows:
        return None
    label = str(comparison.FIGURES[theme][0][2])
    return BarChart(
        title=_("Comparaison des défis : %(what)s") % {"what": label.lower()},
        description=_(
            "%(what)s de chaque défi clos, en pourcentage de la référence des foyers complets, "
            "dans l'ordre du tableau. Une barre vers la gauche signale une hausse."
        )
        % {"what": label},
        labels=[r["challenge"] for r in rows],
        values=[r["savings_pct"] for r in rows],
        unit="%",
        value_label=label + " (%)",
        label_header=_("Défi"),
        chart_id="comparaison-defis",
        label_width=330,
    )


@public_page(depends=("territories", "challenges", "measures", "reports"))
@require_GET
@permission_required("reports.view_comparison")
def comparison_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    filters = form.filters()
    rows = comparison.comparison_rows(filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    columns = comparison.columns(filters.theme)
    for row in shown:
        row["cells"] = [_cell(row.get(c["key"]), c["unit"]) for c in columns]
    context = {
        "form": form,
        "filters": filters,
        "theme_label": Theme(filters.theme).label,
        "columns": columns,
        "rows": shown,
        "page_obj": page,
        "chart": _chart(shown, filters.theme),
        "narrowed": bool(filters.year or filters.region),
        "formats": FORMATS,
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "reports/comparison.html", context, status=status)


def export_header(theme: str) -> list[str]:
    figures = [
        f"{c['label']} ({c['unit']})" if c["unit"] else str(c["label"])
        for c in comparison.columns(theme)
    ]
    return [
        _("Territoire"),
        _("Région"),
        _("Défi"),
        _("Année de début"),
        _("Du"),
        _("Au"),
        _("Foyers"),
        _("Équipes"),
        *figures,
        _("Corrigé du climat"),
        _("Table de facteurs"),
    ]


def export_rows(rows: list[dict[str, Any]], theme: str) -> list[list[Any]]:
    keys = [c["key"] for c in comparison.columns(theme)]
    return [
        [
            r["territory"],
            r["region"],
            r["challenge"],
            r["year"],
            r["starts_on"].isoformat(),
            r["ends_on"].isoformat(),
            r["households"],
            r["teams"],
            *(r.get(key) for key in keys),
            _("oui") if r["climate_corrected"] else _("non"),
            r["factor_set"],
        ]
        for r in rows
    ]


@require_GET
@permission_required("reports.view_comparison")
def comparison_export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = _form(request)
    filters = form.filters()
    if form.is_bound and form.errors:
        return comparison_page(request)
    rows = comparison.comparison_rows(filters)
    return table_response(
        f"comparaison-defis-{filters.theme}",
        export_header(filters.theme),
        export_rows(rows, filters.theme),
        fmt,  # type: ignore[arg-type]
        sheet=_("Comparaison"),
    )


urlpatterns: list[URLPattern] = [
    path("comparaisons/", comparison_page, name="comparison"),
    re_path(r"^comparaisons\.(?P<fmt>csv|xlsx|ods)$", comparison_export, name="comparison_export"),
]
