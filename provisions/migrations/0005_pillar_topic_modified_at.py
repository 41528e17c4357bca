"""Pillars and concordance topics get a modification time, so that ``modified_since`` works on
every list. Existing rows are stamped with the time of the migration (when their change
tracking starts); their historical records with the time of each record."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def stamp_history(apps, schema_editor):
    for name in ("HistoricalPillar", "HistoricalTopic"):
        apps.get_model("provisions", name).objects.update(modified_at=F("history_date"))


class Migration(migrations.Migration):
    dependencies = [
        ("provisions", "0004_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpillar",
            name="modified_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                editable=False,
                help_text="Last change to this pillar or to which articles are tagged with it.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicaltopic",
            name="modified_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                editable=False,
                help_text="Last change to this topic or to the articles it lists.",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="pillar",
            name="modified_at",
            field=models.DateTimeField(
                auto_now=True,
                help_text="Last change to this pillar or to which articles are tagged with it.",
            ),
        ),
        migrations.AddField(
            model_name="topic",
            name="modified_at",
            field=models.DateTimeField(
                auto_now=True, help_text="Last change to this topic or to the articles it lists."
            ),
        ),
        migrations.AddIndex(
            model_name="pillar",
            index=models.Index(fields=["modified_at"], name="pillar_modified_idx"),
        ),
        migrations.AddIndex(
            model_name="topic",
            index=models.Index(fields=["modified_at"], name="topic_modified_idx"),
        ),
        migrations.RunPython(stamp_history, migrations.RunPython.noop),
    ]
