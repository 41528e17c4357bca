from django.apps import AppConfig
from django.db.models.signals import post_delete

from common import caching


class CatalogueConfig(AppConfig):
    """The whole collection, treaties with their articles: loading the data set (and keeping
    editors' work through reloads), checking it, exporting it and keeping each day's download
    (releases), and the pages that show both (home, a treaty, the data page)."""

    name = "catalogue"
    verbose_name = "The collection"

    def ready(self):
        from . import changes
        from .curation import forget
        from .models import Release

        # Every write of an API object, whoever makes it, is listed by /api/v1/changes/.
        changes.connect()

        # A release deleted (by a superuser) leaves the pages that list it.
        post_delete.connect(caching.content_changed, sender=Release, dispatch_uid="release-gone")

        for model in caching.content_models():
            if not model._meta.auto_created:  # records, not their link tables
                post_delete.connect(forget, sender=model, dispatch_uid=f"forget-{model._meta}")
