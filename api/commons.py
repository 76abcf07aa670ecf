"""The commons of resources: open data (list with search and facets, detail,
revisions and their diff, feedback) and, for signed-in contributors,
creating, editing (with the conflict check) and giving feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from api.auth import token_or_session
from api.pagination import check_page, self_paginated
from api.schemas import ErrorOut
from commons import diff, search, selectors, services
from commons.licences import Licence
from commons.models import Feedback, Kind, Resource, Revision, Stage, TerritoryType
from commons.services import snapshot
from territories.models import Territory
from territories.permissions import check
from territories.themes import Theme

router = Router(tags=["Commun de ressources"])

PAGE_SIZE, MAX_PAGE_SIZE = 20, 100

VIEW = "commons.view_resource"


class ResourceFilters(Schema):
    q: str = Field("", description="Recherche en français (racines, accents ignorés).")
    type: Kind | None = Field(None, description="Type de ressource.")
    axe: str = Field("", max_length=40, description="Code de l'axe de résilience.")
    theme: Theme | None = None
    territoire: TerritoryType | None = Field(None, description="Type de territoire.")
    niveau: Stage | None = Field(None, description="Niveau de développement.")
    licence: Licence | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class ResourceOut(Schema):
    slug: str
    title: str
    kind: str
    summary: str
    axis: str | None
    theme: str
    territory_types: list[str]
    stage: str
    licence: str
    licence_url: str
    attribution: str
    version: int | None
    date_modified: dt.datetime
    url: str
    snippet: str | None = Field(None, description="Extrait, mots trouvés entre <mark> et </mark>.")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class ResourceListOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ResourceOut]
    facets: list[FacetOut]


class ResourceDetailOut(ResourceOut):
    content: dict[str, Any] = Field(..., description="Tous les champs de la version actuelle.")
    derived_from: str | None
    derived_from_version: int | None
    feedback_count: int
    usefulness: float | None


class RevisionOut(Schema):
    id: int
    number: int
    kind: str
    comment: str
    author: str | None
    created_at: dt.datetime


class ChangeOut(Schema):
    field: str
    label: str
    before: Any
    after: Any
    segments: list[dict[str, str]] = Field(
        default_factory=list, description="Texte mot à mot : op = same, ins ou del."
    )


class DiffOut(Schema):
    from_version: int
    to_version: int
    changes: list[ChangeOut]


class FeedbackOut(Schema):
    id: int
    territory: str
    context: str
    adapted: str
    worked: str
    did_not_work: str
    usefulness: int
    created_at: dt.datetime


class ResourceIn(Schema):
    kind: Kind = Kind.TOOL
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field("", max_length=1000)
    body: str = Field("", max_length=100_000)
    licence: Licence = Licence.CC_BY_SA
    attribution: str = Field("", max_length=300)
    author_name: str = Field("", max_length=200)
    organisation: str = Field("", max_length=200)
    theme: Theme | None = None
    stage: Stage = Stage.AVAILABLE
    territory_types: list[TerritoryType] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list, max_length=30)
    sections: dict[str, str] = Field(
        default_factory=dict, description="Sections OPTIGEDE d'un retour d'expérience (context, …)."
    )


class ResourceEditIn(Schema):
    base_revision: int = Field(..., description="Id de la version à partir de laquelle on modifie.")
    comment: str = Field("", max_length=300)
    changes: dict[str, Any] = Field(
        ..., description="Les champs modifiés (mêmes noms que `content`)."
    )


class FeedbackIn(Schema):
    territory: str = Field(..., description="Adresse courte du territoire.")
    context: str = Field(..., min_length=1, max_length=3000)
    adapted: str = Field("", max_length=3000)
    worked: str = Field("", max_length=3000)
    did_not_work: str = Field("", max_length=3000)
    usefulness: int = Field(..., ge=1, le=5)


def _out(request: HttpRequest, r: Resource, snippet: str | None = None) -> dict[str, Any]:
    from commons.jsonld import absolute_url

    return {
        "slug": r.slug,
        "title": r.title,
        "kind": r.kind,
        "summary": r.summary,
        "axis": r.axis.code if r.axis else None,
        "theme": r.theme,
        "territory_types": r.territory_types,
        "stage": r.stage,
        "licence": r.licence,
        "licence_url": r.licence_terms.url,
        "attribution": r.credit(),
        "version": r.current_revision.number if r.current_revision else None,
        "date_modified": r.current_revision.created_at if r.current_revision else r.updated_at,
        "url": absolute_url(request, r.get_absolute_url()),
        "snippet": snippet,
    }


def _resource(request: HttpRequest, slug: str) -> Resource:
    resource = get_object_or_404(selectors.resource_for_page(slug))
    check(request, VIEW, resource, visible=VIEW)
    return resource


@router.get(
    "/commons/resources",
    response={200: ResourceListOut, 400: ErrorOut},
    summary="Ressources publiées : recherche et facettes",
)
@self_paginated
def resource_list(request: HttpRequest, filters: Query[ResourceFilters]):  # type: ignore[no-untyped-def]
    try:
        query = search.check_query(filters.q)
    except search.QueryError as error:
        raise HttpError(400, str(error)) from error
    page = selectors.search_page(
        user=request.user,
        query=query,
        filters=selectors.Filters(
            kind=filters.type.value if filters.type else "",
            axis=filters.axe,
            theme=filters.theme.value if filters.theme else "",
            territory_type=filters.territoire.value if filters.territoire else "",
            stage=filters.niveau.value if filters.niveau else "",
            licence=filters.licence.value if filters.licence else "",
        ),
        page=filters.page,
        per_page=filters.page_size,
    )
    # The search clamps the page it reads; a page past the end is still a 404.
    check_page(filters.page, count=page.total, size=filters.page_size)
    return {
        "count": page.total,
        "page": page.page,
        "pages": page.pages,
        "items": [_out(request, r, page.snippets.get(r.pk)) for r in page.results],
        "facets": [
            {"name": f.name, "label": f.label, "values": [v.__dict__ for v in f.values]}
            for f in page.facets
        ],
    }


def _detail(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    figures = Feedback.objects.filter(resource=resource)
    from django.db.models import Avg, Count

    agg = figures.aggregate(n=Count("pk"), mean=Avg("usefulness"))
    return {
        **_out(request, resource),
        "content": snapshot(resource),
        "derived_from": resource.derived_from.slug if resource.derived_from else None,
        "derived_from_version": resource.derived_from_revision.number
        if resource.derived_from_revision
        else None,
        "feedback_count": agg["n"],
        "usefulness": agg["mean"],
    }


@router.get(
    "/commons/resources/{slug}",
    response={200: ResourceDetailOut, 404: ErrorOut},
    summary="Une ressource et tout son contenu",
)
def resource_detail(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    return _detail(request, _resource(request, slug))


@router.get(
    "/commons/resources/{slug}/revisions",
    response={200: list[RevisionOut], 404: ErrorOut},
    summary="Les versions d'une ressource, la plus récente d'abord",
)
def resource_revisions(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    resource = _resource(request, slug)
    return [
        {
            "id": r.pk,
            "number": r.number,
            "kind": r.kind,
            "comment": r.comment,
            "author": r.author.public_name if r.author else None,
            "created_at": r.created_at,
        }
        for r in selectors.history(resource)[:500]
    ]


@router.get(
    "/commons/resources/{slug}/diff",
    response={200: DiffOut, 404: ErrorOut},
    summary="Ce qui change entre deux versions",
)
def resource_diff(request: HttpRequest, slug: str, de: int = 1, a: int = 0):  # type: ignore[no-untyped-def]
    """`de` et `a` sont des numéros de version (`a` : la version actuelle par défaut)."""
    resource = _resource(request, slug)
    current = resource.current_revision.number if resource.current_revision else 1
    old = get_object_or_404(Revision, resource=resource, number=de)
    new = get_object_or_404(Revision, resource=resource, number=a or current)
    return {
        "from_version": old.number,
        "to_version": new.number,
        "changes": [
            {
                "field": c.field.name,
                "label": str(c.field.label),
                "before": c.before,
                "after": c.after,
                "segments": [{"op": s.op, "text": s.text} for s in c.segments],
            }
            for c in diff.changes(old.data, new.data)
        ],
    }


@router.get(
    "/commons/resources/{slug}/feedback",
    response={200: list[FeedbackOut], 404: ErrorOut},
    summary="Les retours d'expérience des territoires",
)
def resource_feedback(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    resource = _resource(request, slug)
    return [
        {
            "id": f.pk,
            "territory": f.territory.slug,
            "context": f.context,
            "adapted": f.adapted,
            "worked": f.worked,
            "did_not_work": f.did_not_work,
            "usefulness": f.usefulness,
            "created_at": f.created_at,
        }
        for f in resource.feedback.select_related("territory")[:500]
    ]


def _refused(error: ValidationError) -> Any:
    return Status(422, {"message": " ".join(error.messages)})


@router.post(
    "/commons/resources",
    response={201: ResourceDetailOut, 401: ErrorOut, 422: ErrorOut},
    auth=token_or_session,
    summary="Publier une ressource",
)
def resource_create(request: HttpRequest, payload: ResourceIn):  # type: ignore[no-untyped-def]
    user: Any = request.auth  # type: ignore[attr-defined]
    data = payload.dict(exclude={"sections"})
    data["theme"] = payload.theme.value if payload.theme else ""
    data.update({k: v for k, v in payload.sections.items() if k in services.PROSE_FIELDS})
    try:
        resource = services.resource_create(user=user, data=data)
    except ValidationError as error:
        return _refused(error)
    return Status(201, _detail(request, Resource.objects.get(pk=resource.pk)))


@router.patch(
    "/commons/resources/{slug}",
    response={200: ResourceDetailOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=token_or_session,
    summary="Modifier une ressource",
)
def resource_edit(request: HttpRequest, slug: str, payload: ResourceEditIn):  # type: ignore[no-untyped-def]
    """409 : une autre version a été enregistrée depuis `base_revision` ; rien n'est
    écrasé, relisez la ressource et renvoyez vos changements."""
    user: Any = request.auth  # type: ignore[attr-defined]
    resource = _resource(request, slug)
    check(request, "commons.change_resource", resource, visible=VIEW)
    try:
        services.resource_edit(
            resource=resource,
            user=user,
            data=payload.changes,
            base_revision_id=payload.base_revision,
            comment=payload.comment,
        )
    except services.EditConflict as conflict:
        number = conflict.current.number if conflict.current else 0
        return Status(
            409,
            {
                "message": f"La ressource a été modifiée entre-temps (version actuelle : {number}, "
                f"id {conflict.current.pk if conflict.current else ''}). Rien n'a été enregistré."
            },
        )
    except ValidationError as error:
        return _refused(error)
    return _detail(request, get_object_or_404(selectors.resource_for_page(slug)))


@router.post(
    "/commons/resources/{slug}/feedback",
    response={201: FeedbackOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=token_or_session,
    summary="Donner le retour d'expérience d'un territoire",
)
def resource_feedback_give(request: HttpRequest, slug: str, payload: FeedbackIn):  # type: ignore[no-untyped-def]
    user: Any = request.auth  # type: ignore[attr-defined]
    resource = _resource(request, slug)
    check(request, "commons.give_feedback", resource, visible=VIEW)
    territory = selectors.territories_of(user).filter(slug=payload.territory).first()
    if territory is None:
        exists = Territory.objects.filter(slug=payload.territory).exists()
        raise HttpError(
            403 if exists else 422,
            "Vous ne pouvez parler qu'au nom d'un territoire où vous avez un rôle ou un foyer."
            if exists
            else "Territoire inconnu.",
        )
    try:
        feedback = services.feedback_give(
            resource=resource, user=user, territory=territory, **payload.dict(exclude={"territory"})
        )
    except ValidationError as error:
        return _refused(error)
    return Status(
        201,
        {
            "id": feedback.pk,
            "territory": territory.slug,
            **payload.dict(exclude={"territory"}),
            "created_at": feedback.created_at,
        },
    )
