"""One engine for three uses: quizzes (scored), collective surveys (volunteers
interview neighbours) and self-diagnosis grids (questions scored 0–4 along
axes).

A questionnaire belongs to a territory, or to nobody when it is a template of
the platform that organisers copy. Questions are locked once answered:
editing an answered question retires it and creates the next version, which
shares its ``lineage`` so that results can follow a question across versions.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

GRID_MIN_SCORE = 0
GRID_MAX_SCORE = 4


class Kind(models.TextChoices):
    QUIZ = "quiz", _("Quiz")
    SURVEY = "enquete", _("Enquête collective")
    GRID = "grille", _("Grille d'autodiagnostic")


class Status(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    PUBLISHED = "publie", _("Publié")
    CLOSED = "clos", _("Clos")


class QuestionnaireQuerySet(models.QuerySet["Questionnaire"]):
    def templates(self) -> QuestionnaireQuerySet:
        return self.filter(is_template=True)

    def published(self) -> QuestionnaireQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def with_counts(self) -> QuestionnaireQuerySet:
        """Annotate `question_count` (current questions) and `response_count`
        with one subquery each: a list costs one query whatever its length."""
        questions = (
            Question.objects.filter(questionnaire=OuterRef("pk"), retired_at__isnull=True)
            .order_by()
            .values("questionnaire")
            .annotate(n=Count("pk"))
            .values("n")
        )
        responses = (
            Response.objects.filter(questionnaire=OuterRef("pk"))
            .order_by()
            .values("questionnaire")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            question_count=Coalesce(Subquery(questions, output_field=models.IntegerField()), 0),
            response_count=Coalesce(Subquery(responses, output_field=models.IntegerField()), 0),
        )


class Questionnaire(models.Model):
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="questionnaires",
        null=True,
        blank=True,
        help_text=_("Vide pour un modèle de la plateforme."),
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("défi"),
        on_delete=models.SET_NULL,
        related_name="questionnaires",
        null=True,
        blank=True,
        help_text=_("Un quiz lié à un défi se passe au début et à la fin du défi."),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=150)
    slug = models.SlugField(_("adresse courte"), max_length=80)
    intro = models.TextField(_("introduction"), blank=True)
    is_template = models.BooleanField(_("modèle"), default=False)
    source = models.ForeignKey(
        "self",
        verbose_name=_("copié du modèle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    results_public = models.BooleanField(
        _("résultats publics"),
        default=False,
        help_text=_(
            "Les résultats agrégés sont visibles de tous (jamais les réponses d'une personne)."
        ),
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enquêteurs et enquêtrices"),
        blank=True,
        related_name="surveys_to_conduct",
        help_text=_("Bénévoles qui saisissent les entretiens d'une enquête collective."),
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "slug"],
                name="unique_questionnaire_slug",
                condition=Q(territory__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["slug"],
                name="unique_template_slug",
                condition=Q(territory__isnull=True),
            ),
            models.CheckConstraint(
                condition=Q(is_template=False) | Q(territory__isnull=True),
                name="template_has_no_territory",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def question_kinds(self) -> tuple[str, ...]:
        """The kinds of question this questionnaire may hold."""
        return QUESTION_KINDS[Kind(self.kind)]


class Axis(models.Model):
    """A section of a questionnaire; the five axes of a resilience grid."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="axes")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("axe"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "unique", _("Choix unique")
    MULTIPLE = "multiple", _("Choix multiple")
    TEXT = "texte", _("Réponse libre")
    SCALE = "echelle", _("Échelle")
    SCORE = "note", _("Note de 0 à 4 (grille)")


class QuestionQuerySet(models.QuerySet["Question"]):
    def current(self) -> QuestionQuerySet:
        return self.filter(retired_at__isnull=True)

    def in_order(self) -> QuestionQuerySet:
        """The order respondents see: axis by axis, then by position."""
        return self.order_by("axis__position", "axis_id", "position", "pk")


# The kinds answered by picking among proposed choices (scored in a quiz).
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

# A quiz is scored, so its questions have right answers; a grid scores 0–4.
QUESTION_KINDS: dict[Kind, tuple[str, ...]] = {
    Kind.QUIZ: CHOICE_KINDS,
    Kind.SURVEY: (
        QuestionKind.TEXT,
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
        QuestionKind.SCALE,
    ),
    Kind.GRID: (QuestionKind.SCORE,),
}


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    axis = models.ForeignKey(
        Axis,
        verbose_name=_("axe"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type de question"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("aide"), max_length=300, blank=True)
    explanation = models.TextField(
        _("explication"), blank=True, help_text=_("Montrée après la réponse (quiz).")
    )
    required = models.BooleanField(_("réponse obligatoire"), default=True)
    scale_min = models.SmallIntegerField(_("minimum de l'échelle"), default=1)
    scale_max = models.SmallIntegerField(_("maximum de l'échelle"), default=5)
    scale_min_label = models.CharField(_("libellé du minimum"), max_length=60, blank=True)
    scale_max_label = models.CharField(_("libellé du maximum"), max_length=60, blank=True)
    # Versions: an answered question is never edited in place.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_version"
    )
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_min__lt=models.F("scale_max")), name="scale_min_below_max"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.scale_min >= self.scale_max:
            raise ValidationError(
                {"scale_max": _("Le maximum de l'échelle doit être supérieur au minimum.")}
            )


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.CharField(_("réponse proposée"), max_length=200)
    is_correct = models.BooleanField(_("bonne réponse"), default=False)
    # Grids: the score of a level (0–4) when levels carry a description.
    value = models.SmallIntegerField(
        _("valeur"),
        null=True,
        blank=True,
        validators=[MinValueValidator(GRID_MIN_SCORE), MaxValueValidator(GRID_MAX_SCORE)],
    )

    class Meta:
        verbose_name = _("réponse proposée")
        verbose_name_plural = _("réponses proposées")
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Moment(models.TextChoices):
    NONE = "", _("—")
    BEFORE = "debut", _("Début du défi")
    AFTER = "fin", _("Fin du défi")


class Response(models.Model):
    """One filling of a questionnaire.

    - quiz: by a user, for their household when the quiz belongs to a challenge
      (one per household and moment);
    - survey: entered by a volunteer (``interviewer``) for an anonymous
      respondent who consented;
    - grid: by an organiser for the territory, again and again over time
      (``label`` says which diagnosis it is).
    """

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    household = models.ForeignKey(
        "accounts.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
    )
    consent = models.BooleanField(_("la personne interrogée a donné son accord"), default=False)
    moment = models.CharField(
        _("moment"), max_length=5, choices=Moment.choices, blank=True, default=Moment.NONE
    )
    label = models.CharField(_("intitulé"), max_length=120, blank=True)
    # A double submission (back button, flaky network) carries the same key.
    client_key = models.UUIDField(unique=True, null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "household", "moment"],
                name="one_quiz_per_household_and_moment",
                condition=Q(household__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} — {self.submitted_at:%d/%m/%Y}"

    @property
    def score(self) -> float | None:
        """Correct answers / questions (METHODOLOGY §7)."""
        if not self.question_count or self.correct_count is None:
            return None
        return self.correct_count / self.question_count


class Tag(models.Model):
    """Organisers tag free-text survey answers to count recurring themes."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="tags")
    label = models.CharField(_("étiquette"), max_length=60)

    class Meta:
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "label"], name="unique_tag_label")
        ]

    def __str__(self) -> str:
        return self.label


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers")
    text = models.TextField(blank=True)
    number = models.SmallIntegerField(null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="answers")

    class Meta:
        verbose_name = _("réponse à une question")
        verbose_name_plural = _("réponses aux questions")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.text or self.number or ''}"

    def as_text(self) -> str:
        """What was answered, in words: the chosen texts joined by « ; », else
        the number, else the free text (prefetch `choices` for a list)."""
        choices = [c.text for c in self.choices.all()]
        if choices:
            return " ; ".join(choices)
        return self.text if self.number is None else str(self.number)
