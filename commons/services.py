"""Writes of the commons: every one atomic, keyword-only.

Every change of a resource's content goes through `_save_revision`, which
stores the snapshot, points the resource to it and rewrites the search index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commons import markdown, search
from commons.files import check_attachment, check_image
from commons.licences import allowed_for_adaptation, terms
from commons.models import (
    EXPERIENCE_FIELDS,
    FOREIGN_SNAPSHOT,
    SNAPSHOT_NAMES,
    Action,
    Attachment,
    Axis,
    Comment,
    CommentReport,
    CommentStatus,
    Feedback,
    Image,
    Objective,
    Orientation,
    Path,
    PathStep,
    Resource,
    Revision,
    RevisionKind,
    Status,
    Tag,
)

PROSE_FIELDS = ("summary", "body", *(f.name for f in EXPERIENCE_FIELDS))
TERRITORY_FLAGS = {"rural": "for_rural", "periurbain": "for_periurban", "urbain": "for_urban"}


class EditConflict(Exception):
    """Someone saved the resource after the version this edit started from."""

    def __init__(self, *, base: Revision | None, current: Revision | None) -> None:
        super().__init__(_("La ressource a été modifiée entre-temps."))
        self.base = base
        self.current = current


class Refused(ValidationError):
    """A write the rules do not allow; the message says why, in French."""


# --- snapshots ---------------------------------------------------------------------


def snapshot(resource: Resource) -> dict[str, Any]:
    """The editable fields of a resource as JSON-ready values."""
    data: dict[str, Any] = {}
    for name in SNAPSHOT_NAMES:
        if name in FOREIGN_SNAPSHOT:
            data[name] = getattr(resource, FOREIGN_SNAPSHOT[name])
        elif name == "tags":
            data[name] = sorted(t.name for t in resource.tags.all()) if resource.pk else []
        elif name == "territory_types":
            data[name] = resource.territory_types
        elif name == "content_updated_on":
            day = resource.content_updated_on
            data[name] = day.isoformat() if day else None
        else:
            data[name] = getattr(resource, name)
    return data


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Form or API values (model instances, dates, tag text) as snapshot values."""
    clean: dict[str, Any] = {}
    for name, value in data.items():
        if name not in SNAPSHOT_NAMES:
            continue
        if name in FOREIGN_SNAPSHOT:
            value = getattr(value, "pk", value) or None
        elif name == "content_updated_on" and isinstance(value, dt.date):
            value = value.isoformat()
        elif name == "tags":
            if isinstance(value, str):
                value = value.split(",")
            value = sorted({" ".join(str(v).split()) for v in value or [] if str(v).strip()})
        elif name == "territory_types":
            value = [code for code in TERRITORY_FLAGS if code in (value or [])]
        elif value is None and name not in ("content_updated_on",):
            value = ""
        clean[name] = value
    return clean


def _apply(resource: Resource, data: dict[str, Any]) -> list[str] | None:
    """Set the resource's fields from snapshot values; the tags are returned
    (set once the row exists)."""
    tags = None
    for name, value in data.items():
        if name in FOREIGN_SNAPSHOT:
            setattr(resource, FOREIGN_SNAPSHOT[name], value or None)
        elif name == "tags":
            tags = list(value or [])
        elif name == "territory_types":
            for code, flag in TERRITORY_FLAGS.items():
                setattr(resource, flag, code in (value or []))
        elif name == "content_updated_on":
            resource.content_updated_on = dt.date.fromisoformat(value) if value else None
        else:
            setattr(resource, name, value if value is not None else "")
    if resource.action_id:
        # An action sheet sits in the taxonomy: its axis is its action's.
        resource.axis_id = (
            Action.objects.filter(pk=int(resource.action_id))
            .values_list("objective__orientation__axis_id", flat=True)
            .first()
        )
    return tags


def _set_tags(resource: Resource, names: list[str] | None) -> None:
    if names is None:
        return
    tags = []
    for name in names:
        slug = slugify(name)[:60]
        if slug:
            tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:60]})
            tags.append(tag)
    resource.tags.set(tags)


def search_text(resource: Resource) -> str:
    parts = [markdown.plain(getattr(resource, name)) for name in PROSE_FIELDS]
    parts += [
        resource.keywords,
        resource.author_name,
        resource.organisation,
        resource.source,
        " ".join(resource.tags.values_list("name", flat=True)),
    ]
    return " ".join(p for p in parts if p)


def _save_revision(
    resource: Resource,
    *,
    user: Any,
    kind: str,
    comment: str = "",
    base: Revision | None = None,
    restored_from: Revision | None = None,
) -> Revision:
    number = (resource.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = Revision.objects.create(
        resource=resource,
        number=number,
        kind=kind,
        data=snapshot(resource),
        comment=comment[:300],
        author=user if getattr(user, "is_authenticated", False) else None,
        base=base,
        restored_from=restored_from,
    )
    resource.current_revision = revision
    resource.search_text = search_text(resource)
    resource.save(update_fields=["current_revision", "search_text", "updated_at"])
    search.index_resources([resource.pk])
    return revision


def unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "ressource"
    slug, n = base, 1
    while Resource.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_licence(resource: Resource) -> None:
    """An adaptation keeps what its source's licence asks (ShareAlike stays)."""
    source = resource.derived_from_revision
    if source is None:
        return
    inherited = source.data.get("licence", "")
    allowed = allowed_for_adaptation(inherited) if inherited else []
    if inherited and resource.licence not in allowed:
        raise Refused(
            _(
                "Cette ressource est adaptée d'une ressource sous %(licence)s : elle doit "
                "rester sous la même licence (partage dans les mêmes conditions)."
            )
            % {"licence": terms(inherited).short},
            code="share_alike",
        )


# --- resources ---------------------------------------------------------------------


@transaction.atomic
def resource_create(
    *,
    user: Any,
    data: dict[str, Any],
    comment: str = "",
    status: str = Status.PUBLISHED,
    slug: str = "",
) -> Resource:
    values = normalise(data)
    resource = Resource(status=status, created_by=user if user.is_authenticated else None)
    tags = _apply(resource, values)
    resource.slug = slug or unique_slug(resource.title)
    resource.full_clean(exclude=["slug", "current_revision", "derived_from_revision"])
    resource.save()
    _set_tags(resource, tags)
    _save_revision(
        resource, user=user, kind=RevisionKind.CREATION, comment=comment or _("Création")
    )
    return resource


@transaction.atomic
def resource_edit(
    *,
    resource: Resource,
    user: Any,
    data: dict[str, Any],
    base_revision_id: int | None,
    comment: str = "",
) -> Revision | None:
    """Save an edit made from revision `base_revision_id`.

    Raises EditConflict when another revision was saved since that one: the
    caller shows what changed and lets the person save again knowingly.
    Returns None when nothing changed."""
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.current_revision_id != base_revision_id:
        raise EditConflict(
            base=Revision.objects.filter(pk=base_revision_id or 0, resource=locked).first(),
            current=locked.current_revision,
        )
    before = snapshot(locked)
    tags = _apply(locked, normalise(data))
    _check_licence(locked)
    locked.full_clean(exclude=["slug", "current_revision", "derived_from_revision"])
    after = snapshot(locked) | ({"tags": sorted(tags)} if tags is not None else {})
    if after == before:
        return None
    locked.save()
    _set_tags(locked, tags)
    revision = _save_revision(
        locked,
        user=user,
        kind=RevisionKind.EDIT,
        comment=comment,
        base=locked.current_revision,
    )
    resource.refresh_from_db()
    return revision


@transaction.atomic
def resource_revert(
    *, resource: Resource, revision: Revision, user: Any, comment: str = ""
) -> Revision:
    """A new revision with the content of an older one of the same resource."""
    if revision.resource_id != resource.pk:
        raise Refused(
            _(
                "Cette version appartient à une autre ressource : elle ne peut pas être restaurée ici."
            ),
            code="other_resource",
        )
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    tags = _apply(locked, {k: v for k, v in revision.data.items() if k in SNAPSHOT_NAMES})
    _check_licence(locked)
    locked.save()
    _set_tags(locked, tags)
    new = _save_revision(
        locked,
        user=user,
        kind=RevisionKind.REVERT,
        comment=comment or _("Retour à la version %(n)s") % {"n": revision.number},
        base=locked.current_revision,
        restored_from=revision,
    )
    resource.refresh_from_db()
    return new


@transaction.atomic
def resource_adapt(*, source: Resource, user: Any, title: str = "", licence: str = "") -> Resource:
    """A new resource derived from `source` at its current revision."""
    allowed = allowed_for_adaptation(source.licence)
    if not allowed:
        raise Refused(
            _(
                "Cette ressource est publiée « tous droits réservés » : elle ne peut pas être adaptée."
            ),
            code="no_derivatives",
        )
    licence = licence or source.licence
    if licence not in allowed:
        raise Refused(
            _(
                "Une adaptation d'une ressource sous %(licence)s doit rester sous la même "
                "licence (partage dans les mêmes conditions)."
            )
            % {"licence": terms(source.licence).short},
            code="share_alike",
        )
    base = source.current_revision
    data = dict(base.data if base else snapshot(source))
    data["title"] = (title or _("%(title)s (adaptation)") % {"title": source.title})[:200]
    data["licence"] = licence
    data["attribution"] = (
        _("D'après « %(title)s » (%(credit)s)") % {"title": source.title, "credit": source.credit()}
    )[:300]
    data["stage"] = "disponible"
    resource = Resource(
        status=Status.PUBLISHED,
        created_by=user,
        derived_from=source,
        derived_from_revision=base,
    )
    tags = _apply(resource, {k: v for k, v in data.items() if k in SNAPSHOT_NAMES})
    resource.slug = unique_slug(resource.title)
    resource.save()
    _set_tags(resource, tags)
    _save_revision(
        resource,
        user=user,
        kind=RevisionKind.ADAPTATION,
        comment=_("Adaptée de « %(title)s », version %(n)s")
        % {"title": source.title, "n": base.number if base else 1},
    )
    return resource


@transaction.atomic
def resource_publish(*, resource: Resource, publish: bool) -> Resource:
    resource.status = Status.PUBLISHED if publish else Status.DRAFT
    resource.save(update_fields=["status", "updated_at"])
    return resource


# --- files -------------------------------------------------------------------------


@transaction.atomic
def image_add(
    *, resource: Resource, user: Any, upload: Any, alt_text: str, caption: str = ""
) -> Image:
    found = check_image(upload)
    upload.name = f"{slugify(resource.slug)[:40]}.{found.extension}"
    return Image.objects.create(
        resource=resource, file=upload, alt_text=alt_text, caption=caption, uploaded_by=user
    )


@transaction.atomic
def attachment_add(*, resource: Resource, user: Any, upload: Any, title: str) -> Attachment:
    found = check_attachment(upload)
    upload.name = f"{slugify(title)[:60] or 'fichier'}.{found.extension}"
    return Attachment.objects.create(
        resource=resource,
        file=upload,
        title=title,
        content_type=found.content_type,
        size=upload.size,
        uploaded_by=user,
    )


# --- feedback and comments ---------------------------------------------------------


@transaction.atomic
def feedback_give(*, resource: Resource, user: Any, territory: Any, **fields: Any) -> Feedback:
    feedback = Feedback(
        resource=resource,
        revision=resource.current_revision,
        territory=territory,
        author=user,
        **{k: fields.get(k, "") for k in ("context", "adapted", "worked", "did_not_work")},
        usefulness=fields["usefulness"],
    )
    feedback.full_clean(exclude=["revision", "author"])
    feedback.save()
    return feedback


@transaction.atomic
def comment_add(*, resource: Resource, user: Any, body: str) -> Comment:
    body = body.strip()
    if not body:
        raise Refused(_("Le commentaire est vide."), code="empty")
    return Comment.objects.create(resource=resource, author=user, body=body[:5000])


@transaction.atomic
def comment_report(*, comment: Comment, user: Any, reason: str = "") -> bool:
    """False when this person had reported it already (nothing counted twice)."""
    _report, created = CommentReport.objects.get_or_create(
        comment=comment, reporter=user, defaults={"reason": reason[:300]}
    )
    if created:
        comment.open_reports = CommentReport.objects.filter(
            comment=comment, handled_at__isnull=True
        ).count()
        comment.save(update_fields=["open_reports"])
    return created


def _handle_reports(comment: Comment) -> None:
    CommentReport.objects.filter(comment=comment, handled_at__isnull=True).update(
        handled_at=timezone.now()
    )
    comment.open_reports = 0


@transaction.atomic
def comment_hide(*, comment: Comment, user: Any, reason: str) -> Comment:
    reason = reason.strip()
    if not reason:
        raise Refused(_("Indiquez le motif : il est montré à la place du commentaire."))
    _handle_reports(comment)
    comment.status = CommentStatus.HIDDEN
    comment.hidden_reason = reason[:300]
    comment.moderated_by = user
    comment.moderated_at = timezone.now()
    comment.save()
    return comment


@transaction.atomic
def comment_restore(*, comment: Comment, user: Any) -> Comment:
    _handle_reports(comment)
    comment.status = CommentStatus.VISIBLE
    comment.hidden_reason = ""
    comment.moderated_by = user
    comment.moderated_at = timezone.now()
    comment.save()
    return comment


# --- paths and taxonomy ------------------------------------------------------------


@transaction.atomic
def path_save(
    *,
    user: Any,
    title: str,
    intro: str,
    resources: list[Resource],
    is_published: bool = True,
    path: Path | None = None,
) -> Path:
    if path is None:
        base = slugify(title)[:100] or "parcours"
        slug, n = base, 1
        while Path.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        path = Path(slug=slug, created_by=user)
    path.title, path.intro, path.is_published = title, intro, is_published
    path.save()
    path.steps.all().delete()
    PathStep.objects.bulk_create(
        PathStep(path=path, resource=r, position=i) for i, r in enumerate(resources, start=1)
    )
    return path


LEVELS: dict[str, Any] = {
    "axe": Axis,
    "orientation": Orientation,
    "objectif": Objective,
    "action": Action,
}
CHILD_LEVEL = {"axe": "orientation", "orientation": "objectif", "objectif": "action"}


@transaction.atomic
def _fit(model: Any, title: str) -> str:
    """The title cut to what the level's column holds (an axis: 120)."""
    return title[: model._meta.get_field("title").max_length]


def taxonomy_add(*, parent_level: str, parent_pk: int | None, title: str) -> Any:
    title = " ".join(title.split())[:200]
    if not title:
        raise Refused(_("Donnez un intitulé."))
    if parent_level == "racine":
        code = slugify(title)[:40]
        if Axis.objects.filter(code=code).exists():
            raise Refused(_("Cet axe existe déjà."))
        return Axis.objects.create(
            code=code, title=_fit(Axis, title), position=Axis.objects.count() + 1
        )
    level = CHILD_LEVEL.get(parent_level)
    if level is None:
        raise Refused(_("Une action n'a pas de niveau en dessous."))
    parent = LEVELS[parent_level].objects.get(pk=parent_pk)
    model = LEVELS[level]
    parent_field = {"orientation": "axis", "objectif": "orientation", "action": "objective"}[level]
    position = model.objects.filter(**{parent_field: parent}).count() + 1
    return model.objects.create(
        **{parent_field: parent, "title": _fit(model, title), "position": position}
    )


@transaction.atomic
def taxonomy_rename(*, level: str, pk: int, title: str) -> Any:
    title = " ".join(title.split())[:200]
    if not title:
        raise Refused(_("Donnez un intitulé."))
    node = LEVELS[level].objects.get(pk=pk)
    node.title = _fit(type(node), title)
    node.save(update_fields=["title"])
    return node
