from django.apps import AppConfig

from common import caching, tracking


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "Treaties and participation"

    def ready(self):
        # Every change to the content bumps the data version that keys cached pages and
        # aggregates; a change to a statement's article links moves the statement's modified_at,
        # and a change to a statement its record's.
        caching.connect_signals(self)
        statement = self.get_model("Statement")
        tracking.track_link(statement._meta.get_field("provisions"))
        tracking.track_parent(statement, "ratification")
