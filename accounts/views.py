"""Mon espace: profile, household, invitations, personal data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import rgpd, services
from accounts.forms import HouseholdForm, PasswordConfirmForm, ProfileForm
from accounts.models import Consent, ConsentText, Household, User


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by @login_required
    return user


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    household = (
        Household.objects.select_related("commune").filter(pk=user.household_id).first()
        if user.household_id
        else None
    )
    memberships = user.territory_roles.select_related("territory").order_by(
        "territory__name", "role"
    )
    context = {
        "household": household,
        "memberships": memberships,
        "can_use_tokens": user.has_perm("api.use_tokens"),
    }
    return TemplateResponse(request, "accounts/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=_user(request))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("accounts:dashboard")
    return TemplateResponse(request, "accounts/profile.html", {"form": form})


def _safe_next(request: HttpRequest) -> str | None:
    """The page to go back to after a detour (e.g. from a challenge registration)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_http_methods(["GET", "POST"])
def household(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = user.household
    next_url = _safe_next(request)
    form = HouseholdForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        if current is None:
            try:
                services.household_create(user=user, **form.cleaned_data)
            except services.HouseholdError as error:
                messages.error(request, str(error))
                return redirect("accounts:dashboard")
            messages.success(request, _("Votre foyer est créé. Invitez les autres membres !"))
            return redirect(next_url or "accounts:household_invite")
        services.household_update(household=current, **form.cleaned_data)
        messages.success(request, _("Votre foyer est enregistré."))
        return redirect(next_url or "accounts:dashboard")
    return TemplateResponse(
        request,
        "accounts/household_form.html",
        {"form": form, "household": current, "next_url": next_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_invite(request: HttpRequest) -> HttpResponse:
    current = _user(request).household
    if current is None:
        messages.info(request, _("Créez d'abord votre foyer pour pouvoir inviter ses membres."))
        return redirect("accounts:household")
    if request.method == "POST":
        current.renew_invite_token()
        messages.success(request, _("Nouveau lien créé : l'ancien ne fonctionne plus."))
        return redirect("accounts:household_invite")
    link = request.build_absolute_uri(
        reverse("accounts:household_join", args=[current.invite_token])
    )
    context = {"household": current, "invite_link": link}
    return TemplateResponse(request, "accounts/household_invite.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_join(request: HttpRequest, token: str) -> HttpResponse:
    target = get_object_or_404(Household, invite_token=token, anonymized_at__isnull=True)
    user = _user(request)
    if user.household_id == target.pk:
        messages.info(request, _("Vous faites déjà partie de ce foyer."))
        return redirect("accounts:dashboard")
    context: dict[str, object] = {"household": target, "other_household": user.household}
    if request.method == "POST":
        try:
            services.household_join(user=user, household=target)
        except services.HouseholdError as error:
            context["error"] = str(error)
            return TemplateResponse(request, "accounts/household_join.html", context, status=409)
        messages.success(request, _("Bienvenue dans le foyer « %s » !") % target.name)
        return redirect("accounts:dashboard")
    return TemplateResponse(request, "accounts/household_join.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_leave(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = user.household
    if current is None:
        return redirect("accounts:dashboard")
    if request.method == "POST":
        services.household_leave(user=user)
        messages.success(request, _("Vous avez quitté le foyer « %s ».") % current.name)
        return redirect("accounts:dashboard")
    last_member = not current.members.exclude(pk=user.pk).exists()
    context = {"household": current, "last_member": last_member}
    return TemplateResponse(request, "accounts/household_leave.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    consents = (
        Consent.objects.filter(user=request.user).select_related("text")
        if request.user.is_authenticated
        else Consent.objects.none()
    )
    context = {
        "policy": ConsentText.current(ConsentText.PRIVACY),
        "terms": ConsentText.current(ConsentText.TERMS),
        "consents": consents,
    }
    return TemplateResponse(request, "accounts/privacy.html", context)


@require_POST
@login_required
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("text"), pk=pk, user=request.user)
    services.consent_withdraw(consent=consent)
    messages.success(request, _("Votre consentement « %s » est retiré.") % consent.text.title)
    return redirect("accounts:privacy")


@login_required
def export(request: HttpRequest) -> HttpResponse:
    filename = f"elan-mes-donnees-{timezone.localdate():%Y%m%d}.zip"
    response = HttpResponse(rgpd.export_archive(_user(request)), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordConfirmForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.account_erase(user=user)
        logout(request)
        messages.success(request, _("Votre compte et vos données personnelles sont supprimés."))
        return redirect("territories:home")
    last_member = (
        user.household is not None and not user.household.members.exclude(pk=user.pk).exists()
    )
    context = {"form": form, "last_member": last_member}
    return TemplateResponse(request, "accounts/erase.html", context)
