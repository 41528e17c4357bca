from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backups import BackupError, describe, restore
from common.caching import bump_data_version


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_db into the database, which must be empty (a new "
        "database) unless --force is given. Stop the site first. `make restore FILE=...`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file (backups/treatykb-...).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what the database holds (by default a database with tables is refused).",
        )
        parser.add_argument("--database", default="default", help="Database alias to restore into.")

    def handle(self, *args, path, force=False, database="default", **options):
        try:
            replaced = restore(path, database, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # Pages cached from the data before the restore must not be served any longer.
        bump_data_version()
        note = f", replacing {replaced} tables" if replaced else ""
        self.stdout.write(
            self.style.SUCCESS(f"Restored {path} into database {describe(database)}{note}.")
        )
