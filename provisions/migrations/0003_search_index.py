"""A GIN index on the stored tsvector, on PostgreSQL only (other databases search without it)."""

from django.db import migrations

INDEX = "provision_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON provisions_provision USING GIN (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("provisions", "0002_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
