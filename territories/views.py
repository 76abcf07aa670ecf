from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from elan.pagecache import public_page
from territories.forms import PartnerForm, RoleForm, TerritoryForm
from territories.models import Commune, Membership, Partner, Region, Territory
from territories.permissions import permission_required

VIEW = "territories.view_territory"

COMMUNE_SUGGESTIONS = 10


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory.objects.select_related("region"), slug=slug)


def _partner(slug: str, pk: int) -> Partner:
    return get_object_or_404(
        Partner.objects.select_related("territory"), territory__slug=slug, pk=pk
    )


def _membership(slug: str, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("territory", "user"), territory__slug=slug, pk=pk
    )


def _with_counts(queryset):  # type: ignore[no-untyped-def]
    return queryset.select_related("region").annotate(
        commune_count=Count("communes", distinct=True),
        partner_count=Count("partners", distinct=True),
    )


@public_page(depends=("territories", "challenges"))
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    territories = _with_counts(Territory.objects.published()).order_by("-created_at")[:6]
    return TemplateResponse(request, "territories/home.html", {"territories": territories})


@require_GET
def territory_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    territories = _with_counts(Territory.objects.published())
    if query:
        territories = territories.filter(
            Q(name__icontains=query) | Q(communes__name__icontains=query)
        ).distinct()
    return TemplateResponse(
        request, "territories/territory_list.html", {"territories": territories, "query": query}
    )


@public_page(depends=("territories",))
@require_GET
@permission_required(VIEW, _territory, visible=VIEW)
def territory_detail(request: HttpRequest, territory: Territory) -> HttpResponse:
    context = {
        "territory": territory,
        "partners": territory.partners.all(),
        "communes": territory.communes.order_by("name"),
        "can_manage": request.user.has_perm("territories.change_territory", territory),
    }
    return TemplateResponse(request, "territories/territory_detail.html", context)


@require_GET
@permission_required("territories.view_dashboard", _territory, visible=VIEW)
def territory_dashboard(request: HttpRequest, territory: Territory) -> HttpResponse:
    memberships = territory.memberships.select_related("user").order_by("role", "user__email")
    household_count = territory.communes.aggregate(n=Count("households", distinct=True))["n"]
    context = {
        "territory": territory,
        "memberships": memberships,
        "household_count": household_count,
        "commune_count": territory.communes.count(),
        "partner_count": territory.partners.count(),
        "can_manage": request.user.has_perm("territories.change_territory", territory),
    }
    return TemplateResponse(request, "territories/territory_dashboard.html", context)


@permission_required("territories.change_territory", _territory, visible=VIEW)
def territory_edit(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = TerritoryForm(request.POST or None, request.FILES or None, instance=territory)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Les informations du territoire sont enregistrées."))
        return redirect(territory)
    return TemplateResponse(
        request, "territories/territory_form.html", {"territory": territory, "form": form}
    )


@permission_required("territories.change_territory", _territory, visible=VIEW)
def partner_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = PartnerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        partner = form.save(commit=False)
        partner.territory = territory
        partner.save()
        messages.success(request, _("Partenaire « %(name)s » ajouté.") % {"name": partner.name})
        return redirect("territories:partners", territory.slug)
    context = {"territory": territory, "partners": territory.partners.all(), "form": form}
    return TemplateResponse(request, "territories/partner_list.html", context)


@permission_required("territories.change_territory", _partner, visible=VIEW)
def partner_edit(request: HttpRequest, partner: Partner) -> HttpResponse:
    form = PartnerForm(request.POST or None, request.FILES or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Partenaire « %(name)s » modifié.") % {"name": partner.name})
        return redirect("territories:partners", partner.territory.slug)
    context = {"territory": partner.territory, "partner": partner, "form": form}
    return TemplateResponse(request, "territories/partner_form.html", context)


@require_POST
@permission_required("territories.change_territory", _partner, visible=VIEW)
def partner_delete(request: HttpRequest, partner: Partner) -> HttpResponse:
    partner.delete()
    messages.success(request, _("Partenaire « %(name)s » retiré.") % {"name": partner.name})
    return redirect("territories:partners", partner.territory.slug)


@permission_required("territories.manage_roles", _territory, visible=VIEW)
def role_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = RoleForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["email"]
        Membership.objects.create(user=user, territory=territory, role=form.cleaned_data["role"])
        messages.success(request, _("Rôle attribué à %(email)s.") % {"email": user.email})
        return redirect("territories:roles", territory.slug)
    memberships = territory.memberships.select_related("user").order_by("role", "user__email")
    context = {"territory": territory, "memberships": memberships, "form": form}
    return TemplateResponse(request, "territories/role_list.html", context)


@require_POST
@permission_required("territories.manage_roles", _membership, visible=VIEW)
def role_delete(request: HttpRequest, membership: Membership) -> HttpResponse:
    territory = membership.territory
    remaining = territory.memberships.filter(role=membership.role).exclude(pk=membership.pk)
    if membership.role == "organiser" and not remaining.exists():
        messages.error(
            request,
            _("Un territoire garde au moins un·e animateur·rice : ajoutez-en un·e autre d'abord."),
        )
    else:
        membership.delete()
        messages.success(request, _("Rôle retiré."))
    return redirect("territories:roles", territory.slug)


def _region(code: str) -> Region:
    return get_object_or_404(Region, code=code)


@require_GET
@permission_required("territories.view_region", _region)
def region_detail(request: HttpRequest, region: Region) -> HttpResponse:
    territories = _with_counts(region.territories.all()).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(role="organiser").select_related("user"),
        )
    )
    return TemplateResponse(
        request, "territories/region_detail.html", {"region": region, "territories": territories}
    )


@require_GET
def commune_search(request: HttpRequest) -> HttpResponse:
    """Suggestions for the commune fields (HTMX fills a <datalist>)."""
    query = request.GET.get("q", "")[:60]
    communes = Commune.objects.search(query).select_related("department")[:COMMUNE_SUGGESTIONS]
    return TemplateResponse(request, "territories/_commune_options.html", {"communes": communes})
