from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save


class CommonConfig(AppConfig):
    """The shared plumbing at the bottom of the layers (docs/architecture.md): no models; its
    management commands back up and restore the database; it keeps login lockouts humane
    (common/lockouts.py)."""

    name = "common"
    verbose_name = "Shared plumbing"

    def ready(self):
        from .lockouts import lift_on_new_password

        pre_save.connect(
            lift_on_new_password, sender=get_user_model(), dispatch_uid="lift-on-new-password"
        )
