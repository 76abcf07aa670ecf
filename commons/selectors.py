"""Reads of the commons: the search page (results, facets, snippets), a
resource page in a fixed number of queries, contributors, suggestions from
a territory's self-diagnosis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Min, Q, QuerySet
from django.utils.safestring import SafeString

from commons import search
from commons.licences import Licence
from commons.models import (
    Axis,
    Comment,
    Feedback,
    Kind,
    Resource,
    Revision,
    Stage,
    Status,
    TerritoryType,
)
from territories.models import Territory
from territories.themes import Theme

PER_PAGE = 20
FLAG_OF = {"rural": "for_rural", "periurbain": "for_periurban", "urbain": "for_urban"}


@dataclass
class Filters:
    kind: str = ""
    axis: str = ""  # code
    theme: str = ""
    territory_type: str = ""
    stage: str = ""
    licence: str = ""

    def apply(self, queryset: QuerySet[Resource]) -> QuerySet[Resource]:
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        if self.axis:
            queryset = queryset.filter(axis__code=self.axis)
        if self.theme:
            queryset = queryset.filter(theme=self.theme)
        if self.territory_type in FLAG_OF:
            queryset = queryset.filter(**{FLAG_OF[self.territory_type]: True})
        if self.stage:
            queryset = queryset.filter(stage=self.stage)
        if self.licence:
            queryset = queryset.filter(licence=self.licence)
        return queryset


@dataclass
class SearchPage:
    query: str
    total: int
    results: list[Resource]
    snippets: dict[int, SafeString]
    facets: list[search.Facet]
    page: int
    pages: int


def base_queryset(user: Any) -> QuerySet[Resource]:
    return Resource.objects.visible_to(user).filter(status=Status.PUBLISHED)


# The columns the facets count, read with the ranked results of a query (in
# the order `counts_of_rows` unpacks them).
FACET_COLUMNS = (
    "kind", "axis_id", "theme", "for_rural", "for_periurban", "for_urban", "stage", "licence",
)  # fmt: skip


def search_page(
    *, user: Any, query: str, filters: Filters, page: int = 1, per_page: int = PER_PAGE
) -> SearchPage:
    """Published resources matching the query and filters, best first; the
    facets count the same set. A fixed number of queries: with words, the
    ranked rows (one pass, the facets counted from them), the page, the
    snippets, the axes; without, the count, the page, the axes and 6 facets."""
    matched = search.matching(base_queryset(user), query) if query else base_queryset(user)
    filtered = filters.apply(matched)
    rows = search.ranked_rows(filtered, query, FACET_COLUMNS) if query else None
    if rows is not None:
        total = len(rows)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        ids = [row[0] for row in rows[(page - 1) * per_page : page * per_page]]
        found = {r.pk: r for r in _listed(Resource.objects.filter(pk__in=ids))}
        results = [found[pk] for pk in ids if pk in found]
        counts = counts_of_rows(rows)
    else:
        ordered = (
            filtered.order_by("-rank", "title")  # type: ignore[misc]
            if query
            else filtered.order_by("title")
        )
        total = filtered.count()
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        results = list(_listed(ordered)[(page - 1) * per_page : page * per_page])
        counts = None
    return SearchPage(
        query=query,
        total=total,
        results=results,
        snippets=search.snippets(results, query) if query else {},
        facets=facets(filtered, filters, counts=counts),
        page=page,
        pages=pages,
    )


def _listed(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    """What a result shows, in the same query: its axis and its current version's
    number and date (the API lists them; one query per result otherwise)."""
    return queryset.select_related("axis", "current_revision").defer("current_revision__data")


FacetCounts = dict[str, dict[Any, int]]


def counts_of(queryset: QuerySet[Resource]) -> FacetCounts:
    """Each facet's counts in SQL, one query per facet (the axis by its id)."""
    return {
        "kind": search.count_by(queryset, "kind"),
        "axis": search.count_by(queryset, "axis_id"),
        "theme": search.count_by(queryset, "theme"),
        "territory": search.territory_type_counts(queryset),
        "stage": search.count_by(queryset, "stage"),
        "licence": search.count_by(queryset, "licence"),
    }


def counts_of_rows(rows: list[tuple[Any, ...]]) -> FacetCounts:
    """The same counts from rows of (pk, *FACET_COLUMNS), in Python."""
    from collections import Counter

    kind, axis, theme, rural, periurban, urban, stage, licence = (
        Counter(row[i] for row in rows) for i in range(1, len(FACET_COLUMNS) + 1)
    )

    def kept(counter: Counter[Any]) -> dict[Any, int]:
        return {value: n for value, n in counter.items() if value not in (None, "")}

    territory = {"rural": rural[True], "periurbain": periurban[True], "urbain": urban[True]}
    return {
        "kind": kept(kind),
        "axis": kept(axis),
        "theme": kept(theme),
        "territory": {key: n for key, n in territory.items() if n},
        "stage": kept(stage),
        "licence": kept(licence),
    }


def facets(
    queryset: QuerySet[Resource], filters: Filters, *, counts: FacetCounts | None = None
) -> list[search.Facet]:
    """The six facets of `queryset`, from `counts` when the caller has them."""
    from django.utils.translation import gettext as _

    counts = counts if counts is not None else counts_of(queryset)
    axes = list(Axis.objects.all())
    by_axis_code = {a.code: counts["axis"].get(a.pk, 0) for a in axes}

    def facet(
        name: str, label: str, found: dict[Any, int], labels: dict[str, Any], chosen: str
    ) -> search.Facet:
        return search.Facet(
            name,
            label,
            [
                search.FacetValue(str(code), str(text), found[code], str(code) == chosen)
                for code, text in labels.items()
                if found.get(code)
            ],
        )

    return [
        facet("type", _("Type"), counts["kind"], dict(Kind.choices), filters.kind),
        facet("axe", _("Axe"), by_axis_code, {a.code: a.title for a in axes}, filters.axis),
        facet("theme", _("Thème"), counts["theme"], dict(Theme.choices), filters.theme),
        facet(
            "territoire",
            _("Type de territoire"),
            counts["territory"],
            dict(TerritoryType.choices),
            filters.territory_type,
        ),
        facet(
            "niveau",
            _("Niveau de développement"),
            counts["stage"],
            dict(Stage.choices),
            filters.stage,
        ),
        facet("licence", _("Licence"), counts["licence"], dict(Licence.choices), filters.licence),
    ]


# --- one resource ------------------------------------------------------------------


@dataclass
class ResourcePage:
    resource: Resource
    comments: list[Comment]
    feedback: list[Feedback]
    feedback_count: int
    usefulness: float | None
    contributors: list[dict[str, Any]]
    adaptations: list[Resource]
    revision_count: int
    extra: dict[str, Any] = field(default_factory=dict)


def resource_for_page(slug: str) -> QuerySet[Resource]:
    return Resource.objects.select_related(
        "axis",
        "action__objective__orientation__axis",
        "questionnaire",
        "current_revision",
        "derived_from",
        "derived_from_revision",
        "created_by",
    ).filter(slug=slug)


def resource_page(resource: Resource) -> ResourcePage:
    """Everything the page shows, in the same number of queries whatever the
    number of comments, feedback, contributors or adaptations."""
    comments = list(
        Comment.objects.filter(resource=resource)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    feedback = list(
        Feedback.objects.filter(resource=resource).select_related("territory", "author")[:50]
    )
    figures = Feedback.objects.filter(resource=resource).aggregate(
        n=Count("pk"), mean=Avg("usefulness")
    )
    return ResourcePage(
        resource=resource,
        comments=comments,
        feedback=feedback,
        feedback_count=figures["n"],
        usefulness=figures["mean"],
        contributors=contributors(resource),
        adaptations=list(resource.adaptations.filter(status=Status.PUBLISHED).order_by("title")),
        revision_count=resource.revisions.count(),
        extra={
            "tags": list(resource.tags.all()),
            "images": list(resource.images.all()),
            "attachments": list(resource.attachments.all()),
        },
    )


def contributors(resource: Resource) -> list[dict[str, Any]]:
    """Each person who wrote a revision, with how many, first contribution first."""
    rows = (
        Revision.objects.filter(resource=resource, author__isnull=False)
        .values("author_id", "author__display_name", "author__first_name")
        .annotate(n=Count("pk"), first=Min("created_at"))
        .order_by("first")
    )
    return [
        {
            "name": r["author__display_name"] or r["author__first_name"] or "Contributeur·rice",
            "count": r["n"],
            "since": r["first"],
        }
        for r in rows
    ]


def history(resource: Resource) -> QuerySet[Revision]:
    return resource.revisions.select_related("author", "restored_from").order_by("-number")


# --- suggestions -------------------------------------------------------------------


@dataclass
class Suggestion:
    axis: Axis
    score: float | None
    resources: list[Resource]


def _norm(text: str) -> str:
    return search.fold(" ".join(text.split()))


def weakest_axes(
    scores: list[tuple[str, float | None]], *, count: int = 2
) -> list[tuple[Axis, float | None]]:
    """The commons' axes matching the grid's weakest answered axes (by title)."""
    by_title = {_norm(a.title): a for a in Axis.objects.all()}
    answered = sorted((s, t) for t, s in scores if s is not None and _norm(t) in by_title)
    return [(by_title[_norm(t)], s) for s, t in answered[:count]]


def suggestions(scores: list[tuple[str, float | None]], *, per_axis: int = 3) -> list[Suggestion]:
    found = []
    stage_order: dict[str, int] = {Stage.VALIDATED: 0, Stage.TESTED: 1, Stage.AVAILABLE: 2}
    for axis, score in weakest_axes(scores):
        resources = list(
            Resource.objects.published()
            .filter(axis=axis)
            .with_feedback_figures()
            .order_by("-feedback_count", "title")[:20]  # type: ignore[misc]
        )
        resources.sort(key=lambda r: (stage_order.get(r.stage, 3), -(r.feedback_count or 0)))  # type: ignore[attr-defined]
        found.append(Suggestion(axis, score, resources[:per_axis]))
    return found


def latest_grid_scores(questionnaire: Any) -> list[tuple[str, float | None]]:
    from questionnaires.results import grid_results

    grid = grid_results(questionnaire)
    if not grid.fillings:
        return []
    latest = grid.fillings[-1]
    return [(axis.title, latest.scores.get(axis.pk)) for axis in grid.axes]


def filled_grids_of(user: Any) -> QuerySet[Any]:
    """Self-diagnosis grids of the territories this person organises, filled at least once."""
    from questionnaires.models import Kind as QKind
    from questionnaires.models import Questionnaire
    from territories.models import Role

    if not user.is_authenticated:
        return Questionnaire.objects.none()
    return (
        Questionnaire.objects.filter(
            kind=QKind.GRID,
            territory__memberships__user=user,
            territory__memberships__role=Role.ORGANISER,
            responses__isnull=False,
        )
        .select_related("territory")
        .distinct()
        .order_by("-created_at")
    )


def moderation_queue() -> QuerySet[Comment]:
    return (
        Comment.objects.to_moderate()
        .select_related("resource", "author", "moderated_by")
        .prefetch_related("reports")
        .order_by("-open_reports", "-created_at")
    )


def territories_of(user: Any) -> QuerySet[Territory]:
    """The territories a person may speak for: those they hold a role in, and
    those of their household's commune."""
    if not user.is_authenticated:
        return Territory.objects.none()
    where = Q(memberships__user=user)
    if user.household_id:
        where |= Q(communes__households__members=user)
    return Territory.objects.filter(where).distinct().order_by("name")
