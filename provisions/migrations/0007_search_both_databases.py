"""One full-text search on both databases (provisions/search.py): on PostgreSQL the stored
tsvector is written by a trigger from the normalised heading and text (it no longer belongs to
the model, so no save can overwrite it); on SQLite an FTS5 table kept by triggers."""

from django.db import migrations

from provisions import search


def install(apps, schema_editor):
    search.install(schema_editor)


def uninstall(apps, schema_editor):
    search.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("provisions", "0006_concordance_finding")]

    operations = [
        migrations.RemoveField(model_name="provision", name="search_vector"),
        migrations.RunPython(install, uninstall),
    ]
