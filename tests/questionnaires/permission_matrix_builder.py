"""Who may open the questionnaire builder: the territory's organisers and the
platform admins. A published questionnaire is visible to everyone, so others
get 403 (anonymous visitors the login page); a draft is a 404 to those who
may not see it."""

from tests.matrix import Spec, statuses
from tests.questionnaires.factories import (
    AxisFactory,
    QuestionFactory,
    QuestionnaireFactory,
    quiz_with_questions,
)

ORGANISER = statuses(403, anonymous=302, organiser=200, admin=200)
ORGANISER_POST = statuses(403, anonymous=302, organiser=302, admin=302)
# A draft exists only for who may see it: organisers, admins, the region's coordinator.
DRAFT = statuses(404, coordinator=403, organiser=200, admin=200)


def territory(w):  # type: ignore[no-untyped-def]
    return {"slug": w.territory.slug}


def quiz(w):  # type: ignore[no-untyped-def]
    q = quiz_with_questions(2, territory=w.territory, slug="quiz-matrice")
    return {"slug": w.territory.slug, "questionnaire": q.slug}


def draft(w):  # type: ignore[no-untyped-def]
    q = quiz_with_questions(2, territory=w.territory, slug="brouillon", status="brouillon")
    return {"slug": w.territory.slug, "questionnaire": q.slug}


def closed(w):  # type: ignore[no-untyped-def]
    q = quiz_with_questions(2, territory=w.territory, slug="clos", status="clos")
    return {"slug": w.territory.slug, "questionnaire": q.slug}


def question(w):  # type: ignore[no-untyped-def]
    q = quiz_with_questions(2, territory=w.territory, slug="quiz-matrice")
    return {"slug": w.territory.slug, "questionnaire": q.slug, "pk": q.questions.first().pk}


def grid(w):  # type: ignore[no-untyped-def]
    q = QuestionnaireFactory(territory=w.territory, kind="grille", slug="grille")
    return {"slug": w.territory.slug, "questionnaire": q.slug}


def axis(w):  # type: ignore[no-untyped-def]
    q = QuestionnaireFactory(territory=w.territory, kind="grille", slug="grille")
    return {
        "slug": w.territory.slug,
        "questionnaire": q.slug,
        "pk": AxisFactory(questionnaire=q).pk,
    }


def survey(w):  # type: ignore[no-untyped-def]
    q = QuestionnaireFactory(territory=w.territory, kind="enquete", slug="enquete")
    QuestionFactory(questionnaire=q, kind="texte")
    return {"slug": w.territory.slug, "questionnaire": q.slug}


def interviewer(w):  # type: ignore[no-untyped-def]
    kwargs = survey(w)
    q = w.territory.questionnaires.get(slug=kwargs["questionnaire"])
    q.interviewers.add(w.users["member"])
    return {**kwargs, "pk": w.users["member"].pk}


MATRIX = {
    "questionnaires:manage": Spec(ORGANISER, territory),
    "questionnaires:templates": Spec(ORGANISER, territory),
    "questionnaires:template_preview": Spec(
        ORGANISER, lambda w: {"slug": w.territory.slug, "template": "quiz-energie-eau"}
    ),
    "questionnaires:create": Spec(ORGANISER, territory),
    "questionnaires:edit": Spec(ORGANISER, quiz),
    "questionnaires:preview": Spec(DRAFT, draft),
    "questionnaires:question_add": Spec(ORGANISER, quiz),
    "questionnaires:question_edit": Spec(ORGANISER, question),
    "questionnaires:question_delete": Spec(ORGANISER_POST, question, method="POST"),
    "questionnaires:question_move": Spec(
        ORGANISER_POST, question, method="POST", data={"direction": "down"}
    ),
    "questionnaires:axis_add": Spec(ORGANISER, grid),
    "questionnaires:axis_edit": Spec(ORGANISER, axis),
    "questionnaires:axis_delete": Spec(ORGANISER_POST, axis, method="POST"),
    "questionnaires:publish": Spec(DRAFT, draft),
    "questionnaires:close": Spec(ORGANISER, quiz),
    "questionnaires:reopen": Spec(ORGANISER, closed),
    "questionnaires:interviewers": Spec(ORGANISER, survey),
    "questionnaires:interviewer_remove": Spec(ORGANISER_POST, interviewer, method="POST"),
}
