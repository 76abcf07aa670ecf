"""Taking resources away: the PDF (laid out like an OPTIGEDE sheet, from the
page's own template), Markdown, JSON-LD, and the open-data dump of every
published resource (JSON and CSV) with its licence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from commons import jsonld
from commons.models import Resource, Status
from commons.services import snapshot
from commons.views import VIEW, resource_from_url
from commons.views.resources import page_context
from elan import pdf
from elan.tabular import streaming_csv_response
from territories.permissions import permission_required

DUMP_LICENCE = (
    "Chaque ressource garde sa propre licence (colonne « licence »), à respecter lors de la "
    "réutilisation, attribution comprise. Le jeu de données lui-même (sélection et structure) "
    "est publié sous Licence Ouverte 2.0."
)
CSV_COLUMNS = [
    "slug", "title", "kind", "summary", "axis", "theme", "territory_types", "stage", "licence",
    "licence_url", "attribution", "author_name", "organisation", "source", "derived_from",
    "version", "date_modified", "url",
]  # fmt: skip


@require_GET
@permission_required(VIEW, resource_from_url, visible=VIEW)
def resource_pdf(request: HttpRequest, resource: Resource) -> HttpResponse:
    return pdf.pdf_response(
        request,
        "commons/detail.html",
        page_context(request, resource),
        filename=f"{resource.slug}.pdf",
        stylesheets=["css/commons-print.css"],
    )


@require_GET
@permission_required(VIEW, resource_from_url, visible=VIEW)
def resource_markdown(request: HttpRequest, resource: Resource) -> HttpResponse:
    text = render_to_string(
        "commons/export.md",
        {
            "resource": resource,
            "tags": resource.tags.all(),
            "url": jsonld.absolute_url(request, resource.get_absolute_url()),
        },
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{resource.slug}.md")
    return response


@require_GET
@permission_required(VIEW, resource_from_url, visible=VIEW)
def resource_jsonld(request: HttpRequest, resource: Resource) -> HttpResponse:
    document = jsonld.resource_document(request, resource)
    response = HttpResponse(
        jsonld.dumps(document), content_type="application/ld+json; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{resource.slug}.jsonld")
    return response


def _published() -> Any:
    return (
        Resource.objects.filter(status=Status.PUBLISHED)
        .select_related("axis", "current_revision", "derived_from")
        .prefetch_related("tags")
        .order_by("pk")
    )


def _row(request: HttpRequest, r: Resource) -> dict[str, Any]:
    return {
        "slug": r.slug,
        "title": r.title,
        "kind": r.kind,
        "summary": r.summary,
        "axis": r.axis.code if r.axis else "",
        "theme": r.theme,
        "territory_types": ",".join(r.territory_types),
        "stage": r.stage,
        "licence": r.licence,
        "licence_url": r.licence_terms.url,
        "attribution": r.credit(),
        "author_name": r.author_name,
        "organisation": r.organisation,
        "source": r.source,
        "derived_from": r.derived_from.slug if r.derived_from else "",
        "version": r.current_revision.number if r.current_revision else None,
        "date_modified": (
            r.current_revision.created_at if r.current_revision else r.updated_at
        ).isoformat(),
        "url": jsonld.absolute_url(request, r.get_absolute_url()),
    }


@require_GET
def dump_json(request: HttpRequest) -> HttpResponseBase:
    def chunks() -> Iterator[str]:
        head = {
            "titre": "Commun de ressources Élan — ressources publiées",
            "licence": DUMP_LICENCE,
            "licence_url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "produit_le": timezone.now().isoformat(),
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "ressources": ['
        for i, resource in enumerate(_published().iterator(chunk_size=500)):
            row = _row(request, resource) | {"content": snapshot(resource)}
            yield ("," if i else "") + json.dumps(row, ensure_ascii=False, default=str)
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "commun-ressources.json")
    return response


@require_GET
def dump_csv(request: HttpRequest) -> HttpResponseBase:
    def rows() -> Iterator[list[Any]]:
        for resource in _published().iterator(chunk_size=500):
            row = _row(request, resource)  # once per resource, not once per column
            yield [row[c] for c in CSV_COLUMNS]

    return streaming_csv_response("commun-ressources.csv", CSV_COLUMNS, rows())


@require_GET
def dump_licence(request: HttpRequest) -> HttpResponse:
    return HttpResponse(DUMP_LICENCE + "\n", content_type="text/plain; charset=utf-8")


urlpatterns: list[URLPattern] = [
    path("commun/r/<slug:slug>/pdf/", resource_pdf, name="pdf"),
    path("commun/r/<slug:slug>/markdown/", resource_markdown, name="markdown"),
    path("commun/r/<slug:slug>/jsonld/", resource_jsonld, name="jsonld"),
    path("commun/donnees/ressources.json", dump_json, name="dump_json"),
    path("commun/donnees/ressources.csv", dump_csv, name="dump_csv"),
    path("commun/donnees/licence.txt", dump_licence, name="dump_licence"),
]
