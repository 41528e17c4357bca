"""What every serializer of the API shares: absolute links, validation through the model's
``full_clean()`` (a rule the database enforces is a 400 with field messages, never an integrity
error), and the author of a write for the service that records it."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


def absolute(serializer, path):
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


class ModelValidationMixin:
    """Validate the would-be instance with ``full_clean()`` (fields, ``clean()``, constraints,
    uniqueness) and report every problem as a field message."""

    def prepare_instance(self, instance):
        """Hook: bring derived fields up to date before validation (as ``save()`` will)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        many = {field.name for field in model._meta.many_to_many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if name not in many:
                setattr(instance, name, value)
        self.prepare_instance(instance)
        exclude = [field.name for field in model._meta.concrete_fields if not field.editable]
        try:
            instance.full_clean(exclude=exclude)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None
        return attrs


def writer(serializer):
    """The signed-in user making a write, for the change history (None if anonymous)."""
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


class SpecSerializer(serializers.BaseSerializer):
    """A record as the row of its CSV spec (``common.csvfiles.Spec``): the API's
    ``?format=csv`` then has the columns and spellings of every other export of that record."""

    spec = None

    def to_representation(self, instance):
        return self.spec.as_dict(instance, day=self.context.get("day"))


def spec_serializer(spec):
    return type("SpecSerializer", (SpecSerializer,), {"spec": spec})


class ProposalAcceptedSerializer(serializers.Serializer):
    """The answer to a write kept as a proposal for review (202 Accepted)."""

    proposal = serializers.IntegerField(help_text="The proposal's number.")
    status = serializers.CharField(help_text="'open': waiting for a reviewer.")
    kind = serializers.CharField(help_text="'create', 'update' or 'delete'.")
    changes = serializers.DictField(help_text="The proposed values, by field name.")
    published = serializers.DictField(
        help_text="The values the record had when the proposal was made, by field name."
    )
    url = serializers.URLField(help_text="The proposal's page (also in Location).")
    detail = serializers.CharField(help_text="What happened, in a sentence.")
