from django.apps import AppConfig

from common import caching, tracking


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "Treaties and participation"

    def ready(self):
        # Every change to the content bumps the data version that keys cached pages and
        # aggregates; a change to a statement's article links moves the statement's modified_at,
        # a change to a statement its record's, a change to a record its treaty's (counts) and
        # its participant's (statuses), a participant's new name its records'.
        caching.connect_signals(self)
        statement = self.get_model("Statement")
        ratification = self.get_model("Ratification")
        tracking.track_link(statement._meta.get_field("provisions"))
        tracking.track_parent(statement, "ratification")
        tracking.track_parent(ratification, "treaty")
        tracking.track_parent(ratification, "participant")
        tracking.track_shown(
            self.get_model("Participant"), ["code", "name", "region", "subregion"], "ratifications"
        )
