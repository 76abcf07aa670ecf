"""The organisers' pages: their events (upcoming, drafts, past with figures),
the event form, publication and cancellation, the workshop catalogue,
registrations, the attendance screen for a tablet, statistics and photos."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import log_access
from accounts.models import User
from elan.charts import BarChart
from events import services
from events.forms import (
    AttendanceForm,
    CancelEventForm,
    EventForm,
    FromTemplateForm,
    PeriodForm,
    PersonForm,
    PhotoForm,
)
from events.models import (
    Event,
    EventPhoto,
    EventRegistration,
    EventStatus,
    RegistrationStatus,
    WorkshopTemplate,
)
from events.views import event_from_url
from territories.models import Territory
from territories.permissions import permission_required
from territories.themes import Theme

MANAGE = "events.manage_event"
VIEW = "events.view_event"
VIEW_TERRITORY = "territories.view_territory"
PAST_SHOWN = 30
STATS_DEFAULT_DAYS = 365


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory.objects.select_related("region"), slug=slug)


_event = event_from_url


def _photo(slug: str, pk: int, photo: int) -> EventPhoto:
    return get_object_or_404(
        EventPhoto.objects.select_related("event__territory"),
        event__territory__slug=slug,
        event_id=pk,
        pk=photo,
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every page here needs an organiser
    return user


def _to(name: str, event: Event) -> HttpResponse:
    return redirect(f"events:{name}", event.territory.slug, event.pk)


def _refusal(error: services.RegistrationRefused) -> str:
    return " ".join(error.messages)


# --- the organiser's list -----------------------------------------------------


@require_GET
@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def manage(request: HttpRequest, territory: Territory) -> HttpResponse:
    now = timezone.now()
    events = territory.events.select_related("commune").with_seats()  # type: ignore[attr-defined]
    past = services.with_stats(
        territory.events.filter(ends_at__lt=now).exclude(status=EventStatus.DRAFT)
    ).order_by("-starts_at", "-pk")[:PAST_SHOWN]
    context = {
        "territory": territory,
        "drafts": events.filter(status=EventStatus.DRAFT).order_by("starts_at", "pk"),
        "upcoming": events.filter(ends_at__gte=now)
        .exclude(status=EventStatus.DRAFT)
        .order_by("starts_at", "pk"),
        "past": [(event, services.stats_of(event)) for event in past],
    }
    return TemplateResponse(request, "events/manage/list.html", context)


# --- the event itself -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def create(request: HttpRequest, territory: Territory) -> HttpResponse:
    event = Event(territory=territory, status=EventStatus.DRAFT, contact=_user(request))
    form = EventForm(request.POST or None, instance=event, territory=territory)
    if request.method == "POST" and form.is_valid():
        services.event_save(event=event, data=form.cleaned_data, user=_user(request))
        messages.success(request, _("Brouillon créé : vérifiez-le puis publiez-le."))
        return _to("edit", event)
    context = {"territory": territory, "form": form, "event": None}
    return TemplateResponse(request, "events/manage/form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _event, visible=VIEW)
def edit(request: HttpRequest, event: Event) -> HttpResponse:
    form = EventForm(request.POST or None, instance=event, territory=event.territory)
    if request.method == "POST" and form.is_valid():
        services.event_save(event=event, data=form.cleaned_data, user=_user(request))
        messages.success(request, _("Événement enregistré."))
        return _to("edit", event)
    context = {"territory": event.territory, "form": form, "event": event}
    return TemplateResponse(request, "events/manage/form.html", context)


@require_POST
@permission_required(MANAGE, _event, visible=VIEW)
def publish(request: HttpRequest, event: Event) -> HttpResponse:
    try:
        services.event_publish(event=event, user=_user(request))
    except services.RegistrationRefused as refusal:
        messages.error(request, _refusal(refusal))
        return _to("edit", event)
    messages.success(request, _("L'événement est publié : il apparaît dans l'agenda."))
    return _to("detail", event)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _event, visible=VIEW)
def cancel(request: HttpRequest, event: Event) -> HttpResponse:
    form = CancelEventForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(
                event=event, reason=form.cleaned_data["reason"], user=_user(request)
            )
        except services.RegistrationRefused as error:
            refusal = _refusal(error)
        else:
            messages.success(request, _("L'événement est annulé ; les inscrit·es sont prévenu·es."))
            return _to("detail", event)
    active = event.registrations.filter(
        status__in=(RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
    ).count()
    context = {"territory": event.territory, "event": event, "form": form, "refusal": refusal}
    context["active_count"] = active
    status = 400 if refusal else 200
    return TemplateResponse(request, "events/manage/cancel.html", context, status=status)


# --- the workshop catalogue -------------------------------------------------------


def _catalogue(territory: Territory) -> list[WorkshopTemplate]:
    return list(
        WorkshopTemplate.objects.filter(is_active=True)
        .filter(Q(territory__isnull=True) | Q(territory=territory))
        .order_by("theme", "title")
    )


def _catalogue_page(
    request: HttpRequest,
    territory: Territory,
    bound: tuple[int, FromTemplateForm] | None = None,
) -> TemplateResponse:
    themes = dict(Theme.choices)
    cards = []
    for template in _catalogue(territory):
        form = FromTemplateForm(prefix=f"atelier-{template.pk}")
        if bound is not None and bound[0] == template.pk:
            form = bound[1]
        cards.append((template, form))
    groups = [
        (themes.get(theme, theme), list(items))
        for theme, items in groupby(cards, key=lambda card: card[0].theme)
    ]
    context = {"territory": territory, "groups": groups}
    status = 400 if bound is not None else 200  # a bound form comes back only with errors
    return TemplateResponse(request, "events/manage/catalogue.html", context, status=status)


@require_GET
@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def catalogue(request: HttpRequest, territory: Territory) -> HttpResponse:
    return _catalogue_page(request, territory)


@require_POST
@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def create_from_template(request: HttpRequest, territory: Territory) -> HttpResponse:
    template = next(
        (t for t in _catalogue(territory) if str(t.pk) == request.POST.get("template")), None
    )
    if template is None:
        raise Http404
    form = FromTemplateForm(request.POST, prefix=f"atelier-{template.pk}")
    if not form.is_valid():
        return _catalogue_page(request, territory, bound=(template.pk, form))
    event = services.event_create_from_template(
        template=template,
        territory=territory,
        starts_at=form.starts_at(),
        user=_user(request),
        place_name=form.cleaned_data["place_name"],
    )
    messages.success(request, _("Brouillon créé depuis le catalogue : complétez-le et publiez-le."))
    return _to("edit", event)


# --- registrations and attendance ---------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _event, visible=VIEW)
def registrations(request: HttpRequest, event: Event) -> HttpResponse:
    form = PersonForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            added = services.registration_create(
                event=event,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                by_organiser=True,
            )
        except services.RegistrationRefused as error:
            refusal = _refusal(error)
        else:
            messages.success(
                request,
                _("%(name)s est ajouté·e : %(status)s.")
                % {"name": added.display_name, "status": added.get_status_display()},
            )
            return _to("registrations", event)
    rows = (
        event.registrations.with_rank()  # type: ignore[attr-defined]
        .select_related("user")
        .order_by("status", "created_at", "pk")
    )
    log_access(
        request,
        what=f"inscrit·es à l'événement « {event.title} »",
        territory=event.territory,
        people=event.registrations.count(),
    )
    context = {
        "territory": event.territory,
        "event": event,
        "rows": rows,
        "form": form,
        "refusal": refusal,
        "seats_left": event.seats_left(),
    }
    status = 400 if refusal else 200
    return TemplateResponse(request, "events/manage/registrations.html", context, status=status)


def _attendance_context(event: Event, walk_in_form: PersonForm | None = None) -> dict[str, Any]:
    rows = list(
        event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("user")
        .order_by("walk_in", "created_at", "pk")
    )
    return {
        "territory": event.territory,
        "event": event,
        "rows": rows,
        "counters": services.event_stats(event),
        "walk_in_form": walk_in_form or PersonForm(prefix="sur-place"),
    }


@require_GET
@permission_required(MANAGE, _event, visible=VIEW)
def attendance(request: HttpRequest, event: Event) -> HttpResponse:
    return TemplateResponse(request, "events/manage/attendance.html", _attendance_context(event))


@require_POST
@permission_required(MANAGE, _event, visible=VIEW)
def attendance_mark(request: HttpRequest, event: Event) -> HttpResponse:
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return _attendance_refused(request, event, _("Choisissez présent, absent ou excusé."))
    registration = get_object_or_404(
        EventRegistration.objects.select_related("user"),
        event=event,
        pk=form.cleaned_data["registration"],
    )
    try:
        services.attendance_mark(
            registration=registration, attendance=form.cleaned_data["attendance"]
        )
    except services.RegistrationRefused as refusal:
        return _attendance_refused(request, event, _refusal(refusal), row=registration)
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "event": event,
            "row": registration,
            "counters": services.event_stats(event),
            "oob": True,
        }
        return TemplateResponse(request, "events/manage/_attendance_row.html", context)
    return _to("attendance", event)


def _attendance_refused(
    request: HttpRequest, event: Event, message: str, row: EventRegistration | None = None
) -> HttpResponse:
    """HTMX swaps the row back with the message; without it, the sheet."""
    if request.htmx and row is not None:  # type: ignore[attr-defined]
        context = {"event": event, "row": row, "row_error": message}
        return TemplateResponse(request, "events/manage/_attendance_row.html", context, status=400)
    context = {**_attendance_context(event), "refusal": message}
    return TemplateResponse(request, "events/manage/attendance.html", context, status=400)


@require_POST
@permission_required(MANAGE, _event, visible=VIEW)
def walk_in(request: HttpRequest, event: Event) -> HttpResponse:
    form = PersonForm(request.POST, prefix="sur-place")
    if form.is_valid():
        try:
            services.walk_in_add(
                event=event, name=form.cleaned_data["name"], email=form.cleaned_data["email"]
            )
        except services.RegistrationRefused as refusal:
            form.add_error(None, _refusal(refusal))
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("Personne ajoutée, présente."))
                return _to("attendance", event)
            form = PersonForm(prefix="sur-place")
    partial = request.htmx  # type: ignore[attr-defined]
    template = f"events/manage/{'_attendance_sheet' if partial else 'attendance'}.html"
    context = _attendance_context(event, walk_in_form=form)
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, template, context, status=status)


# --- statistics -------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date, str]:
    today = timezone.localdate()
    default_start = today - dt.timedelta(days=STATS_DEFAULT_DAYS)
    form = PeriodForm(request.GET or None, initial={"start": default_start, "end": today})
    if request.GET and form.is_valid():
        data = form.cleaned_data
        return form, data["start"], data["end"], data["kind"]
    return form, default_start, today, ""


@require_GET
@permission_required("events.view_stats", _territory, visible=VIEW_TERRITORY)
def stats(request: HttpRequest, territory: Territory) -> HttpResponse:
    form, start, end, kind = _period(request)
    period = services.period_stats(territory=territory, start=start, end=end, kind=kind or None)
    totals = period.totals
    figures = [
        (_("Invitées"), totals.invited),
        (_("Inscrites"), totals.registered),
        (_("Venues"), totals.attended),
        (_("Excusées"), totals.excused),
    ]
    shown = [(label, value) for label, value in figures if value is not None]
    chart = BarChart(
        title=_("Participation sur la période"),
        description=_(
            "Personnes invitées, inscrites, venues et excusées, tous événements de la période."
        ),
        labels=[label for label, _value in shown],
        values=[value for _label, value in shown],
        value_label=_("Personnes"),
        label_header=_("Chiffre"),
        decimals=0,
        chart_id="participation",
    )
    context = {
        "territory": territory,
        "form": form,
        "period": period,
        "start": start,
        "end": end,
        "chart": chart,
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "events/manage/stats.html", context, status=status)


# --- photos -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _event, visible=VIEW)
def photos(request: HttpRequest, event: Event) -> HttpResponse:
    held = event.ends_at < timezone.now()
    form = PhotoForm(request.POST or None, request.FILES or None)
    refusal = "" if held else _("Les photos s'ajoutent une fois l'événement terminé.")
    if request.method == "POST" and held and form.is_valid():
        photo = form.save(commit=False)
        photo.event, photo.uploaded_by = event, _user(request)
        photo.save()
        messages.success(request, _("Photo ajoutée."))
        return _to("photos", event)
    context = {
        "territory": event.territory,
        "event": event,
        "form": form,
        "held": held,
        "refusal": refusal,
        "photos": event.photos.all(),
    }
    status = 400 if request.method == "POST" and not held else 200
    return TemplateResponse(request, "events/manage/photos.html", context, status=status)


@require_POST
@permission_required(MANAGE, _photo, visible="events.view_photo")
def photo_delete(request: HttpRequest, photo: EventPhoto) -> HttpResponse:
    event = photo.event
    photo.image.delete(save=False)
    photo.delete()
    messages.success(request, _("Photo supprimée."))
    return _to("photos", event)


@require_GET
@permission_required("events.view_photo", _photo, visible="events.view_photo")
def photo(request: HttpRequest, photo: EventPhoto) -> HttpResponse:
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    name = Path(photo.image.name or "photo").name
    # A streaming response, not an HttpResponse: the decorator's typing is too narrow.
    return FileResponse(handle, filename=name)  # type: ignore[return-value]


PREFIX = "t/<slug:slug>/agenda/"

urlpatterns: list[URLPattern] = [
    path(PREFIX + "gerer/", manage, name="manage"),
    path(PREFIX + "gerer/nouveau/", create, name="create"),
    path(PREFIX + "gerer/catalogue/", catalogue, name="catalogue"),
    path(PREFIX + "gerer/catalogue/creer/", create_from_template, name="create_from_template"),
    path(PREFIX + "gerer/<int:pk>/modifier/", edit, name="edit"),
    path(PREFIX + "gerer/<int:pk>/publier/", publish, name="publish"),
    path(PREFIX + "gerer/<int:pk>/annuler/", cancel, name="cancel"),
    path(PREFIX + "gerer/<int:pk>/inscriptions/", registrations, name="registrations"),
    path(PREFIX + "gerer/<int:pk>/photos/", photos, name="photos"),
    path(
        PREFIX + "gerer/<int:pk>/photos/<int:photo>/supprimer/", photo_delete, name="photo_delete"
    ),
    path(PREFIX + "<int:pk>/presences/", attendance, name="attendance"),
    path(PREFIX + "<int:pk>/presences/pointer/", attendance_mark, name="attendance_mark"),
    path(PREFIX + "<int:pk>/presences/sur-place/", walk_in, name="walk_in"),
    path(PREFIX + "<int:pk>/photos/<int:photo>/", photo, name="photo"),
    path(PREFIX + "statistiques/", stats, name="stats"),
]
