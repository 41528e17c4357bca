"""The public API for provisions (articles) and pillars."""

from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from common.api.views import (
    FORMAT_PARAMETER,
    ApiViewSetMixin,
    AtomicWritesMixin,
    field_parameters,
    writable_schema,
)
from provisions import columns
from provisions.filters import PillarFilterSet, ProvisionFilterSet
from provisions.models import Pillar, Provision
from treaties.models import Treaty

from .pagination import ProvisionPagination
from .serializers import PillarSerializer, ProvisionSerializer

PROVISION_FIELDS = field_parameters(ProvisionSerializer, columns.PROVISION)
PILLAR_FIELDS = field_parameters(PillarSerializer, columns.PILLAR)
PROVISION_PARAMETERS = [
    OpenApiParameter("treaty", OpenApiTypes.STR, OpenApiParameter.PATH, description="Treaty slug."),
    OpenApiParameter(
        "number",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description="Article number as the treaty writes it, e.g. '6'.",
    ),
]


@writable_schema(ProvisionSerializer, PROVISION_FIELDS, PROVISION_PARAMETERS)
class ProvisionViewSet(ApiViewSetMixin, AtomicWritesMixin, viewsets.ModelViewSet):
    """The articles of every treaty: official text (``text_incomplete`` marks a gap), division,
    pillars and related articles in the other instruments. Identified by
    ``<treaty-slug>/<number>``. Listed in treaty and article order; with ``q`` (the same search
    as the site's: words and "phrases" in any form, ``-word`` to leave one out), every match,
    best first unless ``ordering`` is given, 20 a page unless ``page_size`` says otherwise.
    Ranking reads the first 200 matches (the core instruments' first, then in treaty order):
    any further matches follow them in treaty and article order.

    Writes (including the pillar tags and related articles) need the matching model permission
    (add/change/delete provision)."""

    download_name = "provisions"  # CSV files: treatykb-provisions-...csv

    queryset = Provision.objects.all()
    csv_spec = columns.PROVISION
    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilterSet
    pagination_class = ProvisionPagination
    ordering_fields = {
        "treaty": ("treaty__position", "sort_key"),
        "number": ("sort_key", "treaty__position"),
        "modified_at": ("modified_at",),
    }
    default_order_text = "treaty, then article order (best match first with q)."
    csv_exclude = ("related_provisions",)

    def get_queryset(self):
        return Provision.objects.for_display().in_treaty_order()

    def object_filters(self):
        return {"treaty__slug": self.kwargs["treaty"], "number": self.kwargs["number"]}


@extend_schema_view(
    list=extend_schema(parameters=[FORMAT_PARAMETER, *PILLAR_FIELDS]),
    retrieve=extend_schema(
        parameters=[
            FORMAT_PARAMETER,
            *PILLAR_FIELDS,
            OpenApiParameter(
                "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Pillar slug."
            ),
        ]
    ),
)
class PillarViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The four pillars (prevention, protection, prosecution, cooperation) with the number of
    provisions tagged with each, per treaty. Tagging or untagging an article changes the
    pillar's ``modified_at``."""

    download_name = "pillars"  # CSV files: treatykb-pillars-...csv

    queryset = Pillar.objects.all()
    csv_spec = columns.PILLAR
    serializer_class = PillarSerializer
    filterset_class = PillarFilterSet
    lookup_field = "slug"
    ordering_fields = {
        "position": ("position",),
        "slug": ("slug",),
        "name": ("name",),
        "modified_at": ("modified_at",),
    }
    default_order_text = "position."

    def get_serializer_context(self):
        context = super().get_serializer_context()
        tags = Provision.pillars.through.objects.values("pillar_id", "provision__treaty__slug")
        context["counts"] = {
            (row["pillar_id"], row["provision__treaty__slug"]): row["n"]
            for row in tags.annotate(n=Count("pk")).order_by()
        }
        context["treaties"] = list(
            Treaty.objects.order_by("position", "slug").values_list("slug", flat=True)
        )
        return context
