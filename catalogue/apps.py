from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """The whole collection, treaties with their articles: loading the data set, checking it,
    exporting it, and the pages that show both (home, a treaty, the data page)."""

    name = "catalogue"
    verbose_name = "The collection"
