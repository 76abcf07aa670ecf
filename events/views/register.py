"""The public page of an event and everything a participant does: register
(member or guest), confirm a guest's e-mail, cancel, list my registrations.

The e-mailed links (confirm, cancel) carry the registration's secret token:
the token is the credential, so those two pages need no login.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from elan.ratelimit import RateLimit, client_ip
from events import services
from events.forms import GuestRegistrationForm
from events.models import (
    ACTIVE_STATUSES,
    Audience,
    Event,
    EventRegistration,
    RegistrationStatus,
)
from events.views import event_from_url
from territories.permissions import permission_required

VIEW = "events.view_event"
REGISTER = "events.register"

# Guest registrations per IP address and hour (mail bombing through the form).
GUEST_RATE = RateLimit("events-guest-registrations", 10, 3600)


def _event(slug: str, pk: int) -> Event:
    return event_from_url(slug, pk)


def _registration(token: str) -> EventRegistration:
    return get_object_or_404(
        EventRegistration.objects.select_related(
            "event__territory", "event__commune", "event__partner", "user"
        ),
        token=token,
    )


def active_registration(user: Any, event: Event) -> EventRegistration | None:
    if not user.is_authenticated:
        return None
    return (
        event.registrations.filter(status__in=ACTIVE_STATUSES)
        .filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))
        .first()
    )


def _detail(
    request: HttpRequest,
    event: Event,
    *,
    guest_form: GuestRegistrationForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> TemplateResponse:
    user = request.user
    registration = active_registration(user, event)
    if registration is not None:
        registration.event = event
    now = timezone.now()
    can_register = user.has_perm(REGISTER, event) and not event.has_started(now)
    guest_allowed = can_register and not user.is_authenticated and event.audience == Audience.PUBLIC
    if guest_allowed and guest_form is None:
        guest_form = GuestRegistrationForm()
    context = {
        "event": event,
        "territory": event.territory,
        "registration": registration,
        "rank": services.waiting_rank(registration) if registration else None,
        "seats_left": event.seats_left(),
        "waiting_count": event.registrations.filter(status=RegistrationStatus.WAITING).count(),
        "can_register": can_register and event.registration_open and not event.is_cancelled,
        "guest_form": guest_form if guest_allowed else None,
        "refusal": refusal,
        "is_past": event.ends_at < now,
        "photos": event.photos.all() if event.ends_at < now else [],
        "can_manage": user.has_perm("events.manage_event", event),
    }
    return TemplateResponse(request, "events/detail.html", context, status=status)


@require_GET
@permission_required(VIEW, _event, visible=VIEW)
def detail(request: HttpRequest, event: Event) -> HttpResponse:
    return _detail(request, event)


@require_POST
@permission_required(REGISTER, _event, visible=VIEW)
def register(request: HttpRequest, event: Event) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # guests use their own form; back to the page after login
        return redirect_to_login(reverse("events:detail", args=[event.territory.slug, event.pk]))
    try:
        registration = services.registration_create(event=event, user=user)
    except services.RegistrationRefused as refusal:
        return _detail(request, event, refusal=" ".join(refusal.messages), status=400)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, _("Vous êtes inscrit·e. Un e-mail de confirmation suit."))
    else:
        messages.info(
            request,
            _("L'événement est complet : vous êtes sur la liste d'attente, nous vous écrirons."),
        )
    return redirect("events:detail", event.territory.slug, event.pk)


@require_POST
@permission_required(REGISTER, _event, visible=VIEW)
def guest_register(request: HttpRequest, event: Event) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, _("Vous êtes connecté·e : inscrivez-vous avec le bouton."))
        return redirect("events:detail", event.territory.slug, event.pk)
    form = GuestRegistrationForm(request.POST)
    if not form.is_valid():
        return _detail(request, event, guest_form=form, status=400)
    if GUEST_RATE.hit(client_ip(request)) > GUEST_RATE.limit:
        context = {"event": event, "territory": event.territory}
        return TemplateResponse(request, "events/too_many.html", context, status=429)
    try:
        registration = services.registration_create(
            event=event, name=form.cleaned_data["name"], email=form.cleaned_data["email"]
        )
    except services.RegistrationRefused as refusal:
        if hasattr(refusal, "error_dict"):
            for field, errors in refusal.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return _detail(request, event, guest_form=form, status=400)
        return _detail(
            request, event, guest_form=form, refusal=" ".join(refusal.messages), status=400
        )
    context = {"event": event, "territory": event.territory, "registration": registration}
    return TemplateResponse(request, "events/guest_check_mailbox.html", context)


@require_http_methods(["GET", "POST"])
def guest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button: mail scanners follow links, they must not confirm."""
    registration = _registration(token)
    event = registration.event
    context: dict[str, Any] = {"event": event, "territory": event.territory}
    if request.method == "POST":
        try:
            registration = services.registration_confirm(token=token)
        except services.RegistrationRefused as refusal:
            context.update(registration=registration, refusal=" ".join(refusal.messages))
            return TemplateResponse(request, "events/guest_confirm.html", context, status=400)
        messages.success(request, _("Merci, votre adresse e-mail est confirmée."))
        return redirect("events:registration_cancel", registration.token)
    context["registration"] = registration
    return TemplateResponse(request, "events/guest_confirm.html", context)


@require_http_methods(["GET", "POST"])
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The registration's own page (from the e-mails): its state, the waiting
    rank, and the button to cancel it."""
    registration = _registration(token)
    event = registration.event
    context: dict[str, Any] = {"event": event, "territory": event.territory}
    if request.method == "POST":
        try:
            registration = services.registration_cancel(registration=registration)
        except services.RegistrationRefused as refusal:
            context["refusal"] = " ".join(refusal.messages)
            context["registration"] = registration
            return TemplateResponse(request, "events/registration.html", context, status=400)
        messages.success(request, _("Votre inscription est annulée."))
        return redirect("events:registration_cancel", registration.token)
    context.update(
        registration=registration,
        rank=services.waiting_rank(registration),
        has_started=event.has_started(),
    )
    return TemplateResponse(request, "events/registration.html", context)


@require_GET
@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    now = timezone.now()
    registrations = (
        EventRegistration.objects.filter(
            Q(user=user) | Q(user__isnull=True, email__iexact=user.email)
        )
        .with_rank()
        .exclude(status=RegistrationStatus.CANCELLED, event__ends_at__lt=now)
        .select_related("event__territory", "event__commune")
        .order_by("event__starts_at", "pk")
    )
    upcoming = [r for r in registrations if r.event.ends_at >= now]
    past = [r for r in registrations if r.event.ends_at < now][::-1]
    context = {"upcoming": upcoming, "past": past, "statuses": RegistrationStatus}
    return TemplateResponse(request, "events/my_registrations.html", context)


urlpatterns: list[URLPattern] = [
    path("t/<slug:slug>/agenda/<int:pk>/", detail, name="detail"),
    path("t/<slug:slug>/agenda/<int:pk>/inscription/", register, name="register"),
    path(
        "t/<slug:slug>/agenda/<int:pk>/inscription-invite/", guest_register, name="guest_register"
    ),
    path("evenements/confirmer/<str:token>/", guest_confirm, name="guest_confirm"),
    path(
        "evenements/inscription/<str:token>/annuler/",
        registration_cancel,
        name="registration_cancel",
    ),
    path("compte/evenements/", my_registrations, name="my_registrations"),
]
