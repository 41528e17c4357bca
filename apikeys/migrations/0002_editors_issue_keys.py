from django.db import migrations


def sync_roles(apps, schema_editor):
    from treaties.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    """Editors issue and revoke API keys (treaties/roles.py)."""

    dependencies = [
        ("apikeys", "0001_initial"),
        ("treaties", "0003_editorial_roles"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
