"""Who may read results: a survey's results are the organisers' (and the
region's coordinator's) until they are made public; the raw CSV and tags are
the organisers' only. A challenge's quiz block is public like its page."""

from tests.matrix import PUBLIC, Spec, statuses
from tests.questionnaires.factories import ResponseFactory, survey_with_questions

ORGANISERS = statuses(403, anonymous=302, organiser=200, admin=200)


def survey(w):  # type: ignore[no-untyped-def]
    s = survey_with_questions(territory=w.territory, slug="enquete-privee")
    return {"slug": w.territory.slug, "questionnaire": s.slug}


def text_answer(w):  # type: ignore[no-untyped-def]
    s = survey_with_questions(territory=w.territory, slug="enquete-privee")
    response = ResponseFactory(questionnaire=s, consent=True)
    question = s.questions.get(kind="texte")
    answer = response.answers.create(question=question, text="Un composteur de quartier")
    return {"slug": w.territory.slug, "questionnaire": s.slug, "pk": answer.pk}


def challenge(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug, "challenge": w.extra["challenge"].slug}


MATRIX = {
    "questionnaires:results": Spec(
        statuses(403, anonymous=302, organiser=200, coordinator=200, admin=200), survey
    ),
    "questionnaires:results_csv": Spec(ORGANISERS, survey),
    "questionnaires:tag_answer": Spec(
        statuses(403, anonymous=302, organiser=302, admin=302),
        text_answer,
        method="POST",
        data={"label": "Compost"},
    ),
    "questionnaires:challenge_quiz_summary": Spec(PUBLIC, challenge),
}
