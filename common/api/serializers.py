"""What every serializer of the API shares: absolute links, validation through the model's
``full_clean()`` (a rule the database enforces is a 400 with field messages, never an integrity
error), and the author of a write for the service that records it."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import serializers


class IdentityField(serializers.HyperlinkedIdentityField):
    """The object's address in the API, never with the request's query: DRF's reverse keeps a
    ``?format=`` of the request, and an identifier must not depend on how it was asked for."""

    def get_url(self, obj, view_name, request, format):
        if getattr(obj, "pk", None) in (None, ""):
            return None
        path = reverse(view_name, kwargs={self.lookup_url_kwarg: getattr(obj, self.lookup_field)})
        return request.build_absolute_uri(path) if request is not None else path


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
    chosen = None  # the columns ``fields``/``omit`` keep (``ApiViewSetMixin.choose_fields``)

    def to_representation(self, instance):
        row = self.spec.as_dict(instance, day=self.context.get("day"))
        if self.chosen is not None:
            row = {name: row[name] for name in self.chosen}
        return row


def spec_serializer(spec):
    return type("SpecSerializer", (SpecSerializer,), {"spec": spec})
