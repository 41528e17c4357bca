"""Write static/vendor/world-map/countries-110m.svg from countries-110m.json (treaties.charts)."""

from django.core.management.base import BaseCommand

from treaties import charts


class Command(BaseCommand):
    help = (
        "Write the world map's shapes as one SVG file of paths with ids "
        f"(static/{charts.SPRITE_STATIC_PATH}), drawn by <use> on the treaty pages."
    )

    def handle(self, *args, **options):
        text = charts.world_sprite_svg()
        charts.SPRITE_FILE.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {charts.SPRITE_FILE} ({len(text.encode()):,} bytes).")
