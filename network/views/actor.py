"""One actor: its entry (organisers, coordinators and the actor's own
contacts read it), its edition and confirmation (organisers and its
contacts), and for organisers its membership, its contacts and the contact
log, where an HTMX form logs an interaction without leaving the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import log_access
from network import meetings, services
from network.forms import (
    ActorForm,
    ContactForm,
    ContactLogForm,
    MembershipAction,
    MembershipForm,
    PracticeSheetForm,
)
from network.models import Actor, Contact
from network.rules import represented_actor_ids
from network.views import PREFIX, actor_from_url, contact_from_url, user_of
from network.views.manage import _add_errors
from territories.permissions import permission_required

SEE = "network.see_actor"
VIEW = "network.view_actor"
EDIT = "network.edit_actor"
MANAGE = "network.manage"
LOG_SHOWN = 100
CHANGES_SHOWN = 5


def _detail_url(actor: Actor, anchor: str = "") -> str:
    url = reverse("network:actor_detail", args=[actor.territory.slug, actor.pk])
    return f"{url}#{anchor}" if anchor else url


def journal_context(actor: Actor, form: ContactLogForm | None = None) -> dict[str, Any]:
    logs = actor.contact_logs.select_related("contact", "logged_by").order_by("-happened_on", "-pk")
    return {
        "actor": actor,
        "territory": actor.territory,
        "log_form": form or ContactLogForm(actor=actor),
        "logs": list(logs[:LOG_SHOWN]),
        "log_count": logs.count(),
        "last_contact": logs.first(),
    }


def _detail_context(
    request: HttpRequest,
    actor: Actor,
    log_form: ContactLogForm | None = None,
    sheet_form: PracticeSheetForm | None = None,
) -> dict[str, Any]:
    user = request.user
    can_view_people = user.has_perm("network.view_people", actor)
    context: dict[str, Any] = {
        "territory": actor.territory,
        "actor": actor,
        "can_manage": user.has_perm(MANAGE, actor),
        "can_edit": user.has_perm(EDIT, actor),
        "can_view_people": can_view_people,
        "memberships": actor.memberships.select_related("charter").order_by("-pk"),
        "changes": actor.changes.select_related("changed_by")[:CHANGES_SHOWN],
        "can_read_network": user.has_perm("network.view_network", actor.territory),
        "last_contact_on": actor.contact_logs.order_by("-happened_on")
        .values_list("happened_on", flat=True)
        .first(),
        "sheets": list(actor.practice_sheets.order_by("title")),
        "sheet_form": sheet_form or PracticeSheetForm(),
    }
    if can_view_people:
        context.update(journal_context(actor, log_form))
        context["contacts"] = actor.contacts.select_related("user")
        context["actor_meetings"] = meetings.actor_meetings(actor)
    return context


@require_GET
@permission_required(VIEW, actor_from_url, visible=SEE)
def actor_detail(request: HttpRequest, actor: Actor) -> HttpResponse:
    context = _detail_context(request, actor)
    if request.user.has_perm(MANAGE, actor.territory):  # an organiser, not the actor's own contact
        log_access(
            request,
            what=f"fiche et contacts de « {actor.name} »",
            territory=actor.territory,
            people=actor.contacts.count(),
        )
    return TemplateResponse(request, "network/manage/actor_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(EDIT, actor_from_url, visible=SEE)
def actor_edit(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ActorForm(
        request.POST or None, request.FILES or None, instance=actor, territory=actor.territory
    )
    by_contact = not request.user.has_perm(MANAGE, actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.actor_update(actor=actor, user=user_of(request), **form.service_kwargs())
        except services.NetworkRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(
                request,
                _("Merci ! La fiche est à jour et l'équipe d'animation en est prévenue.")
                if by_contact
                else _("La fiche est enregistrée."),
            )
            return redirect(_detail_url(actor))
    context = {"territory": actor.territory, "actor": actor, "form": form, "by_contact": by_contact}
    return TemplateResponse(request, "network/manage/actor_form.html", context)


@require_POST
@permission_required(EDIT, actor_from_url, visible=SEE)
def actor_confirm(request: HttpRequest, actor: Actor) -> HttpResponse:
    services.actor_confirm(actor=actor, user=user_of(request))
    messages.success(request, _("Merci : la fiche est confirmée à jour."))
    return redirect(_detail_url(actor))


@require_POST
@permission_required(EDIT, actor_from_url, visible=SEE)
def actor_sheets(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Link a good-practice sheet of the commons (form), or unlink one
    (``retirer`` = its id)."""
    removed = request.POST.get("retirer", "")
    if removed:
        sheet = actor.practice_sheets.filter(pk=removed).first() if removed.isdigit() else None
        if sheet is None:
            messages.error(request, _("Cette fiche n'est pas rattachée à cet acteur."))
        else:
            services.actor_sheets_change(actor=actor, user=user_of(request), remove=sheet)
            messages.success(request, _("La fiche « %(title)s » est retirée.") % {"title": sheet})
        return redirect(_detail_url(actor, "fiches"))
    form = PracticeSheetForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, actor, sheet_form=form)
        return TemplateResponse(request, "network/manage/actor_detail.html", context, status=400)
    sheet = form.cleaned_data["address"]
    if services.actor_sheets_change(actor=actor, user=user_of(request), add=sheet):
        messages.success(request, _("La fiche « %(title)s » est rattachée.") % {"title": sheet})
    else:
        messages.info(request, _("Cette fiche était déjà rattachée."))
    return redirect(_detail_url(actor, "fiches"))


@require_POST
@permission_required(MANAGE, actor_from_url, visible=SEE)
def contact_log_add(request: HttpRequest, actor: Actor) -> HttpResponse:
    """From the HTMX form of the actor's page: answers the journal part
    (400 with the errors next to the fields); without HTMX, the page."""
    form = ContactLogForm(request.POST, actor=actor)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_log_add(
                actor=actor,
                happened_on=data["happened_on"],
                channel=data["channel"],
                subject=data["subject"],
                notes=data["notes"],
                contact=data["contact"],
                user=user_of(request),
            )
        except services.NetworkRefused as refusal:
            _add_errors(form, refusal)
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("Échange noté."))
                return redirect(_detail_url(actor, "journal"))
            context = journal_context(actor)
            context["logged"] = True
            return TemplateResponse(request, "network/manage/_journal.html", context)
    if request.htmx:  # type: ignore[attr-defined]
        context = journal_context(actor, form)
        return TemplateResponse(request, "network/manage/_journal.html", context, status=400)
    context = _detail_context(request, actor, form)
    return TemplateResponse(request, "network/manage/actor_detail.html", context, status=400)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, actor_from_url, visible=SEE)
def membership_edit(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = MembershipForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            _record_membership(actor, form.cleaned_data, request)
        except services.NetworkRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(request, _("L'adhésion est enregistrée."))
            return redirect(_detail_url(actor, "adhesion"))
    context = {
        "territory": actor.territory,
        "actor": actor,
        "form": form,
        "current": services.current_membership(actor),
    }
    return TemplateResponse(request, "network/manage/membership_form.html", context)


def _record_membership(actor: Actor, data: dict[str, Any], request: HttpRequest) -> None:
    user = user_of(request)
    action = data["action"]
    if action == MembershipAction.CANDIDATE:
        services.membership_candidate(actor=actor, user=user)
    elif action == MembershipAction.JOIN:
        services.membership_join(
            actor=actor,
            joined_on=data["joined_on"],
            charter=data["charter"],
            charter_signed_on=data["charter_signed_on"],
            user=user,
        )
    elif action == MembershipAction.DECLINE:
        services.membership_decline(actor=actor, reason=data["reason"], user=user)
    else:
        services.membership_leave(actor=actor, left_on=data["left_on"], user=user)


def _contact_form_page(request: HttpRequest, actor: Actor, contact: Contact | None) -> HttpResponse:
    form = ContactForm(request.POST or None, instance=contact, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.contact_save(
                actor=actor,
                contact=contact,
                data=data,
                give_access=data["give_access"],
                user=user_of(request),
            )
        except services.NetworkRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(request, _("Contact « %(name)s » enregistré.") % {"name": saved})
            return redirect(_detail_url(actor, "contacts"))
    context = {"territory": actor.territory, "actor": actor, "contact": contact, "form": form}
    return TemplateResponse(request, "network/manage/contact_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, actor_from_url, visible=SEE)
def contact_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _contact_form_page(request, actor, None)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, contact_from_url, visible=MANAGE)
def contact_edit(request: HttpRequest, contact: Contact) -> HttpResponse:
    return _contact_form_page(request, contact.actor, contact)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, contact_from_url, visible=MANAGE)
def contact_delete(request: HttpRequest, contact: Contact) -> HttpResponse:
    """GET asks for confirmation, POST removes the person."""
    actor = contact.actor
    if request.method == "POST":
        services.contact_delete(contact=contact, user=user_of(request))
        messages.success(request, _("Contact « %(name)s » retiré.") % {"name": contact})
        return redirect(_detail_url(actor, "contacts"))
    context = {"territory": actor.territory, "actor": actor, "contact": contact}
    return TemplateResponse(request, "network/manage/contact_delete.html", context)


@require_GET
@permission_required("network.view_my_actors")
def my_actors(request: HttpRequest) -> HttpResponse:
    """The organisations this person keeps the entry of, in every territory."""
    ids = represented_actor_ids(request.user)
    actors = [
        actor
        for actor in Actor.objects.filter(pk__in=ids)
        .select_related("territory", "commune")
        .order_by("territory__name", "normalised_name")
        if request.user.has_perm(EDIT, actor)
    ]
    return TemplateResponse(request, "network/my_actors.html", {"actors": actors})


urlpatterns: list[URLPattern] = [
    path(PREFIX + "acteurs/<int:pk>/", actor_detail, name="actor_detail"),
    path(PREFIX + "acteurs/<int:pk>/modifier/", actor_edit, name="actor_edit"),
    path(PREFIX + "acteurs/<int:pk>/confirmer/", actor_confirm, name="actor_confirm"),
    path(PREFIX + "acteurs/<int:pk>/fiches/", actor_sheets, name="actor_sheets"),
    path(PREFIX + "acteurs/<int:pk>/echanges/", contact_log_add, name="contact_log_add"),
    path(PREFIX + "acteurs/<int:pk>/adhesion/", membership_edit, name="membership_edit"),
    path(PREFIX + "acteurs/<int:pk>/contacts/nouveau/", contact_create, name="contact_create"),
    path(PREFIX + "acteurs/<int:pk>/contacts/<int:contact>/", contact_edit, name="contact_edit"),
    path(
        PREFIX + "acteurs/<int:pk>/contacts/<int:contact>/retirer/",
        contact_delete,
        name="contact_delete",
    ),
    path("reseau/mes-organisations/", my_actors, name="my_actors"),
]
