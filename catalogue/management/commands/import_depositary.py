from django.core.management.base import BaseCommand, CommandError

from catalogue.depositary import (
    FETCH_TIMEOUT,
    DepositaryError,
    apply,
    compare,
    read_source,
    report_lines,
)
from common.params import parse_date
from treaties.models import Treaty


class Command(BaseCommand):
    help = (
        "Compare a treaty's depositary record (the UN Treaty Collection's MTDSG XML, a file or "
        "its address) with what is published, and report: participants read, records "
        "confirmed, new participants, changed dates, new or changed statements, participants "
        "the record lacks. A dry run by default: nothing is written. With --propose every "
        "difference becomes a proposal for review (never one that would replace a value whose "
        "source is more recent than the record; never twice) and the records the depositary "
        "agrees with are marked confirmed as at the record's date. A file that cannot be read "
        "writes nothing and exits with status 1, naming the line."
    )

    def add_arguments(self, parser):
        parser.add_argument("path_or_url", help="The record: a file, or an http(s) address.")
        parser.add_argument("--treaty", required=True, help="The treaty's slug.")
        parser.add_argument(
            "--propose",
            action="store_true",
            help="Store each difference as a proposal for review and confirm what agrees.",
        )
        parser.add_argument(
            "--as-at",
            help=(
                "The date the record stood at (YYYY-MM-DD), when known. Otherwise: the day the "
                "depositary's server last changed the file (fetched by address), or the latest "
                "action the record lists."
            ),
        )
        parser.add_argument(
            "--copy-url",
            default="",
            help="The address of the copy read, when the file is not the depositary's own.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=FETCH_TIMEOUT,
            help=f"Seconds to wait for the depositary (default {FETCH_TIMEOUT}).",
        )
        parser.add_argument(
            "--list-confirmed", action="store_true", help="Name every record confirmed."
        )

    def handle(self, *args, path_or_url, treaty, propose=False, **options):
        chosen = Treaty.objects.filter(slug=treaty).first()
        if chosen is None:
            slugs = ", ".join(Treaty.objects.values_list("slug", flat=True))
            raise CommandError(f"unknown treaty '{treaty}' (one of {slugs})")
        try:
            as_at = parse_date(options.get("as_at"))
        except ValueError as error:
            raise CommandError(f"--as-at: {error}") from None
        if not options["timeout"] > 0:
            raise CommandError("--timeout: give a number of seconds greater than 0")
        copy_url = options.get("copy_url") or ""
        if copy_url and not copy_url.startswith(("http://", "https://")):
            raise CommandError("--copy-url: give the http(s) address of the copy read")
        try:
            source = read_source(path_or_url, timeout=options["timeout"])
            comparison = compare(chosen, source, as_at=as_at, copy_read=copy_url)
            if not propose:
                for line in report_lines(comparison, verbose=options["list_confirmed"]):
                    self.stdout.write(line)
                self.stdout.write(self.style.SUCCESS("Dry run: nothing was written."))
                return
            outcome = apply(comparison)
        except DepositaryError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(outcome.run.report)
        self.stdout.write(
            self.style.SUCCESS(
                f"Written: {len(outcome.created)} proposals for review, "
                f"{len(outcome.existing)} already open, {outcome.run.confirmed} records "
                "confirmed."
            )
        )
