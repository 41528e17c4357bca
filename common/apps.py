from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The shared plumbing at the bottom of the layers (docs/architecture.md): no models; its
    management commands back up and restore the database."""

    name = "common"
    verbose_name = "Shared plumbing"
