from django.apps import AppConfig

from common import caching, tracking


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "Treaties and participation"

    def ready(self):
        # Every change to the content bumps the data version that keys cached pages and
        # aggregates; a change to a statement's article links moves the statement's modified_at.
        caching.connect_signals(self)
        tracking.track_link(self.get_model("Statement")._meta.get_field("provisions"))
