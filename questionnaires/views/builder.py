"""Organisers build questionnaires: from a template or blank, questions and
their choices (with versions once answered), axes, preview, publication and
the volunteers who conduct a survey."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from challenges.models import Challenge
from questionnaires import services
from questionnaires.forms import (
    AxisForm,
    CopyForm,
    InterviewerForm,
    QuestionForm,
    QuestionnaireCreateForm,
    QuestionnaireSettingsForm,
    choice_formset,
)
from questionnaires.models import (
    GRID_MAX_SCORE,
    GRID_MIN_SCORE,
    Axis,
    Kind,
    Question,
    QuestionKind,
    Questionnaire,
    Status,
)
from questionnaires.views import questionnaire_from_url
from territories.models import Territory
from territories.permissions import permission_required

MANAGE = "questionnaires.manage_questionnaire"
VIEW = "questionnaires.view_questionnaire"
VIEW_TERRITORY = "territories.view_territory"
BUILDER = "questionnaires/builder/"


# --- Getters ------------------------------------------------------------------


def _territory(slug: str) -> Territory:
    return get_object_or_404(Territory, slug=slug)


def _template_territory(slug: str, template: str) -> Territory:
    """The territory; the template is looked up by the view (404 if unknown)."""
    territory = _territory(slug)
    get_object_or_404(Questionnaire.objects.templates(), slug=template)
    return territory


def _question_of(slug: str, questionnaire: str, pk: int) -> Questionnaire:
    found = questionnaire_from_url(slug, questionnaire)
    get_object_or_404(found.questions.current(), pk=pk)
    return found


def _with_axes(slug: str, questionnaire: str) -> Questionnaire:
    """A grid or a survey (quizzes have no axes)."""
    found = questionnaire_from_url(slug, questionnaire)
    if found.kind == Kind.QUIZ:
        raise Http404
    return found


def _axis_of(slug: str, questionnaire: str, pk: int) -> Questionnaire:
    found = _with_axes(slug, questionnaire)
    get_object_or_404(found.axes, pk=pk)
    return found


def _interviewer_of(slug: str, questionnaire: str, pk: int) -> Questionnaire:
    found = _survey(slug, questionnaire)
    get_object_or_404(found.interviewers, pk=pk)
    return found


def _survey(slug: str, questionnaire: str) -> Questionnaire:
    found = questionnaire_from_url(slug, questionnaire)
    if found.kind != Kind.SURVEY:
        raise Http404
    return found


def _url_pk(request: HttpRequest) -> int:
    assert request.resolver_match is not None
    return int(request.resolver_match.kwargs["pk"])


def _context(questionnaire: Questionnaire, **extra: Any) -> dict[str, Any]:
    return {"territory": questionnaire.territory, "questionnaire": questionnaire, **extra}


def _edit(questionnaire: Questionnaire) -> HttpResponse:
    assert questionnaire.territory is not None
    return redirect("questionnaires:edit", questionnaire.territory.slug, questionnaire.slug)


# --- The territory's questionnaires and the templates ---------------------------


@require_GET
@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def manage(request: HttpRequest, territory: Territory) -> HttpResponse:
    questionnaires = (
        Questionnaire.objects.filter(territory=territory)
        .select_related("challenge")
        .with_counts()
        .order_by("-created_at")
    )
    # Quizzes, surveys, grids: the order of Kind, each with its newest first.
    groups = [
        (label, [q for q in questionnaires if q.kind == kind]) for kind, label in Kind.choices
    ]
    groups = [(label, rows) for label, rows in groups if rows]
    return TemplateResponse(
        request, BUILDER + "manage.html", {"territory": territory, "groups": groups}
    )


@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def templates(request: HttpRequest, territory: Territory) -> HttpResponse:
    order = {kind: i for i, kind in enumerate(Kind.values)}
    sources = sorted(
        Questionnaire.objects.filter(Q(is_template=True) | Q(territory=territory)).with_counts(),
        key=lambda q: (not q.is_template, order[q.kind], q.title),
    )
    challenges = list(Challenge.objects.filter(territory=territory).order_by("-starts_on"))
    forms = {q.pk: CopyForm(source=q, challenges=challenges) for q in sources}
    if request.method == "POST":
        source = next((q for q in sources if str(q.pk) == request.POST.get("source")), None)
        if source is None:
            return HttpResponseBadRequest(_("Modèle inconnu : rechargez la page."))
        form = forms[source.pk] = CopyForm(request.POST, source=source, challenges=challenges)
        if form.is_valid():
            return _copy(request, form, source, territory)
    context = {
        "territory": territory,
        "platform": [(q, forms[q.pk]) for q in sources if q.is_template],
        "own": [(q, forms[q.pk]) for q in sources if not q.is_template],
        "form": next((f for f in forms.values() if f.is_bound), None),
    }
    return TemplateResponse(request, BUILDER + "templates.html", context)


def _copy(
    request: HttpRequest, form: CopyForm, source: Questionnaire, territory: Territory
) -> HttpResponse:
    try:
        copy = services.questionnaire_copy(
            template=source,
            territory=territory,
            user=request.user,  # type: ignore[arg-type]
            challenge=form.cleaned_data.get("challenge"),
            title=form.cleaned_data.get("title"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("questionnaires:templates", territory.slug)
    messages.success(
        request,
        _("« %(title)s » est copié en brouillon : adaptez-le, puis publiez-le.")
        % {"title": copy.title},
    )
    return _edit(copy)


@require_GET
@permission_required(MANAGE, _template_territory, visible=VIEW_TERRITORY)
def template_preview(request: HttpRequest, territory: Territory) -> HttpResponse:
    assert request.resolver_match is not None
    template = Questionnaire.objects.templates().get(slug=request.resolver_match.kwargs["template"])
    context = {"territory": territory, "questionnaire": template, **_sections(template)}
    return TemplateResponse(request, BUILDER + "template_preview.html", context)


@permission_required(MANAGE, _territory, visible=VIEW_TERRITORY)
def create(request: HttpRequest, territory: Territory) -> HttpResponse:
    form = QuestionnaireCreateForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        questionnaire = services.questionnaire_create(
            territory=territory,
            user=request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )
        messages.success(request, _("Questionnaire créé en brouillon : ajoutez ses questions."))
        return _edit(questionnaire)
    context = {"territory": territory, "form": form}
    return TemplateResponse(request, BUILDER + "create.html", context)


# --- One questionnaire ----------------------------------------------------------


@permission_required(MANAGE, questionnaire_from_url, visible=VIEW)
def edit(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    form = QuestionnaireSettingsForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        services.questionnaire_update(
            questionnaire=questionnaire,
            title=form.cleaned_data["title"],
            intro=form.cleaned_data["intro"],
            challenge=form.cleaned_data.get("challenge"),
            results_public=form.cleaned_data["results_public"],
        )
        messages.success(request, _("Les réglages du questionnaire sont enregistrés."))
        return _edit(questionnaire)
    questions = (
        questionnaire.questions.current()
        .select_related("axis")
        .annotate(answer_count=Count("answers"))
        .order_by("position", "pk")
    )
    context = _context(
        questionnaire,
        form=form,
        questions=list(questions),
        axes=list(questionnaire.axes.all()) if questionnaire.kind != Kind.QUIZ else [],
        response_count=questionnaire.responses.count(),
    )
    return TemplateResponse(request, BUILDER + "edit.html", context)


def _sections(questionnaire: Questionnaire) -> dict[str, Any]:
    """Current questions with their options, grouped by axis (two queries)."""
    questions = questionnaire.questions.current().prefetch_related("choices")
    if questionnaire.kind == Kind.QUIZ:
        questions = questions.order_by("position", "pk")
    else:
        questions = questions.select_related("axis").in_order()
    sections = [
        (axis, [_preview_item(q) for q in rows])
        for axis, rows in groupby(questions, lambda q: q.axis)
    ]
    return {"sections": sections, "question_total": sum(len(rows) for _, rows in sections)}


def _preview_item(question: Question) -> dict[str, Any]:
    """A question as respondents see it: the input type and its options."""
    choices = list(question.choices.all())
    if question.kind == QuestionKind.SCALE:
        options = [
            {"text": str(n), "value": n} for n in range(question.scale_min, question.scale_max + 1)
        ]
    elif question.kind == QuestionKind.SCORE and not choices:
        options = [{"text": str(n), "value": n} for n in range(GRID_MIN_SCORE, GRID_MAX_SCORE + 1)]
    else:
        options = [{"text": c.text, "value": c.value, "is_correct": c.is_correct} for c in choices]
    input_type = {
        QuestionKind.MULTIPLE: "checkbox",
        QuestionKind.TEXT: "text",
    }.get(QuestionKind(question.kind), "radio")
    return {"question": question, "options": options, "input": input_type}


@require_GET
@permission_required(MANAGE, questionnaire_from_url, visible=VIEW)
def preview(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    context = _context(questionnaire, **_sections(questionnaire))
    return TemplateResponse(request, BUILDER + "preview.html", context)


# --- Questions --------------------------------------------------------------------


def _question_page(
    request: HttpRequest, questionnaire: Questionnaire, question: Question | None
) -> HttpResponse:
    initial = QuestionForm.initial_for(question) if question else None
    form = QuestionForm(request.POST or None, initial=initial, questionnaire=questionnaire)
    formset = choice_formset(
        questionnaire=questionnaire,
        question=question,
        data=request.POST or None,
        question_kind=request.POST.get("kind") or (question.kind if question else None),
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.question_save(
                questionnaire=questionnaire,
                question=question,
                data=form.cleaned_data,
                choices=formset.rows(),
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _question_saved(question, saved))
            return _edit(questionnaire)
    context = _context(
        questionnaire,
        form=form,
        formset=formset,
        question=question,
        answered=question is not None and question.answers.exists(),
    )
    return TemplateResponse(request, BUILDER + "question_form.html", context)


def _attach(form: Form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names (or on top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _question_saved(before: Question | None, saved: Question) -> str:
    if before is None:
        return _("Question ajoutée.")
    if saved.pk != before.pk:
        return _(
            "Cette question avait déjà des réponses : elle est conservée pour les résultats "
            "et remplacée par sa version %(version)s."
        ) % {"version": saved.version}
    return _("Question enregistrée.")


@permission_required(MANAGE, questionnaire_from_url, visible=VIEW)
def question_add(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    return _question_page(request, questionnaire, None)


@permission_required(MANAGE, _question_of, visible=VIEW)
def question_edit(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    question = questionnaire.questions.current().get(pk=_url_pk(request))
    return _question_page(request, questionnaire, question)


@require_POST
@permission_required(MANAGE, _question_of, visible=VIEW)
def question_delete(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    question = questionnaire.questions.current().get(pk=_url_pk(request))
    if services.question_delete(question=question):
        messages.success(request, _("Question supprimée."))
    else:
        messages.success(
            request,
            _("Question retirée : ses réponses déjà données restent dans les résultats."),
        )
    return _edit(questionnaire)


@require_POST
@permission_required(MANAGE, _question_of, visible=VIEW)
def question_move(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest(_("Direction inconnue : « monter » ou « descendre »."))
    question = questionnaire.questions.current().get(pk=_url_pk(request))
    services.question_move(question=question, direction=direction)  # type: ignore[arg-type]
    return _edit(questionnaire)


# --- Axes -------------------------------------------------------------------------


def _axis_page(
    request: HttpRequest, questionnaire: Questionnaire, axis: Axis | None
) -> HttpResponse:
    initial = {"title": axis.title, "description": axis.description} if axis else None
    form = AxisForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.axis_save(questionnaire=questionnaire, axis=axis, **form.cleaned_data)
        messages.success(request, _("Axe enregistré."))
        return _edit(questionnaire)
    context = _context(questionnaire, form=form, axis=axis)
    return TemplateResponse(request, BUILDER + "axis_form.html", context)


@permission_required(MANAGE, _with_axes, visible=VIEW)
def axis_add(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    return _axis_page(request, questionnaire, None)


@permission_required(MANAGE, _axis_of, visible=VIEW)
def axis_edit(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    return _axis_page(request, questionnaire, questionnaire.axes.get(pk=_url_pk(request)))


@require_POST
@permission_required(MANAGE, _axis_of, visible=VIEW)
def axis_delete(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    try:
        services.axis_delete(axis=questionnaire.axes.get(pk=_url_pk(request)))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Axe supprimé."))
    return _edit(questionnaire)


# --- Publication ------------------------------------------------------------------

TRANSITIONS = {
    "publish": (services.questionnaire_publish, Status.DRAFT),
    "close": (services.questionnaire_close, Status.PUBLISHED),
    "reopen": (services.questionnaire_reopen, Status.CLOSED),
}


def _done(action: str) -> str:
    if action == "publish":
        return _("Le questionnaire est publié.")
    if action == "close":
        return _("Le questionnaire est clos : il ne reçoit plus de réponses.")
    return _("Le questionnaire est rouvert : il reçoit de nouveau des réponses.")


def _transition(request: HttpRequest, questionnaire: Questionnaire, action: str) -> HttpResponse:
    change, expected = TRANSITIONS[action]
    if request.method == "POST":
        try:
            change(questionnaire=questionnaire, user=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _done(action))
        return _edit(questionnaire)
    problems = services.publication_problems(questionnaire) if action == "publish" else []
    context = _context(
        questionnaire,
        action=action,
        possible=questionnaire.status == expected and not problems,
        problems=problems,
    )
    return TemplateResponse(request, BUILDER + "status.html", context)


@permission_required(MANAGE, questionnaire_from_url, visible=VIEW)
def publish(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    return _transition(request, questionnaire, "publish")


@permission_required(MANAGE, questionnaire_from_url, visible=VIEW)
def close(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    return _transition(request, questionnaire, "close")


@permission_required(MANAGE, questionnaire_from_url, visible=VIEW)
def reopen(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    return _transition(request, questionnaire, "reopen")


# --- Interviewers (surveys) -------------------------------------------------------


@permission_required(MANAGE, _survey, visible=VIEW)
def interviewers(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    form = InterviewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.interviewer_add(
                questionnaire=questionnaire, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(
                request, _("%(name)s peut saisir des entretiens.") % {"name": user.email}
            )
            return redirect(request.path)
    people = questionnaire.interviewers.annotate(
        interview_count=Count("interviews", filter=Q(interviews__questionnaire=questionnaire))
    ).order_by("email")
    context = _context(questionnaire, form=form, people=people)
    return TemplateResponse(request, BUILDER + "interviewers.html", context)


@require_POST
@permission_required(MANAGE, _interviewer_of, visible=VIEW)
def interviewer_remove(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    user = get_object_or_404(User, pk=_url_pk(request))
    services.interviewer_remove(questionnaire=questionnaire, user=user)
    messages.success(
        request,
        _("%(name)s ne saisit plus d'entretiens ; ceux déjà saisis sont conservés.")
        % {"name": user.email},
    )
    assert questionnaire.territory is not None
    return redirect("questionnaires:interviewers", questionnaire.territory.slug, questionnaire.slug)


ROOT = "t/<slug:slug>/questionnaires/"
ONE = ROOT + "<slug:questionnaire>/"

urlpatterns: list[URLPattern] = [
    path(f"{ROOT}gerer/", manage, name="manage"),
    path(f"{ROOT}modeles/", templates, name="templates"),
    path(f"{ROOT}modeles/<slug:template>/", template_preview, name="template_preview"),
    path(f"{ROOT}nouveau/", create, name="create"),
    path(f"{ONE}modifier/", edit, name="edit"),
    path(f"{ONE}apercu/", preview, name="preview"),
    path(f"{ONE}questions/ajouter/", question_add, name="question_add"),
    path(f"{ONE}questions/<int:pk>/", question_edit, name="question_edit"),
    path(f"{ONE}questions/<int:pk>/supprimer/", question_delete, name="question_delete"),
    path(f"{ONE}questions/<int:pk>/deplacer/", question_move, name="question_move"),
    path(f"{ONE}axes/ajouter/", axis_add, name="axis_add"),
    path(f"{ONE}axes/<int:pk>/", axis_edit, name="axis_edit"),
    path(f"{ONE}axes/<int:pk>/supprimer/", axis_delete, name="axis_delete"),
    path(f"{ONE}publier/", publish, name="publish"),
    path(f"{ONE}clore/", close, name="close"),
    path(f"{ONE}rouvrir/", reopen, name="reopen"),
    path(f"{ONE}enqueteurs/", interviewers, name="interviewers"),
    path(f"{ONE}enqueteurs/<int:pk>/retirer/", interviewer_remove, name="interviewer_remove"),
]
