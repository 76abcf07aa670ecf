"""Who may do what with questionnaires (see territories/rules.py for roles).

- organisers of the territory (and platform admins) build, publish, close,
  see every result, tag answers and fill the territory's self-diagnosis grid;
- a published quiz linked to a challenge is taken by the households taking
  part in it; a published quiz without a challenge by anyone logged in;
- survey interviews are entered by the volunteers the organisers named;
- aggregated results are public when the organiser publishes them; regional
  coordinators read them for their region.
"""

from __future__ import annotations

from typing import Any

import rules

from challenges.rules import is_participant
from questionnaires.models import Kind, Questionnaire, Response, Status
from territories.rules import is_organiser, is_platform_admin, is_published, is_regional_coordinator


def _questionnaire(obj: Any) -> Questionnaire | None:
    return obj if isinstance(obj, Questionnaire) else None


@rules.predicate
def is_template(user: Any, obj: Any) -> bool:
    q = _questionnaire(obj)
    return q is not None and q.is_template


@rules.predicate
def is_live(user: Any, obj: Any) -> bool:
    """Published or closed (a closed questionnaire still shows its page)."""
    q = _questionnaire(obj)
    return q is not None and q.status != Status.DRAFT


@rules.predicate
def is_open(user: Any, obj: Any) -> bool:
    q = _questionnaire(obj)
    return q is not None and q.status == Status.PUBLISHED


@rules.predicate
def is_quiz_for_anyone(user: Any, obj: Any) -> bool:
    q = _questionnaire(obj)
    return bool(q and q.kind == Kind.QUIZ and q.challenge_id is None and user.is_authenticated)


@rules.predicate
def is_quiz_of_my_challenge(user: Any, obj: Any) -> bool:
    q = _questionnaire(obj)
    if q is None or q.kind != Kind.QUIZ or q.challenge is None:
        return False
    return bool(is_participant(user, q.challenge))


@rules.predicate
def is_grid(user: Any, obj: Any) -> bool:
    q = _questionnaire(obj)
    return q is not None and q.kind == Kind.GRID


@rules.predicate
def is_survey(user: Any, obj: Any) -> bool:
    q = _questionnaire(obj)
    return q is not None and q.kind == Kind.SURVEY


@rules.predicate
def is_named_interviewer(user: Any, obj: Any) -> bool:
    q = _questionnaire(obj)
    if q is None or not user.is_authenticated:
        return False
    return q.interviewers.filter(pk=user.pk).exists()


@rules.predicate
def results_are_public(user: Any, obj: Any) -> bool:
    q = _questionnaire(obj)
    return q is not None and q.results_public and q.status != Status.DRAFT


manages = is_organiser | is_platform_admin

# Object: the territory (list, create, templates) or the questionnaire.
rules.add_perm("questionnaires.manage_questionnaire", manages)
rules.add_perm(
    "questionnaires.view_questionnaire",
    (is_live & is_published) | manages | is_regional_coordinator,
)
rules.add_perm(
    "questionnaires.take_questionnaire",
    is_open & (is_quiz_for_anyone | is_quiz_of_my_challenge | (is_grid & manages)),
)
rules.add_perm(
    "questionnaires.conduct_interview", is_open & is_survey & (is_named_interviewer | manages)
)
rules.add_perm(
    "questionnaires.view_results",
    manages | is_regional_coordinator | (results_are_public & is_published),
)
rules.add_perm("questionnaires.tag_answers", is_survey & manages)
rules.add_perm("questionnaires.view_template", is_template & rules.is_authenticated)


# --- one filling (Response): added with the answering views -----------------


def _response(obj: Any) -> Response | None:
    return obj if isinstance(obj, Response) else None


@rules.predicate
def is_my_response(user: Any, obj: Any) -> bool:
    """Mine, or my household's (a challenge quiz is answered for the household)."""
    response = _response(obj)
    if response is None or not user.is_authenticated:
        return False
    if response.respondent_id == user.pk:
        return True
    return bool(response.household_id and response.household_id == user.household_id)


@rules.predicate
def manages_response(user: Any, obj: Any) -> bool:
    response = _response(obj)
    return response is not None and bool(manages(user, response.questionnaire))


# Object: a Response. Nobody else ever sees one person's answers.
rules.add_perm("questionnaires.view_response", is_my_response | manages_response)
