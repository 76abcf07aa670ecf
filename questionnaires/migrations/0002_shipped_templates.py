"""Load the platform's questionnaire templates (questionnaires/data/*.json).

Self-contained on purpose: a migration must keep working whatever later
becomes of the app's code, so it reads the files itself and uses the
historical models. Loading is idempotent: a template is found by its slug and
its axes, questions and choices are rebuilt (templates are never answered;
territories answer their own copies).

File format: {slug, kind, title, intro, axes: [{title, description}],
questions: [{kind, text, help_text, explanation, required, axis (index),
scale_*, choices: ["text" | {text, correct}], levels: ["0 …", …, "4 …"]}]};
grid questions have `levels` (scores 0 to 4, in order) and kind « note ».
"""

import json
import uuid
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
QUESTION_FIELDS = (
    "help_text",
    "explanation",
    "required",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
)


def _templates():
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(DATA_DIR.glob("*.json"))
    ]


def _choices(row):
    if "levels" in row:
        return [{"text": text, "value": value} for value, text in enumerate(row["levels"])]
    return [
        {"text": c}
        if isinstance(c, str)
        else {"text": c["text"], "is_correct": c.get("correct", False)}
        for c in row.get("choices", [])
    ]


def load_templates(apps, schema_editor):
    Questionnaire = apps.get_model("questionnaires", "Questionnaire")
    Axis = apps.get_model("questionnaires", "Axis")
    Question = apps.get_model("questionnaires", "Question")
    Choice = apps.get_model("questionnaires", "Choice")
    for data in _templates():
        template, _created = Questionnaire.objects.update_or_create(
            territory=None,
            slug=data["slug"],
            defaults={
                "kind": data["kind"],
                "title": data["title"],
                "intro": data.get("intro", ""),
                "is_template": True,
                "status": "brouillon",
            },
        )
        Question.objects.filter(questionnaire=template).delete()
        Axis.objects.filter(questionnaire=template).delete()
        axes = [
            Axis.objects.create(
                questionnaire=template,
                position=i,
                title=a["title"],
                description=a.get("description", ""),
            )
            for i, a in enumerate(data.get("axes", []))
        ]
        for position, row in enumerate(data["questions"]):
            question = Question.objects.create(
                questionnaire=template,
                position=position,
                kind="note" if "levels" in row else row["kind"],
                text=row["text"],
                axis=axes[row["axis"]] if "axis" in row else None,
                lineage=uuid.uuid4(),
                **{f: row[f] for f in QUESTION_FIELDS if f in row},
            )
            Choice.objects.bulk_create(
                Choice(question=question, position=i, **choice)
                for i, choice in enumerate(_choices(row))
            )


def unload_templates(apps, schema_editor):
    # Copies keep their questions (source is set to NULL); templates are never answered.
    Questionnaire = apps.get_model("questionnaires", "Questionnaire")
    Question = apps.get_model("questionnaires", "Question")
    Axis = apps.get_model("questionnaires", "Axis")
    templates = Questionnaire.objects.filter(
        territory=None, is_template=True, slug__in=[data["slug"] for data in _templates()]
    )
    Question.objects.filter(questionnaire__in=templates).delete()
    Axis.objects.filter(questionnaire__in=templates).delete()
    templates.delete()


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0001_initial")]

    operations = [migrations.RunPython(load_templates, unload_templates)]
