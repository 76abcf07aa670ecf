"""The commons of resources: methods, tools, action and experience sheets
under an open licence, classified in the resilience taxonomy (axes →
orientations → objectives → actions), revised like a wiki, enriched by the
territories' feedback and comments, gathered into paths.

A resource holds its current content in its own columns (for listing,
filtering and searching); every edit also stores a `Revision`, a full
snapshot of the editable fields (`SNAPSHOT_FIELDS`), and the resource points
to its current revision. Writes go through `commons.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commons.licences import DEFAULT_LICENCE, Licence, terms
from territories.themes import Theme

CURATORS_GROUP = "Curateurs du commun"


class Kind(models.TextChoices):
    METHOD = "methode", _("Méthode")
    TOOL = "outil", _("Outil")
    ACTION_SHEET = "fiche_action", _("Fiche action")
    EXPERIENCE = "retour_experience", _("Fiche retour d'expérience")
    GUIDE = "guide", _("Guide")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    EXHIBITION = "exposition", _("Exposition")
    MEDIA = "media", _("Podcast ou vidéo")


class Stage(models.TextChoices):
    # Seed 003's own wording.
    AVAILABLE = "disponible", _("Disponible mais non validé")
    TESTED = "teste", _("Testé")
    VALIDATED = "valide", _("Validé")


class Status(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    PUBLISHED = "publie", _("Publié")


class TerritoryType(models.TextChoices):
    RURAL = "rural", _("Rural")
    PERIURBAN = "periurbain", _("Périurbain")
    URBAN = "urbain", _("Urbain")


# --- taxonomy --------------------------------------------------------------------


class Axis(models.Model):
    """One of the five axes of seed 003 (food, energy, intellectual autonomy
    and social solidarity, health, economy)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("axe"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("axe de résilience")
        verbose_name_plural = _("axes de résilience")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Orientation(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="orientations")
    title = models.CharField(_("orientation"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["axis__position", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    orientation = models.ForeignKey(
        Orientation, on_delete=models.CASCADE, related_name="objectives"
    )
    title = models.CharField(_("objectif"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["orientation__axis__position", "orientation__position", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    name = models.CharField(_("mot-clé"), max_length=60)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- resources -------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotField:
    name: str
    label: Any
    prose: bool = False  # compared word by word
    section: Any = ""  # the OPTIGEDE section it belongs to (experience sheets)


# The OPTIGEDE sections of an experience sheet, in the order of the sheet.
SECTION_CONTEXT = _("Contexte")
SECTION_RESULTS = _("Objectifs et résultats")
SECTION_IMPLEMENTATION = _("Mise en œuvre")
SECTION_LESSONS = _("Enseignements")

EXPERIENCE_FIELDS: tuple[SnapshotField, ...] = (
    SnapshotField("context", _("Contexte"), True, SECTION_CONTEXT),
    SnapshotField("objectives", _("Objectifs"), True, SECTION_RESULTS),
    SnapshotField("results_quantitative", _("Résultats quantitatifs"), True, SECTION_RESULTS),
    SnapshotField("results_qualitative", _("Résultats qualitatifs"), True, SECTION_RESULTS),
    SnapshotField("implementation", _("Description de l'action"), True, SECTION_IMPLEMENTATION),
    SnapshotField("planning", _("Planning"), True, SECTION_IMPLEMENTATION),
    SnapshotField("human_means", _("Moyens humains"), True, SECTION_IMPLEMENTATION),
    SnapshotField("financial_means", _("Moyens financiers"), True, SECTION_IMPLEMENTATION),
    SnapshotField("technical_means", _("Moyens techniques"), True, SECTION_IMPLEMENTATION),
    SnapshotField("partners", _("Partenaires mobilisés"), True, SECTION_IMPLEMENTATION),
    SnapshotField("success_factors", _("Facteurs de réussite"), True, SECTION_LESSONS),
    SnapshotField("difficulties", _("Difficultés rencontrées"), True, SECTION_LESSONS),
    SnapshotField("recommendations", _("Recommandations"), True, SECTION_LESSONS),
)

# Every field a revision snapshots, in the order a diff shows them.
SNAPSHOT_FIELDS: tuple[SnapshotField, ...] = (
    SnapshotField("title", _("Titre")),
    SnapshotField("kind", _("Type")),
    SnapshotField("summary", _("Résumé"), True),
    SnapshotField("body", _("Texte"), True),
    *EXPERIENCE_FIELDS,
    SnapshotField("keywords", _("Mots-clés de la fiche")),
    SnapshotField("content_updated_on", _("Date de mise à jour")),
    SnapshotField("author_name", _("Auteur ou autrice")),
    SnapshotField("organisation", _("Structure")),
    SnapshotField("contact", _("Contact")),
    SnapshotField("source", _("Source")),
    SnapshotField("source_url", _("Adresse de la source")),
    SnapshotField("external_url", _("Lien (podcast, vidéo, exposition)")),
    SnapshotField("questionnaire", _("Questionnaire lié")),
    SnapshotField("licence", _("Licence")),
    SnapshotField("attribution", _("Attribution")),
    SnapshotField("axis", _("Axe")),
    SnapshotField("action", _("Action")),
    SnapshotField("theme", _("Thème")),
    SnapshotField("territory_types", _("Types de territoire")),
    SnapshotField("stage", _("Niveau de développement")),
    SnapshotField("tags", _("Mots-clés")),
)
SNAPSHOT_NAMES = tuple(f.name for f in SNAPSHOT_FIELDS)
# Fields stored as the primary key of another row.
FOREIGN_SNAPSHOT = {"axis": "axis_id", "action": "action_id", "questionnaire": "questionnaire_id"}


class ResourceQuerySet(models.QuerySet["Resource"]):
    def published(self) -> ResourceQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user: Any) -> ResourceQuerySet:
        """Published ones, plus the drafts this person wrote (curators: all)."""
        from commons.rules import is_curator, is_platform_admin

        if user.is_authenticated and (is_curator(user) or is_platform_admin(user)):
            return self
        if user.is_authenticated:
            return self.filter(Q(status=Status.PUBLISHED) | Q(created_by=user))
        return self.published()

    def with_feedback_figures(self) -> ResourceQuerySet:
        return self.annotate(
            feedback_count=Count("feedback", distinct=True),
            usefulness=Avg("feedback__usefulness"),
        )


class Resource(models.Model):
    slug = models.SlugField(_("adresse courte"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), max_length=1000, blank=True)
    body = models.TextField(_("texte (Markdown)"), blank=True)
    # OPTIGEDE sections (experience sheets), Markdown too.
    context = models.TextField(_("contexte"), blank=True)
    objectives = models.TextField(_("objectifs"), blank=True)
    results_quantitative = models.TextField(_("résultats quantitatifs"), blank=True)
    results_qualitative = models.TextField(_("résultats qualitatifs"), blank=True)
    implementation = models.TextField(_("description de l'action"), blank=True)
    planning = models.TextField(_("planning"), blank=True)
    human_means = models.TextField(_("moyens humains"), blank=True)
    financial_means = models.TextField(_("moyens financiers"), blank=True)
    technical_means = models.TextField(_("moyens techniques"), blank=True)
    partners = models.TextField(_("partenaires mobilisés"), blank=True)
    success_factors = models.TextField(_("facteurs de réussite"), blank=True)
    difficulties = models.TextField(_("difficultés rencontrées"), blank=True)
    recommendations = models.TextField(_("recommandations"), blank=True)
    keywords = models.CharField(_("mots-clés de la fiche"), max_length=300, blank=True)
    content_updated_on = models.DateField(_("date de mise à jour"), null=True, blank=True)
    author_name = models.CharField(_("auteur ou autrice"), max_length=200, blank=True)
    organisation = models.CharField(_("structure"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.URLField(_("adresse de la source"), blank=True)
    external_url = models.URLField(_("lien (podcast, vidéo, exposition)"), blank=True)
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        verbose_name=_("questionnaire lié"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commons_resources",
    )
    licence = models.CharField(
        _("licence"), max_length=24, choices=Licence.choices, default=DEFAULT_LICENCE
    )
    attribution = models.CharField(
        _("attribution"),
        max_length=300,
        blank=True,
        help_text=_("Qui citer quand on réutilise la ressource."),
    )
    axis = models.ForeignKey(
        Axis, verbose_name=_("axe"), on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.PROTECT, null=True, blank=True
    )
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices, blank=True)
    for_rural = models.BooleanField(_("territoires ruraux"), default=False)
    for_periurban = models.BooleanField(_("territoires périurbains"), default=False)
    for_urban = models.BooleanField(_("territoires urbains"), default=False)
    stage = models.CharField(
        _("niveau de développement"), max_length=12, choices=Stage.choices, default=Stage.AVAILABLE
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("mots-clés"), blank=True)
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("adaptée de"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adaptations",
    )
    derived_from_revision = models.ForeignKey(
        "Revision",
        verbose_name=_("à partir de la version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    current_revision = models.ForeignKey(
        "Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Plain text of every prose field, the tags and the credits: what search reads.
    search_text = models.TextField(editable=False, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commons_resources",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commons:detail", args=[self.slug])

    @property
    def licence_terms(self) -> Any:
        return terms(self.licence)

    @property
    def is_experience(self) -> bool:
        return self.kind == Kind.EXPERIENCE

    @property
    def territory_types(self) -> list[str]:
        flags = (
            (self.for_rural, TerritoryType.RURAL),
            (self.for_periurban, TerritoryType.PERIURBAN),
            (self.for_urban, TerritoryType.URBAN),
        )
        return [str(code) for on, code in flags if on]

    def territory_type_labels(self) -> list[str]:
        return [str(TerritoryType(code).label) for code in self.territory_types]

    def credit(self) -> str:
        """The attribution to give, as the licence asks."""
        if self.attribution:
            return self.attribution
        names = [n for n in (self.author_name, self.organisation) if n]
        return ", ".join(names)


class RevisionKind(models.TextChoices):
    CREATION = "creation", _("Création")
    EDIT = "modification", _("Modification")
    REVERT = "restauration", _("Restauration")
    ADAPTATION = "adaptation", _("Adaptation")


class Revision(models.Model):
    """A full snapshot of a resource's editable fields at one edit."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("numéro"))
    kind = models.CharField(
        _("nature"), max_length=14, choices=RevisionKind.choices, default=RevisionKind.EDIT
    )
    data = models.JSONField(_("contenu"))
    comment = models.CharField(_("résumé de la modification"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur ou autrice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commons_revisions",
    )
    base = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    restored_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


# --- files -----------------------------------------------------------------------


class Image(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(_("image"), upload_to="commons/images/")
    alt_text = models.CharField(
        _("texte alternatif"),
        max_length=250,
        help_text=_("Ce que montre l'image, pour qui ne la voit pas."),
    )
    caption = models.CharField(_("légende"), max_length=250, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.alt_text

    def get_absolute_url(self) -> str:
        return reverse("commons:image", args=[self.pk])


class Attachment(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("fichier"), upload_to="commons/fichiers/")
    title = models.CharField(_("titre"), max_length=200)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commons:attachment", args=[self.pk])


# --- feedback and comments -------------------------------------------------------


class Feedback(models.Model):
    """A territory's experience of using a resource."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="feedback")
    revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.CASCADE,
        related_name="commons_feedback",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="commons_feedback",
    )
    context = models.TextField(_("contexte"), max_length=3000)
    adapted = models.TextField(_("ce qui a été adapté"), max_length=3000, blank=True)
    worked = models.TextField(_("ce qui a marché"), max_length=3000, blank=True)
    did_not_work = models.TextField(_("ce qui n'a pas marché"), max_length=3000, blank=True)
    usefulness = models.PositiveSmallIntegerField(
        _("utilité (de 1 à 5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("retour d'expérience")
        verbose_name_plural = _("retours d'expérience")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5), name="feedback_usefulness_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory} — {self.resource}"


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "masque", _("Masqué")


class CommentQuerySet(models.QuerySet["Comment"]):
    def to_moderate(self) -> CommentQuerySet:
        """Reported and not yet looked at, or hidden (a curator may restore)."""
        return self.filter(Q(open_reports__gt=0) | Q(status=CommentStatus.HIDDEN))


class Comment(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="commons_comments",
    )
    body = models.TextField(_("commentaire"), max_length=5000)
    status = models.CharField(
        max_length=8, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    hidden_reason = models.CharField(_("motif"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # Reports not yet handled by a curator (kept on the row: the queue and the
    # page read it without counting reports).
    open_reports = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["resource", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_hidden(self) -> bool:
        return self.status == CommentStatus.HIDDEN


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("motif du signalement"), max_length=300, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} — {self.reporter_id}"


# --- paths -----------------------------------------------------------------------


class Path(models.Model):
    """An ordered selection of resources: « Par où commencer… ? »"""

    slug = models.SlugField(_("adresse courte"), max_length=120, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    intro = models.TextField(_("introduction (Markdown)"), blank=True)
    is_published = models.BooleanField(_("publié"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commons:path", args=[self.slug])


class PathStep(models.Model):
    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="steps")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="path_steps")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    note = models.CharField(_("pourquoi cette étape"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["path", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["path", "resource"], name="unique_path_resource")
        ]

    def __str__(self) -> str:
        return f"{self.path} — {self.position}"
