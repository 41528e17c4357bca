"""The API's root (every endpoint, linked) and the bulk download, ``/api/v1/download/``."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue import exports
from common.api.backends import reject_unknown_parameters
from common.api.conditional import ConditionalReadMixin
from common.api.views import FORMAT_PARAMETER

DOWNLOAD_FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=list(exports.FORMATS),
    default="zip",
    description=(
        "zip (default): a folder of CSV files, one per table, with a README; json: the same "
        "tables in one JSON document."
    ),
)


def download_document_schema():
    """The JSON document, described from the export's own tables and columns."""
    fields = {
        "title": serializers.CharField(help_text="'Treaty KB data set'."),
        "exported_on": serializers.DateField(
            help_text="The export date: every derived status is the status on that day."
        ),
        "status_rules": serializers.CharField(help_text="How status is derived from the dates."),
        "status_as_at": serializers.DictField(
            child=serializers.DateField(allow_null=True),
            help_text=(
                "Per treaty slug, the date its participant data is current to (null where not "
                "known)."
            ),
        ),
    }
    for name, header in exports.columns():
        fields[name] = serializers.ListField(
            child=serializers.DictField(),
            help_text=f"The rows of {name}.csv, with the keys: {', '.join(header)}.",
        )
    return inline_serializer("DataSetDocument", fields)


class DownloadView(ConditionalReadMixin, APIView):
    """The whole data set as one dated archive: every treaty, participant, ratification
    record, statement, article (with pillars and related articles), pillar and concordance
    topic, exported today with its status-as-at dates (per treaty, the date its participant
    data is current to). The same file as the site's /data/download/ link."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        # ``format`` names the archive here, not a renderer; errors are always JSON.
        return self.renderer_classes[0](), self.renderer_classes[0].media_type

    @extend_schema(
        parameters=[DOWNLOAD_FORMAT],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description=(
                    "The archive, named by its date in Content-Disposition "
                    "(treatykb-YYYY-MM-DD.zip or .json). The zip holds a folder "
                    "treatykb-YYYY-MM-DD with README.txt and "
                    + ", ".join(f"{name}.csv" for name, _ in exports.columns())
                    + "; the JSON document the same tables. ETag and Last-Modified as on every "
                    "endpoint."
                ),
            ),
            (200, "application/json"): OpenApiResponse(download_document_schema()),
            304: OpenApiResponse(description="Not modified since the ETag or date sent."),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="An unknown format or query parameter, named with the accepted ones.",
            ),
        },
    )
    def get(self, request, format=None):
        reject_unknown_parameters(request, self)
        fmt = request.query_params.get("format", "zip")
        if fmt not in exports.FORMATS:
            raise ValidationError(
                {"format": [f"Unknown format '{fmt}'. Use one of: {', '.join(exports.FORMATS)}."]}
            )
        return self._conditionally(lambda request: exports.archive_response(fmt), request)


class ApiRootView(APIView):
    """Treaty KB's public API, version 1. Every list is paginated (``page``, ``page_size``),
    filterable, orderable (``ordering``) and available as CSV (``?format=csv``). The schema
    and the interactive documentation describe every parameter; docs/api.md has examples."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
        description="Links to every endpoint, the bulk download, the schema and the docs.",
    )
    def get(self, request, format=None):
        def link(name, **kwargs):
            return request.build_absolute_uri(reverse(name, kwargs=kwargs or None))

        return Response(
            {
                "treaties": link("api:treaty-list"),
                "provisions": link("api:provision-list"),
                "pillars": link("api:pillar-list"),
                "participants": link("api:participant-list"),
                "ratifications": link("api:ratification-list"),
                "statements": link("api:statement-list"),
                "feeds": {
                    "treaty": link("api:treaty-feed", slug="untoc"),
                    "participant": link("api:participant-feed", code="EU"),
                },
                "download": link("api:download"),
                "schema": link("api:schema"),
                "docs": link("api:docs"),
            }
        )
