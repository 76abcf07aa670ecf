"""First endpoints: territories and communes (public), me and roles (authenticated)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate

from api.auth import token_or_session
from api.pagination import Pages
from api.schemas import CommuneOut, ErrorOut, MeOut, RoleOut, TerritoryDetailOut, TerritoryOut
from territories.models import Commune, Territory
from territories.permissions import check

router = Router()

MAX_COMMUNES = 20


def _territory_for(request: HttpRequest, slug: str, perm: str) -> Territory:
    territory = get_object_or_404(
        Territory.objects.select_related("region").prefetch_related(
            "partners", Prefetch("communes", queryset=Commune.objects.order_by("name"))
        ),
        slug=slug,
    )
    check(request, perm, territory, visible="territories.view_territory")
    return territory


@router.get(
    "/territories", response=list[TerritoryOut], tags=["Territoires"], summary="Territoires publiés"
)
@paginate(Pages)
def territory_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Territory.objects.published().select_related("region").order_by("name")


@router.get(
    "/territories/{slug}",
    response={200: TerritoryDetailOut, 404: ErrorOut},
    tags=["Territoires"],
    summary="Un territoire, ses communes et ses partenaires",
)
def territory_detail(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    return _territory_for(request, slug, "territories.view_territory")


@router.get(
    "/territories/{slug}/roles",
    response={200: list[RoleOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=token_or_session,
    tags=["Territoires"],
    summary="Rôles attribués dans un territoire (animateur·rices)",
)
def territory_roles(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    territory = _territory_for(request, slug, "territories.manage_roles")
    memberships = territory.memberships.select_related("user").order_by("role", "user__email")
    return [
        {
            "email": m.user.email,
            "name": str(m.user),
            "role": m.role,
            "role_label": str(m.get_role_display()),
        }
        for m in memberships
    ]


@router.get(
    "/communes", response=list[CommuneOut], tags=["Communes"], summary="Recherche de communes"
)
def commune_search(request: HttpRequest, q: Query[str] = ""):  # type: ignore[no-untyped-def]
    """Par nom (sans accents ni tirets), code postal ou code INSEE ; 20 résultats au plus."""
    return list(Commune.objects.search(q[:60])[:MAX_COMMUNES])


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=token_or_session, tags=["Compte"])
def me(request: HttpRequest):  # type: ignore[no-untyped-def]
    user: Any = request.auth  # type: ignore[attr-defined]  # set by django-ninja
    roles = user.territory_roles.select_related("territory").order_by("territory__slug", "role")
    return {
        "email": user.email,
        "display_name": user.display_name,
        "household": user.household.name if user.household_id else None,
        "roles": [{"territory": r.territory.slug, "role": r.role} for r in roles],
    }
