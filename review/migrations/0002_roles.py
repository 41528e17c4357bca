from django.db import migrations


def sync_roles(apps, schema_editor):
    from treaties.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    """Editors see proposals and comment; Trusted editors publish directly; Reviewers approve
    and reject (treaties/roles.py)."""

    dependencies = [
        ("review", "0001_proposals"),
        ("catalogue", "0002_editors_decide"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
