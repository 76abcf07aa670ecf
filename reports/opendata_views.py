"""The open-data page and its files: each dataset as CSV and JSON with its
Table Schema beside it, and the Data Package of all of them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, re_path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from elan.pagecache import TRACKED_APPS, public_page
from elan.tabular import data_csv_text
from reports import opendata
from territories.permissions import permission_required

PERM = "reports.view_open_data"


class _Encoder(DjangoJSONEncoder):
    """Decimals as JSON numbers (the schema says « number »), dates in ISO 8601."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return float(o)
        return super().default(o)


def _dataset(slug: str) -> opendata.Dataset:
    found = opendata.DATASETS.get(slug)
    if found is None:
        raise Http404
    return found


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def document(dataset: opendata.Dataset, base: str) -> dict[str, Any]:
    """The JSON file of a dataset: its rows and what one needs to reuse them."""
    rows = dataset.rows(base)
    return {
        "jeu": dataset.slug,
        "titre": dataset.title,
        "description": dataset.description,
        "licence": {"nom": opendata.LICENCE.short, "url": opendata.LICENCE.url},
        "schema": base + reverse("reports:opendata_schema", args=[dataset.slug]),
        "produit_le": timezone.now().isoformat(timespec="seconds"),
        "nombre": len(rows),
        "donnees": rows,
    }


def _json(data: Any, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=_Encoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@public_page(depends=TRACKED_APPS)
@require_GET
@permission_required(PERM)
def opendata_page(request: HttpRequest) -> HttpResponse:
    base = base_url(request)
    datasets = []
    for dataset in opendata.DATASETS.values():
        datasets.append(
            {
                "dataset": dataset,
                "count": len(dataset.rows(base)),
                "csv": reverse("reports:opendata_file", args=[dataset.slug, "csv"]),
                "json": reverse("reports:opendata_file", args=[dataset.slug, "json"]),
                "schema": reverse("reports:opendata_schema", args=[dataset.slug]),
                "api": f"/api/v1/open-data/{dataset.slug}",
            }
        )
    context = {
        "datasets": datasets,
        "licence": opendata.LICENCE,
        "package": reverse("reports:opendata_package"),
        "today": timezone.localdate(),
    }
    return TemplateResponse(request, "reports/opendata.html", context)


@require_GET
@permission_required(PERM)
def opendata_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    dataset = _dataset(slug)
    base = base_url(request)
    if fmt == "json":
        return _json(document(dataset, base), f"{slug}.json")
    names = [f.name for f in dataset.fields]
    rows = dataset.rows(base)
    text = data_csv_text(names, ([row[n] for n in names] for row in rows))
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = (
        f'<{base}{reverse("reports:opendata_schema", args=[slug])}>; rel="describedby"; '
        'type="application/json"'
    )
    return response


@require_GET
@permission_required(PERM)
def opendata_schema(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(_dataset(slug).table_schema(), f"{slug}.schema.json")


@require_GET
@permission_required(PERM)
def opendata_package(request: HttpRequest) -> HttpResponse:
    return _json(opendata.package(base_url(request)), "datapackage.json")


def json_ready(value: Any) -> Any:
    """A row's value as the JSON file writes it (the API returns the same)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


urlpatterns: list[URLPattern] = [
    path("donnees-ouvertes/", opendata_page, name="opendata"),
    path("donnees-ouvertes/datapackage.json", opendata_package, name="opendata_package"),
    re_path(
        r"^donnees-ouvertes/(?P<slug>[a-z-]+)\.schema\.json$",
        opendata_schema,
        name="opendata_schema",
    ),
    re_path(
        r"^donnees-ouvertes/(?P<slug>[a-z-]+)\.(?P<fmt>csv|json)$",
        opendata_file,
        name="opendata_file",
    ),
]
