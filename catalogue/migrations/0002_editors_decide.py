from django.db import migrations


def sync_roles(apps, schema_editor):
    from treaties.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    """Editors view and take the decisions the data loader leaves (treaties/roles.py)."""

    dependencies = [
        ("catalogue", "0001_loader_memory"),
        ("treaties", "0003_editorial_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
