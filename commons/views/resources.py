"""A resource's page, writing and editing it (with the conflict check),
its history, the comparison of two revisions, reverting and adapting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons import diff, jsonld, services
from commons.forms import AdaptForm, CommentForm, ResourceForm
from commons.licences import allowed_for_adaptation
from commons.models import Kind, Resource, Revision
from commons.selectors import contributors, history, resource_page
from commons.views import VIEW, resource_from_url
from territories.permissions import permission_required

ADD = "commons.add_resource"
CHANGE = "commons.change_resource"
REVERT = "commons.revert_resource"
ADAPT = "commons.adapt_resource"
PUBLISH = "commons.publish_resource"


def page_context(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    user = request.user
    data = resource_page(resource)
    return {
        "resource": resource,
        "page": data,
        "jsonld": jsonld.script(jsonld.resource_document(request, resource, data)),
        "can_edit": user.has_perm(CHANGE, resource),
        "can_adapt": user.has_perm(ADAPT, resource),
        "can_feedback": user.has_perm("commons.give_feedback", resource),
        "can_comment": user.has_perm("commons.comment", resource),
        "can_report": user.has_perm("commons.report_comment"),
        "can_moderate": user.has_perm("commons.moderate"),
        "comment_form": CommentForm(),
    }


@require_GET
@permission_required(VIEW, resource_from_url, visible=VIEW)
def detail(request: HttpRequest, resource: Resource) -> HttpResponse:
    return TemplateResponse(request, "commons/detail.html", page_context(request, resource))


@require_GET
@permission_required(ADD)
def choose_kind(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "commons/choose_kind.html", {"kinds": Kind.choices})


@require_http_methods(["GET", "POST"])
@permission_required(ADD)
def create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404
    form = ResourceForm(request.POST or None, kind=kind, initial={"stage": "disponible"})
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(
                user=request.user,
                data=form.snapshot_data(),
                comment=form.cleaned_data.get("comment") or "",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("La ressource est publiée. Merci pour votre contribution !")
            )
            return redirect(resource)
    return TemplateResponse(
        request, "commons/form.html", {"form": form, "kind": Kind(kind), "resource": None}
    )


@require_http_methods(["GET", "POST"])
@permission_required(CHANGE, resource_from_url, visible=VIEW)
def edit(request: HttpRequest, resource: Resource) -> HttpResponse:
    form = ResourceForm(request.POST or None, instance=resource, kind=resource.kind)
    context: dict[str, Any] = {"form": form, "kind": Kind(resource.kind), "resource": resource}
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.resource_edit(
                resource=resource,
                user=request.user,
                data=form.snapshot_data(),
                base_revision_id=form.cleaned_data.get("base_revision"),
                comment=form.cleaned_data.get("comment") or "",
            )
        except services.EditConflict as conflict:
            return _conflict(request, form, context, conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if revision is None:
                messages.info(request, _("Aucune modification : rien n'a été enregistré."))
            else:
                messages.success(request, _("Version %(n)s enregistrée.") % {"n": revision.number})
            return redirect(resource)
    return TemplateResponse(request, "commons/form.html", context)


def _conflict(
    request: HttpRequest,
    form: ResourceForm,
    context: dict[str, Any],
    conflict: services.EditConflict,
) -> HttpResponse:
    """The second to save keeps what they typed and sees what changed meanwhile;
    saving again from here is a knowing choice (the base is now the current one)."""
    current = conflict.current
    base_data = conflict.base.data if conflict.base else {}
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
    data["base_revision"] = str(current.pk) if current else ""
    context["form"] = ResourceForm(data, instance=context["resource"], kind=context["kind"])
    context["form"].is_valid()
    context["conflict"] = {
        "base": conflict.base,
        "current": current,
        "changes": diff.changes(base_data, current.data if current else {}),
        "labels": diff_labels(),
    }
    return TemplateResponse(request, "commons/form.html", context, status=409)


@require_GET
@permission_required(VIEW, resource_from_url, visible=VIEW)
def revisions(request: HttpRequest, resource: Resource) -> HttpResponse:
    return TemplateResponse(
        request,
        "commons/history.html",
        {
            "resource": resource,
            "revisions": history(resource),
            "contributors": contributors(resource),
            "can_revert": request.user.has_perm(REVERT, resource),
        },
    )


def _revision(resource: Resource, number: Any) -> Revision:
    try:
        return resource.revisions.select_related("author").get(number=int(number))
    except (TypeError, ValueError, Revision.DoesNotExist) as exc:
        raise Http404 from exc


@require_GET
@permission_required(VIEW, resource_from_url, visible=VIEW)
def compare(request: HttpRequest, resource: Resource) -> HttpResponse:
    current = resource.current_revision.number if resource.current_revision else 1
    old = _revision(resource, request.GET.get("de") or max(current - 1, 1))
    new = _revision(resource, request.GET.get("a") or current)
    if old.number > new.number:
        old, new = new, old
    return TemplateResponse(
        request,
        "commons/compare.html",
        {
            "resource": resource,
            "old": old,
            "new": new,
            "changes": diff.changes(old.data, new.data),
            "labels": diff_labels(),
            "numbers": list(
                resource.revisions.order_by("-number").values_list("number", flat=True)
            ),
            "can_revert": request.user.has_perm(REVERT, resource),
        },
    )


def diff_labels() -> dict[str, Any]:
    return diff.value_labels()


@require_POST
@permission_required(REVERT, resource_from_url, visible=VIEW)
def revert(request: HttpRequest, resource: Resource) -> HttpResponse:
    revision = Revision.objects.filter(pk=request.POST.get("revision") or 0).first()
    if revision is None:
        return HttpResponseBadRequest(_("Version introuvable.").encode())
    try:
        new = services.resource_revert(resource=resource, revision=revision, user=request.user)
    except ValidationError as error:
        return TemplateResponse(
            request, "commons/refused.html", {"resource": resource, "error": error}, status=400
        )
    messages.success(
        request,
        _("La version %(old)s est restaurée : c'est la nouvelle version %(new)s.")
        % {"old": revision.number, "new": new.number},
    )
    return redirect(resource)


@require_http_methods(["GET", "POST"])
@permission_required(ADAPT, resource_from_url, visible=VIEW)
def adapt(request: HttpRequest, resource: Resource) -> HttpResponse:
    allowed = allowed_for_adaptation(resource.licence)
    form = AdaptForm(
        request.POST or None,
        allowed=allowed,
        initial={
            "title": _("%(title)s (adaptation)") % {"title": resource.title},
            "licence": resource.licence,
        },
    )
    if request.method == "POST":
        # The licence is checked by the service too: a tampered choice is refused there.
        title = request.POST.get("title", "").strip()
        licence = request.POST.get("licence", "")
        if title:
            try:
                adaptation = services.resource_adapt(
                    source=resource, user=request.user, title=title, licence=licence
                )
            except ValidationError as error:
                return TemplateResponse(
                    request,
                    "commons/adapt.html",
                    {"resource": resource, "form": form, "error": error},
                    status=400,
                )
            messages.success(request, _("Votre adaptation est créée : modifiez-la à votre guise."))
            return redirect("commons:edit", adaptation.slug)
        form.is_valid()
    return TemplateResponse(request, "commons/adapt.html", {"resource": resource, "form": form})


@require_POST
@permission_required(PUBLISH, resource_from_url, visible=VIEW)
def publish(request: HttpRequest, resource: Resource) -> HttpResponse:
    services.resource_publish(resource=resource, publish=request.POST.get("publier") == "1")
    return redirect(resource)


def revision_of(resource: Resource, pk: int) -> Revision:
    return get_object_or_404(Revision, resource=resource, pk=pk)


urlpatterns: list[URLPattern] = [
    path("commun/ressources/nouvelle/", choose_kind, name="choose_kind"),
    path("commun/ressources/nouvelle/<slug:kind>/", create, name="create"),
    path("commun/r/<slug:slug>/", detail, name="detail"),
    path("commun/r/<slug:slug>/modifier/", edit, name="edit"),
    path("commun/r/<slug:slug>/historique/", revisions, name="history"),
    path("commun/r/<slug:slug>/comparer/", compare, name="compare"),
    path("commun/r/<slug:slug>/restaurer/", revert, name="revert"),
    path("commun/r/<slug:slug>/adapter/", adapt, name="adapt"),
    path("commun/r/<slug:slug>/publication/", publish, name="publish"),
]
