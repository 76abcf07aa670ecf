"""Answering: the territory's public list, a questionnaire's page, taking a
quiz or filling a grid, my answers with their explanations, and the
volunteers' phone form for survey interviews."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from questionnaires import responses
from questionnaires.forms_respond import GridForm, InterviewForm, ResponseForm
from questionnaires.models import Kind, Question, Questionnaire, Response, Status
from questionnaires.results import response_review
from questionnaires.views import questionnaire_from_url
from territories.models import Territory
from territories.permissions import check, permission_required

VIEW = "questionnaires.view_questionnaire"
TAKE = "questionnaires.take_questionnaire"
INTERVIEW = "questionnaires.conduct_interview"
RESULTS = "questionnaires.view_results"
MANAGE = "questionnaires.manage_questionnaire"
VIEW_TERRITORY = "territories.view_territory"


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory.objects.select_related("region"), slug=slug)


def _questionnaire(slug: str, questionnaire: str, **_ignored: Any) -> Questionnaire:
    """The questionnaire of the URL; a row's pk, when there is one, is read by the view."""
    return questionnaire_from_url(slug, questionnaire)


def slugs(questionnaire: Questionnaire) -> tuple[str, str]:
    """The URL arguments of a territory's questionnaire (templates have no page)."""
    territory = questionnaire.territory
    assert territory is not None  # questionnaire_from_url looks it up by territory
    return territory.slug, questionnaire.slug


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the permission
    return user


def _questions(questionnaire: Questionnaire) -> list[Question]:
    return list(
        Question.objects.current()
        .filter(questionnaire=questionnaire)
        .select_related("axis")
        .prefetch_related("choices")
        .in_order()
    )


def _refusal(request: HttpRequest, questionnaire: Questionnaire, perm: str) -> HttpResponse | None:
    """A closed questionnaire shows why it takes no answer (the service says it
    again to a form sent too late); otherwise the permission decides."""
    closed = questionnaire.status == Status.CLOSED
    if closed and request.method == "GET":
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not closed:
        check(request, perm, questionnaire)
    return None


def household_state(request: HttpRequest, questionnaire: Questionnaire) -> dict[str, Any]:
    """For a challenge quiz: my household's answers so far and what comes next."""
    user: Any = request.user
    if not responses.is_challenge_quiz(questionnaire) or not user.is_authenticated:
        return {}
    mine = list(
        Response.objects.filter(questionnaire=questionnaire, household_id=user.household_id)
        .exclude(household__isnull=True)
        .order_by("submitted_at")
    )
    moment, why = responses.next_moment(questionnaire, {r.moment for r in mine})
    return {
        "household_responses": mine,
        "next_moment": moment,
        "not_now": why,
    }


@require_GET
@permission_required(VIEW_TERRITORY, _territory, visible=VIEW_TERRITORY)
def questionnaire_list(request: HttpRequest, territory: Territory) -> HttpResponse:
    live = list(
        Questionnaire.objects.filter(territory=territory, is_template=False)
        .exclude(status=Status.DRAFT)
        .select_related("territory", "challenge__territory")
        .order_by("title", "pk")
    )
    user = request.user
    can_manage = user.has_perm(MANAGE, territory)
    quizzes = [q for q in live if q.kind == Kind.QUIZ and q.status == Status.PUBLISHED]
    context = {
        "territory": territory,
        "quizzes": [(q, user.has_perm(TAKE, q), user.has_perm(RESULTS, q)) for q in quizzes],
        "public_results": [q for q in live if q.results_public and q not in quizzes],
        "interviews": _surveys_to_conduct(request, live, can_manage),
        "can_manage": can_manage,
    }
    return TemplateResponse(request, "questionnaires/respond/list.html", context)


def _surveys_to_conduct(
    request: HttpRequest, live: list[Questionnaire], can_manage: bool
) -> list[Questionnaire]:
    """The open surveys the user enters interviews for: `conduct_interview`
    (named volunteer or organiser), read in one query instead of one per survey."""
    if not request.user.is_authenticated:
        return []
    named = set(
        Questionnaire.interviewers.through.objects.filter(user_id=request.user.pk).values_list(
            "questionnaire_id", flat=True
        )
    )
    return [
        q
        for q in live
        if q.kind == Kind.SURVEY and q.status == Status.PUBLISHED and (q.pk in named or can_manage)
    ]


@require_GET
@permission_required(VIEW, _questionnaire, visible=VIEW)
def questionnaire_detail(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    user = request.user
    context = {
        "territory": questionnaire.territory,
        "questionnaire": questionnaire,
        "question_count": Question.objects.current().filter(questionnaire=questionnaire).count(),
        "can_take": user.has_perm(TAKE, questionnaire),
        "can_interview": user.has_perm(INTERVIEW, questionnaire),
        "can_see_results": user.has_perm(RESULTS, questionnaire),
        "can_manage": user.has_perm(MANAGE, questionnaire),
        "my_interviews": _my_interviews(request, questionnaire),
        **household_state(request, questionnaire),
    }
    return TemplateResponse(request, "questionnaires/respond/detail.html", context)


def _my_interviews(request: HttpRequest, questionnaire: Questionnaire) -> int:
    if questionnaire.kind != Kind.SURVEY or not request.user.is_authenticated:
        return 0
    return Response.objects.filter(questionnaire=questionnaire, interviewer=request.user).count()


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, _questionnaire, visible=VIEW)
def take(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    if questionnaire.kind == Kind.SURVEY:
        return redirect("questionnaires:interview", *slugs(questionnaire))
    refused = _refusal(request, questionnaire, TAKE)
    if refused is not None:
        return refused
    is_grid = questionnaire.kind == Kind.GRID
    form_class = GridForm if is_grid else ResponseForm
    initial = {"label": responses.default_grid_label()} if is_grid else {}
    form = form_class(request.POST or None, questions=_questions(questionnaire), initial=initial)
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        try:
            response, created = responses.response_submit(
                questionnaire=questionnaire,
                answers=form.answers(),
                user=user,
                household=user.household if responses.is_challenge_quiz(questionnaire) else None,
                client_key=form.cleaned_data["client_key"],
                label=form.cleaned_data.get("label", ""),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return _after_taking(request, questionnaire, response, created)
    context = {
        "territory": questionnaire.territory,
        "questionnaire": questionnaire,
        "form": form,
        **household_state(request, questionnaire),
    }
    return TemplateResponse(request, "questionnaires/respond/take.html", context)


def _after_taking(
    request: HttpRequest, questionnaire: Questionnaire, response: Response, created: bool
) -> HttpResponse:
    if not created:
        messages.info(request, _("Ces réponses étaient déjà enregistrées."))
    if questionnaire.kind == Kind.GRID:
        if created:
            messages.success(
                request, _("« %(label)s » est enregistré.") % {"label": response.label}
            )
        return redirect("questionnaires:results", *slugs(questionnaire))
    if created:
        messages.success(request, _("Merci, vos réponses sont enregistrées."))
    return redirect("questionnaires:response", *slugs(questionnaire), response.pk)


@require_GET
@permission_required(VIEW, _questionnaire, visible=VIEW)
def response_detail(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    pk = request.resolver_match.kwargs["pk"] if request.resolver_match else None
    response = get_object_or_404(
        Response.objects.select_related("questionnaire"), questionnaire=questionnaire, pk=pk
    )
    response.questionnaire = questionnaire
    # Someone else's answers do not exist for you.
    if not request.user.has_perm("questionnaires.view_response", response):
        raise Http404
    context = {
        "territory": questionnaire.territory,
        "questionnaire": questionnaire,
        "response": response,
        "score_pct": None if response.score is None else 100 * response.score,
        "reviews": response_review(response),
        **household_state(request, questionnaire),
    }
    return TemplateResponse(request, "questionnaires/respond/response.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, _questionnaire, visible=VIEW)
def interview(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    if questionnaire.kind != Kind.SURVEY:
        raise Http404
    refused = _refusal(request, questionnaire, INTERVIEW)
    if refused is not None:
        return refused
    form = InterviewForm(request.POST or None, questions=_questions(questionnaire))
    if request.method == "POST" and form.is_valid():
        try:
            _response, created = responses.response_submit(
                questionnaire=questionnaire,
                answers=form.answers(),
                user=_user(request),
                interviewer=_user(request),
                consent=form.cleaned_data["consent"],
                client_key=form.cleaned_data["client_key"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if created:
                messages.success(request, _("Entretien enregistré : merci ! Au suivant."))
            else:
                messages.info(request, _("Cet entretien était déjà enregistré."))
            return redirect("questionnaires:interview", *slugs(questionnaire))
    context = {
        "territory": questionnaire.territory,
        "questionnaire": questionnaire,
        "form": form,
        "my_interviews": _my_interviews(request, questionnaire),
        "can_see_results": request.user.has_perm(RESULTS, questionnaire),
    }
    return TemplateResponse(request, "questionnaires/respond/interview.html", context)


ROOT = "t/<slug:slug>/questionnaires/"
ONE = f"{ROOT}<slug:questionnaire>/"

urlpatterns: list[URLPattern] = [
    path(ROOT, questionnaire_list, name="list"),
    path(ONE, questionnaire_detail, name="detail"),
    path(f"{ONE}repondre/", take, name="take"),
    path(f"{ONE}reponses/<int:pk>/", response_detail, name="response"),
    path(f"{ONE}entretien/", interview, name="interview"),
]
