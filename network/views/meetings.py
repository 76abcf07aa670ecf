"""Meetings and trainings of the network: the list by year with its figures,
a new council / technical meeting / training session, the invitations to a
segment (the exact list first, then the sending), a meeting's page
(invitations, answers, attendance), the relay-actor training per module
with its trained actors, and the invited contact's answer page (by the
e-mailed link, without an account).

Editing the event, its registrations and its attendance sheet are the
events engine's pages (events:edit, events:registrations,
events:attendance); these pages link to them. A meeting of another
territory than the URL's, or an event that is no network meeting: a 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import OutgoingEmail
from events.models import Event, EventKind, RegistrationStatus
from network import meetings
from network.forms import SegmentForm
from network.forms_meetings import AnswerForm, FingerprintForm, MeetingForm
from network.models import Invitation
from network.segments import describe
from network.selectors import directory_communes
from network.services import NetworkRefused
from network.views import PREFIX, territory_from_url, user_of
from network.views.manage import _add_errors
from territories.models import Territory
from territories.permissions import permission_required
from territories.themes import Theme

VIEW_TERRITORY = "territories.view_territory"
READ = "network.view_network"
MANAGE = "network.manage"


def meeting_from_url(slug: str, pk: int) -> Event:
    return get_object_or_404(
        Event.objects.select_related("territory__region", "commune"),
        territory__slug=slug,
        kind__in=meetings.NETWORK_KINDS,
        pk=pk,
    )


@dataclass(frozen=True)
class MeetingInvitation:
    """An invitation, for the permissions (they read its territory)."""

    invitation: Invitation

    @property
    def territory(self) -> Territory:
        return self.invitation.event.territory


@dataclass(frozen=True)
class Module:
    """A training module (a theme) of a territory."""

    territory: Territory
    theme: str


def invitation_from_url(slug: str, pk: int, invitation: int) -> MeetingInvitation:
    return MeetingInvitation(
        get_object_or_404(
            Invitation.objects.select_related(
                "event__territory__region", "contact", "registration"
            ),
            event__territory__slug=slug,
            event__kind__in=meetings.NETWORK_KINDS,
            event_id=pk,
            pk=invitation,
        )
    )


def module_from_url(slug: str, theme: str) -> Module:
    if theme not in Theme.values:
        raise Http404
    return Module(territory_from_url(slug), theme)


def _refusal(error: NetworkRefused) -> str:
    return " ".join(error.messages)


# --- the list -----------------------------------------------------------------------


@require_GET
@permission_required(READ, territory_from_url, visible=VIEW_TERRITORY)
def meeting_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    """Meetings and trainings by year (latest first), each with its figures,
    under the yearly figures of the councils and technical meetings held."""
    events = list(
        meetings.network_events(territory).select_related("commune").order_by("-starts_at", "-pk")
    )
    figures = meetings.figures_for(events)
    by_year: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        year = timezone.localtime(event.starts_at).year
        by_year.setdefault(year, []).append(
            {"event": event, "figures": figures.get(event.pk, meetings.MeetingFigures())}
        )
    context = {
        "territory": territory,
        "years": list(by_year.items()),
        "per_year": list(reversed(meetings.meetings_per_year(territory))),
        "can_manage": request.user.has_perm(MANAGE, territory),
    }
    return TemplateResponse(request, "network/meetings/list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def meeting_create(request: HttpRequest, territory: Territory) -> HttpResponse:
    initial = {"kind": request.GET.get("type", EventKind.ACTOR_COUNCIL)}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = meetings.meeting_create(
                territory=territory, data=form.cleaned_data, user=user_of(request)
            )
        except NetworkRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(
                request,
                _("« %(title)s » est créé (brouillon) : choisissez maintenant qui inviter.")
                % {"title": event.title},
            )
            return redirect("network:meeting_invite", territory.slug, event.pk)
    context = {"territory": territory, "form": form}
    return TemplateResponse(request, "network/meetings/form.html", context)


# --- one meeting ----------------------------------------------------------------------


def _detail_context(event: Event, refusal: str = "") -> dict[str, Any]:
    invitations = list(
        event.network_invitations.select_related("contact", "actor", "registration")
        .annotate(outcome=meetings.outcome_expression())
        .order_by("actor__normalised_name", "contact__last_name", "contact__first_name", "pk")
    )
    for invitation in invitations:
        invitation.outcome_label = meetings.OUTCOME_LABELS[invitation.outcome]  # type: ignore[attr-defined]
        registration = invitation.registration
        invitation.can_mark_present = (  # type: ignore[attr-defined]
            not event.is_cancelled
            and invitation.contact_id is not None
            and (registration is None or registration.status != RegistrationStatus.CONFIRMED)
        )
    return {
        "territory": event.territory,
        "event": event,
        "figures": meetings.meeting_figures(event),
        "mail": OutgoingEmail.objects.for_reference(meetings.reference(event)).tally(),
        "invitations": invitations,
        "invite_problem": meetings.invite_problem(event),
        "refusal": refusal,
    }


@require_GET
@permission_required(MANAGE, meeting_from_url, visible=VIEW_TERRITORY)
def meeting_detail(request: HttpRequest, event: Event) -> HttpResponse:
    return TemplateResponse(request, "network/meetings/detail.html", _detail_context(event))


@require_POST
@permission_required(MANAGE, invitation_from_url, visible=VIEW_TERRITORY)
def meeting_present(request: HttpRequest, found: MeetingInvitation) -> HttpResponse:
    """An invited contact came without a seat: present, at the door."""
    event = found.invitation.event
    try:
        invitation = meetings.invitation_mark_present(invitation=found.invitation)
    except NetworkRefused as refusal:
        context = _detail_context(event, _refusal(refusal))
        return TemplateResponse(request, "network/meetings/detail.html", context, status=400)
    name = invitation.contact.full_name if invitation.contact else ""
    messages.success(request, _("%(name)s est noté·e présent·e.") % {"name": name})
    url = reverse("network:meeting_detail", args=[event.territory.slug, event.pk])
    return redirect(f"{url}#invitation-{invitation.pk}")


def _hidden(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The segment as the hidden inputs of the sending form."""
    pairs = []
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if item:
                pairs.append((name, str(item)))
    return pairs


def _invite_page(
    request: HttpRequest, event: Event, form: SegmentForm, refusal: str = ""
) -> TemplateResponse:
    segment = form.segment() if form.is_bound and form.is_valid() else None
    preview = meetings.invitation_preview(event=event, segment=segment) if segment else None
    context = {
        "territory": event.territory,
        "event": event,
        "form": form,
        "segment": segment,
        "segment_words": describe(segment) if segment else [],
        "segment_hidden": _hidden(segment.as_dict()) if segment else [],
        "preview": preview,
        "fingerprint": FingerprintForm(initial={"empreinte": preview.fingerprint})
        if preview
        else None,
        "problem": meetings.invite_problem(event),
        "refusal": refusal,
    }
    bad = bool(refusal) or (form.is_bound and bool(form.errors))
    status = 400 if bad else 200
    return TemplateResponse(request, "network/meetings/invite.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, meeting_from_url, visible=VIEW_TERRITORY)
def meeting_invite(request: HttpRequest, event: Event) -> HttpResponse:
    """GET with ?voir=1 shows the exact list of the segment; POST sends."""
    communes = directory_communes(event.territory)
    if request.method == "GET":
        data = request.GET if "voir" in request.GET else None
        return _invite_page(request, event, SegmentForm(data, communes=communes))
    form = SegmentForm(request.POST, communes=communes)
    if not form.is_valid():
        return _invite_page(request, event, form)
    fingerprint = FingerprintForm(request.POST)
    expected = fingerprint.cleaned_data["empreinte"] if fingerprint.is_valid() else ""
    try:
        sent = meetings.invitations_send(
            event=event,
            segment=form.segment(),
            user=user_of(request),
            fingerprint=expected or None,
        )
    except NetworkRefused as refusal:
        return _invite_page(request, event, form, _refusal(refusal))
    messages.success(
        request,
        ngettext("%(n)d invitation envoyée.", "%(n)d invitations envoyées.", len(sent))
        % {"n": len(sent)},
    )
    return redirect("network:meeting_detail", event.territory.slug, event.pk)


# --- trainings ----------------------------------------------------------------------


@require_GET
@permission_required(READ, territory_from_url, visible=VIEW_TERRITORY)
def trainings(request: HttpRequest, territory: Territory) -> HttpResponse:
    sessions = list(
        meetings.network_events(territory)
        .filter(kind=EventKind.RELAY_TRAINING)
        .order_by("-starts_at", "-pk")
    )
    figures = meetings.figures_for(sessions)
    context = {
        "territory": territory,
        "impact": meetings.training_impact(territory),
        "sessions": [
            {"event": s, "figures": figures.get(s.pk, meetings.MeetingFigures())} for s in sessions
        ],
        "can_manage": request.user.has_perm(MANAGE, territory),
    }
    return TemplateResponse(request, "network/meetings/trainings.html", context)


@require_GET
@permission_required(READ, module_from_url, visible=VIEW_TERRITORY)
def training_module(request: HttpRequest, module: Module) -> HttpResponse:
    """One module (theme): its sessions and the actors it trained."""
    territory, theme = module.territory, module.theme
    sessions = list(
        meetings.network_events(territory)
        .filter(kind=EventKind.RELAY_TRAINING, theme=theme)
        .order_by("-starts_at", "-pk")
    )
    figures = meetings.figures_for(sessions)
    actors = meetings.trained_actors(territory, theme=theme)
    context = {
        "territory": territory,
        "theme": theme,
        "theme_label": meetings.theme_label(theme),
        "sessions": [
            {"event": s, "figures": figures.get(s.pk, meetings.MeetingFigures())} for s in sessions
        ],
        "actors": actors,
        "acting": sum(1 for actor in actors if getattr(actor, "acted", False)),
        "can_manage": request.user.has_perm(MANAGE, territory),
    }
    return TemplateResponse(request, "network/meetings/training_module.html", context)


# --- the invited contact's answer ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link is its own proof (no account needed). GET shows the
    choices and POST records one: mail scanners follow links and must not
    answer. A bad or expired link is a 404 page that says so."""
    invitation = meetings.invitation_from_token(token)
    if invitation is None:
        return TemplateResponse(request, "network/meetings/answer_invalid.html", {}, status=404)
    problem = meetings.answer_problem(invitation)
    form = AnswerForm(request.POST or None, initial={"answer": invitation.answer or None})
    status = 200
    if request.method == "POST":
        if problem:
            status = 409
        elif form.is_valid():
            try:
                meetings.invitation_answer(
                    invitation=invitation, answer=form.cleaned_data["answer"]
                )
            except NetworkRefused as refusal:
                problem, status = _refusal(refusal), 409
            else:
                messages.success(request, _("Merci, votre réponse est enregistrée."))
                return redirect("network:invitation_answer", token)
    context = {
        "territory": invitation.event.territory,
        "invitation": invitation,
        "event": invitation.event,
        "form": form,
        "problem": problem,
    }
    return TemplateResponse(request, "network/meetings/answer.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path(PREFIX + "gerer/reunions/", meeting_list, name="meetings"),
    path(PREFIX + "gerer/reunions/nouvelle/", meeting_create, name="meeting_create"),
    path(PREFIX + "gerer/reunions/<int:pk>/", meeting_detail, name="meeting_detail"),
    path(PREFIX + "gerer/reunions/<int:pk>/inviter/", meeting_invite, name="meeting_invite"),
    path(
        PREFIX + "gerer/reunions/<int:pk>/invitations/<int:invitation>/present/",
        meeting_present,
        name="meeting_present",
    ),
    path(PREFIX + "gerer/formations/", trainings, name="trainings"),
    path(PREFIX + "gerer/formations/<slug:theme>/", training_module, name="training_module"),
    path("reseau/invitation/<str:token>/", invitation_answer, name="invitation_answer"),
]
