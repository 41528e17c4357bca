from django.apps import AppConfig

from common import caching, tracking


class ProvisionsConfig(AppConfig):
    name = "provisions"
    verbose_name = "Provisions and pillars"

    def ready(self):
        # As for treaties: content changes bump the data version; pillar tags and related
        # articles show on both sides of the link, a topic's articles on the topic.
        caching.connect_signals(self)
        provision = self.get_model("Provision")._meta
        tracking.track_link(provision.get_field("pillars"), both_sides=True)
        tracking.track_link(provision.get_field("related"), both_sides=True)
        tracking.track_link(self.get_model("Topic")._meta.get_field("provisions"))
        # A finding of no corresponding provision shows on its topic.
        tracking.track_parent(self.get_model("ConcordanceFinding"), "topic")
        # An article's treaty counts its articles; its related articles show its number and
        # heading, the statements naming it its number, its pillars count it per treaty.
        provision = self.get_model("Provision")
        tracking.track_parent(provision, "treaty")
        tracking.track_shown(provision, ["number", "heading", "treaty"], "related", "statements")
        tracking.track_shown(provision, ["treaty"], "pillars")
