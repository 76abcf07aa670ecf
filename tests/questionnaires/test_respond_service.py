"""questionnaires.responses: recording a filling (quiz, survey, grid) and tags."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires.models import Answer, Moment, QuestionKind, Response, Status, Tag
from questionnaires.responses import answer_tag, answer_untag, response_submit
from tests.factories import ChallengeFactory, RegistrationFactory, UserFactory
from tests.questionnaires.factories import (
    ChoiceFactory,
    QuestionFactory,
    QuestionnaireFactory,
    grid_with_axes,
    quiz_with_questions,
    survey_with_questions,
)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    # Read at each use: a run that crosses midnight must not compare
    # yesterday's date with the server's today.
    return timezone.localdate()


def right(question):  # type: ignore[no-untyped-def]
    return question.choices.get(is_correct=True).pk


def wrong(question):  # type: ignore[no-untyped-def]
    return question.choices.filter(is_correct=False).first().pk


def questions(questionnaire):  # type: ignore[no-untyped-def]
    return list(questionnaire.questions.order_by("position"))


def submit(questionnaire, answers, user, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("client_key", uuid.uuid4())
    return response_submit(questionnaire=questionnaire, answers=answers, user=user, **kwargs)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return {key: list(value) for key, value in error.message_dict.items()}


# --- quizzes -------------------------------------------------------------------------


def test_a_quiz_is_scored_question_by_question(territory, member):
    quiz = quiz_with_questions(3, territory=territory)
    q1, q2, q3 = questions(quiz)
    response, created = submit(quiz, {q1.pk: right(q1), q2.pk: right(q2), q3.pk: wrong(q3)}, member)
    assert created
    assert (response.correct_count, response.question_count) == (2, 3)
    assert response.score == pytest.approx(2 / 3)
    verdicts = dict(response.answers.values_list("question_id", "is_correct"))
    assert verdicts == {q1.pk: True, q2.pk: True, q3.pk: False}
    assert response.respondent == member
    assert response.household is None
    assert response.moment == ""


def test_a_multiple_choice_is_right_only_with_exactly_the_right_set(territory, member):
    quiz = QuestionnaireFactory(territory=territory)
    question = QuestionFactory(questionnaire=quiz, kind=QuestionKind.MULTIPLE)
    a = ChoiceFactory(question=question, is_correct=True)
    b = ChoiceFactory(question=question, is_correct=True)
    c = ChoiceFactory(question=question, is_correct=False)
    partial, _ = submit(quiz, {question.pk: [a.pk]}, member)
    too_many, _ = submit(quiz, {question.pk: [a.pk, b.pk, c.pk]}, member)
    exact, _ = submit(quiz, {question.pk: [b.pk, a.pk]}, member)
    assert [r.correct_count for r in (partial, too_many, exact)] == [0, 0, 1]
    assert set(exact.answers.get().choices.values_list("pk", flat=True)) == {a.pk, b.pk}


def test_a_quiz_without_challenge_can_be_taken_again_and_again(territory, member):
    quiz = quiz_with_questions(1, territory=territory)
    (question,) = questions(quiz)
    for _ in range(3):
        submit(quiz, {question.pk: right(question)}, member)
    assert Response.objects.filter(questionnaire=quiz, respondent=member).count() == 3


def test_the_same_client_key_returns_the_first_response_and_doubles_nothing(territory, member):
    quiz = quiz_with_questions(2, territory=territory)
    q1, q2 = questions(quiz)
    key = uuid.uuid4()
    first, created = submit(quiz, {q1.pk: right(q1), q2.pk: right(q2)}, member, client_key=key)
    again, created_again = submit(
        quiz, {q1.pk: wrong(q1), q2.pk: wrong(q2)}, member, client_key=key
    )
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert again.correct_count == 2
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 2


def test_it_refuses_a_client_key_used_by_someone_else(territory, member):
    quiz = quiz_with_questions(1, territory=territory)
    (question,) = questions(quiz)
    key = uuid.uuid4()
    submit(quiz, {question.pk: right(question)}, member, client_key=key)
    with pytest.raises(ValidationError, match="clé d'envoi a déjà servi"):
        submit(quiz, {question.pk: right(question)}, UserFactory(), client_key=key)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.DRAFT])
def test_it_refuses_answers_to_a_questionnaire_that_is_not_published(territory, member, status):
    quiz = quiz_with_questions(1, territory=territory, status=status)
    (question,) = questions(quiz)
    with pytest.raises(ValidationError) as refused:
        submit(quiz, {question.pk: right(question)}, member)
    assert refused.value.messages == [
        "Ce questionnaire est clos : les réponses ne sont plus acceptées."
    ]
    assert not Response.objects.exists()


def test_it_refuses_a_missing_required_answer_next_to_its_question(territory, member):
    quiz = quiz_with_questions(2, territory=territory)
    q1, q2 = questions(quiz)
    with pytest.raises(ValidationError) as refused:
        submit(quiz, {q1.pk: right(q1)}, member)
    assert messages_of(refused.value) == {str(q2.pk): ["Répondez à cette question."]}
    assert not Response.objects.exists()


def test_an_optional_quiz_question_left_blank_counts_as_wrong(territory, member):
    quiz = quiz_with_questions(2, territory=territory)
    q1, q2 = questions(quiz)
    q2.required = False
    q2.save(update_fields=["required"])
    response, _ = submit(quiz, {q1.pk: right(q1), q2.pk: []}, member)
    assert (response.correct_count, response.question_count) == (1, 2)
    assert response.answers.count() == 1


def test_it_refuses_a_choice_of_another_question(territory, member):
    quiz = quiz_with_questions(2, territory=territory)
    q1, q2 = questions(quiz)
    with pytest.raises(ValidationError) as refused:
        submit(quiz, {q1.pk: right(q2), q2.pk: right(q2)}, member)
    assert messages_of(refused.value) == {
        str(q1.pk): ["Cette réponse ne fait pas partie de celles proposées."]
    }


def test_it_refuses_two_choices_for_a_single_choice_question(territory, member):
    quiz = quiz_with_questions(1, territory=territory)
    (question,) = questions(quiz)
    with pytest.raises(ValidationError, match="Une seule réponse est possible"):
        submit(quiz, {question.pk: [right(question), wrong(question)]}, member)


def test_it_refuses_a_value_that_is_not_a_number(territory, member):
    quiz = quiz_with_questions(1, territory=territory)
    (question,) = questions(quiz)
    with pytest.raises(ValidationError, match="Choisissez une valeur dans la liste"):
        submit(quiz, {question.pk: "la première"}, member)


def test_only_current_questions_are_answerable(territory, member):
    quiz = quiz_with_questions(2, territory=territory)
    old, current = questions(quiz)
    old.retired_at = timezone.now()
    old.save(update_fields=["retired_at"])
    with pytest.raises(ValidationError, match="rechargez la page"):
        submit(quiz, {old.pk: right(old), current.pk: right(current)}, member)
    response, _ = submit(quiz, {current.pk: right(current)}, member)
    assert (response.correct_count, response.question_count) == (1, 1)


# --- the quiz of a challenge ---------------------------------------------------------


@pytest.fixture
def challenge_quiz(territory, member):  # type: ignore[no-untyped-def]
    challenge = ChallengeFactory(territory=territory)
    RegistrationFactory(challenge=challenge, household=member.household)
    return quiz_with_questions(2, territory=territory, challenge=challenge)


def all_right(quiz):  # type: ignore[no-untyped-def]
    return {q.pk: right(q) for q in questions(quiz)}


def test_the_first_answer_of_a_household_is_the_start_one(challenge_quiz, member):
    response, _ = submit(
        challenge_quiz, all_right(challenge_quiz), member, household=member.household
    )
    assert response.moment == Moment.BEFORE
    assert response.household == member.household


def test_the_end_answer_waits_until_thirty_days_before_the_end(challenge_quiz, member):
    submit(challenge_quiz, all_right(challenge_quiz), member, household=member.household)
    ends_on = challenge_quiz.challenge.ends_on
    with pytest.raises(ValidationError, match="Vous pourrez répondre de nouveau"):
        submit(
            challenge_quiz,
            all_right(challenge_quiz),
            member,
            household=member.household,
            today=ends_on - dt.timedelta(days=31),
        )
    response, _ = submit(
        challenge_quiz,
        all_right(challenge_quiz),
        member,
        household=member.household,
        today=ends_on - dt.timedelta(days=30),
    )
    assert response.moment == Moment.AFTER


def test_a_third_answer_of_a_household_is_refused(challenge_quiz, member):
    after_end = challenge_quiz.challenge.ends_on + dt.timedelta(days=1)
    for _ in range(2):
        submit(
            challenge_quiz,
            all_right(challenge_quiz),
            member,
            household=member.household,
            today=after_end,
        )
    partner = UserFactory(household=member.household)
    with pytest.raises(ValidationError) as refused:
        submit(
            challenge_quiz,
            all_right(challenge_quiz),
            partner,
            household=member.household,
            today=after_end,
        )
    assert refused.value.messages == ["Votre foyer a déjà répondu au début et à la fin du défi."]
    assert Response.objects.filter(household=member.household).count() == 2


def test_an_explicit_moment_is_checked(challenge_quiz, member):
    with pytest.raises(ValidationError, match="Le quiz de fin de défi s'ouvre le"):
        submit(
            challenge_quiz,
            all_right(challenge_quiz),
            member,
            household=member.household,
            moment="fin",
        )
    submit(
        challenge_quiz,
        all_right(challenge_quiz),
        member,
        household=member.household,
        moment="debut",
    )
    with pytest.raises(ValidationError, match="déjà répondu à ce moment"):
        submit(
            challenge_quiz,
            all_right(challenge_quiz),
            member,
            household=member.household,
            moment="debut",
        )


def test_a_challenge_quiz_needs_a_household(challenge_quiz, outsider):
    with pytest.raises(ValidationError, match="rattachez d'abord votre compte à un foyer"):
        submit(challenge_quiz, all_right(challenge_quiz), outsider)


def test_a_moment_is_refused_outside_a_challenge_quiz(territory, member):
    quiz = quiz_with_questions(1, territory=territory)
    with pytest.raises(ValidationError, match="ne concerne que les quiz d'un défi"):
        submit(quiz, all_right(quiz), member, moment="debut")


# --- surveys -------------------------------------------------------------------------


def survey_answers(survey):  # type: ignore[no-untyped-def]
    single, multiple, scale, text = questions(survey)
    return {
        single.pk: single.choices.first().pk,
        multiple.pk: list(multiple.choices.values_list("pk", flat=True)[:2]),
        scale.pk: 4,
        text.pk: "  Un composteur de quartier.  ",
    }


def test_an_interview_is_anonymous_and_names_its_volunteer(territory, member):
    survey = survey_with_questions(territory=territory)
    response, _ = submit(survey, survey_answers(survey), member, interviewer=member, consent=True)
    assert response.respondent is None
    assert response.household is None
    assert response.interviewer == member
    assert response.consent
    _single, multiple, scale, text = questions(survey)
    assert response.answers.get(question=scale).number == 4
    assert response.answers.get(question=text).text == "Un composteur de quartier."
    assert response.answers.get(question=multiple).choices.count() == 2
    assert response.correct_count is None


def test_it_refuses_an_interview_without_consent(territory, member):
    survey = survey_with_questions(territory=territory)
    with pytest.raises(ValidationError) as refused:
        submit(survey, survey_answers(survey), member, interviewer=member, consent=False)
    assert list(messages_of(refused.value)) == ["consent"]
    assert not Response.objects.exists()


@pytest.mark.parametrize("value", [0, 6, "beaucoup"])
def test_it_refuses_a_scale_value_out_of_bounds(territory, member, value):
    survey = survey_with_questions(territory=territory)
    answers = survey_answers(survey)
    scale = questions(survey)[2]
    answers[scale.pk] = value
    with pytest.raises(ValidationError) as refused:
        submit(survey, answers, member, interviewer=member, consent=True)
    assert list(messages_of(refused.value)) == [str(scale.pk)]


def test_it_refuses_a_free_text_that_is_too_long(territory, member):
    survey = survey_with_questions(territory=territory)
    answers = survey_answers(survey)
    answers[questions(survey)[3].pk] = "x" * 4001
    with pytest.raises(ValidationError, match="4000 caractères au plus"):
        submit(survey, answers, member, interviewer=member, consent=True)


def test_a_double_tap_on_an_interview_records_it_once(territory, member):
    survey = survey_with_questions(territory=territory)
    key = uuid.uuid4()
    for _ in range(2):
        submit(
            survey, survey_answers(survey), member, interviewer=member, consent=True, client_key=key
        )
    assert Response.objects.filter(questionnaire=survey).count() == 1


# --- grids ---------------------------------------------------------------------------


def test_a_grid_stores_the_chosen_level_and_its_score(territory, organiser):
    grid = grid_with_axes(axes=1, per_axis=2, territory=territory)
    q1, q2 = questions(grid)
    level3 = q1.choices.get(value=3)
    response, _ = submit(grid, {q1.pk: level3.pk, q2.pk: q2.choices.get(value=0).pk}, organiser)
    answer = response.answers.get(question=q1)
    assert answer.number == 3
    assert list(answer.choices.all()) == [level3]
    assert response.label.startswith("Diagnostic de ")
    assert response.respondent == organiser


def test_a_grid_keeps_its_label_and_refuses_a_long_one(territory, organiser):
    grid = grid_with_axes(axes=1, per_axis=1, territory=territory)
    (question,) = questions(grid)
    answers = {question.pk: question.choices.get(value=2).pk}
    response, _ = submit(grid, answers, organiser, label="Diagnostic de rentrée")
    assert response.label == "Diagnostic de rentrée"
    with pytest.raises(ValidationError) as refused:
        submit(grid, answers, organiser, label="x" * 121)
    assert list(messages_of(refused.value)) == ["label"]


def test_a_grid_question_without_levels_takes_a_score_from_0_to_4(territory, organiser):
    grid = QuestionnaireFactory(territory=territory, kind="grille")
    question = QuestionFactory(questionnaire=grid, kind=QuestionKind.SCORE)
    response, _ = submit(grid, {question.pk: 4}, organiser)
    assert response.answers.get().number == 4
    with pytest.raises(ValidationError, match="niveau entre 0 et 4"):
        submit(grid, {question.pk: 5}, organiser)


# --- tags ----------------------------------------------------------------------------


def text_answer(territory, member):  # type: ignore[no-untyped-def]
    survey = survey_with_questions(territory=territory)
    response, _ = submit(survey, survey_answers(survey), member, interviewer=member, consent=True)
    return response.answers.get(question__kind=QuestionKind.TEXT)


def test_a_tag_is_created_once_and_reused_whatever_its_case(territory, member):
    answer = text_answer(territory, member)
    tag = answer_tag(answer=answer, label="  Compost   collectif ")
    same = answer_tag(answer=answer, label="compost collectif")
    assert tag == same
    assert tag.label == "Compost collectif"
    assert list(answer.tags.all()) == [tag]
    answer_untag(answer=answer, tag=tag)
    assert not answer.tags.exists()
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_it_refuses_an_empty_tag_and_tags_on_choice_answers(territory, member):
    answer = text_answer(territory, member)
    with pytest.raises(ValidationError, match="Écrivez une étiquette"):
        answer_tag(answer=answer, label="   ")
    choice_answer = answer.response.answers.exclude(pk=answer.pk).first()
    with pytest.raises(ValidationError, match="Seules les réponses libres"):
        answer_tag(answer=choice_answer, label="Jardin")


ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([float("inf"), 3.7, "4", " 2 ", [1.5]]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(
        st.one_of(st.integers(min_value=-5, max_value=10**6), st.text(max_size=5)), max_size=4
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(ANY_VALUE, min_size=4, max_size=4), extra=st.booleans())
def test_any_bad_input_is_a_french_refusal_never_a_crash(territory, member, values, extra):
    survey = survey_with_questions(territory=territory, slug=f"s-{uuid.uuid4().hex[:8]}")
    answers = {q.pk: v for q, v in zip(questions(survey), values, strict=True)}
    if extra:
        answers[10**9] = "question inconnue"
    before = Response.objects.count()
    try:
        response, _created = submit(survey, answers, member, interviewer=member, consent=True)
    except ValidationError as error:
        refusal, response = error, None
    else:
        refusal = None
    if refusal is not None:
        assert all(isinstance(m, str) and m for m in refusal.messages)
        assert Response.objects.count() == before
    else:
        assert response is not None
        assert response.answers.count() <= 4


@pytest.mark.parametrize("value", [3.7, float("inf"), True])
def test_a_scale_takes_whole_numbers_only(territory, member, value):
    survey = survey_with_questions(territory=territory)
    answers = survey_answers(survey)
    answers[questions(survey)[2].pk] = value
    with pytest.raises(ValidationError, match="Choisissez une valeur dans la liste"):
        submit(survey, answers, member, interviewer=member, consent=True)
