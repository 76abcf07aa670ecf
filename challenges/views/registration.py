"""A household's registration to a challenge, and the organisers' page of candidacies."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import log_access
from accounts.models import Household, User
from challenges.forms.registration import DecisionForm, RegistrationForm, RegistrationOptionsForm
from challenges.models import Challenge, Registration, RegistrationStatus, Team
from challenges.rules import registration_of
from challenges.selection import selection_apply
from challenges.services import registration as services
from challenges.views import challenge_from_url
from territories.models import Territory
from territories.permissions import permission_required

VIEW = "challenges.view_challenge"
MANAGE = "challenges.manage_challenge"


_challenge = challenge_from_url


def _registration(slug: str, challenge: str, pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("challenge__territory", "household"),
        challenge__territory__slug=slug,
        challenge__slug=challenge,
        pk=pk,
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the permissions below need a logged-in user
    return user


def _to(name: str, challenge: Challenge) -> HttpResponse:
    return redirect(f"challenges:{name}", challenge.territory.slug, challenge.slug)


@require_http_methods(["GET", "POST"])
@permission_required("challenges.register", _challenge, visible=VIEW)
def register(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    user = _user(request)
    if registration_of(user, challenge) is not None:
        messages.info(request, _("Votre foyer est déjà inscrit à ce défi : voici où il en est."))
        return _to("registration", challenge)
    if not challenge.registration_is_open():
        return TemplateResponse(
            request, "challenges/registration/closed.html", {"challenge": challenge}, status=403
        )
    household = (
        Household.objects.select_related("commune").filter(pk=user.household_id).first()
        if user.household_id
        else None
    )
    consent_text = services.consent_text_for(challenge)
    form = None
    if household is not None:
        form = RegistrationForm(
            request.POST or None,
            challenge=challenge,
            household=household,
            consent_text=consent_text,
        )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.registration_create(
                challenge=challenge,
                household=form.household,
                user=user,
                team_code=form.cleaned_data["team_code"],
                is_association_member=form.cleaned_data.get("is_association_member", False),
            )
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Votre candidature est enregistrée. Merci !"))
            return _to("registration", challenge)
    here = request.get_full_path()
    context = {
        "challenge": challenge,
        "household": household,
        "meters": household.meters.filter(is_active=True) if household else [],
        "missing_themes": services.missing_meter_themes(challenge, household) if household else [],
        "form": form,
        "consent_text": consent_text,
        "household_url": f"{reverse('accounts:household')}?{urlencode({'next': here})}",
        "meters_url": f"{reverse('measures:meters')}?{urlencode({'next': here})}",
    }
    status = 400 if request.method == "POST" and household is None else 200
    return TemplateResponse(
        request, "challenges/registration/register.html", context, status=status
    )


@require_http_methods(["GET", "POST"])
@permission_required("challenges.view_registration", _challenge, visible=VIEW)
def registration_detail(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    registration = registration_of(_user(request), challenge)
    if registration is None:  # an organiser without a household in this challenge
        return _to("candidates", challenge)
    form = RegistrationOptionsForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        services.registration_options_update(
            registration=registration,
            shares_values_with_team=form.cleaned_data["shares_values_with_team"],
            reminders_paused=form.cleaned_data["reminders_paused"],
        )
        if request.htmx:  # type: ignore[attr-defined]
            saved = {"challenge": challenge, "form": form, "saved": True}
            return TemplateResponse(request, "challenges/registration/_options.html", saved)
        messages.success(request, _("Vos options sont enregistrées."))
        return _to("registration", challenge)
    context = {
        "challenge": challenge,
        "registration": registration,
        "decisions": registration.decisions.all(),
        "form": form,
        "statuses": RegistrationStatus,
    }
    return TemplateResponse(request, "challenges/registration/detail.html", context)


@require_POST
@permission_required("challenges.view_registration", _challenge, visible=VIEW)
def withdraw(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    registration = registration_of(_user(request), challenge)
    if registration is None:
        raise Http404
    if registration.status == RegistrationStatus.WITHDRAWN:
        messages.info(request, _("Votre foyer s'est déjà désisté de ce défi."))
    else:
        services.registration_withdraw(registration=registration, user=_user(request))
        messages.success(
            request,
            _(
                "Votre désistement est enregistré. Votre place revient au foyer suivant, s'il y en a un."
            ),
        )
    return _to("registration", challenge)


@require_GET
@permission_required("challenges.view_own_registrations")
def my_challenges(request: HttpRequest) -> HttpResponse:
    """The challenges of the user's household, for « Mon espace » (loaded there
    by HTMX, so that accounts never imports challenges) or as a page."""
    user = _user(request)
    registrations = (
        Registration.objects.filter(household_id=user.household_id)
        .select_related("challenge__territory", "team")
        .order_by("-challenge__starts_on", "pk")
        if user.household_id
        else Registration.objects.none()
    )
    context = {"registrations": registrations, "statuses": RegistrationStatus}
    if request.htmx:  # type: ignore[attr-defined]
        return TemplateResponse(request, "challenges/registration/_mine.html", context)
    return TemplateResponse(request, "challenges/registration/mine.html", context)


@require_http_methods(["GET"])
@permission_required(MANAGE, _challenge, visible=VIEW)
def candidates(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    residents = Territory.communes.through.objects.filter(
        territory_id=challenge.territory_id, commune_id=OuterRef("household__commune_id")
    )
    registrations = (
        challenge.registrations.select_related("household__commune", "team")
        .annotate(
            is_resident=Exists(residents),
            requested_team_name=Subquery(
                Team.objects.filter(
                    challenge=challenge, invite_code=OuterRef("requested_team_code")
                ).values("name")[:1]
            ),
        )
        .order_by("registered_at", "pk")
    )
    status = request.GET.get("statut", "")
    if status in RegistrationStatus.values:
        registrations = registrations.filter(status=status)
    counts = dict(challenge.registrations.order_by().values_list("status").annotate(n=Count("pk")))
    log_access(
        request,
        what=f"candidatures des foyers au défi « {challenge.title} »",
        territory=challenge.territory,
        people=sum(counts.values()),
    )
    context = {
        "challenge": challenge,
        "registrations": registrations,
        "counts": [(s, counts.get(s.value, 0)) for s in RegistrationStatus],
        "total": sum(counts.values()),
        "status": status,
        "statuses": RegistrationStatus,
        "decision_form": DecisionForm(),
    }
    return TemplateResponse(request, "challenges/registration/candidates.html", context)


@require_POST
@permission_required(MANAGE, _challenge, visible=VIEW)
def apply_selection(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    result = selection_apply(challenge=challenge, decided_by=_user(request))
    messages.success(
        request,
        _(
            "Sélection appliquée : %(selected)s foyer(s) retenu(s), %(waiting)s sur liste "
            "d'attente, %(changed)s décision(s) nouvelle(s). Chaque foyer concerné est prévenu par e-mail."
        )
        % {"selected": result.selected, "waiting": result.waiting, "changed": result.changed},
    )
    return _to("candidates", challenge)


@require_POST
@permission_required(MANAGE, _registration, visible=VIEW)
def decide(request: HttpRequest, registration: Registration) -> HttpResponse:
    challenge = registration.challenge
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            promoted = services.registration_decide(
                registration=registration,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                decided_by=_user(request),
            )
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Décision enregistrée pour « %(name)s ».") % {"name": registration.household},
            )
            if promoted is not None:
                messages.info(
                    request,
                    _("« %(name)s » est promu depuis la liste d'attente.")
                    % {"name": promoted.household},
                )
            return _to("candidates", challenge)
    context = {"challenge": challenge, "registration": registration, "form": form}
    return TemplateResponse(request, "challenges/registration/decide.html", context)


PREFIX = "t/<slug:slug>/defis/<slug:challenge>/"

urlpatterns = [
    path("compte/defis/", my_challenges, name="my_challenges"),
    path(f"{PREFIX}inscription/", register, name="register"),
    path(f"{PREFIX}mon-inscription/", registration_detail, name="registration"),
    path(f"{PREFIX}mon-inscription/desister/", withdraw, name="withdraw"),
    path(f"{PREFIX}candidatures/", candidates, name="candidates"),
    path(f"{PREFIX}candidatures/selection/", apply_selection, name="apply_selection"),
    path(f"{PREFIX}candidatures/<int:pk>/decision/", decide, name="decide"),
]
