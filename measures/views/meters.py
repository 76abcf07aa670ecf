"""The meters of a household (« Mes compteurs »)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from measures import services
from measures.forms import MeterForm
from measures.models import Meter
from measures.views.formatting import coefficient
from territories.permissions import permission_required

# Any logged-in person declares the meters of their own household; meters are
# always looked up within that household, so someone else's is a 404.
DECLARE = "measures.declare_meters"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the permission
    return user


def _next(request: HttpRequest) -> str:
    """Where to go back after saving (the registration page, typically)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else ""


def _meter(request: HttpRequest, pk: int) -> Meter:
    return get_object_or_404(
        Meter.objects.select_related("household"),
        pk=pk,
        household_id=_user(request).household_id or -1,
    )


@require_http_methods(["GET", "POST"])
@permission_required(DECLARE)
def meter_list(request: HttpRequest) -> HttpResponse:
    household = _user(request).household
    if household is None:
        messages.info(
            request, _("Décrivez d'abord votre foyer : ses compteurs y seront rattachés.")
        )
        back = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:household')}?{back}")
    form = MeterForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            meter = services.meter_create(household=household, **form.values())
        except services.MeterError as error:
            form.add_meter_error(error)
        else:
            messages.success(request, _("Compteur « %(label)s » ajouté.") % {"label": meter.label})
            return redirect(_next(request) or reverse("measures:meters"))
    meters = [
        {
            "meter": meter,
            "coefficient": ""
            if meter.gas_kwh_per_m3 is None
            else coefficient(meter.gas_kwh_per_m3),
        }
        for meter in household.meters.annotate(reading_count=Count("readings"))
    ]
    context = {"household": household, "meters": meters, "form": form, "next": _next(request)}
    return TemplateResponse(request, "measures/meter_list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(DECLARE)
def meter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meter = _meter(request, pk)
    form = MeterForm(request.POST or None, instance=meter, household=meter.household)
    if request.method == "POST" and form.is_valid():
        try:
            services.meter_update(meter=meter, **form.values())
        except services.MeterError as error:
            form.add_meter_error(error)
        else:
            messages.success(
                request, _("Compteur « %(label)s » enregistré.") % {"label": meter.label}
            )
            return redirect(_next(request) or reverse("measures:meters"))
    context = {"meter": meter, "form": form, "next": _next(request)}
    return TemplateResponse(request, "measures/meter_form.html", context)


@require_POST
@permission_required(DECLARE)
def meter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meter = _meter(request, pk)
    if services.meter_delete(meter=meter):
        messages.success(request, _("Compteur « %(label)s » supprimé.") % {"label": meter.label})
    else:
        messages.error(
            request,
            _(
                "Le compteur « %(label)s » a déjà des relevés : il ne peut pas être supprimé. "
                "Il est mis hors service, et ses relevés sont conservés."
            )
            % {"label": meter.label},
        )
    return redirect("measures:meters")


urlpatterns: list[URLPattern] = [
    path("compte/foyer/compteurs/", meter_list, name="meters"),
    path("compte/foyer/compteurs/<int:pk>/", meter_edit, name="meter_edit"),
    path("compte/foyer/compteurs/<int:pk>/supprimer/", meter_delete, name="meter_delete"),
]
