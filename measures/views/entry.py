"""Entering data: a household's readings, bills and weighings for a challenge
(« Saisir mes relevés »), mobile first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from challenges.models import Challenge, Registration, RegistrationStatus, Theme
from challenges.rules import registration_of
from challenges.views import challenge_from_url
from measures import services
from measures.forms import (
    BillForm,
    ReadingForm,
    WeighingCorrectionForm,
    WeighingsForm,
)
from measures.models import Bill, Carrier, Meter, Reading, Register, WasteFlow, Weighing
from territories.permissions import check, permission_required

VIEW = "challenges.view_challenge"
ENTER = "measures.enter_data"
RECENT_WEIGHINGS = 30


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the permission
    return user


def _registration(request: HttpRequest, challenge: Challenge) -> Registration:
    """The user's household's registration: 404 without one, 403 unless selected."""
    registration = registration_of(request.user, challenge)
    if registration is None:
        raise Http404
    check(request, ENTER, registration)
    if registration.status != RegistrationStatus.SELECTED:
        raise PermissionDenied(_("Seuls les foyers retenus pour le défi saisissent leurs données."))
    registration.challenge = challenge
    return registration


def _challenge(slug: str, challenge: str, **_ignored: Any) -> Challenge:
    """The challenge of the URL; a row's pk, when there is one, is read by the view."""
    return challenge_from_url(slug, challenge)


def _to(name: str, challenge: Challenge) -> HttpResponse:
    return redirect(f"measures:{name}", challenge.territory.slug, challenge.slug)


def _meters(registration: Registration) -> list[Meter]:
    """Active meters of the challenge's themes, each with its last index per
    register (one query, whatever the number of readings)."""
    themes = set(registration.challenge.themes)
    meters: QuerySet[Meter] = Meter.objects.filter(
        household_id=registration.household_id, is_active=True
    )
    if Theme.ENERGY not in themes:
        meters = meters.filter(carrier=Carrier.WATER)
    if Theme.WATER not in themes:
        meters = meters.exclude(carrier=Carrier.WATER)
    annotations: dict[str, Any] = {}
    for register in Register.values:
        latest = Reading.objects.filter(
            meter=OuterRef("pk"), register=register, superseded_by__isnull=True
        ).order_by("-read_on", "-pk")
        annotations[f"last_{register}_value"] = Subquery(latest.values("value")[:1])
        annotations[f"last_{register}_on"] = Subquery(latest.values("read_on")[:1])
    found = list(meters.annotate(**annotations))
    for meter in found:
        meter.lasts = [  # type: ignore[attr-defined]
            (Register(r).label, _formatted(getattr(meter, f"last_{r}_value")), last_on)
            for r in services.registers_of(meter)
            for last_on in [getattr(meter, f"last_{r}_on")]
        ]
    return found


def _formatted(value: Decimal | None) -> str:
    return "" if value is None else services.format_number(value)


def _added_message(meter: Meter, added: list[services.AddedReading]) -> str:
    if added and not any(a.created for a in added):
        return _("Ce relevé était déjà enregistré.")
    parts = []
    unit = meter.get_unit_display()
    for item in added:
        used = item.consumption
        if used is not None and item.previous is not None:
            parts.append(
                _("%(used)s %(unit)s consommés depuis le relevé du %(date)s (%(days)d jours)")
                % {
                    "used": services.format_number(used),
                    "unit": unit,
                    "date": date_format(item.previous.read_on, "j F Y"),
                    "days": item.days,
                }
            )
    text = _("Relevé de « %(label)s » enregistré.") % {"label": meter.label}
    return f"{text} {' ; '.join(parts)}." if parts else text


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(VIEW, _challenge, visible=VIEW)
def entry(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    registration = _registration(request, challenge)
    meters = _meters(registration)
    floor = services.entry_floor(challenge.starts_on)
    posted = request.POST.get("meter") if request.method == "POST" else None
    if posted is not None and posted not in {str(m.pk) for m in meters}:
        raise Http404
    for meter in meters:
        bound = posted == str(meter.pk)
        args = (request.POST, request.FILES) if bound else ()
        meter.form = ReadingForm(*args, meter=meter, floor=floor)  # type: ignore[attr-defined]
        if bound and meter.form.is_valid():  # type: ignore[attr-defined]
            try:
                values = meter.form.values()  # type: ignore[attr-defined]
                added = services.meter_readings_add(**values, user=_user(request))
            except services.ReadingErrors as errors:
                meter.form.add_reading_errors(errors)  # type: ignore[attr-defined]
            else:
                messages.success(request, _added_message(meter, added))
                return _to("entry", challenge)
    context = {
        "challenge": challenge,
        "registration": registration,
        "meters": meters,
        # The submitted form, so that its errors make the answer a 400.
        "form": next((m.form for m in meters if m.form.is_bound), None),  # type: ignore[attr-defined]
        "has_waste": Theme.WASTE in challenge.themes,
        "has_meters": bool({Theme.ENERGY, Theme.WATER} & set(challenge.themes)),
    }
    return TemplateResponse(request, "measures/entry/entry.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(VIEW, _challenge, visible=VIEW)
def entry_all(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    """Every meter on one form, one button: the indexes typed are all saved,
    or none (each refusal next to its field, everything typed kept); a meter
    left blank is skipped."""
    registration = _registration(request, challenge)
    meters = _meters(registration)
    floor = services.entry_floor(challenge.starts_on)
    posted = request.method == "POST" and bool(meters)
    filled: list[tuple[Meter, ReadingForm]] = []
    for meter in meters:
        form = (
            ReadingForm(request.POST, request.FILES, meter=meter, floor=floor) if posted else None
        )
        if form is not None and form.filled:
            filled.append((meter, form))
        else:
            # A meter left blank shows no « obligatoire »: unbound, with the
            # date and type that were posted.
            data = request.POST if posted else {}
            prefix = f"m{meter.pk}-"
            initial = {n: data[prefix + n] for n in ("read_on", "kind") if data.get(prefix + n)}
            form = ReadingForm(meter=meter, floor=floor, initial=initial)
        meter.form = form  # type: ignore[attr-defined]
    # Every form checked (no short cut), so that every error shows at once.
    valid = [form.is_valid() for _meter, form in filled]
    if filled and all(valid):
        added = _add_every_reading(filled, _user(request))
        if added is not None:
            for meter, readings in added:
                messages.success(request, _added_message(meter, readings))
            return _to("entry", challenge)
    nothing_typed = posted and not filled
    invalid = [form for _meter, form in filled if form.errors]
    context = {
        "challenge": challenge,
        "registration": registration,
        "meters": meters,
        "nothing_typed": nothing_typed,
        "invalid": invalid,
    }
    status = 400 if nothing_typed or invalid else 200
    return TemplateResponse(request, "measures/entry/entry_all.html", context, status=status)


def _add_every_reading(
    filled: list[tuple[Meter, ReadingForm]], user: User
) -> list[tuple[Meter, list[services.AddedReading]]] | None:
    """Each meter's readings through the same service as one meter's form, in
    one transaction: a refusal on any meter (an unusual value to confirm, a
    date before the last reading…) undoes the others, and gives None."""
    added = []
    with transaction.atomic():
        for meter, form in filled:
            try:
                added.append((meter, services.meter_readings_add(**form.values(), user=user)))
            except services.ReadingErrors as errors:
                form.add_reading_errors(errors)
        refused = len(added) < len(filled)
        if refused:
            transaction.set_rollback(True)
    if not refused:
        return added
    # The rows are rolled back; the photos already stored go with them.
    for _meter, readings in added:
        for item in readings:
            if item.created and item.reading.photo:
                item.reading.photo.delete(save=False)
    return None


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(VIEW, _challenge, visible=VIEW)
def bills(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    registration = _registration(request, challenge)
    if not {Theme.ENERGY, Theme.WATER} & set(challenge.themes):
        raise Http404
    household = registration.household
    form = BillForm(request.POST or None, household=household, reference=challenge.reference_period)
    if request.method == "POST" and form.is_valid():
        services.bill_add(**form.cleaned_data, user=_user(request))
        messages.success(request, _("Facture enregistrée."))
        return _to("bills", challenge)
    known = list(
        Bill.objects.filter(meter__household=household)
        .select_related("meter")
        .order_by("meter", "starts_on")
    )
    for bill in known:
        bill.quantity_text = _formatted(bill.quantity)  # type: ignore[attr-defined]
    context = {"challenge": challenge, "form": form, "bills": known}
    return TemplateResponse(request, "measures/entry/bills.html", context)


def _waste_registration(request: HttpRequest, challenge: Challenge) -> Registration:
    registration = _registration(request, challenge)
    if Theme.WASTE not in challenge.themes:
        raise Http404
    return registration


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(VIEW, _challenge, visible=VIEW)
def weighings(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    registration = _waste_registration(request, challenge)
    form = WeighingsForm(request.POST or None, challenge=challenge)
    if request.method == "POST" and form.is_valid():
        saved = services.weighings_add(
            registration=registration,
            weighed_on=form.cleaned_data["weighed_on"],
            kgs=form.kgs(),
            user=_user(request),
            client_key=form.cleaned_data["client_key"],
        )
        if any(created for _weighing, created in saved):
            messages.success(request, _("Pesée enregistrée. Merci !"))
        else:
            messages.info(request, _("Cette pesée était déjà enregistrée."))
        return _to("weighings", challenge)
    recent = Weighing.objects.filter(registration=registration, superseded_by__isnull=True)
    context = {
        "challenge": challenge,
        "registration": registration,
        "form": form,
        "weighings": recent.order_by("-weighed_on", "flow")[:RECENT_WEIGHINGS],
    }
    return TemplateResponse(request, "measures/entry/weighings.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(VIEW, _challenge, visible=VIEW)
def weighing_edit(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    registration = _waste_registration(request, challenge)
    weighing = get_object_or_404(
        Weighing,
        pk=request.resolver_match.kwargs["pk"],  # type: ignore[union-attr]
        registration=registration,
        superseded_by__isnull=True,
    )
    label = str(WasteFlow(weighing.flow).label)
    initial = {"weighed_on": weighing.weighed_on, "kg": weighing.kg}
    form = WeighingCorrectionForm(
        request.POST or None, challenge=challenge, flow_label=label, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        services.weighing_add(
            registration=registration,
            weighed_on=form.cleaned_data["weighed_on"],
            flow=weighing.flow,
            kg=form.cleaned_data["kg"],
            user=_user(request),
            client_key=form.cleaned_data["client_key"],
            replaces=weighing,
        )
        messages.success(request, _("Pesée corrigée. L'ancienne valeur reste dans l'historique."))
        return _to("weighings", challenge)
    context = {"challenge": challenge, "weighing": weighing, "form": form, "flow_label": label}
    return TemplateResponse(request, "measures/entry/weighing_edit.html", context)


@require_POST
@login_required
@permission_required(VIEW, _challenge, visible=VIEW)
def reminders_toggle(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    registration = _registration(request, challenge)
    paused = request.POST.get("paused") == "1"
    services.reminders_pause(registration=registration, paused=paused)
    if request.htmx:  # type: ignore[attr-defined]
        context = {"challenge": challenge, "registration": registration, "saved": True}
        return TemplateResponse(request, "measures/entry/_reminders.html", context)
    if paused:
        messages.success(request, _("Rappels mis en pause."))
    else:
        messages.success(request, _("Rappels réactivés."))
    return _to("entry", challenge)


PREFIX = "t/<slug:slug>/defis/<slug:challenge>/saisie/"

urlpatterns: list[URLPattern] = [
    path(PREFIX, entry, name="entry"),
    path(f"{PREFIX}tous-mes-compteurs/", entry_all, name="entry_all"),
    path(f"{PREFIX}factures/", bills, name="bills"),
    path(f"{PREFIX}pesees/", weighings, name="weighings"),
    path(f"{PREFIX}pesees/<int:pk>/corriger/", weighing_edit, name="weighing_edit"),
    path(f"{PREFIX}rappels/", reminders_toggle, name="reminders_toggle"),
]
