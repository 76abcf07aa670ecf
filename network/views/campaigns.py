"""Campaign weeks: the organisers' editions (figures against the previous
edition, the declared actions by state, their moderation), the actors'
declarations (an actor's contacts, and organisers on its behalf), and the
public page of a week with its accepted actions on a list and a map.

An actor of another territory than the URL's, a week or an action of
another territory or actor: a 404."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from elan.charts import Bars, BarSeries
from network import campaigns
from network.forms_campaigns import (
    ActionFilterForm,
    ActorChoiceForm,
    CampaignActionForm,
    CampaignWeekForm,
    Decision,
    ModerationForm,
    all_valid,
    date_formset,
    photo_formset,
)
from network.models import (
    ActionStatus,
    Actor,
    CampaignAction,
    CampaignActionPhoto,
    CampaignWeek,
)
from network.services import NetworkRefused
from network.views import PER_PAGE, PREFIX, actor_from_url, territory_from_url, user_of
from network.views.manage import _add_errors
from territories.models import Territory
from territories.permissions import permission_required

VIEW_TERRITORY = "territories.view_territory"
READ = "network.view_network"
MANAGE = "network.manage"
DECLARE = "network.declare_action"
SEE_ACTOR = "network.see_actor"
PUBLIC = "network.view_directory"


@dataclass(frozen=True)
class ActorWeek:
    """An actor, one of its territory's weeks and maybe one of its actions
    there: what the permissions of a declaration read (the actor for its
    contacts, the territory for the organisers)."""

    actor: Actor
    week: CampaignWeek
    action: CampaignAction | None = None

    @property
    def territory(self) -> Territory:
        return self.actor.territory


def week_from_url(slug: str, week: int) -> CampaignWeek:
    return get_object_or_404(
        CampaignWeek.objects.select_related("territory__region"), territory__slug=slug, pk=week
    )


def _actions() -> Any:
    return CampaignAction.objects.select_related(
        "week__territory__region", "actor__territory__region", "commune", "declared_by"
    )


def actor_week_from_url(slug: str, pk: int, week: int) -> ActorWeek:
    actor = actor_from_url(slug, pk)
    found = get_object_or_404(CampaignWeek, territory_id=actor.territory_id, pk=week)
    found.territory = actor.territory
    return ActorWeek(actor, found)


def actor_action_from_url(slug: str, pk: int, action: int) -> ActorWeek:
    found = get_object_or_404(_actions(), week__territory__slug=slug, actor_id=pk, pk=action)
    return ActorWeek(found.actor, found.week, found)


def week_action_from_url(slug: str, week: int, action: int) -> ActorWeek:
    found = get_object_or_404(_actions(), week__territory__slug=slug, week_id=week, pk=action)
    return ActorWeek(found.actor, found.week, found)


# --- organisers: editions ---------------------------------------------------------


@require_GET
@permission_required(READ, territory_from_url, visible=VIEW_TERRITORY)
def campaign_weeks(request: HttpRequest, territory: Territory) -> HttpResponse:
    weeks = CampaignWeek.objects.filter(territory=territory).annotate(
        to_moderate=Count("actions", filter=Q(actions__status=ActionStatus.SUBMITTED))
    )
    page = Paginator(weeks.order_by("-starts_on", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = list(page)
    figures = campaigns.figures_for(shown)
    context = {
        "territory": territory,
        "page_obj": page,
        "rows": [{"week": week, "figures": figures[week.pk]} for week in shown],
        "can_manage": request.user.has_perm(MANAGE, territory),
    }
    return TemplateResponse(request, "network/campaigns/weeks.html", context)


def _week_form_page(request: HttpRequest, territory: Territory, week: CampaignWeek | None) -> Any:
    form = CampaignWeekForm(request.POST or None, instance=week, territory=territory)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in campaigns.WEEK_FIELDS}
        try:
            saved = campaigns.campaign_week_save(
                territory=territory, week=week, data=data, user=user_of(request)
            )
        except NetworkRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(request, _("« %(title)s » est enregistrée.") % {"title": saved.title})
            return redirect("network:campaign_week_detail", territory.slug, saved.pk)
    context = {"territory": territory, "week": week, "form": form}
    return TemplateResponse(request, "network/campaigns/week_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, territory_from_url, visible=VIEW_TERRITORY)
def campaign_week_create(request: HttpRequest, territory: Territory) -> HttpResponse:
    return _week_form_page(request, territory, None)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, week_from_url, visible=VIEW_TERRITORY)
def campaign_week_edit(request: HttpRequest, week: CampaignWeek) -> HttpResponse:
    return _week_form_page(request, week.territory, week)


def _number(value: Decimal | int) -> float:
    return float(value)


def figure_charts(comparison: campaigns.EditionComparison) -> list[Bars]:
    """Two bar charts (counts, euros): this edition beside the previous one."""
    rows = {row.key: row for row in comparison.rows()}
    current = comparison.current.week.title
    previous = comparison.previous.week.title if comparison.previous else ""
    charts = []
    for chart_id, title, keys, unit in [
        (
            "chiffres-actions",
            _("Actions et partenaires"),
            ["actions", "distinct_actions", "partners"],
            "",
        ),
        (
            "chiffres-depenses",
            _("Dépenses valorisées"),
            ["staff_value", "material_expenses", "valued_expenses"],
            "€",
        ),
    ]:
        chosen = [rows[key] for key in keys]
        series = [BarSeries(current, [_number(r.current) for r in chosen])]
        if comparison.previous:
            series.append(
                BarSeries(previous, [_number(r.previous or 0) for r in chosen])  # type: ignore[arg-type]
            )
        charts.append(
            Bars(
                title=title,
                description=_("%(title)s de l'édition, comparés à l'édition précédente.")
                % {"title": title}
                if comparison.previous
                else _("%(title)s de l'édition.") % {"title": title},
                labels=[r.label for r in chosen],
                series=series,
                unit=unit,
                chart_id=chart_id,
            )
        )
    return charts


def _action_rows(actions: list[CampaignAction], week: CampaignWeek) -> list[dict[str, Any]]:
    return [
        {
            "action": action,
            "dates": list(action.dates.all()),
            "valued": action.staff_days * week.staff_day_value + action.material_expenses,
        }
        for action in actions
    ]


def _labelled(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(value, str(label), counts[value]) for value, label in ActionStatus.choices]


@require_GET
@permission_required(READ, week_from_url, visible=VIEW_TERRITORY)
def campaign_week_detail(request: HttpRequest, week: CampaignWeek) -> HttpResponse:
    territory = week.territory
    form = ActionFilterForm(request.GET or None)
    status = form.status_value()
    actions = (
        week.actions.select_related("actor", "commune")
        .prefetch_related("dates")
        .annotate(partner_count=Count("partners"))
        .order_by("actor__normalised_name", "title", "pk")
    )
    if status:
        actions = actions.filter(status=status)
    page = Paginator(actions, PER_PAGE).get_page(request.GET.get("page"))
    comparison = campaigns.compare_with_previous(week)
    can_manage = request.user.has_perm(MANAGE, territory)
    context = {
        "territory": territory,
        "week": week,
        "form": form,
        "status": status,
        "page_obj": page,
        "rows": _action_rows(list(page), week),
        "counts": _labelled(campaigns.status_counts(week)),
        "comparison": comparison,
        "figure_rows": comparison.rows(),
        "charts": figure_charts(comparison),
        "closed": campaigns.declarations_closed(week),
        "can_manage": can_manage,
        "actor_form": ActorChoiceForm(territory=territory) if can_manage else None,
    }
    code = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "network/campaigns/week_detail.html", context, status=code)


@require_GET
@permission_required(MANAGE, week_from_url, visible=VIEW_TERRITORY)
def campaign_action_add(request: HttpRequest, week: CampaignWeek) -> HttpResponse:
    """The organisers pick the actor they declare an action for."""
    form = ActorChoiceForm(request.GET or None, territory=week.territory)
    if form.is_bound and form.is_valid():
        actor = form.cleaned_data["acteur"]
        return redirect("network:campaign_action_create", week.territory.slug, actor.pk, week.pk)
    context = {"territory": week.territory, "week": week, "form": form}
    code = 400 if form.is_bound else 200
    return TemplateResponse(request, "network/campaigns/action_add.html", context, status=code)


# --- organisers: moderation -------------------------------------------------------


def _decide(form: ModerationForm, action: CampaignAction, user: Any) -> str:
    """Apply the decision; the confirmation to show."""
    decision, note = form.cleaned_data["decision"], form.cleaned_data["message"]
    if decision == Decision.ACCEPT:
        campaigns.action_accept(action=action, user=user)
        n = action.dates.count()
        return ngettext(
            "Action acceptée : sa date est dans l'agenda du territoire.",
            "Action acceptée : ses %(n)d dates sont dans l'agenda du territoire.",
            n,
        ) % {"n": n}
    if decision == Decision.CHANGES:
        campaigns.action_request_changes(action=action, message=note, user=user)
    else:
        campaigns.action_refuse(action=action, reason=note, user=user)
    told = len(campaigns.declarant_addresses(action))
    if not told:
        return _(
            "C'est noté, mais aucun contact de l'acteur n'a de compte : prévenez-le autrement."
        )
    if decision == Decision.CHANGES:
        return _("Demande de modifications envoyée par e-mail au déclarant.")
    return _("Action refusée ; la raison a été envoyée par e-mail au déclarant.")


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, week_action_from_url, visible=MANAGE)
def campaign_action_moderate(request: HttpRequest, target: ActorWeek) -> HttpResponse:
    action = target.action
    assert action is not None
    form = ModerationForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            done = _decide(form, action, user_of(request))
        except NetworkRefused as refusal:
            _add_errors(form, refusal)
        else:
            messages.success(request, done)
            return redirect("network:campaign_week_detail", target.territory.slug, target.week.pk)
    context = {
        "territory": target.territory,
        "week": target.week,
        "action": action,
        "form": form,
        **_action_details(action),
    }
    return TemplateResponse(request, "network/campaigns/action_moderate.html", context)


def _action_details(action: CampaignAction) -> dict[str, Any]:
    return {
        "dates": list(action.dates.select_related("event")),
        "partners": list(action.partners.order_by("normalised_name")),
        "photos": list(action.photos.all()),
        "valued": action.staff_days * action.week.staff_day_value + action.material_expenses,
    }


# --- actors: declarations ---------------------------------------------------------


@require_GET
@permission_required(DECLARE, actor_from_url, visible=SEE_ACTOR)
def actor_campaign_actions(request: HttpRequest, actor: Actor) -> HttpResponse:
    """An actor's actions in every edition, and the weeks open to declarations."""
    today = timezone.localdate()
    by_organiser = request.user.has_perm(MANAGE, actor.territory)
    weeks = CampaignWeek.objects.filter(territory_id=actor.territory_id)
    open_weeks = weeks.filter(ends_on__gte=today) if by_organiser else weeks
    if not by_organiser:
        open_weeks = open_weeks.filter(declaration_deadline__gte=today)
    actions = list(
        actor.campaign_actions.select_related("week")
        .prefetch_related("dates")
        .order_by("-week__starts_on", "title", "pk")
    )
    context = {
        "territory": actor.territory,
        "actor": actor,
        "open_weeks": open_weeks.order_by("starts_on", "pk"),
        "rows": [
            {
                "action": action,
                "dates": list(action.dates.all()),
                "refusal": "" if by_organiser else campaigns.contact_edit_refusal(action),
            }
            for action in actions
        ],
    }
    return TemplateResponse(request, "network/campaigns/actor_actions.html", context)


def _declaration_refusal(request: HttpRequest, target: ActorWeek) -> str:
    if request.user.has_perm(MANAGE, target.territory):
        return ""
    if target.action is None:
        closed = campaigns.declarations_closed(target.week)
        return campaigns.closed_message(target.week) if closed else ""
    return campaigns.contact_edit_refusal(target.action)


def _save_declaration(
    request: HttpRequest, target: ActorWeek, form: CampaignActionForm, dates: Any, photos: Any
) -> CampaignAction:
    common = {
        "data": form.service_data(),
        "dates": dates.dates(),
        "partners": form.cleaned_data.get("partners") or [],
        "photos": photos.photos(),
        "user": user_of(request),
        "by_organiser": request.user.has_perm(MANAGE, target.territory),
    }
    if target.action is None:
        return campaigns.action_declare(week=target.week, actor=target.actor, **common)
    removed = [p.pk for p in form.cleaned_data.get("remove_photos") or []]
    return campaigns.action_update(action=target.action, remove_photos=removed, **common)


def _declared(request: HttpRequest, target: ActorWeek, action: CampaignAction) -> HttpResponse:
    territory = target.territory
    if request.user.has_perm(MANAGE, territory):
        messages.success(request, _("L'action « %(title)s » est enregistrée.") % {"title": action})
        return redirect("network:campaign_week_detail", territory.slug, target.week.pk)
    if action.status == ActionStatus.ACCEPTED:
        done = _(
            "Merci ! L'action est à jour, dans l'agenda aussi ; l'équipe d'animation est prévenue."
        )
    else:
        done = _("Merci ! L'action est transmise à l'équipe d'animation, qui va la relire.")
    messages.success(request, done)
    return redirect("network:actor_campaign_actions", territory.slug, target.actor.pk)


def _declaration_page(request: HttpRequest, target: ActorWeek) -> HttpResponse:
    action, week = target.action, target.week
    instance = action or CampaignAction(week=week, actor=target.actor)
    post, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = CampaignActionForm(post, files, instance=instance, week=week, actor=target.actor)
    dates = date_formset(post, week=week, action=action)
    photos = photo_formset(post, files)
    refusal = _declaration_refusal(request, target)
    if request.method == "POST" and refusal:
        form.is_valid()
        form.add_error(None, refusal)
    elif request.method == "POST" and all_valid([form, dates, photos]):
        try:
            saved = _save_declaration(request, target, form, dates, photos)
        except NetworkRefused as problem:
            _add_errors(form, problem)
        else:
            return _declared(request, target, saved)
    context = {
        "territory": target.territory,
        "week": week,
        "actor": target.actor,
        "action": action,
        "form": form,
        "dates": dates,
        "photos": photos,
        "existing_photos": list(action.photos.all()) if action else [],
        "refusal": refusal,
        "choose_again": request.method == "POST" and bool(request.FILES),
        "removed_ids": {
            int(v) for v in request.POST.getlist("remove_photos") if v.isascii() and v.isdigit()
        },
        "by_organiser": request.user.has_perm(MANAGE, target.territory),
    }
    return TemplateResponse(request, "network/campaigns/action_form.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(DECLARE, actor_week_from_url, visible=SEE_ACTOR)
def campaign_action_create(request: HttpRequest, target: ActorWeek) -> HttpResponse:
    return _declaration_page(request, target)


@require_http_methods(["GET", "POST"])
@permission_required(DECLARE, actor_action_from_url, visible=SEE_ACTOR)
def campaign_action_edit(request: HttpRequest, target: ActorWeek) -> HttpResponse:
    return _declaration_page(request, target)


# --- public -----------------------------------------------------------------------


def action_markers(actions: list[CampaignAction]) -> list[dict[str, Any]]:
    """One marker per place (the action's coordinates, else its commune's
    centre), in the shape static/js/agenda-map.js draws."""
    places: dict[tuple[float, float], dict[str, Any]] = {}
    for action in actions:
        commune = action.commune
        lat = action.latitude if action.latitude is not None else getattr(commune, "latitude", None)
        lng = (
            action.longitude
            if action.longitude is not None
            else getattr(commune, "longitude", None)
        )
        if lat is None or lng is None:
            continue
        key = (float(lat), float(lng))
        place = places.setdefault(
            key,
            {
                "lat": key[0],
                "lng": key[1],
                "label": action.place_name or (commune.name if commune else ""),
                "events": [],
            },
        )
        place["events"].append(
            {
                "title": action.title,
                "label": f"{action.title} — {action.actor.name}",
                "url": f"#action-{action.pk}",
            }
        )
    return list(places.values())


@require_GET
@permission_required(PUBLIC, territory_from_url, visible=VIEW_TERRITORY)
def campaign_weeks_public(request: HttpRequest, territory: Territory) -> HttpResponse:
    weeks = (
        CampaignWeek.objects.filter(territory=territory)
        .annotate(
            accepted=Count("actions", filter=Q(actions__status=ActionStatus.ACCEPTED)),
        )
        .order_by("-starts_on", "-pk")
    )
    page = Paginator(weeks, PER_PAGE).get_page(request.GET.get("page"))
    context = {"territory": territory, "page_obj": page, "weeks": list(page)}
    return TemplateResponse(request, "network/campaigns/public_weeks.html", context)


@require_GET
@permission_required(PUBLIC, week_from_url, visible=VIEW_TERRITORY)
def campaign_week_public(request: HttpRequest, week: CampaignWeek) -> HttpResponse:
    page = Paginator(campaigns.accepted_actions(week), PER_PAGE).get_page(request.GET.get("page"))
    actions = list(page)
    context = {
        "territory": week.territory,
        "week": week,
        "page_obj": page,
        "actions": actions,
        "markers": action_markers(actions),
        "tile_url": settings.ELAN_TILE_URL,
        "open": not campaigns.declarations_closed(week),
        "can_manage": request.user.has_perm(READ, week.territory),
    }
    return TemplateResponse(request, "network/campaigns/public_week.html", context)


@require_GET
def campaign_action_photo(
    request: HttpRequest, slug: str, week: int, action: int, photo: int
) -> HttpResponse:
    """A photo is seen with its action: anyone once it is accepted (on a
    territory they may see), else its actor's contacts and the organisers."""
    found = get_object_or_404(
        CampaignActionPhoto.objects.select_related(
            "action__week__territory__region", "action__actor__territory__region"
        ),
        action__week__territory__slug=slug,
        action__week_id=week,
        action_id=action,
        pk=photo,
    )
    held = found.action
    territory, user = held.week.territory, request.user
    public = held.status == ActionStatus.ACCEPTED and user.has_perm(PUBLIC, territory)
    if not (public or user.has_perm(READ, territory) or user.has_perm(DECLARE, held.actor)):
        raise Http404
    try:
        handle = found.image.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, filename=Path(found.image.name or "photo").name)
    response["Cache-Control"] = "private, max-age=3600"
    return response  # type: ignore[return-value]


urlpatterns: list[URLPattern] = [
    path(PREFIX + "gerer/semaines/", campaign_weeks, name="campaign_weeks"),
    path(PREFIX + "gerer/semaines/nouvelle/", campaign_week_create, name="campaign_week_create"),
    path(PREFIX + "gerer/semaines/<int:week>/", campaign_week_detail, name="campaign_week_detail"),
    path(
        PREFIX + "gerer/semaines/<int:week>/modifier/",
        campaign_week_edit,
        name="campaign_week_edit",
    ),
    path(
        PREFIX + "gerer/semaines/<int:week>/ajouter/",
        campaign_action_add,
        name="campaign_action_add",
    ),
    path(
        PREFIX + "gerer/semaines/<int:week>/actions/<int:action>/",
        campaign_action_moderate,
        name="campaign_action_moderate",
    ),
    path(
        PREFIX + "acteurs/<int:pk>/actions/", actor_campaign_actions, name="actor_campaign_actions"
    ),
    path(
        PREFIX + "acteurs/<int:pk>/semaines/<int:week>/declarer/",
        campaign_action_create,
        name="campaign_action_create",
    ),
    path(
        PREFIX + "acteurs/<int:pk>/actions/<int:action>/modifier/",
        campaign_action_edit,
        name="campaign_action_edit",
    ),
    path(PREFIX + "semaines/", campaign_weeks_public, name="campaign_weeks_public"),
    path(PREFIX + "semaines/<int:week>/", campaign_week_public, name="campaign_week_public"),
    path(
        PREFIX + "semaines/<int:week>/actions/<int:action>/photos/<int:photo>/",
        campaign_action_photo,
        name="campaign_action_photo",
    ),
]
