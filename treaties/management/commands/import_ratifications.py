from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.imports import read_file, write_report
from treaties.models import Treaty
from treaties.services import import_ratifications


class Command(BaseCommand):
    help = (
        "Import ratification records from a CSV file with the columns of the shared status "
        "tables (participant,iso3166_alpha2,signature_date,consent_date,consent_type,"
        "entry_into_force_date,reservations_or_declarations,source_url) plus treaty_slug, "
        "or without it given --treaty. All or nothing: any invalid row (reported with its line "
        "number) writes nothing and exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file (UTF-8).")
        parser.add_argument("--treaty", help="Treaty slug for every row (no treaty_slug column).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")

    def handle(self, *args, path, treaty=None, dry_run=False, **options):
        chosen = None
        if treaty:
            chosen = Treaty.objects.filter(slug=treaty).first()
            if chosen is None:
                raise CommandError(f"unknown treaty '{treaty}'")
        report = import_ratifications(
            read_file(path), chosen, apply=not dry_run, reason=f"Imported from {Path(path).name}"
        )
        write_report(self, report, dry_run)
