from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "Treaties and participation"

    def ready(self):
        # Every change to the content bumps the data version that keys cached aggregates;
        # a change to a link moves modified_at of the records that show it.
        from . import caching, tracking

        caching.connect_signals()
        tracking.connect_signals()
