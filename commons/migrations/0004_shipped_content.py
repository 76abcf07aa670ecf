"""The commons' shipped content (commons/data/*.json): the taxonomy of the
five axes, 18 resilience action sheets written for Élan, two experience
sheets retold from OPTIGEDE (ADEME) in Élan's own words with their authors
credited, the resource pointing to the self-diagnosis grid, and the path
« Par où commencer… ? ».

Uses the historical models; the plain text for search and the index are
written with commons.markdown.plain and commons.search.index_resources, which
work on text and on the table only. Idempotent (found by slug or code);
the reverse removes exactly what it made.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data"
SNAPSHOT = (
    "title", "kind", "summary", "body", "context", "objectives", "results_quantitative",
    "results_qualitative", "implementation", "planning", "human_means", "financial_means",
    "technical_means", "partners", "success_factors", "difficulties", "recommendations",
    "keywords", "content_updated_on", "author_name", "organisation", "contact", "source",
    "source_url", "external_url", "questionnaire", "licence", "attribution", "axis", "action",
    "theme", "territory_types", "stage", "tags",
)  # fmt: skip
PROSE = SNAPSHOT[2:17]
FLAGS = {"rural": "for_rural", "periurbain": "for_periurban", "urbain": "for_urban"}


def _read(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _taxonomy(apps):
    Axis = apps.get_model("commons", "Axis")
    Orientation = apps.get_model("commons", "Orientation")
    Objective = apps.get_model("commons", "Objective")
    Action = apps.get_model("commons", "Action")
    actions = {}
    for a_pos, axis_row in enumerate(_read("taxonomie.json"), start=1):
        axis, _c = Axis.objects.update_or_create(
            code=axis_row["code"],
            defaults={
                "title": axis_row["title"],
                "description": axis_row["description"],
                "position": a_pos,
            },
        )
        for o_pos, o_row in enumerate(axis_row["orientations"], start=1):
            orientation, _c = Orientation.objects.get_or_create(
                axis=axis, title=o_row["title"], defaults={"position": o_pos}
            )
            for b_pos, b_row in enumerate(o_row["objectives"], start=1):
                objective, _c = Objective.objects.get_or_create(
                    orientation=orientation, title=b_row["title"], defaults={"position": b_pos}
                )
                for c_pos, title in enumerate(b_row["actions"], start=1):
                    action, _c = Action.objects.get_or_create(
                        objective=objective, title=title, defaults={"position": c_pos}
                    )
                    actions[title] = action
    return {a.code: a for a in Axis.objects.all()}, actions


def load_content(apps, schema_editor):
    from django.db import connection as default_connection

    from commons.markdown import plain
    from commons.search import forget_orphans, index_resources

    # tests/conftest.py reloads this data after a flush, without a schema editor.
    connection = schema_editor.connection if schema_editor else default_connection

    Resource = apps.get_model("commons", "Resource")
    Revision = apps.get_model("commons", "Revision")
    Tag = apps.get_model("commons", "Tag")
    Questionnaire = apps.get_model("questionnaires", "Questionnaire")
    Path_ = apps.get_model("commons", "Path")
    PathStep = apps.get_model("commons", "PathStep")
    axes, actions = _taxonomy(apps)
    rows = _read("fiches-actions.json") + _read("fiches-ressources.json")
    made = []
    for row in rows:
        if Resource.objects.filter(slug=row["slug"]).exists():
            continue
        questionnaire = None
        if row.get("questionnaire_slug"):
            questionnaire = Questionnaire.objects.filter(
                territory=None, slug=row["questionnaire_slug"]
            ).first()
        action = actions.get(row.get("action") or "")
        axis = axes.get(row.get("axis") or "")
        if action is not None:
            axis = action.objective.orientation.axis
        values = {k: row.get(k) or "" for k in SNAPSHOT if k in PROSE}
        resource = Resource.objects.create(
            slug=row["slug"],
            kind=row["kind"],
            status="publie",
            title=row["title"],
            keywords=row.get("keywords", ""),
            content_updated_on=row.get("content_updated_on") or None,
            author_name=row.get("author_name", ""),
            organisation=row.get("organisation", ""),
            contact=row.get("contact", ""),
            source=row.get("source", ""),
            source_url=row.get("source_url", ""),
            licence=row["licence"],
            attribution=row.get("attribution", ""),
            axis=axis,
            action=action,
            questionnaire=questionnaire,
            theme=row.get("theme", ""),
            stage=row["stage"],
            **{FLAGS[t]: True for t in row.get("territory_types", [])},
            **values,
        )
        tags = []
        for name in row.get("tags", []):
            tag, _c = Tag.objects.get_or_create(slug=slugify(name)[:60], defaults={"name": name})
            tags.append(tag)
        resource.tags.set(tags)
        data = {k: row.get(k) or "" for k in SNAPSHOT}
        data.update(
            content_updated_on=row.get("content_updated_on") or None,
            questionnaire=questionnaire.pk if questionnaire else None,
            axis=axis.pk if axis else None,
            action=action.pk if action else None,
            territory_types=[t for t in FLAGS if t in row.get("territory_types", [])],
            tags=sorted(t.name for t in tags),
            external_url="",
        )
        revision = Revision.objects.create(
            resource=resource,
            number=1,
            kind="creation",
            data=data,
            comment="Fiche livrée avec Élan",
        )
        resource.current_revision = revision
        credits = [row.get(k, "") for k in ("keywords", "author_name", "organisation", "source")]
        resource.search_text = " ".join(
            p for p in [*(plain(values[k]) for k in PROSE), *credits, *data["tags"]] if p
        )
        resource.save(update_fields=["current_revision", "search_text"])
        made.append(resource.pk)
    forget_orphans(connection)
    index_resources(made, connection)
    path_row = _read("parcours.json")
    path, created = Path_.objects.get_or_create(
        slug=path_row["slug"],
        defaults={"title": path_row["title"], "intro": path_row["intro"], "position": 1},
    )
    if created:
        for position, (slug, note) in enumerate(path_row["steps"], start=1):
            resource = Resource.objects.filter(slug=slug).first()
            if resource is not None:
                PathStep.objects.create(path=path, resource=resource, position=position, note=note)


def unload_content(apps, schema_editor):
    Resource = apps.get_model("commons", "Resource")
    slugs = [r["slug"] for r in _read("fiches-actions.json") + _read("fiches-ressources.json")]
    apps.get_model("commons", "Path").objects.filter(slug=_read("parcours.json")["slug"]).delete()
    shipped = Resource.objects.filter(slug__in=slugs)
    # Adaptations made since keep living: they only lose their link.
    Resource.objects.filter(derived_from__in=shipped).update(
        derived_from=None, derived_from_revision=None
    )
    shipped.update(current_revision=None)
    shipped.delete()
    codes = [row["code"] for row in _read("taxonomie.json")]
    apps.get_model("commons", "Axis").objects.filter(code__in=codes).exclude(
        resource__isnull=False
    ).delete()
    from commons.search import forget_orphans

    forget_orphans(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("commons", "0003_curators_group"),
        ("questionnaires", "0002_shipped_templates"),
    ]

    operations = [migrations.RunPython(load_content, unload_content)]
