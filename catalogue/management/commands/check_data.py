from django.core.management.base import BaseCommand, CommandError

from catalogue.checks import ERROR, findings


class Command(BaseCommand):
    help = (
        "Report inconsistencies in the knowledge base (Protocol parties not party to UNTOC, "
        "consent before signature, untagged articles, incomplete texts). Exits non-zero on errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print errors only.")

    def handle(self, *args, quiet=False, **options):
        errors = warnings = 0
        for finding in findings():
            if finding.level == ERROR:
                errors += 1
                self.stderr.write(f"ERROR   [{finding.rule}] {finding.message}")
            else:
                warnings += 1
                if not quiet:
                    self.stdout.write(f"warning [{finding.rule}] {finding.message}")
        summary = f"{errors} error(s), {warnings} warning(s)."
        if errors:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
