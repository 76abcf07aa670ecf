"""Who may answer: the public list and pages, a challenge's quiz (its selected
households), my answers (my household and the organisers; others find
nothing), and survey interviews (named volunteers and organisers)."""

from questionnaires.models import Questionnaire
from tests.matrix import PUBLIC, Spec, statuses
from tests.questionnaires.factories import (
    ResponseFactory,
    quiz_with_questions,
    survey_with_questions,
)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def quiz(w):  # type: ignore[no-untyped-def]
    q = quiz_with_questions(2, territory=w.territory, slug="quiz-libre")
    return {"slug": w.territory.slug, "questionnaire": q.slug}


def challenge_quiz(w):  # type: ignore[no-untyped-def]
    q = quiz_with_questions(
        2, territory=w.territory, slug="quiz-du-defi", challenge=w.extra["challenge"]
    )
    return {"slug": w.territory.slug, "questionnaire": q.slug}


def member_response(w):  # type: ignore[no-untyped-def]
    kwargs = challenge_quiz(w)
    member = w.users["member"]
    response = ResponseFactory(
        questionnaire=Questionnaire.objects.get(
            territory=w.territory, slug=kwargs["questionnaire"]
        ),
        respondent=member,
        household=member.household,
        moment="debut",
    )
    return {**kwargs, "pk": response.pk}


def survey(w):  # type: ignore[no-untyped-def]
    s = survey_with_questions(territory=w.territory, slug="enquete-voisinage")
    s.interviewers.add(w.users["member"])
    return {"slug": w.territory.slug, "questionnaire": s.slug}


MATRIX = {
    "questionnaires:list": Spec(PUBLIC, territory),
    "questionnaires:detail": Spec(PUBLIC, quiz),
    # The challenge's selected households (member, captain) take its quiz; platform
    # admins hold every permission (Django's superuser rule).
    "questionnaires:take": Spec(
        statuses(403, anonymous=302, member=200, captain=200, admin=200), challenge_quiz
    ),
    "questionnaires:response": Spec(
        statuses(404, anonymous=302, member=200, organiser=200, admin=200), member_response
    ),
    "questionnaires:interview": Spec(
        statuses(403, anonymous=302, member=200, organiser=200, admin=200), survey
    ),
}
