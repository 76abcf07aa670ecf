from django.db import migrations, models


def fill_exclusions(apps, schema_editor):
    """Snapshots stored before: their exclusions, from their payload."""
    ResultSnapshot = apps.get_model("measures", "ResultSnapshot")
    for snapshot in ResultSnapshot.objects.only("pk", "payload").iterator(chunk_size=100):
        excluded = (snapshot.payload or {}).get("excluded") or []
        if excluded:
            ResultSnapshot.objects.filter(pk=snapshot.pk).update(exclusions=excluded)


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0009_snapshot_public_payload"),
    ]

    operations = [
        migrations.AddField(
            model_name="resultsnapshot",
            name="exclusions",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(fill_exclusions, migrations.RunPython.noop),
    ]
