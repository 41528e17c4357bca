from django.core.management.base import BaseCommand

from treaties.roles import role_permissions, sync_roles


class Command(BaseCommand):
    help = (
        "Create the Editors and Reviewers groups and set their permissions exactly as "
        "treaties/roles.py defines them (idempotent; the migrations do the same)."
    )

    def handle(self, *args, **options):
        sync_roles()
        for name, permissions in role_permissions().items():
            self.stdout.write(f"{name}: {len(permissions)} permission(s)")
