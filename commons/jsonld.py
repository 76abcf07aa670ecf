"""schema.org JSON-LD of a resource (CreativeWork, HowTo for action sheets),
embedded in its page and downloadable: licence, authors, date, lineage."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from commons.models import Kind, Resource
from elan.links import site_root


def absolute_url(request: HttpRequest, path: str) -> str:
    return site_root(request) + path


def resource_document(request: HttpRequest, resource: Resource, page: Any = None) -> dict[str, Any]:
    url = absolute_url(request, resource.get_absolute_url())
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "HowTo" if resource.kind == Kind.ACTION_SHEET else "CreativeWork",
        "@id": url,
        "url": url,
        "name": resource.title,
        "description": resource.summary,
        "inLanguage": "fr",
        "genre": str(resource.get_kind_display()),
        "creativeWorkStatus": str(resource.get_stage_display()),
        "dateModified": (
            resource.current_revision.created_at
            if resource.current_revision
            else resource.updated_at
        ).isoformat(),
        "dateCreated": resource.created_at.isoformat(),
        "keywords": ", ".join(
            [t.name for t in (page.extra["tags"] if page else resource.tags.all())]
        ),
        "copyrightNotice": resource.credit(),
    }
    terms = resource.licence_terms
    if terms.url:
        doc["license"] = terms.url
    authors = []
    if resource.author_name:
        authors.append({"@type": "Person", "name": resource.author_name})
    if resource.organisation:
        authors.append({"@type": "Organization", "name": resource.organisation})
    if page is not None:
        authors += [{"@type": "Person", "name": c["name"]} for c in page.contributors]
    if authors:
        doc["author"] = authors
    if resource.content_updated_on:
        doc["datePublished"] = resource.content_updated_on.isoformat()
    if resource.axis_id:
        doc["about"] = resource.axis.title  # type: ignore[union-attr]
    if resource.source:
        doc["sourceOrganization"] = resource.source
    if resource.derived_from_id:
        source = resource.derived_from
        doc["isBasedOn"] = {
            "@type": "CreativeWork",
            "@id": absolute_url(request, source.get_absolute_url()),  # type: ignore[union-attr]
            "name": source.title,  # type: ignore[union-attr]
            "version": resource.derived_from_revision.number
            if resource.derived_from_revision
            else None,
        }
    if resource.current_revision:
        doc["version"] = resource.current_revision.number
    return doc


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def script(document: dict[str, Any]) -> SafeString:
    """The document inside <script type="application/ld+json">, unable to close it."""
    text = dumps(document).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
