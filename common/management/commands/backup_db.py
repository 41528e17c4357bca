from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole database into backups/treatykb-<UTC time>.<dump|sqlite3>: pg_dump's "
        "custom format on PostgreSQL, SQLite's online backup API on SQLite. Safe while the site "
        "runs. `make backup`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="A folder to write the backup in (default: backups/), or the file to write.",
        )
        parser.add_argument(
            "--database", default="default", help="Database alias to back up (default: default)."
        )

    def handle(self, *args, output=None, database="default", **options):
        try:
            path = backup(database, output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({size / 1024:,.0f} KB)."))
