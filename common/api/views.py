"""What every endpoint of the API shares: conditional reads and the response cache
(``common.api.conditional``), strict parameters, CSV, ``as_of``, writes in one transaction."""

import datetime

from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from common.params import parse_as_of

from .conditional import ConditionalReadMixin
from .serializers import spec_serializer

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "api"],
    description=(
        "Representation: json (default), csv (flat columns for spreadsheets; also with "
        "'Accept: text/csv') or api (the browsable HTML view)."
    ),
)


class ApiViewSetMixin(ConditionalReadMixin):
    """What every endpoint shares: conditional reads, strict parameters, CSV, ``as_of``."""

    csv_exclude = ()
    default_order_text = ""
    # The record type's CSV columns (``common.csvfiles.Spec``): with one, ``?format=csv`` writes
    # them, as every other export of the record does; without, the JSON's fields, flattened.
    csv_spec = None

    def wants_csv(self):
        renderer = getattr(self.request, "accepted_renderer", None) if self.request else None
        return getattr(renderer, "format", None) == "csv"

    def get_serializer_class(self):
        if self.csv_spec is not None and self.action in ("list", "retrieve") and self.wants_csv():
            return spec_serializer(self.csv_spec)
        return super().get_serializer_class()

    def as_of(self):
        """``as_of`` by the one grammar and rule of ``common.params``; a 400 when invalid."""
        try:
            return parse_as_of(self.request.query_params.get("as_of"))
        except ValueError as error:
            raise ValidationError({"as_of": [str(error)]}) from None

    def get_serializer_context(self):
        context = super().get_serializer_context()
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None and "as_of" in filterset_class.base_filters:
            context["as_of"] = self.as_of()
        context["day"] = context.get("as_of") or timezone.localdate()  # a CSV's status_on
        return context


class AtomicWritesMixin:
    """Every write in one transaction, after the serializer's ``full_clean()``."""

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()


def as_of_today_text():
    return f"today ({datetime.date.today().isoformat()})"
