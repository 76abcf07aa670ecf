"""Results: a questionnaire's aggregated answers (live for surveys), the
organisers' CSV export and tags on free-text answers, and the quiz block of a
challenge page (METHODOLOGY §7). Figures come from `questionnaires.results`.

The CSV is made for a French spreadsheet: UTF-8 with a byte order mark, `;`
between columns, one row per response, one column per question (all versions
of a question in the same column), the texts of several choices joined by
« ; ». No column names a person.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import log_access
from challenges.models import Challenge
from challenges.views import challenge_from_url
from elan.tabular import table_response
from questionnaires import charts, responses
from questionnaires.forms_respond import TagForm
from questionnaires.models import (
    Answer,
    Kind,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    Status,
    Tag,
)
from questionnaires.results import (
    GridResults,
    as_pct,
    challenge_quizzes,
    questionnaire_results,
    quiz_summaries,
    text_answer,
)
from questionnaires.views.respond import (
    INTERVIEW,
    MANAGE,
    RESULTS,
    TAKE,
    VIEW,
    _questionnaire,
    slugs,
)
from territories.permissions import permission_required

TAG = "questionnaires.tag_answers"
VIEW_CHALLENGE = "challenges.view_challenge"
LIVE_SECONDS = 15


def _is_live(questionnaire: Questionnaire) -> bool:
    return questionnaire.kind == Kind.SURVEY and questionnaire.status == Status.PUBLISHED


@require_GET
@permission_required(RESULTS, _questionnaire, visible=VIEW)
def results(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    user = request.user
    can_tag = user.has_perm(TAG, questionnaire)
    # The live partial refreshes the counts, never the free texts (tag forms stay put).
    partial = bool(request.htmx and request.GET.get("partiel"))  # type: ignore[attr-defined]
    data = questionnaire_results(
        questionnaire,
        with_texts=not partial and (can_tag or user.has_perm(MANAGE, questionnaire)),
    )
    context: dict[str, Any] = {
        "territory": questionnaire.territory,
        "questionnaire": questionnaire,
        "results": data,
        "blocks": [(q, charts.question_chart(q)) for q in data.questions],
        "can_tag": can_tag,
        "can_export": user.has_perm(MANAGE, questionnaire),
        "can_take": user.has_perm(TAKE, questionnaire),
        "can_interview": user.has_perm(INTERVIEW, questionnaire),
        "live": _is_live(questionnaire),
        "live_seconds": LIVE_SECONDS,
        "tags": Tag.objects.filter(questionnaire=questionnaire) if can_tag else [],
    }
    if data.quiz is not None:
        context["bands_chart"] = charts.score_bands_chart(data.quiz)
        context["success_chart"] = charts.success_chart(data.questions)
    if data.grid is not None:
        context.update(_grid_context(data.grid))
    if partial:
        return TemplateResponse(request, "questionnaires/results/_live.html", context)
    return TemplateResponse(request, "questionnaires/results/results.html", context)


def _grid_context(grid: GridResults) -> dict[str, Any]:
    latest = grid.fillings[-1] if grid.fillings else None
    return {
        "radar": charts.radar_chart(grid),
        "latest": latest,
        "latest_axes": [
            (axis, latest.scores.get(axis.pk), as_pct(latest.scores.get(axis.pk)))
            for axis in grid.axes
        ]
        if latest
        else [],
        "evolution": grid.evolution(),
    }


@require_GET
@permission_required(MANAGE, _questionnaire, visible=VIEW)
def results_csv(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    questions = list(
        Question.objects.filter(questionnaire=questionnaire)
        .select_related("axis")
        .order_by("axis__position", "position", "lineage", "-version")
    )
    columns: dict[Any, Question] = {}
    for question in questions:  # the latest version names the column
        if question.lineage not in columns or question.retired_at is None:
            columns[question.lineage] = question
    cells: dict[tuple[int, Any], str] = defaultdict(str)
    answers = Answer.objects.filter(question__questionnaire=questionnaire).select_related(
        "question"
    )
    for answer in answers.prefetch_related("choices"):
        cells[(answer.response_id, answer.question.lineage)] = answer.as_text()
    head = [_("Réponse n°"), _("Date"), *_extra_headers(questionnaire)]
    rows = Response.objects.filter(questionnaire=questionnaire).order_by("submitted_at", "pk")
    log_access(
        request,
        what=f"réponses au questionnaire « {questionnaire.title} »",
        territory=questionnaire.territory,
        people=rows.count(),
        export=True,
    )
    # The kit's writer neutralises an open answer such as « =HYPERLINK(…) ».
    return table_response(
        f"reponses-{questionnaire.slug}.csv",
        head + [q.text for q in columns.values()],
        (
            [
                row.pk,
                timezone.localtime(row.submitted_at).strftime("%d/%m/%Y %H:%M"),
                *_extra_cells(questionnaire, row),
                *(cells[(row.pk, lineage)] for lineage in columns),
            ]
            for row in rows
        ),
    )


def _extra_headers(questionnaire: Questionnaire) -> list[str]:
    if questionnaire.kind == Kind.QUIZ:
        return [_("Moment"), _("Bonnes réponses"), _("Questions notées"), _("Score (%)")]
    if questionnaire.kind == Kind.GRID:
        return [_("Intitulé")]
    return []


def _extra_cells(questionnaire: Questionnaire, response: Response) -> list[Any]:
    if questionnaire.kind == Kind.QUIZ:
        score = response.score
        return [
            response.get_moment_display() if response.moment else "",
            response.correct_count,
            response.question_count,
            "" if score is None else f"{100 * score:.1f}".replace(".", ","),
        ]
    if questionnaire.kind == Kind.GRID:
        return [response.label]
    return []


@require_POST
@permission_required(TAG, _questionnaire, visible=VIEW)
def tag_answer(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse:
    pk = request.resolver_match.kwargs["pk"] if request.resolver_match else None
    answer = get_object_or_404(
        Answer.objects.select_related("question__questionnaire", "response"),
        question__questionnaire=questionnaire,
        question__kind=QuestionKind.TEXT,
        pk=pk,
    )
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            done = _apply_tag(answer, form)
        except ValidationError as error:
            form.add_error("label", error.messages)
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, done)
                url = reverse("questionnaires:results", args=slugs(questionnaire))
                return redirect(f"{url}#reponse-{answer.pk}")
    context = {
        "territory": questionnaire.territory,
        "questionnaire": questionnaire,
        "answer": text_answer(answer),
        "question": answer.question,
        "form": form,
        "can_tag": True,
        "tags": Tag.objects.filter(questionnaire=questionnaire),
    }
    template = "_text_answer.html" if request.htmx else "tag_answer.html"  # type: ignore[attr-defined]
    return TemplateResponse(request, f"questionnaires/results/{template}", context)


def _apply_tag(answer: Answer, form: TagForm) -> str:
    remove = form.cleaned_data.get("remove")
    if remove is not None:
        tag = get_object_or_404(Tag, questionnaire=answer.question.questionnaire, pk=remove)
        responses.answer_untag(answer=answer, tag=tag)
        return _("Étiquette « %(label)s » retirée.") % {"label": tag.label}
    tag = responses.answer_tag(answer=answer, label=form.cleaned_data["label"])
    return _("Étiquette « %(label)s » ajoutée.") % {"label": tag.label}


@require_GET
@permission_required(VIEW_CHALLENGE, challenge_from_url, visible=VIEW_CHALLENGE)
def challenge_quiz_summary(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    quizzes = list(challenge_quizzes(challenge))
    summaries = quiz_summaries(quizzes)
    user: Any = request.user
    mine: dict[int, list[Response]] = defaultdict(list)
    if user.is_authenticated and user.household_id:
        for response in Response.objects.filter(
            questionnaire__in=quizzes, household_id=user.household_id
        ).order_by("submitted_at"):
            mine[response.questionnaire_id].append(response)
    context = {
        "territory": challenge.territory,
        "challenge": challenge,
        "rows": [
            {
                "summary": s,
                "can_take": user.has_perm(TAKE, s.questionnaire),
                "can_see_results": user.has_perm(RESULTS, s.questionnaire),
                "mine": mine.get(s.questionnaire.pk, []),
            }
            for s in summaries
        ],
        "chart": charts.before_after_chart(summaries),
    }
    template = "_quiz_summary.html" if request.htmx else "quiz_summary.html"  # type: ignore[attr-defined]
    return TemplateResponse(request, f"questionnaires/results/{template}", context)


ONE = "t/<slug:slug>/questionnaires/<slug:questionnaire>/"

urlpatterns: list[URLPattern] = [
    path(f"{ONE}resultats/", results, name="results"),
    path(f"{ONE}resultats/export.csv", results_csv, name="results_csv"),
    path(f"{ONE}resultats/reponses/<int:pk>/etiquettes/", tag_answer, name="tag_answer"),
    path(
        "t/<slug:slug>/defis/<slug:challenge>/quiz/",
        challenge_quiz_summary,
        name="challenge_quiz_summary",
    ),
]
