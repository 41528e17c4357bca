import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench import synthetic


class Command(BaseCommand):
    help = (
        "Generate a synthetic data set of the real data's shape (treaties, articles with "
        "pillar tags, participants, ratification records, reservations) at a chosen scale, for "
        "benchmarks. Deterministic for a given --seed. Refuses to write into a database that "
        "holds the real data unless --allow-mixed is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(synthetic.SCALES),
            default="small",
            help=(
                "small: 12 treaties; medium: 60; whole: 600 treaties (~30,000 articles, "
                "60,000 records), the UN Treaty Collection's size. Default: small."
            ),
        )
        parser.add_argument(
            "--treaties", type=int, default=None, help="Number of treaties (overrides --scale)."
        )
        parser.add_argument(
            "--participants",
            type=int,
            default=None,
            help="Number of participants, at most 250 (default: the scale's, 250).",
        )
        parser.add_argument(
            "--records-per-treaty",
            type=int,
            default=None,
            help="Average ratification records per treaty (default: the scale's, 100).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--allow-mixed",
            action="store_true",
            help="Add the synthetic data alongside the real data set when the database holds it.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete synthetic treaties generated before (and their records) first.",
        )

    def handle(self, *args, **options):
        preset = synthetic.SCALES[options["scale"]]
        scale = synthetic.Scale(
            treaties=options["treaties"] if options["treaties"] is not None else preset.treaties,
            participants=options["participants"] or preset.participants,
            records_per_treaty=options["records_per_treaty"] or preset.records_per_treaty,
        )
        if scale.treaties < 1:
            raise CommandError("--treaties must be at least 1.")
        if not 1 <= scale.participants <= 250:
            raise CommandError("--participants must be from 1 to 250.")
        if scale.records_per_treaty < 1:
            raise CommandError("--records-per-treaty must be at least 1.")
        started = time.monotonic()
        verbose = options["verbosity"] >= 2
        try:
            result = synthetic.generate(
                Path(settings.TREATYKB_FIXTURES_DIR),
                scale,
                seed=options["seed"],
                allow_mixed=options["allow_mixed"],
                replace=options["replace"],
                progress=(lambda message: self.stdout.write(f"  {message}")) if verbose else None,
            )
        except (synthetic.RealDataPresent, synthetic.AlreadyGenerated) as error:
            raise CommandError(str(error)) from error
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic data generated in {time.monotonic() - started:.1f} s "
                f"(seed {options['seed']})."
            )
        )
