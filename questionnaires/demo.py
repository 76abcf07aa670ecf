"""Demo part of the questionnaires, in the Val de Drôme:

- the « Quiz énergie et eau » of the running energy challenge, answered by 25
  selected households at the start and by 15 of them again at the end, with
  better scores on average;
- the neighbourhood survey, with two named volunteers and 30 interviews,
  some free-text answers tagged;
- the resilience self-diagnosis grid filled twice, a year ago and last month.

Questionnaires are copied from the shipped templates and published through
the builder's services, every filling goes through `response_submit` with a
client key derived from what it is (uuid5): a second run finds everything and
creates nothing. Answers come from `ctx.rng`, all drawn whatever the database
holds, so that every run draws the same.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone, translation

from accounts.models import User
from challenges.models import Challenge, RegistrationStatus
from questionnaires.models import Question, QuestionKind, Questionnaire, Response
from questionnaires.responses import answer_tag, default_grid_label, response_submit
from questionnaires.services import questionnaire_copy, questionnaire_publish

NAMESPACE = uuid.UUID("5b0c63d4-6c43-4c8e-9a52-1f3d2f7e0a11")
ORGANISER = "animatrice@demo.elan.localhost"
QUIZ_START, QUIZ_END = 25, 15
INTERVIEWS = 30

# Free texts the volunteers noted, with the theme an organiser tagged (or none).
FREE_TEXTS: list[tuple[str, str]] = [
    ("Le marché du samedi et les commerçants qui nous connaissent.", "Commerces de proximité"),
    ("Une navette pour monter au village sans voiture, même le dimanche.", "Mobilité"),
    ("Un composteur partagé au pied de l'immeuble.", "Déchets et compost"),
    ("Qu'on se dise bonjour : la fête des voisins devrait durer toute l'année.", "Lien social"),
    ("J'ai essayé le vélo mais la côte de la gare est trop raide.", "Mobilité"),
    ("Des ateliers pour réparer les petits appareils plutôt que les jeter.", "Réparation"),
    ("Le calme et la vue sur la Drôme.", ""),
    ("Savoir à qui m'adresser pour isoler ma maison sans me faire arnaquer.", "Logement"),
    ("Je sais réparer les vélos, je peux apprendre aux jeunes.", "Réparation"),
    ("Moins cher : les produits bio restent trop chers pour nous.", "Coût"),
    ("Un jardin partagé près de l'école.", "Alimentation"),
    ("Acheter en vrac, mais il n'y a rien près de chez moi.", "Commerces de proximité"),
]


def seed(ctx: Any) -> None:
    territory = ctx.territories.get("val-de-drome")
    organiser = ctx.users.get(ORGANISER)
    if territory is None or organiser is None:
        return
    with translation.override("fr"):
        _quiz(ctx, territory, organiser)
        _survey(ctx, territory, organiser)
        _grid(ctx, territory, organiser)


def _key(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


def _copy(
    ctx: Any,
    slug: str,
    territory: Any,
    organiser: User,
    *,
    challenge: Challenge | None = None,
    results_public: bool = False,
) -> Questionnaire | None:
    """The territory's published copy of the template `slug` (made once)."""
    template = Questionnaire.objects.templates().filter(slug=slug).first()
    if template is None:  # the templates' migration is not applied
        return None
    found = Questionnaire.objects.filter(
        territory=territory, source=template, challenge=challenge
    ).first()
    ctx.count("questionnaires", found is None)
    if found is not None:
        return found
    copy = questionnaire_copy(
        template=template, territory=territory, user=organiser, challenge=challenge
    )
    if results_public:
        copy.results_public = True
        copy.save(update_fields=["results_public"])
    return questionnaire_publish(questionnaire=copy, user=organiser)


def _questions(questionnaire: Questionnaire) -> list[Question]:
    return list(
        Question.objects.current()
        .filter(questionnaire=questionnaire)
        .prefetch_related("choices")
        .order_by("axis__position", "position", "pk")
    )


def _stamp(response: Response, created: bool, when: dt.datetime) -> None:
    if created:
        Response.objects.filter(pk=response.pk).update(submitted_at=when)


# --- the challenge's quiz ------------------------------------------------------------


def _quiz(ctx: Any, territory: Any, organiser: User) -> None:
    challenge = (
        Challenge.objects.filter(territory=territory, title__startswith="Défi Familles à énergie")
        .order_by("pk")
        .first()
    )
    if challenge is None:
        return
    quiz = _copy(ctx, "quiz-energie-eau", territory, organiser, challenge=challenge)
    if quiz is None:
        return
    questions = _questions(quiz)
    registrations = list(
        challenge.registrations.filter(status=RegistrationStatus.SELECTED)
        .select_related("household")
        .order_by("household__name", "pk")[:QUIZ_START]
    )
    start = timezone.make_aware(dt.datetime.combine(challenge.starts_on, dt.time(19)))
    for index, registration in enumerate(registrations):
        household = registration.household
        member = household.members.order_by("email").first()
        # Each household knows some things at the start and learns along the way.
        skill = 0.35 + 0.4 * ctx.rng.random()
        learnt = min(0.95, skill + 0.1 + 0.2 * ctx.rng.random())
        before = _quiz_answers(ctx, questions, skill)
        after = _quiz_answers(ctx, questions, learnt)
        days = ctx.rng.randint(0, 9)
        if member is None:
            continue
        response, created = response_submit(
            questionnaire=quiz,
            answers=before,
            user=member,
            household=household,
            client_key=_key("quiz", household.pk, "debut"),
            moment="debut",
        )
        _stamp(response, created, start + dt.timedelta(days=days))
        ctx.count("réponses aux quiz", created)
        if index < QUIZ_END:
            # The demo shows a challenge under way with its end figures already.
            response, created = response_submit(
                questionnaire=quiz,
                answers=after,
                user=member,
                household=household,
                client_key=_key("quiz", household.pk, "fin"),
                moment="fin",
                today=challenge.ends_on,
            )
            _stamp(response, created, timezone.now() - dt.timedelta(hours=2 + index))
            ctx.count("réponses aux quiz", created)


def _quiz_answers(ctx: Any, questions: list[Question], skill: float) -> dict[int, Any]:
    answers: dict[int, Any] = {}
    for question in questions:
        choices = list(question.choices.all())
        right = [c.pk for c in choices if c.is_correct]
        wrong = [c.pk for c in choices if not c.is_correct]
        if ctx.rng.random() < skill or not wrong:
            answers[question.pk] = right
        elif question.kind == QuestionKind.MULTIPLE and len(right) > 1:
            answers[question.pk] = right[:-1]
        else:
            answers[question.pk] = [ctx.rng.choice(wrong)]
    return answers


# --- the neighbourhood survey --------------------------------------------------------


def _survey(ctx: Any, territory: Any, organiser: User) -> None:
    survey = _copy(ctx, "enquete-voisinage", territory, organiser, results_public=True)
    if survey is None:
        return
    volunteers = [h.members.order_by("email").first() for h in ctx.households[3:40:30]]
    volunteers = [v for v in volunteers if v is not None]
    for volunteer in volunteers:
        survey.interviewers.add(volunteer)
        ctx.logins.append((volunteer.email, f"bénévole de l'enquête « {survey.title} »"))
    if not volunteers:
        return
    questions = _questions(survey)
    now = timezone.now()
    for n in range(INTERVIEWS):
        volunteer = volunteers[n % len(volunteers)]
        answers, themes = _interview_answers(ctx, questions)
        response, created = response_submit(
            questionnaire=survey,
            answers=answers,
            user=volunteer,
            interviewer=volunteer,
            consent=True,
            client_key=_key("entretien", n),
        )
        _stamp(response, created, now - dt.timedelta(days=20 - n * 2 // 3, hours=n % 5))
        ctx.count("entretiens", created)
        if created and n % 3 != 2:
            _tag(response, themes)


def _interview_answers(
    ctx: Any, questions: list[Question]
) -> tuple[dict[int, Any], dict[int, str]]:
    """Varied answers, and the theme of each free text (question pk → theme)."""
    answers: dict[int, Any] = {}
    themes: dict[int, str] = {}
    for question in questions:
        choices = [c.pk for c in question.choices.all()]
        if question.kind == QuestionKind.SINGLE:
            answers[question.pk] = ctx.rng.choice(choices)
        elif question.kind == QuestionKind.MULTIPLE:
            answers[question.pk] = ctx.rng.sample(choices, ctx.rng.randint(1, min(3, len(choices))))
        elif question.kind == QuestionKind.SCALE:
            low, high = question.scale_min, question.scale_max
            answers[question.pk] = min(
                high, max(low, round(ctx.rng.triangular(low, high, high - 1)))
            )
        else:
            text, theme = ctx.rng.choice(FREE_TEXTS)
            answered = ctx.rng.random() < 0.6 or question.required
            answers[question.pk] = text if answered else ""
            themes[question.pk] = theme
    return answers, themes


def _tag(response: Response, themes: dict[int, str]) -> None:
    for answer in response.answers.filter(question__kind=QuestionKind.TEXT).select_related(
        "question__questionnaire"
    ):
        if themes.get(answer.question_id):
            answer_tag(answer=answer, label=themes[answer.question_id])


# --- the resilience grid -------------------------------------------------------------


def _grid(ctx: Any, territory: Any, organiser: User) -> None:
    grid = _copy(ctx, "grille-resilience", territory, organiser, results_public=True)
    if grid is None:
        return
    questions = _questions(grid)
    today = timezone.localdate()
    fillings = [
        (today - dt.timedelta(days=365), 0.0),
        (today.replace(day=1) - dt.timedelta(days=10), 0.8),
    ]
    for day, progress in fillings:
        answers = {}
        for question in questions:
            levels = {c.value: c.pk for c in question.choices.all() if c.value is not None}
            level = min(4, max(0, round(ctx.rng.triangular(0, 3, 1.5) + progress)))
            answers[question.pk] = levels.get(level, level) if levels else level
        response, created = response_submit(
            questionnaire=grid,
            answers=answers,
            user=organiser,
            client_key=_key("grille", day.isoformat()),
            label=default_grid_label(day),
        )
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(18)))
        _stamp(response, created, when)
        ctx.count("diagnostics", created)
