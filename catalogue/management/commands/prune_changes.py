from django.core.management.base import BaseCommand, CommandError

from catalogue import changes


class Command(BaseCommand):
    help = (
        "Delete the entries of the change log (/api/v1/changes/, tombstones included) older "
        f"than --days days (default and minimum {changes.RETENTION_DAYS}: the feed promises a "
        "year). Run it daily or weekly from cron (docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=changes.RETENTION_DAYS,
            help=f"Keep this many days (at least {changes.RETENTION_DAYS}).",
        )

    def handle(self, *args, days, **options):
        try:
            count = changes.prune(days)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{count} change(s) older than {days} days deleted."))
