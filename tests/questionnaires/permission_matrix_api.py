"""The questionnaires API: published questionnaires are public; answering
needs an account (the same permissions as the pages); results are the
organisers' and the coordinator's until made public."""

from tests.matrix import PUBLIC, Spec, statuses
from tests.questionnaires.factories import quiz_with_questions, survey_with_questions


def territory(w):  # type: ignore[no-untyped-def]
    return {"territory": w.territory.slug}


def quiz(w):  # type: ignore[no-untyped-def]
    q = quiz_with_questions(2, territory=w.territory, slug="quiz-api")
    return {"territory": w.territory.slug, "slug": q.slug}


def survey(w):  # type: ignore[no-untyped-def]
    s = survey_with_questions(territory=w.territory, slug="enquete-api")
    return {"territory": w.territory.slug, "slug": s.slug}


MATRIX = {
    "api:questionnaire_list": Spec(PUBLIC, territory),
    "api:questionnaire_detail": Spec(PUBLIC, quiz),
    # A form-encoded body is not the JSON the endpoint reads: 400 once authenticated.
    "api:questionnaire_response_create": Spec(
        statuses(400, anonymous=401), quiz, method="POST", anonymous_to_login=False
    ),
    "api:questionnaire_results": Spec(
        statuses(403, organiser=200, coordinator=200, admin=200),
        survey,
        anonymous_to_login=False,
    ),
}
