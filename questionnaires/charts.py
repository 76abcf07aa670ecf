"""The charts of the questionnaire results pages, drawn with the shared kit
(`elan.charts`): choice counts, score bands, success rates, the grid's radar,
before/after quiz scores."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from elan.charts.grouped import Bars, BarSeries, Radar, RadarSeries, fmt
from questionnaires.results import GridResults, QuestionResult, QuizScores, QuizSummary

# --- the charts of the results pages -------------------------------------------------

RADAR_FILLINGS = 4


def count_text(count: int, pct: float | None) -> str:
    return f"{count} ({fmt(pct, 0, '%')})"


def question_chart(result: QuestionResult) -> Bars | None:
    """Choice counts, a scale's distribution or a grid question's levels."""
    if not result.choices:
        return None
    question = result.question
    labels = [
        _("%(label)s (bonne réponse)") % {"label": c.label} if c.is_correct else c.label
        for c in result.choices
    ]
    return Bars(
        title=question.text,
        description=_(
            "Nombre de réponses par proposition, sur %(n)d personnes ayant répondu à la question."
        )
        % {"n": result.answered},
        labels=labels,
        series=[
            BarSeries(
                str(_("Réponses")),
                [c.count for c in result.choices],
                [count_text(c.count, c.pct) for c in result.choices],
            )
        ],
        label_header=str(_("Réponse")),
        chart_id=f"question-{question.pk}",
        show_title=False,
    )


def score_bands_chart(quiz: QuizScores) -> Bars:
    return Bars(
        title=str(_("Répartition des scores")),
        description=_(
            "Nombre de personnes par tranche de score (part des bonnes réponses), sur %(n)d réponses."
        )
        % {"n": quiz.count},
        labels=[band.label for band in quiz.bands],
        series=[
            BarSeries(
                str(_("Réponses")),
                [band.count for band in quiz.bands],
                [count_text(band.count, band.pct) for band in quiz.bands],
            )
        ],
        label_header=str(_("Score")),
        chart_id="repartition-scores",
    )


def success_chart(questions: Sequence[QuestionResult]) -> Bars | None:
    scored = [q for q in questions if q.is_scored and q.answered]
    if not scored:
        return None
    return Bars(
        title=str(_("Taux de bonnes réponses par question")),
        description=str(
            _("Part des personnes ayant donné la bonne réponse, question par question.")
        ),
        labels=[q.question.text for q in scored],
        series=[BarSeries(str(_("Bonnes réponses")), [q.success_rate for q in scored])],
        label_header=str(_("Question")),
        unit="%",
        max_value=100,
        chart_id="reussite-questions",
    )


def radar_chart(grid: GridResults) -> Radar | None:
    """The latest fillings (up to four), oldest first, on the grid's axes."""
    fillings = grid.fillings[-RADAR_FILLINGS:]
    if not fillings or not grid.axes:
        return None
    return Radar(
        title=str(_("Scores par axe")),
        description=_(
            "Score moyen de chaque axe, de 0 (rien n'existe) à 4, pour les %(n)d derniers "
            "diagnostics ; chaque diagnostic a sa couleur, son trait et sa forme de point."
        )
        % {"n": len(fillings)},
        axes=[axis.title for axis in grid.axes],
        axis_header=str(_("Axe")),
        series=[
            RadarSeries(f.label, [f.scores.get(axis.pk) for axis in grid.axes]) for f in fillings
        ],
        chart_id="radar-axes",
    )


def before_after_chart(summaries: Sequence[QuizSummary]) -> Bars | None:
    shown = [s for s in summaries if s.has_answers]
    if not shown:
        return None
    return Bars(
        title=str(_("Score moyen au quiz, au début et à la fin du défi")),
        description=str(
            _(
                "Part moyenne de bonnes réponses des foyers, au début du défi (barres pleines) "
                "et à la fin (barres hachurées)."
            )
        ),
        labels=[s.questionnaire.title for s in shown],
        series=[
            BarSeries(str(_("Début du défi")), [s.before_mean for s in shown]),
            BarSeries(str(_("Fin du défi")), [s.after_mean for s in shown]),
        ],
        label_header=str(_("Quiz")),
        unit="%",
        max_value=100,
        chart_id="quiz-avant-apres",
    )
