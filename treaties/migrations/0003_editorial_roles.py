from django.db import migrations


def create_roles(apps, schema_editor):
    from treaties.roles import sync_roles

    sync_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    """The Editors and Reviewers groups (see treaties/roles.py)."""

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("treaties", "0002_history"),
        ("provisions", "0004_history"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
