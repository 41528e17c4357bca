from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    """Free API keys for the organisations that read the API often: each gives its holder a
    quota of its own (``common.api.quotas``), issued by an editor in the admin."""

    name = "apikeys"
    verbose_name = "API keys"
    default_auto_field = "django.db.models.BigAutoField"
