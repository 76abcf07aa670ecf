"""Writes of answering: one filling of a questionnaire (`response_submit`) and
the organisers' tags on free-text answers.

`answers` maps a question's pk to what was answered, by kind of question:

- single choice: a choice pk (or a list of one);
- multiple choice: a list of choice pks;
- free text: a string;
- scale: an integer within the question's bounds;
- grid score: the pk of the chosen level (a choice whose `value` is 0–4), or
  the level itself (0–4) when the question has no level descriptions.

An empty value (None, "", []) is no answer. Errors are French
`ValidationError`s keyed by the question's pk (as a string), by ``consent``, or
not keyed when they concern the whole filling.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Household, User
from questionnaires.models import (
    CHOICE_KINDS,
    GRID_MAX_SCORE,
    GRID_MIN_SCORE,
    Answer,
    Choice,
    Kind,
    Moment,
    Question,
    QuestionKind,
    Questionnaire,
    Response,
    Status,
    Tag,
)

# The end-of-challenge quiz opens this many days before the challenge ends.
END_WINDOW_DAYS = 30
TEXT_MAX = 4000
LABEL_MAX = 120


def closed_message() -> str:
    return _("Ce questionnaire est clos : les réponses ne sont plus acceptées.")


def both_moments_message() -> str:
    return _("Votre foyer a déjà répondu au début et à la fin du défi.")


def end_opens_on(questionnaire: Questionnaire) -> dt.date | None:
    """First day a challenge quiz may be answered « à la fin »."""
    challenge = questionnaire.challenge
    return None if challenge is None else challenge.ends_on - dt.timedelta(days=END_WINDOW_DAYS)


def is_challenge_quiz(questionnaire: Questionnaire) -> bool:
    return questionnaire.kind == Kind.QUIZ and questionnaire.challenge_id is not None


def taken_moments(questionnaire: Questionnaire, household: Household | None) -> set[str]:
    if household is None:
        return set()
    return set(
        Response.objects.filter(questionnaire=questionnaire, household=household).values_list(
            "moment", flat=True
        )
    )


def next_moment(
    questionnaire: Questionnaire, taken: set[str], today: dt.date | None = None
) -> tuple[str | None, str]:
    """The moment the household answers now, or None and why it cannot."""
    if Moment.BEFORE not in taken:
        return Moment.BEFORE, ""
    if Moment.AFTER in taken:
        return None, both_moments_message()
    opens_on = end_opens_on(questionnaire)
    if opens_on is not None and (today or timezone.localdate()) < opens_on:
        return None, _(
            "Votre foyer a répondu au début du défi. Vous pourrez répondre de nouveau, "
            "pour mesurer vos progrès, à partir du %(date)s."
        ) % {"date": date_format(opens_on, "j F Y")}
    return Moment.AFTER, ""


def default_grid_label(today: dt.date | None = None) -> str:
    return _("Diagnostic de %(month)s") % {
        "month": date_format(today or timezone.localdate(), "F Y")
    }


@dataclass
class _Checked:
    question: Question
    choices: list[Choice]
    text: str = ""
    number: int | None = None
    is_correct: bool | None = None


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, key: Any, message: str) -> None:
        self.errors.setdefault(str(key), []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


@transaction.atomic
def response_submit(
    *,
    questionnaire: Questionnaire,
    answers: Mapping[int, Any],
    user: User | None,
    household: Household | None = None,
    interviewer: User | None = None,
    consent: bool = False,
    client_key: uuid.UUID,
    label: str = "",
    moment: str = "",
    today: dt.date | None = None,
) -> tuple[Response, bool]:
    """Record one filling; the same `client_key` again returns the first one
    (created is then False) and changes nothing.

    Quizzes of a challenge are answered for `household`: the first time « au
    début », the second « à la fin » (from 30 days before the end). Surveys
    are entered by an interviewer for an anonymous respondent who consented.
    `today` is the day of the answer (tests and the demo set it)."""
    existing = _replayed(questionnaire, client_key, user, interviewer)
    if existing is not None:
        return existing, False
    if questionnaire.status != Status.PUBLISHED or questionnaire.is_template:
        raise ValidationError(closed_message())
    fields = _fields(
        questionnaire=questionnaire,
        user=user,
        household=household,
        interviewer=interviewer,
        consent=consent,
        label=label,
        moment=moment,
        today=today,
    )
    checked = _checked_answers(questionnaire, answers)
    scored = [c for c in checked.values() if c.is_correct is not None]
    if questionnaire.kind == Kind.QUIZ:
        fields["question_count"] = sum(
            1 for c in checked.values() if c.question.kind in CHOICE_KINDS
        )
        fields["correct_count"] = sum(1 for c in scored if c.is_correct)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                questionnaire=questionnaire, client_key=client_key, **fields
            )
    except IntegrityError:
        # A concurrent twin (same key) or answer (same household and moment).
        existing = _replayed(questionnaire, client_key, user, interviewer)
        if existing is not None:
            return existing, False
        raise ValidationError(
            _("Votre foyer vient de répondre à ce quiz : rechargez la page.")
        ) from None
    _store_answers(response, [c for c in checked.values() if _answered(c)])
    return response, True


def _replayed(
    questionnaire: Questionnaire,
    client_key: uuid.UUID,
    user: User | None,
    interviewer: User | None,
) -> Response | None:
    found = Response.objects.filter(client_key=client_key).order_by().first()
    if found is None:
        return None
    author = interviewer or user
    author_id = author.pk if author is not None else None
    if found.questionnaire_id != questionnaire.pk or author_id not in (
        found.respondent_id,
        found.interviewer_id,
    ):
        raise ValidationError(
            _("Cette clé d'envoi a déjà servi pour une autre réponse : rechargez la page.")
        )
    return found


def _fields(
    *,
    questionnaire: Questionnaire,
    user: User | None,
    household: Household | None,
    interviewer: User | None,
    consent: bool,
    label: str,
    moment: str,
    today: dt.date | None,
) -> dict[str, Any]:
    """Who answers, for whom and when: the Response's columns besides the key."""
    if questionnaire.kind == Kind.SURVEY:
        # The respondent stays anonymous; only the volunteer is known.
        if not consent:
            raise ValidationError(
                {
                    "consent": _(
                        "Sans l'accord de la personne interrogée, l'entretien ne peut pas "
                        "être enregistré."
                    )
                }
            )
        return {"interviewer": interviewer or user, "consent": True}
    if moment and not is_challenge_quiz(questionnaire):
        raise ValidationError(_("Le moment (début ou fin) ne concerne que les quiz d'un défi."))
    if questionnaire.kind == Kind.GRID:
        label = label.strip()
        if len(label) > LABEL_MAX:
            raise ValidationError(
                {"label": _("%(max)d caractères au plus, s'il vous plaît.") % {"max": LABEL_MAX}}
            )
        return {"respondent": user, "label": label or default_grid_label(today)}
    if not is_challenge_quiz(questionnaire):
        return {"respondent": user}
    if household is None:
        raise ValidationError(
            _("Ce quiz se passe en foyer : rattachez d'abord votre compte à un foyer.")
        )
    return {
        "respondent": user,
        "household": household,
        "moment": _moment(questionnaire, household, moment, today),
    }


def _moment(
    questionnaire: Questionnaire, household: Household, asked: str, today: dt.date | None
) -> str:
    taken = taken_moments(questionnaire, household)
    if not asked:
        found, why = next_moment(questionnaire, taken, today)
        if found is None:
            raise ValidationError(why)
        return found
    if asked not in (Moment.BEFORE, Moment.AFTER):
        raise ValidationError(_("Le moment doit être « debut » ou « fin »."))
    if asked in taken:
        raise ValidationError(
            _("Votre foyer a déjà répondu à ce moment du défi (%(moment)s).")
            % {"moment": Moment(asked).label}
        )
    opens_on = end_opens_on(questionnaire)
    if asked == Moment.AFTER and opens_on and (today or timezone.localdate()) < opens_on:
        raise ValidationError(
            _("Le quiz de fin de défi s'ouvre le %(date)s.")
            % {"date": date_format(opens_on, "j F Y")}
        )
    return asked


def _checked_answers(
    questionnaire: Questionnaire, answers: Mapping[int, Any]
) -> dict[int, _Checked]:
    """Every current question with its validated answer; errors raised together."""
    questions = {
        q.pk: q
        for q in Question.objects.current()
        .filter(questionnaire=questionnaire)
        .prefetch_related("choices")
    }
    errors = _Errors()
    for key in answers:
        if _pk(key) not in questions:
            errors.add(
                NON_FIELD_ERRORS,
                _("Une question n'existe plus ou a changé : rechargez la page pour répondre."),
            )
            break
    answered = {_pk(k): v for k, v in answers.items() if _pk(k) in questions}
    checked: dict[int, _Checked] = {}
    for pk, question in questions.items():
        try:
            checked[pk] = _check(questionnaire, question, answered.get(pk))
        except ValidationError as error:
            for message in error.messages:
                errors.add(pk, message)
    errors.raise_any()
    return checked


def _pk(key: Any) -> int | None:
    try:
        return int(key)
    except (TypeError, ValueError):
        return None


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple | set) and not value)


def _answered(checked: _Checked) -> bool:
    return bool(checked.choices or checked.text or checked.number is not None)


def _check(questionnaire: Questionnaire, question: Question, value: Any) -> _Checked:
    if _is_empty(value):
        if question.required:
            raise ValidationError(_("Répondez à cette question."))
        scored = questionnaire.kind == Kind.QUIZ and question.kind in CHOICE_KINDS
        return _Checked(question, [], is_correct=False if scored else None)
    if question.kind == QuestionKind.TEXT:
        return _Checked(question, [], text=_text(value))
    if question.kind == QuestionKind.SCALE:
        return _Checked(question, [], number=_scale(question, value))
    if question.kind == QuestionKind.SCORE:
        return _score(question, value)
    chosen = _choices(question, value)
    is_correct = None
    if questionnaire.kind == Kind.QUIZ:
        right = {c.pk for c in question.choices.all() if c.is_correct}
        is_correct = {c.pk for c in chosen} == right
    return _Checked(question, chosen, is_correct=is_correct)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Écrivez votre réponse en toutes lettres."))
    if len(value.strip()) > TEXT_MAX:
        raise ValidationError(_("%(max)d caractères au plus, s'il vous plaît.") % {"max": TEXT_MAX})
    return value.strip()


def _integer(value: Any) -> int:
    """A whole number, also from its text ("4"); never a truncated 3.7."""
    refused = ValidationError(_("Choisissez une valeur dans la liste."))
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise refused
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise refused from None


def _scale(question: Question, value: Any) -> int:
    number = _integer(value)
    if not question.scale_min <= number <= question.scale_max:
        raise ValidationError(
            _("Choisissez une valeur entre %(min)d et %(max)d.")
            % {"min": question.scale_min, "max": question.scale_max}
        )
    return number


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return list(value)
    return [value]


def _choices(question: Question, value: Any) -> list[Choice]:
    by_pk = {c.pk: c for c in question.choices.all()}
    wanted = [_integer(v) for v in _as_list(value)]
    if any(pk not in by_pk for pk in wanted):
        raise ValidationError(_("Cette réponse ne fait pas partie de celles proposées."))
    if question.kind != QuestionKind.MULTIPLE and len(wanted) > 1:
        raise ValidationError(_("Une seule réponse est possible pour cette question."))
    return [by_pk[pk] for pk in dict.fromkeys(wanted)]


def _score(question: Question, value: Any) -> _Checked:
    levels = list(question.choices.all())
    if not levels:
        number = _integer(value)
        if not GRID_MIN_SCORE <= number <= GRID_MAX_SCORE:
            raise ValidationError(
                _("Choisissez un niveau entre %(min)d et %(max)d.")
                % {"min": GRID_MIN_SCORE, "max": GRID_MAX_SCORE}
            )
        return _Checked(question, [], number=number)
    (level,) = _choices(question, value)
    if level.value is None:
        raise ValidationError(_("Ce niveau n'a pas de note : choisissez-en un autre."))
    return _Checked(question, [level], number=level.value)


def _store_answers(response: Response, checked: list[_Checked]) -> None:
    rows = Answer.objects.bulk_create(
        Answer(
            response=response,
            question=c.question,
            text=c.text,
            number=c.number,
            is_correct=c.is_correct,
        )
        for c in checked
    )
    through = Answer.choices.through
    through.objects.bulk_create(
        through(answer_id=answer.pk, choice_id=choice.pk)
        for answer, c in zip(rows, checked, strict=True)
        for choice in c.choices
    )


# --- tags on free-text answers ----------------------------------------------------


@transaction.atomic
def answer_tag(*, answer: Answer, label: str) -> Tag:
    """Attach the tag named `label` (created when new) to a free-text answer."""
    label = " ".join(label.split())
    if not label:
        raise ValidationError({"label": _("Écrivez une étiquette.")})
    if answer.question.kind != QuestionKind.TEXT:
        raise ValidationError(_("Seules les réponses libres reçoivent des étiquettes."))
    questionnaire = answer.question.questionnaire
    tag = Tag.objects.filter(questionnaire=questionnaire, label__iexact=label).first()
    if tag is None:
        tag = Tag.objects.create(questionnaire=questionnaire, label=label[:60])
    answer.tags.add(tag)
    return tag


@transaction.atomic
def answer_untag(*, answer: Answer, tag: Tag) -> None:
    answer.tags.remove(tag)
