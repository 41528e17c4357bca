"""The API's root (every endpoint, linked) and the bulk download, ``/api/v1/download/``."""

from django.urls import reverse
from django.utils import timezone
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

from catalogue import exports, releases
from common.api.backends import reject_unknown_parameters
from common.api.problems import problem_response
from common.api.views import FORMAT_PARAMETER
from common.params import DATE_FORMAT_HELP, parse_date

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
DOWNLOAD_DATE = OpenApiParameter(
    "date",
    OpenApiTypes.DATE,
    description=(
        "The release of that day (YYYY-MM-DD), byte for byte: every day on which the data "
        "changed has one, kept for good. Without it, the latest release."
    ),
)


def download_document_schema():
    """The JSON document, described from the export's own tables and columns."""
    fields = {
        "title": serializers.CharField(help_text="'Treaty KB data set'."),
        "exported_on": serializers.DateField(
            help_text="The export date: every derived status is the status on that day."
        ),
        "licence": inline_serializer(
            "DataSetLicence",
            {
                "name": serializers.CharField(help_text="'CC-BY-4.0' (SPDX)."),
                "title": serializers.CharField(help_text="The licence's full name."),
                "url": serializers.URLField(help_text="The licence's summary."),
                "legal_code": serializers.URLField(help_text="The licence's legal code."),
                "attribution": serializers.CharField(
                    help_text="The line to credit the data with: site, date and licence."
                ),
            },
            help_text="The data's licence (CC BY 4.0) and how to attribute it.",
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


def release_date(raw):
    try:
        day = parse_date(raw)
    except ValueError as error:
        raise ValidationError({"date": [str(error)]}) from None
    if day is None:
        raise ValidationError({"date": [f"'' is not a date; {DATE_FORMAT_HELP}."]})
    return day


def release_link(request, release, fmt):
    if release is None:
        return None
    url = reverse("api:download") + f"?date={release.day.isoformat()}&format={fmt}"
    return {"date": release.day.isoformat(), "url": request.build_absolute_uri(url)}


class DownloadView(APIView):
    """The whole data set as one dated file: every treaty, participant, ratification record,
    statement, article (with pillars and related articles), pillar and concordance topic, with
    the status-as-at dates (per treaty, the date its participant data is current to) and the
    data's licence (CC BY 4.0). Every day on which the data changed has a release, kept byte
    for byte: ``date`` asks for one; without it, the latest. The same files as the site's
    /data/download/ links, with their SHA-256 as ETag and in Repr-Digest."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    extra_query_parameters = ("date",)
    conditional_reads = True  # ETag (the SHA-256) and Last-Modified, 304 (common.api.schema)
    problem_schemas = {"404": "NoReleaseProblem"}

    def perform_content_negotiation(self, request, force=False):
        # ``format`` names the archive here, not a renderer; errors are always JSON.
        return self.renderer_classes[0](), self.renderer_classes[0].media_type

    @extend_schema(
        parameters=[DOWNLOAD_FORMAT, DOWNLOAD_DATE],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description=(
                    "The file, named by its date in Content-Disposition "
                    "(treatykb-YYYY-MM-DD.zip or .json). The zip holds a folder "
                    "treatykb-YYYY-MM-DD with README.txt (with the licence and attribution) and "
                    + ", ".join(f"{name}.csv" for name, _ in exports.columns())
                    + "; the JSON document the same tables. ETag: the file's SHA-256; "
                    "Repr-Digest: sha-256 (RFC 9530). A past day's release is immutable."
                ),
            ),
            (200, "application/json"): OpenApiResponse(download_document_schema()),
        },
    )
    def get(self, request, format=None):
        reject_unknown_parameters(request, self)
        fmt = request.query_params.get("format", "zip")
        if fmt not in exports.FORMATS:
            raise ValidationError(
                {"format": [f"Unknown format '{fmt}'. Use one of: {', '.join(exports.FORMATS)}."]}
            )
        if "date" not in request.query_params:
            using = releases.ensure_current_release()
            release_file = releases.latest_file(fmt, using)
            if release_file is None:  # every release deleted since this day's check
                return problem_response(request, 404, "There is no release yet.")
            return releases.file_response(request, release_file, cache_control="no-cache")
        day = release_date(request.query_params["date"])
        using = releases.ensure_current_release() if day == timezone.localdate() else None
        release_file = releases.file_of(day, fmt, using)
        if release_file is None:
            earlier, later = releases.nearest(day)
            return problem_response(
                request,
                404,
                f"There is no release of {day.isoformat()}: a release is made only on the days "
                "the data changes.",
                name="no-release",
                earlier=release_link(request, earlier, fmt),
                later=release_link(request, later, fmt),
            )
        return releases.file_response(request, release_file)


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
