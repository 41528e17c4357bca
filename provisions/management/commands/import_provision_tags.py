from pathlib import Path

from django.core.management.base import BaseCommand

from common.imports import read_file, write_report
from provisions.services import MODES, import_provision_tags


class Command(BaseCommand):
    help = (
        "Import pillar tags from a CSV file with the columns treaty_slug,number,pillars (pillar "
        "slugs separated by semicolons). --mode add (default) adds them; --mode replace makes "
        "them the article's only pillars. All or nothing: any invalid row (reported with its "
        "line number) writes nothing and exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file (UTF-8).")
        parser.add_argument("--mode", choices=MODES, default="add")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")

    def handle(self, *args, path, mode="add", dry_run=False, **options):
        report = import_provision_tags(
            read_file(path), mode, apply=not dry_run, reason=f"Imported from {Path(path).name}"
        )
        write_report(self, report, dry_run)
