"""What the data loader remembers, so that an editor's work survives a reload.

``LoadedValue``: per field of every record the loader writes, the value it last loaded there.
At the next load a field whose value still equals it was not touched by an editor and takes the
shipped value; a field an editor changed keeps the editor's value. Where the shipped data also
changed that field, the loader records a ``Decision`` (both values and their sources) for an
editor to take in the admin, and applies nothing.
"""

import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q


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
