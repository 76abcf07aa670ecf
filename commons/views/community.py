"""What the territories add to a resource: experience feedback, comments and
their moderation (report, hide with a reason, restore, the curators' queue),
images and attachments."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commons import services
from commons.forms import AttachmentForm, CommentForm, FeedbackForm, HideForm, ImageForm, ReasonForm
from commons.models import Attachment, Comment, Image, Resource
from commons.selectors import moderation_queue, territories_of
from commons.views import VIEW, comment_from_url, resource_from_url
from territories.permissions import permission_required

MODERATE = "commons.moderate"


@require_http_methods(["GET", "POST"])
@permission_required("commons.give_feedback", resource_from_url, visible=VIEW)
def feedback(request: HttpRequest, resource: Resource) -> HttpResponse:
    territories = territories_of(request.user)
    form = FeedbackForm(request.POST or None, territories=territories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_give(resource=resource, user=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Merci : votre retour d'expérience est publié."))
            return redirect(f"{resource.get_absolute_url()}#retours")
    return TemplateResponse(
        request,
        "commons/feedback.html",
        {"resource": resource, "form": form, "has_territory": territories.exists()},
    )


@require_POST
@permission_required("commons.comment", resource_from_url, visible=VIEW)
def comment(request: HttpRequest, resource: Resource) -> HttpResponse:
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(resource=resource, user=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Votre commentaire est publié."))
        return redirect(f"{resource.get_absolute_url()}#commentaires")
    return TemplateResponse(
        request, "commons/comment_refused.html", {"resource": resource, "form": form}, status=400
    )


@require_POST
@permission_required("commons.report_comment")
def report(request: HttpRequest, pk: int) -> HttpResponse:
    found = comment_from_url(pk)
    if not request.user.has_perm(VIEW, found.resource):
        from django.http import Http404

        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    created = services.comment_report(
        comment=found, user=request.user, reason=form.cleaned_data.get("reason", "")
    )
    messages.success(
        request,
        _("Merci : le commentaire est signalé aux curateurs.")
        if created
        else _("Vous aviez déjà signalé ce commentaire."),
    )
    return redirect(f"{found.resource.get_absolute_url()}#commentaire-{found.pk}")


@require_POST
@permission_required(MODERATE, comment_from_url)
def hide(request: HttpRequest, found: Comment) -> HttpResponse:
    form = HideForm(request.POST)
    if not form.is_valid():
        return _queue(request, hide_form=form, failed=found.pk, status=400)
    services.comment_hide(comment=found, user=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Le commentaire est masqué."))
    return redirect(
        (
            request.POST.get("retour") == "page"
            and f"{found.resource.get_absolute_url()}#commentaires"
        )
        or "commons:moderation"
    )


@require_POST
@permission_required(MODERATE, comment_from_url)
def restore(request: HttpRequest, found: Comment) -> HttpResponse:
    services.comment_restore(comment=found, user=request.user)
    messages.success(request, _("Le commentaire est de nouveau visible."))
    return redirect("commons:moderation")


def _queue(
    request: HttpRequest, *, hide_form: Any = None, failed: int | None = None, status: int = 200
) -> HttpResponse:
    return TemplateResponse(
        request,
        "commons/moderation.html",
        {"comments": moderation_queue()[:200], "hide_form": hide_form, "failed": failed},
        status=status,
    )


@require_GET
@permission_required(MODERATE)
def moderation(request: HttpRequest) -> HttpResponse:
    return _queue(request)


@require_http_methods(["GET", "POST"])
@permission_required("commons.change_resource", resource_from_url, visible=VIEW)
def files(request: HttpRequest, resource: Resource) -> HttpResponse:
    """Add an image (with its alternative text) or an attachment."""
    image_form = ImageForm(prefix="image")
    attachment_form = AttachmentForm(prefix="fichier")
    if request.method == "POST":
        if request.POST.get("quoi") == "image":
            image_form = ImageForm(request.POST, request.FILES, prefix="image")
            if image_form.is_valid():
                data = image_form.cleaned_data
                services.image_add(
                    resource=resource,
                    user=request.user,
                    upload=data["file"],
                    alt_text=data["alt_text"],
                    caption=data["caption"],
                )
                messages.success(request, _("L'image est ajoutée."))
                return redirect(resource)
        else:
            attachment_form = AttachmentForm(request.POST, request.FILES, prefix="fichier")
            if attachment_form.is_valid():
                data = attachment_form.cleaned_data
                services.attachment_add(
                    resource=resource, user=request.user, upload=data["file"], title=data["title"]
                )
                messages.success(request, _("Le fichier est joint."))
                return redirect(resource)
    return TemplateResponse(
        request,
        "commons/files.html",
        {"resource": resource, "image_form": image_form, "attachment_form": attachment_form},
    )


def _image(pk: int) -> Image:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Image.objects.select_related("resource"), pk=pk)


def _attachment(pk: int) -> Attachment:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Attachment.objects.select_related("resource"), pk=pk)


@require_GET
@permission_required(VIEW, _image, visible=VIEW)
def image(request: HttpRequest, found: Image) -> HttpResponse:
    # FileResponse streams; the permission decorator is typed for HttpResponse.
    return cast(HttpResponse, FileResponse(found.file.open("rb"), content_type=_image_type(found)))


def _image_type(found: Image) -> str:
    return "image/png" if (found.file.name or "").endswith(".png") else "image/jpeg"


@require_GET
@permission_required(VIEW, _attachment, visible=VIEW)
def attachment(request: HttpRequest, found: Attachment) -> HttpResponse:
    # Served as a download with the type read from its content (never rendered inline as HTML).
    return cast(
        HttpResponse,
        FileResponse(
            found.file.open("rb"),
            content_type=found.content_type,
            as_attachment=True,
            filename=(found.file.name or "fichier").rsplit("/", 1)[-1],
        ),
    )


urlpatterns: list[URLPattern] = [
    path("commun/r/<slug:slug>/retour/", feedback, name="feedback"),
    path("commun/r/<slug:slug>/commenter/", comment, name="comment"),
    path("commun/r/<slug:slug>/fichiers/", files, name="files"),
    path("commun/commentaires/<int:pk>/signaler/", report, name="report_comment"),
    path("commun/commentaires/<int:pk>/masquer/", hide, name="hide_comment"),
    path("commun/commentaires/<int:pk>/restaurer/", restore, name="restore_comment"),
    path("commun/moderation/", moderation, name="moderation"),
    path("commun/images/<int:pk>/", image, name="image"),
    path("commun/fichiers/<int:pk>/", attachment, name="attachment"),
]
