"""Personal data of the questionnaires (see accounts/rgpd.py).

- Export: the fillings a person made (quizzes, grids) or their household made
  (a challenge quiz), with every answer, and the number of survey interviews
  they entered (the interviewed people are anonymous: their answers are not
  the volunteer's data).
- Erasure: the person is unlinked from their fillings and interviews and the
  free texts they typed are emptied; scores, levels and choices stay, so that
  published aggregates (a challenge's before/after quiz) do not change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils.translation import gettext

from accounts.rgpd import Row, register_eraser, register_section
from questionnaires.models import Answer, Kind, Questionnaire, Response

if TYPE_CHECKING:
    from accounts.models import User


def _mine(user: User) -> Q:
    mine = Q(respondent=user)
    if user.household_id:
        mine |= Q(household_id=user.household_id)
    return mine


def export_responses(user: User) -> list[Row]:
    responses = (
        Response.objects.filter(_mine(user))
        .exclude(questionnaire__kind=Kind.SURVEY)
        .select_related("questionnaire")
        .prefetch_related("answers__question", "answers__choices")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "questionnaire": response.questionnaire.title,
            "type": str(response.questionnaire.get_kind_display()),
            "envoye_le": response.submitted_at,
            "moment": str(response.get_moment_display()) if response.moment else "",
            "intitule": response.label,
            "bonnes_reponses": response.correct_count,
            "questions_notees": response.question_count,
            "reponses": " | ".join(
                f"{answer.question.text} : {answer.as_text()}"
                for answer in sorted(response.answers.all(), key=lambda a: a.question.position)
            ),
        }
        for response in responses
    ]


def export_interviews(user: User) -> list[Row]:
    counts = (
        Response.objects.filter(interviewer=user)
        .values("questionnaire__title")
        .order_by("questionnaire__title")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "enquete": row["questionnaire__title"],
            "entretiens_saisis": row["n"],
            "note": gettext("Les personnes interrogées sont anonymes."),
        }
        for row in counts
    ]


def erase(user: User) -> None:
    Answer.objects.filter(response__respondent=user).exclude(text="").update(text="")
    Response.objects.filter(respondent=user).update(respondent=None)
    Response.objects.filter(interviewer=user).update(interviewer=None)
    Questionnaire.interviewers.through.objects.filter(user=user).delete()


def register() -> None:
    register_section("questionnaires", export_responses)
    register_section("entretiens", export_interviews)
    register_eraser(erase)
