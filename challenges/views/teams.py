"""Teams: the organiser's page, the team page, the captain's dashboard,
reminders, and joining a team with an invitation code."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from challenges.forms.teams import (
    CaptainForm,
    JoinTeamForm,
    TeamCreateForm,
    TeamFilterForm,
    TeamMoveForm,
)
from challenges.models import (
    TEAM_MIN_HOUSEHOLDS,
    CaptainReminder,
    Challenge,
    Registration,
    RegistrationStatus,
    Team,
    Theme,
)
from challenges.rules import registration_of
from challenges.services import teams as services
from challenges.status import HouseholdStatus, data_statuses
from challenges.views import challenge_from_url
from territories.permissions import check, permission_required

MANAGE = "challenges.manage_challenge"
VIEW_CHALLENGE = "challenges.view_challenge"
VIEW_TEAM = "challenges.view_team"
LEAD_TEAM = "challenges.lead_team"


_challenge = challenge_from_url


def _team(slug: str, challenge: str, pk: int) -> Team:
    return get_object_or_404(
        Team.objects.select_related("challenge__territory", "captain", "commune"),
        challenge__territory__slug=slug,
        challenge__slug=challenge,
        pk=pk,
    )


def _team_by_code(slug: str, challenge: str, code: str) -> Team:
    return get_object_or_404(
        Team.objects.select_related("challenge__territory", "captain"),
        challenge__territory__slug=slug,
        challenge__slug=challenge,
        invite_code=code.upper(),
    )


def _args(challenge: Challenge) -> list[str]:
    return [challenge.territory.slug, challenge.slug]


def _invite_url(request: HttpRequest, team: Team) -> str:
    args = [*_args(team.challenge), team.invite_code]
    return request.build_absolute_uri(reverse("challenges:join_team_code", args=args))


def _selected(challenge: Challenge, *where: Q) -> list[Registration]:
    # The fields the page shows: a page of teams lists about 200 households.
    members = User.objects.only(
        "pk", "household_id", "display_name", "first_name", "email", "is_active", "erased_at"
    )
    found = list(
        challenge.registrations.selected()
        .filter(*where)
        .select_related("household__commune")
        .only(
            "pk",
            "challenge_id",
            "household_id",
            "team_id",
            "status",
            "requested_team_code",
            "household__name",
            "household__commune__name",
        )
        .prefetch_related(Prefetch("household__members", queryset=members))
        .order_by("household__name", "pk")
    )
    for registration in found:  # the challenge already loaded, not one copy per row
        registration.challenge = challenge
    return found


# --- organiser ---------------------------------------------------------------


@dataclass
class TeamRow:
    team: Team
    registrations: list[Registration]
    invite_url: str
    warnings: list[str] = field(default_factory=list)


def _warnings(team: Team, size: int) -> list[str]:
    warnings = []
    if size < TEAM_MIN_HOUSEHOLDS:
        warnings.append(
            ngettext(
                "Équipe incomplète : %(n)d foyer sur %(min)d au minimum.",
                "Équipe incomplète : %(n)d foyers sur %(min)d au minimum.",
                size,
            )
            % {"n": size, "min": TEAM_MIN_HOUSEHOLDS}
        )
    if team.captain_id is None:
        warnings.append(_("Pas encore de capitaine."))
    elif not team.captain_trained:
        warnings.append(_("Capitaine pas encore formé·e."))
    return warnings


TEAMS_PER_PAGE = 20
# What the teams page's address keeps across its forms' posts.
KEPT_PARAMETERS = ("page", "q", "a_completer")


def _with_sizes(challenge: Challenge) -> QuerySet[Team]:
    """The challenge's teams with their count of selected households (`size`)."""
    selected = Q(registrations__status=RegistrationStatus.SELECTED)
    return challenge.teams.annotate(size=Count("registrations", filter=selected))


def _teams_query(challenge: Challenge, filters: TeamFilterForm) -> QuerySet[Team]:
    """The challenge's teams with their sizes, narrowed by the organiser's search
    and filter."""
    teams = _with_sizes(challenge).select_related("captain", "commune")
    data = filters.cleaned_data if filters.is_valid() else {}
    if query := data.get("q"):
        households = Registration.objects.selected().filter(
            team=OuterRef("pk"), household__name__icontains=query
        )
        teams = teams.filter(
            Q(name__icontains=query)
            | Q(captain__display_name__icontains=query)
            | Q(captain__email__icontains=query)
            | Exists(households)
        )
    if data.get("a_completer"):
        teams = teams.filter(
            Q(size__lt=TEAM_MIN_HOUSEHOLDS) | Q(captain__isnull=True) | Q(captain_trained=False)
        )
    return teams.order_by("name", "pk")


def _keep_place(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    """Back to the organiser's page of teams, on the page and with the search the
    form was posted from (they travel in the form's action)."""
    url = reverse("challenges:teams", args=_args(challenge))
    kept = QueryDict(mutable=True)
    for key in KEPT_PARAMETERS:
        if key in request.GET:
            kept.setlist(key, request.GET.getlist(key))
    return redirect(f"{url}?{kept.urlencode()}" if kept else url)


def _teams_page(
    request: HttpRequest,
    challenge: Challenge,
    *,
    create_form: TeamCreateForm | None = None,
    move_form: TeamMoveForm | None = None,
) -> TemplateResponse:
    """One page of teams (TEAMS_PER_PAGE), loaded with their households, plus
    the households without a team: what the page costs does not grow with the
    number of teams of the challenge."""
    filters = TeamFilterForm(request.GET)
    page = Paginator(_teams_query(challenge, filters), TEAMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    teams = list(page.object_list)
    shown = _selected(challenge, Q(team__in=[t.pk for t in teams]) | Q(team__isnull=True))
    by_team: dict[int | None, list[Registration]] = defaultdict(list)
    for registration in shown:
        by_team[registration.team_id].append(registration)
    rows = []
    for team in teams:
        members = by_team[team.pk]
        rows.append(
            TeamRow(team, members, _invite_url(request, team), _warnings(team, len(members)))
        )
    all_teams = list(challenge.teams.order_by("name", "pk").only("pk", "name", "challenge_id"))
    # The move form offers the households on this page and those without a team;
    # it accepts any selected household of the challenge (team_move).
    offered = [r for team in teams for r in by_team[team.pk]] + by_team[None]
    context = {
        "challenge": challenge,
        "territory": challenge.territory,
        "rows": rows,
        "page_obj": page,
        "filters": filters,
        "filtered": bool(request.GET.get("q") or request.GET.get("a_completer")),
        "team_count": len(all_teams),
        "unassigned": by_team[None],
        "incomplete_count": _with_sizes(challenge).filter(Q(size__lt=TEAM_MIN_HOUSEHOLDS)).count(),
        "locked": services.teams_are_locked(challenge),
        "create_form": create_form or TeamCreateForm(challenge=challenge),
        "move_form": move_form.offer(offered)
        if move_form
        else TeamMoveForm(registrations=offered, teams=all_teams),
    }
    return TemplateResponse(request, "challenges/teams/team_list.html", context)


@require_GET
@permission_required(MANAGE, _challenge, visible=VIEW_CHALLENGE)
def team_list(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    return _teams_page(request, challenge)


@require_POST
@permission_required(MANAGE, _challenge, visible=VIEW_CHALLENGE)
def team_create(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = TeamCreateForm(request.POST, challenge=challenge)
    if form.is_valid():
        try:
            team = services.team_create(challenge=challenge, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(
                request,
                _(
                    "Équipe « %(name)s » créée. Elle reste incomplète tant qu'elle compte "
                    "moins de %(min)d foyers."
                )
                % {"name": team.name, "min": TEAM_MIN_HOUSEHOLDS},
            )
            return redirect("challenges:teams", *_args(challenge))
    return _teams_page(request, challenge, create_form=form)


def _warn_if_incomplete(request: HttpRequest, *teams: Team | None) -> None:
    for team in teams:
        if team is None:
            continue
        size = team.registrations.count()
        if size < TEAM_MIN_HOUSEHOLDS:
            messages.warning(
                request,
                ngettext(
                    "Attention : l'équipe « %(name)s » est incomplète (%(n)d foyer).",
                    "Attention : l'équipe « %(name)s » est incomplète (%(n)d foyers).",
                    size,
                )
                % {"name": team.name, "n": size},
            )


@require_POST
@permission_required(MANAGE, _challenge, visible=VIEW_CHALLENGE)
def team_move(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    # Any selected household of the challenge, not only those of the page shown.
    registrations = list(
        challenge.registrations.selected().select_related("household__commune", "team")
    )
    teams = list(challenge.teams.order_by("name"))
    form = TeamMoveForm(request.POST, registrations=registrations, teams=teams)
    if form.is_valid():
        registration, target = form.cleaned_data["registration"], form.cleaned_data["team"]
        source = registration.team
        try:
            services.team_move(registration=registration, team=target)
        except ValidationError as error:
            form.add_error("team", error)
        else:
            name = registration.household.name
            if target is None:
                text = _("Le foyer « %(name)s » n'est plus dans une équipe.") % {"name": name}
            else:
                text = _("Le foyer « %(name)s » est dans l'équipe « %(team)s ».") % {
                    "name": name,
                    "team": target.name,
                }
            messages.success(request, text)
            _warn_if_incomplete(request, source, target)
            return _keep_place(request, challenge)
    return _teams_page(request, challenge, move_form=form)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _team, visible=VIEW_CHALLENGE)
def team_captain(request: HttpRequest, team: Team) -> HttpResponse:
    """The captain of one team, on a page of its own: the page of teams lists
    twenty teams and no longer renders twenty forms (issue 14). The page of
    teams the organiser came from travels in the address, and they go back to it."""
    members = list(
        User.objects.filter(
            household__registrations__team=team, is_active=True, erased_at__isnull=True
        )
        .distinct()
        .order_by("display_name", "email", "pk")
    )
    initial = {"captain": team.captain_id, "captain_trained": team.captain_trained}
    data = request.POST if request.method == "POST" else None
    form = CaptainForm(data, initial=initial, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_set_captain(
                team=team,
                captain=form.cleaned_data["captain"],
                trained=form.cleaned_data["captain_trained"],
            )
        except ValidationError as error:
            form.add_error("captain", error)
        else:
            messages.success(
                request, _("Capitaine de l'équipe « %(name)s » enregistré·e.") % {"name": team.name}
            )
            return _keep_place(request, team.challenge)
    context = {
        "team": team,
        "challenge": team.challenge,
        "territory": team.challenge.territory,
        "form": form,
        "has_members": bool(members),
    }
    return TemplateResponse(request, "challenges/teams/team_captain.html", context)


@require_POST
@permission_required(MANAGE, _team, visible=VIEW_CHALLENGE)
def team_delete(request: HttpRequest, team: Team) -> HttpResponse:
    try:
        services.team_delete(team=team)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Équipe « %(name)s » supprimée.") % {"name": team.name})
    return _keep_place(request, team.challenge)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, _challenge, visible=VIEW_CHALLENGE)
def team_suggest(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    if request.method == "POST":
        created = services.teams_create_from_suggestion(challenge=challenge)
        messages.success(
            request,
            ngettext("%(n)d équipe créée.", "%(n)d équipes créées.", len(created))
            % {"n": len(created)},
        )
        return redirect("challenges:teams", *_args(challenge))
    suggestion = services.teams_suggest(challenge=challenge)
    context = {"challenge": challenge, "territory": challenge.territory, "suggestion": suggestion}
    return TemplateResponse(request, "challenges/teams/team_suggest.html", context)


# --- members and captain -----------------------------------------------------


def _upcoming(team: Team, own: HouseholdStatus | None) -> list[str]:
    """A few lines on what comes next for the team and the viewer's household."""
    challenge = team.challenge
    today = timezone.localdate()
    lines = []
    if today < challenge.starts_on:
        lines.append(
            _("Le défi commence le %(date)s : repérez vos compteurs et préparez une balance.")
            % {"date": formats.date_format(challenge.starts_on, "j F Y")}
        )
    elif today <= challenge.ends_on:
        lines.append(
            _("Le défi se poursuit jusqu'au %(date)s.")
            % {"date": formats.date_format(challenge.ends_on, "j F Y")}
        )
    else:
        lines.append(_("Le défi est terminé : merci pour votre participation !"))
    for theme in own.themes if own else []:
        if theme.is_up_to_date:
            continue
        lines.append(
            _("Votre foyer — %(theme)s : %(state)s. Pensez à saisir vos chiffres.")
            % {"theme": theme.theme_label, "state": theme.state.label}
        )
    return lines


@require_GET
@login_required
@permission_required(VIEW_TEAM, _team, visible=VIEW_TEAM)
def team_detail(request: HttpRequest, team: Team) -> HttpResponse:
    registrations = list(
        team.registrations.select_related("household__commune", "challenge")
        .prefetch_related("household__members")
        .order_by("household__name")
    )
    own = next((r for r in registrations if r.household_id == request.user.household_id), None)  # type: ignore[union-attr]
    own_status = data_statuses([own])[0] if own else None
    context = {
        "team": team,
        "challenge": team.challenge,
        "territory": team.challenge.territory,
        "registrations": registrations,
        "is_organiser": request.user.has_perm(MANAGE, team.challenge),
        "can_lead": request.user.has_perm(LEAD_TEAM, team),
        "invite_url": _invite_url(request, team),
        "upcoming": _upcoming(team, own_status),
        "size": len(registrations),
        "min_size": TEAM_MIN_HOUSEHOLDS,
    }
    return TemplateResponse(request, "challenges/teams/team_detail.html", context)


def _last_reminders(registrations: list[Registration]) -> dict[int, Any]:
    rows = (
        CaptainReminder.objects.filter(registration__in=registrations)
        .values("registration_id")
        .annotate(last=Max("sent_at"))
        .order_by()
    )
    return {row["registration_id"]: row["last"] for row in rows}


@require_GET
@login_required
@permission_required(LEAD_TEAM, _team, visible=VIEW_TEAM)
def captain_dashboard(request: HttpRequest, team: Team) -> HttpResponse:
    registrations = list(
        team.registrations.select_related("household", "challenge")
        .prefetch_related("household__members")
        .order_by("household__name")
    )
    last = _last_reminders(registrations)
    statuses = data_statuses(registrations)
    context = {
        "team": team,
        "challenge": team.challenge,
        "territory": team.challenge.territory,
        "rows": [(status, last.get(status.registration.pk)) for status in statuses],
        "themes": team.challenge.measured_themes,
        "theme_labels": [str(Theme(t).label) for t in team.challenge.measured_themes],
        "late_count": sum(1 for status in statuses if status.needs_reminder),
    }
    return TemplateResponse(request, "challenges/teams/captain_dashboard.html", context)


@require_POST
@login_required
def remind(
    request: HttpRequest, slug: str, challenge: str, pk: int, registration: int
) -> HttpResponse:
    team = _team(slug, challenge, pk)
    check(request, LEAD_TEAM, team, visible=VIEW_TEAM)
    target = get_object_or_404(
        Registration.objects.select_related("household", "challenge__territory", "team"),
        pk=registration,
        team=team,
    )
    error = ""
    try:
        services.reminder_send(team=team, registration=target, sender=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.messages[0]
    if request.htmx:  # type: ignore[attr-defined]
        target.refresh_from_db()
        context = {
            "team": team,
            "challenge": team.challenge,
            "status": data_statuses([target])[0],
            "last_reminder": _last_reminders([target]).get(target.pk),
            "themes": team.challenge.measured_themes,
            "row_error": error,
            "just_reminded": not error,
        }
        return TemplateResponse(
            request,
            "challenges/teams/_captain_row.html",
            context,
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, _("Relance envoyée au foyer « %(name)s ».") % {"name": target.household.name}
        )
    return redirect("challenges:captain", *_args(team.challenge), team.pk)


# --- joining -----------------------------------------------------------------


def _join(
    request: HttpRequest, team: Team, registration: Registration | None, *, move: bool
) -> tuple[HttpResponse | None, str]:
    """Try to put the user's household in the team: a redirect when done, or
    the reason it was not."""
    if registration is None:
        return None, _("Votre foyer n'est pas inscrit à ce défi : inscrivez-le d'abord.")
    if registration.status in (RegistrationStatus.NOT_SELECTED, RegistrationStatus.WITHDRAWN):
        return None, _(
            "Votre foyer ne participe pas à ce défi (inscription non retenue ou désistée) : "
            "il ne peut pas rejoindre d'équipe."
        )
    try:
        services.team_join(registration=registration, team=team, move=move)
    except ValidationError as error:
        return None, error.messages[0]
    if registration.status != RegistrationStatus.SELECTED:
        messages.info(
            request,
            _(
                "Code enregistré : votre foyer rejoindra l'équipe « %(name)s » dès que son "
                "inscription sera retenue."
            )
            % {"name": team.name},
        )
        return redirect("challenges:my_team", *_args(team.challenge)), ""
    messages.success(request, _("Bienvenue dans l'équipe « %(name)s » !") % {"name": team.name})
    return redirect(team), ""


def _join_context(request: HttpRequest, team: Team, registration: Registration | None) -> dict:  # type: ignore[type-arg]
    current = registration.team if registration and registration.team_id != team.pk else None
    move_allowed = True
    if current is not None:
        locked = services.teams_are_locked(team.challenge)
        move_allowed = not locked or current.registrations.count() > TEAM_MIN_HOUSEHOLDS
    return {
        "team": team,
        "challenge": team.challenge,
        "territory": team.challenge.territory,
        "registration": registration,
        "current_team": current,
        "move_allowed": move_allowed,
        "already_member": registration is not None and registration.team_id == team.pk,
        "size": team.registrations.count(),
    }


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("challenges.register", _challenge, visible=VIEW_CHALLENGE)
def join_team(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = JoinTeamForm(request.POST or None, challenge=challenge)
    registration = registration_of(request.user, challenge)
    context: dict[str, Any] = {"challenge": challenge, "territory": challenge.territory}
    if request.method == "POST" and form.is_valid() and form.team is not None:
        done, error = _join(request, form.team, registration, move="move" in request.POST)
        if done:
            return done
        form.add_error("code", error)
        context.update(_join_context(request, form.team, registration))
    context.update(form=form, registration=registration)
    return TemplateResponse(request, "challenges/teams/join.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("challenges.register", _team_by_code, visible=VIEW_CHALLENGE)
def join_team_code(request: HttpRequest, team: Team) -> HttpResponse:
    registration = registration_of(request.user, team.challenge)
    context = _join_context(request, team, registration)
    if request.method == "POST":
        done, error = _join(request, team, registration, move="move" in request.POST)
        if done:
            return done
        context["error"] = error
    status = 400 if context.get("error") else 200
    return TemplateResponse(request, "challenges/teams/join_code.html", context, status=status)


@require_GET
@login_required
@permission_required("challenges.register", _challenge, visible=VIEW_CHALLENGE)
def my_team(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    registration = registration_of(request.user, challenge)
    if registration is not None and registration.team_id is not None:
        return redirect("challenges:team", *_args(challenge), registration.team_id)
    pending = None
    if registration is not None and registration.requested_team_code:
        pending = services.team_by_code(challenge, registration.requested_team_code)
    context = {
        "challenge": challenge,
        "territory": challenge.territory,
        "registration": registration,
        "pending_team": pending,
        "form": JoinTeamForm(challenge=challenge),
    }
    return TemplateResponse(request, "challenges/teams/my_team.html", context)


PREFIX = "t/<slug:slug>/defis/<slug:challenge>/"
TEAM = PREFIX + "equipes/<int:pk>/"

urlpatterns = [
    path(PREFIX + "equipes/", team_list, name="teams"),
    path(PREFIX + "equipes/creer/", team_create, name="team_create"),
    path(PREFIX + "equipes/deplacer/", team_move, name="team_move"),
    path(PREFIX + "equipes/suggestion/", team_suggest, name="teams_suggest"),
    path(TEAM, team_detail, name="team"),
    path(TEAM + "capitaine/designer/", team_captain, name="team_captain"),
    path(TEAM + "supprimer/", team_delete, name="team_delete"),
    path(TEAM + "tableau-de-bord/", captain_dashboard, name="captain"),
    path(TEAM + "relancer/<int:registration>/", remind, name="remind"),
    path(PREFIX + "equipe/rejoindre/", join_team, name="join_team"),
    path(PREFIX + "equipe/rejoindre/<str:code>/", join_team_code, name="join_team_code"),
    path(PREFIX + "mon-equipe/", my_team, name="my_team"),
]
