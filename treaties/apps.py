from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "Treaties and participation"

    def ready(self):
        # Every change to the content bumps the data version that keys cached aggregates.
        from . import caching

        caching.connect_signals()
