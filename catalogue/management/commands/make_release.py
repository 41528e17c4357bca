from django.core.management.base import BaseCommand

from catalogue import releases


class Command(BaseCommand):
    help = (
        "Keep today's download as a release: made if the data differs from the latest "
        "release's, replaced if today's exists and the data changed again; nothing is written "
        "when the data equals the latest release's. Run it hourly (docs/deploy.md) so that "
        "each day keeps its last state."
    )

    def handle(self, *args, **options):
        release, outcome = releases.make_release()
        files = ", ".join(
            f"{f.name} ({f.size} bytes, sha256 {f.sha256})"
            for f in release.files.order_by("format")
        )
        verdict = {
            releases.MADE: "made",
            releases.REPLACED: "replaced (the data changed again today)",
            releases.UNCHANGED: "unchanged: the data equals the latest release's",
        }[outcome]
        self.stdout.write(
            self.style.SUCCESS(f"Release {release.day.isoformat()} {verdict}: {files}.")
        )
