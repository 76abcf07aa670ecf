"""Organisers create and run a challenge; everyone reads its public page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import dateformat, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from challenges.forms.challenge import ChallengeForm, KitDocumentForm, OverrideForm
from challenges.models import (
    Challenge,
    KitDocument,
    KitKind,
    Phase,
    RegistrationStatus,
    Theme,
)
from challenges.rules import registration_of
from challenges.services import challenge as services
from challenges.views import challenge_from_url
from elan.pagecache import public_page
from territories.models import Territory
from territories.permissions import permission_required

VIEW = "challenges.view_challenge"
MANAGE = "challenges.manage_challenge"
VIEW_TERRITORY = "territories.view_territory"

# The life cycle as people see it, in order.
STEPS = [
    Phase.DRAFT,
    Phase.ANNOUNCED,
    Phase.REGISTRATION,
    Phase.REFERENCE,
    Phase.RUNNING,
    Phase.CLOSED,
    Phase.ARCHIVED,
]
PHASE_ACTIONS = ("publish", "override", "clear", "archive")


def day_label(day: dt.date) -> str:
    """« 1er décembre 2026 » in French, the locale's long date otherwise."""
    text = dateformat.format(day, "j F Y")
    if day.day == 1 and translation.get_language() in ("fr", None):
        text = "1er" + text[1:]
    return text


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory.objects.select_related("region"), slug=slug)


_challenge = challenge_from_url


def _kit_document(slug: str, challenge: str, pk: int) -> KitDocument:
    return get_object_or_404(
        KitDocument.objects.select_related("challenge__territory"),
        challenge__territory__slug=slug,
        challenge__slug=challenge,
        pk=pk,
    )


def _dates(challenge: Challenge) -> dict[str, str]:
    ref_start, ref_end = challenge.reference_period
    return {
        "opens": day_label(challenge.registration_opens_on),
        "closes": day_label(challenge.registration_closes_on),
        "starts": day_label(challenge.starts_on),
        "ends": day_label(challenge.ends_on),
        "ref_starts": day_label(ref_start),
        "ref_ends": day_label(ref_end - dt.timedelta(days=1)),
        "waste_ref_ends": day_label(challenge.waste_reference_end - dt.timedelta(days=1)),
    }


def _steps(current: Phase) -> list[dict[str, Any]]:
    return [{"phase": p, "label": p.label, "current": p == current} for p in STEPS]


def _objectives(challenge: Challenge) -> list[tuple[str, Any]]:
    pairs = [
        (Theme.ENERGY, challenge.objective_energy_pct, _("Consommation d'énergie")),
        (Theme.WATER, challenge.objective_water_pct, _("Consommation d'eau")),
        (Theme.WASTE, challenge.objective_waste_pct, _("Déchets résiduels")),
    ]
    return [
        (what, pct) for theme, pct, what in pairs if pct is not None and theme in challenge.themes
    ]


@require_GET
@permission_required(VIEW_TERRITORY, _territory, visible=VIEW_TERRITORY)
def challenge_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    can_manage = request.user.has_perm("challenges.add_challenge", territory)
    challenges = Challenge.objects.filter(territory=territory).select_related("territory")
    if not can_manage:
        challenges = challenges.published()
    challenges = services.with_counts(challenges)
    today = timezone.localdate()
    rows = [{"challenge": c, "phase": c.phase(today), "dates": _dates(c)} for c in challenges]
    context = {"territory": territory, "rows": rows, "can_manage": can_manage}
    return TemplateResponse(request, "challenges/challenge/list.html", context)


@permission_required("challenges.add_challenge", _territory, visible=VIEW_TERRITORY)
def challenge_create(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = ChallengeForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "consent_body"}
        challenge = services.challenge_create(
            territory=territory,
            created_by=request.user,  # type: ignore[arg-type]
            fields=fields,
            consent_body=form.cleaned_data["consent_body"],
        )
        messages.success(
            request,
            _("Défi « %(title)s » créé en brouillon : publiez-le quand il est prêt.")
            % {"title": challenge.title},
        )
        return redirect("challenges:manage", territory.slug, challenge.slug)
    context = {"territory": territory, "form": form}
    return TemplateResponse(request, "challenges/challenge/form.html", context)


@permission_required(MANAGE, _challenge, visible=VIEW)
def challenge_edit(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = ChallengeForm(request.POST or None, instance=challenge, territory=challenge.territory)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "consent_body"}
        services.challenge_update(
            challenge=challenge, fields=fields, consent_body=form.cleaned_data["consent_body"]
        )
        messages.success(request, _("Les informations du défi sont enregistrées."))
        return redirect(challenge)
    context = {"territory": challenge.territory, "challenge": challenge, "form": form}
    return TemplateResponse(request, "challenges/challenge/form.html", context)


@public_page(
    depends=("territories", "challenges", "measures", "events", "questionnaires", "pledges")
)
@require_GET
@permission_required(VIEW, _challenge, visible=VIEW)
def challenge_detail(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    user = request.user
    counted: Any = services.with_counts(Challenge.objects.filter(pk=challenge.pk)).only("pk").get()
    selected_count, team_count = counted.selected_count, counted.team_count
    phase = challenge.phase()
    registration = registration_of(user, challenge)
    # Download rights depend on the kind of document only: check each kind once.
    kinds = {
        kind
        for kind in KitKind.values
        if user.has_perm("challenges.download_kit", KitDocument(challenge=challenge, kind=kind))
    }
    context = {
        "territory": challenge.territory,
        "challenge": challenge,
        "partners": challenge.territory.partners.all(),
        "phase": phase,
        "steps": _steps(phase),
        "dates": _dates(challenge),
        "objectives": _objectives(challenge),
        "selected_count": selected_count,
        "team_count": team_count,
        "places_left": max(challenge.max_households - selected_count, 0),
        "registration_open": phase == Phase.REGISTRATION,
        "registration": registration,
        "is_participant": registration is not None
        and registration.status == RegistrationStatus.SELECTED,
        "kit_documents": challenge.kit_documents.filter(kind__in=kinds) if kinds else [],
        "can_manage": user.has_perm(MANAGE, challenge),
        "has_meters": any(t in challenge.themes for t in (Theme.ENERGY, Theme.WATER)),
        "has_waste": Theme.WASTE in challenge.themes,
    }
    return TemplateResponse(request, "challenges/challenge/detail.html", context)


@require_GET
@permission_required(MANAGE, _challenge, visible=VIEW)
def challenge_manage(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    by_status = dict(
        challenge.registrations.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    context = {
        "territory": challenge.territory,
        "challenge": challenge,
        "phase": challenge.phase(),
        "status_counts": [
            (label, by_status.get(value, 0)) for value, label in RegistrationStatus.choices
        ],
        "registration_total": sum(by_status.values()),
        "team_count": challenge.teams.count(),
        "kit_count": challenge.kit_documents.count(),
    }
    return TemplateResponse(request, "challenges/challenge/manage.html", context)


@permission_required(MANAGE, _challenge, visible=VIEW)
def challenge_phase(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    action = request.POST.get("action") if request.method == "POST" else request.GET.get("action")
    if action and action not in PHASE_ACTIONS:
        raise Http404
    form = OverrideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and action and (action != "override" or form.is_valid()):
        try:
            _apply_phase_action(request, challenge, action, form)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("challenges:manage", challenge.territory.slug, challenge.slug)
    phase = challenge.phase()
    context = {
        "territory": challenge.territory,
        "challenge": challenge,
        "action": action,
        "form": form,
        "phase": phase,
        "computed_phase": challenge.computed_phase(),
        "steps": _steps(phase),
    }
    return TemplateResponse(request, "challenges/challenge/phase.html", context)


def _apply_phase_action(
    request: HttpRequest, challenge: Challenge, action: str, form: OverrideForm
) -> None:
    user: Any = request.user
    if action == "publish":
        services.challenge_publish(challenge=challenge)
        messages.success(request, _("Le défi est publié : sa page est visible de tous."))
    elif action == "override":
        services.challenge_override_phase(
            challenge=challenge,
            phase=form.cleaned_data["phase"],
            note=form.cleaned_data["note"],
            user=user,
        )
        messages.success(
            request,
            _("Phase « %(phase)s » imposée.") % {"phase": Phase(challenge.phase_override).label},
        )
    elif action == "clear":
        services.challenge_clear_override(challenge=challenge, user=user)
        messages.success(request, _("La phase suit de nouveau les dates du défi."))
    else:
        services.challenge_archive(challenge=challenge)
        messages.success(request, _("Le défi est archivé."))


@permission_required(MANAGE, _challenge, visible=VIEW)
def kit(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = KitDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = services.kit_document_add(challenge=challenge, **form.cleaned_data)
        messages.success(
            request, _("Document « %(title)s » ajouté au kit.") % {"title": document.title}
        )
        return redirect("challenges:kit", challenge.territory.slug, challenge.slug)
    context = {
        "territory": challenge.territory,
        "challenge": challenge,
        "documents": challenge.kit_documents.all(),
        "form": form,
    }
    return TemplateResponse(request, "challenges/challenge/kit.html", context)


@require_POST
@permission_required(MANAGE, _kit_document, visible=VIEW)
def kit_delete(request: HttpRequest, document: KitDocument) -> HttpResponse:
    challenge = document.challenge
    services.kit_document_delete(document=document)
    messages.success(
        request, _("Document « %(title)s » retiré du kit.") % {"title": document.title}
    )
    return redirect("challenges:kit", challenge.territory.slug, challenge.slug)


@require_GET
@permission_required("challenges.download_kit", _kit_document, visible=VIEW)
def kit_download(request: HttpRequest, document: KitDocument) -> HttpResponse:
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    extension = Path(document.file.name or "").suffix.lower()
    filename = f"{slugify(document.title) or 'document'}{extension}"
    # A streaming response, not an HttpResponse: the decorator's typing is too narrow.
    return FileResponse(handle, as_attachment=True, filename=filename)  # type: ignore[return-value]


urlpatterns: list[URLPattern] = [
    path("t/<slug:slug>/defis/", challenge_list, name="list"),
    path("t/<slug:slug>/defis/nouveau/", challenge_create, name="create"),
    path("t/<slug:slug>/defis/<slug:challenge>/", challenge_detail, name="detail"),
    path("t/<slug:slug>/defis/<slug:challenge>/modifier/", challenge_edit, name="edit"),
    path("t/<slug:slug>/defis/<slug:challenge>/phase/", challenge_phase, name="phase"),
    path("t/<slug:slug>/defis/<slug:challenge>/animation/", challenge_manage, name="manage"),
    path("t/<slug:slug>/defis/<slug:challenge>/kit/", kit, name="kit"),
    path(
        "t/<slug:slug>/defis/<slug:challenge>/kit/<int:pk>/supprimer/",
        kit_delete,
        name="kit_delete",
    ),
    path(
        "t/<slug:slug>/defis/<slug:challenge>/kit/<int:pk>/telecharger/",
        kit_download,
        name="kit_download",
    ),
]
