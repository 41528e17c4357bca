"""What the data loader remembers, so that an editor's work survives a reload.

``LoadedValue``: per field of every record the loader writes, the value it last loaded there.
At the next load a field whose value still equals it was not touched by an editor and takes the
shipped value; a field an editor changed keeps the editor's value. Where the shipped data also
changed that field, the loader records a ``Decision`` (both values and their sources) for an
editor to take in the admin, and applies nothing.

``Release`` and its ``ReleaseFile``s: the download of every day on which the data changed,
kept byte for byte (``catalogue.releases``).
"""

import gzip
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse


def encode(value):
    """A field's value as JSON data (dates as YYYY-MM-DD), comparable across loads."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


class RecordField(models.Model):
    """One field of one record (any model the loader writes)."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, help_text="The kind of record."
    )
    object_id = models.BigIntegerField(help_text="The record's primary key.")
    field = models.CharField(max_length=100, help_text="The field's name.")

    class Meta:
        abstract = True

    @property
    def record(self):
        model = self.content_type.model_class()
        return model._default_manager.filter(pk=self.object_id).first()

    @property
    def field_label(self):
        model = self.content_type.model_class()
        try:
            return str(model._meta.get_field(self.field).verbose_name)
        except Exception:  # a field the model no longer has
            return self.field


class LoadedValue(RecordField):
    value = models.JSONField(
        null=True, encoder=DjangoJSONEncoder, help_text="The value the loader last loaded."
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="The file (and line) the value was loaded from."
    )
    loaded_at = models.DateTimeField(auto_now=True, help_text="When it was loaded.")

    class Meta:
        ordering = ["content_type", "object_id", "field"]
        verbose_name = "loaded value"
        verbose_name_plural = "loaded values"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"], name="loaded_value_unique"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}.{self.field} = {self.value!r}"


class DecisionState(models.TextChoices):
    OPEN = "open", "To decide"
    APPLIED = "applied", "Shipped value applied"
    KEPT = "kept", "Editor's value kept"
    SETTLED = "settled", "Settled (the record now has the shipped value)"


class DecisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=DecisionState.OPEN)

    def about(self, obj):
        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_id=obj.pk)


class Decision(RecordField):
    """The shipped data changed a field that an editor had changed too."""

    loaded_value = models.JSONField(
        null=True,
        encoder=DjangoJSONEncoder,
        help_text="What the loader had loaded into the field before the editor changed it.",
    )
    editor_value = models.JSONField(
        null=True,
        encoder=DjangoJSONEncoder,
        help_text="The editor's value, the record's when the loader met the change.",
    )
    shipped_value = models.JSONField(
        null=True, encoder=DjangoJSONEncoder, help_text="The data set's new value."
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="The file (and line) of the shipped value."
    )
    state = models.CharField(
        max_length=10,
        choices=DecisionState.choices,
        default=DecisionState.OPEN,
        help_text="Open until an editor applies the shipped value or keeps their own.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the loader met it.")
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When it was decided.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who decided.",
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = "decision on the shipped data"
        verbose_name_plural = "decisions on the shipped data"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"],
                condition=Q(state="open"),
                name="decision_one_open_per_field",
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}: {self.field}"


# -- Releases: the download of every day the data changed, kept --------------------------------


class ReleaseFormat(models.TextChoices):
    ZIP = "zip", "CSV files (.zip)"
    JSON = "json", "JSON document"


SHA256_LENGTH = 64


class ReleaseQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-day")

    def with_files(self):
        """Each release with its files' names, sizes and checksums (not their bytes)."""
        files = ReleaseFile.objects.db_manager(self.db).defer("content").order_by("format")
        return self.prefetch_related(models.Prefetch("files", queryset=files))

    def nearest(self, day):
        """The releases just before and just after ``day`` (either may be None)."""
        earlier = self.filter(day__lt=day).order_by("-day").first()
        later = self.filter(day__gt=day).order_by("day").first()
        return earlier, later


class Release(models.Model):
    """The data set as downloaded on one day, kept for good: one per day on which the data
    changed (the last state of that day), served byte for byte at its dated address."""

    day = models.DateField(unique=True, help_text="The day of the release: its export date.")
    digest = models.CharField(
        max_length=SHA256_LENGTH,
        help_text=(
            "SHA-256 of the data the release holds, leaving out its date and what is derived "
            "on that date (statuses): the same digest means the same data."
        ),
    )
    data_version = models.CharField(
        max_length=100,
        blank=True,
        help_text="The data version (common.caching) the release was built from.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it was first made.")
    updated_at = models.DateTimeField(
        auto_now=True, help_text="When it was last made: the data may change again on its day."
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-day"]
        verbose_name = "release"
        verbose_name_plural = "releases"
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("digest"), SHA256_LENGTH), name="release_digest_sha256"
            ),
        ]

    def __str__(self):
        return f"treatykb-{self.day.isoformat()}"

    def get_absolute_url(self):
        return f"{reverse('catalogue:data')}#release-{self.day.isoformat()}"


class ReleaseFile(models.Model):
    """One format of a release: its exact bytes (kept gzip-compressed), size and checksum."""

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="files", help_text="The release."
    )
    format = models.CharField(
        max_length=10, choices=ReleaseFormat.choices, help_text="The file's format."
    )
    sha256 = models.CharField(
        max_length=SHA256_LENGTH, help_text="SHA-256 of the file as served (hexadecimal)."
    )
    size = models.PositiveBigIntegerField(help_text="The file's size in bytes, as served.")
    content = models.BinaryField(help_text="The file's bytes, gzip-compressed.")

    class Meta:
        ordering = ["release", "format"]
        verbose_name = "release file"
        verbose_name_plural = "release files"
        constraints = [
            models.UniqueConstraint(fields=["release", "format"], name="release_file_unique"),
            models.CheckConstraint(
                condition=Q(format__in=ReleaseFormat.values), name="release_file_format"
            ),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), SHA256_LENGTH), name="release_file_sha256"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return f"treatykb-{self.release.day.isoformat()}.{self.format}"

    def get_absolute_url(self):
        return reverse(
            "catalogue:data_download",
            kwargs={"date": self.release.day.isoformat(), "fmt": self.format},
        )

    def data(self):
        """The file's bytes as served."""
        return gzip.decompress(bytes(self.content))


class ChangeAction(models.TextChoices):
    CREATED = "created", "created"
    UPDATED = "updated", "updated"
    DELETED = "deleted", "deleted"


class Change(models.Model):
    """One entry of the change log (``catalogue.changes``): an object of the API was created,
    updated (itself, or what it shows of others: a treaty's counts, a record's statements) or
    deleted (a tombstone). Entries are numbered in commit order; the number is the change feed's
    cursor (``/api/v1/changes/``). Kept at least a year (``manage.py prune_changes``)."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(
        max_length=20,
        help_text="The API resource: treaty, participant, ratification, statement, provision, "
        "pillar.",
    )
    object_id = models.CharField(
        max_length=200, help_text="The object's API identifier, e.g. 'untoc/FR'."
    )
    action = models.CharField(
        max_length=10, choices=ChangeAction.choices, help_text="What happened to the object."
    )
    at = models.DateTimeField(help_text="When the change was written.")

    class Meta:
        ordering = ["id"]
        verbose_name = "change"
        verbose_name_plural = "change log"
        indexes = [models.Index(fields=["at"], name="change_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["created", "updated", "deleted"]),
                name="change_action_known",
            ),
            models.CheckConstraint(condition=~Q(object_id=""), name="change_has_object_id"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.object_id} {self.action}"
