"""An API key: a secret its holder sends in ``X-API-Key``; only its SHA-256 is kept."""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from common.api.quotas import Rate

PREFIX = "tkb_"
# How long a key's lookup is kept in the cache (a save or revocation forgets it at once).
LOOKUP_SECONDS = 300


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def default_rate():
    return settings.API_KEY_RATE


def validate_rate(value):
    try:
        Rate.parse(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    if not str(value).strip():
        raise ValidationError("Give the key a rate, e.g. 5000/hour.")


class ApiKeyQuerySet(models.QuerySet):
    def holding(self, secret):
        """The active key whose secret is ``secret``, or None (cached by its digest)."""
        hashed = digest(secret)
        cache_key = f"treatykb:apikey:{hashed}"
        found = cache.get(cache_key)
        if found is None:
            key = self.filter(key_hash=hashed, revoked_at__isnull=True).first()
            found = (key.pk, key.rate) if key else ()
            cache.set(cache_key, found, LOOKUP_SECONDS)
        return found or None


class ApiKey(models.Model):
    """A free key for an organisation that reads the API often: its own quota (``rate``)
    instead of the quota of its address. It grants no right to write."""

    name = models.CharField(
        max_length=200, help_text="The organisation or application the key is for."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(help_text="Whom to write to about the key.")
    rate = models.CharField(
        max_length=30,
        default=default_rate,
        validators=[validate_rate],
        help_text="Requests per period: e.g. 5000/hour (second, minute, hour or day).",
    )
    note = models.TextField(blank=True)
    prefix = models.CharField(
        max_length=12, editable=False, help_text="The key's first characters, to recognise it."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="Set to revoke the key: it is refused from then on."
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "API key"
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def issue(self):
        """A new secret for this key (returned once, never stored: only its digest is)."""
        secret = PREFIX + secrets.token_urlsafe(32)
        self.prefix = secret[: len(PREFIX) + 6]
        self.key_hash = digest(secret)
        return secret

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(f"treatykb:apikey:{self.key_hash}")

    def delete(self, *args, **kwargs):
        cache.delete(f"treatykb:apikey:{self.key_hash}")
        return super().delete(*args, **kwargs)
