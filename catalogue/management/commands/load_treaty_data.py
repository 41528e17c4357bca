from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalogue import releases
from catalogue.loader import DataError, load


class Command(BaseCommand):
    help = (
        "Load the treaty texts, status tables, statements and editorial curation from fixtures/ "
        "(idempotent: upserts on natural keys; any invalid line aborts with nothing written)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help="Folder holding treaties/, status/ and curation/ (default: fixtures/).",
        )

    def handle(self, *args, path=None, **options):
        root = path or Path(settings.TREATYKB_FIXTURES_DIR)
        try:
            report = load(root)
        except DataError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(error.problems)} problem(s) in the data set; nothing was written."
            ) from error
        for line in report.lines():
            self.stdout.write(line)
        verdict = "no changes" if not report.changed else f"{report.changed} change(s)"
        self.stdout.write(self.style.SUCCESS(f"Treaty data loaded from {root}: {verdict}."))
        release, outcome = releases.make_release()  # today's release, if the data changed
        self.stdout.write(f"Release {release.day.isoformat()}: {outcome}.")
