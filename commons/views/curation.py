"""What curators shape: paths (« Par où commencer… ? ») and the taxonomy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons import services
from commons.forms import PathForm, TaxonomyForm
from commons.models import Axis, Path, Resource
from commons.views import path_from_url
from territories.permissions import permission_required

MANAGE = "commons.manage_paths"


@require_GET
@permission_required("commons.view_path", path_from_url, visible="commons.view_path")
def path_detail(request: HttpRequest, found: Path) -> HttpResponse:
    steps = found.steps.select_related("resource__axis").order_by("position")
    visible = [s for s in steps if request.user.has_perm("commons.view_resource", s.resource)]
    return TemplateResponse(
        request,
        "commons/path.html",
        {"path": found, "steps": visible, "can_manage": request.user.has_perm(MANAGE)},
    )


def _path_form(request: HttpRequest, found: Path | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if found is not None:
        initial = {
            "title": found.title,
            "intro": found.intro,
            "is_published": found.is_published,
            "resources": "\n".join(
                found.steps.order_by("position").values_list("resource__slug", flat=True)
            ),
        }
    form = PathForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = services.path_save(
            user=request.user,
            title=data["title"],
            intro=data["intro"],
            resources=data["resources"],
            is_published=data["is_published"],
            path=found,
        )
        messages.success(request, _("Le parcours est enregistré."))
        return redirect(saved)
    return TemplateResponse(
        request,
        "commons/path_form.html",
        {
            "form": form,
            "path": found,
            "suggested": Resource.objects.published()
            .order_by("title")
            .values_list("slug", "title")[:300],
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE)
def path_create(request: HttpRequest) -> HttpResponse:
    return _path_form(request, None)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, path_from_url)
def path_edit(request: HttpRequest, found: Path) -> HttpResponse:
    return _path_form(request, found)


@require_GET
@permission_required("commons.edit_taxonomy")
def taxonomy(request: HttpRequest) -> HttpResponse:
    return _taxonomy_page(request)


def _taxonomy_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    axes = Axis.objects.prefetch_related("orientations__objectives__actions")
    return TemplateResponse(
        request,
        "commons/taxonomy.html",
        {"axes": axes, "error": error, "form": TaxonomyForm()},
        status=status,
    )


@require_POST
@permission_required("commons.edit_taxonomy")
def taxonomy_change(request: HttpRequest) -> HttpResponse:
    level = request.POST.get("niveau", "")
    title = request.POST.get("title", "")
    try:
        pk = int(request.POST.get("id") or 0) or None
        if request.POST.get("operation") == "renommer":
            if level not in services.LEVELS or pk is None:
                raise Http404
            services.taxonomy_rename(level=level, pk=pk, title=title)
        else:
            services.taxonomy_add(parent_level=level, parent_pk=pk, title=title)
    except ValidationError as error:
        return _taxonomy_page(request, error=" ".join(error.messages), status=400)
    except (ValueError, KeyError, ObjectDoesNotExist) as exc:
        raise Http404 from exc
    messages.success(request, _("La taxonomie est mise à jour."))
    return redirect("commons:taxonomy")


urlpatterns: list[URLPattern] = [
    path("commun/parcours/nouveau/", path_create, name="path_create"),
    path("commun/parcours/<slug:slug>/", path_detail, name="path"),
    path("commun/parcours/<slug:slug>/modifier/", path_edit, name="path_edit"),
    path("commun/taxonomie/", taxonomy, name="taxonomy"),
    path("commun/taxonomie/modifier/", taxonomy_change, name="taxonomy_change"),
]
