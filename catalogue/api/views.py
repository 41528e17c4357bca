"""The API's root (every endpoint, linked), the change feed, ``/api/v1/changes/``, and the bulk
download, ``/api/v1/download/``."""

import datetime

from django.conf import settings
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
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from catalogue import changes, exports, releases
from catalogue.models import Change, ChangeAction
from common.api.backends import reject_unknown_parameters
from common.api.conditional import ConditionalReadMixin
from common.api.problems import problem_response
from common.api.views import FORMAT_PARAMETER
from common.params import parse_date, parse_timestamp

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
        return parse_date(raw)
    except ValueError as error:
        raise ValidationError({"date": [str(error)]}) from None


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
        fmt = request.query_params.get("format", "").strip() or "zip"  # empty: the default
        if fmt not in exports.FORMATS:
            raise ValidationError(
                {"format": [f"Unknown format '{fmt}'. Use one of: {', '.join(exports.FORMATS)}."]}
            )
        if not request.query_params.get("date", "").strip():  # none, or empty: the latest
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
                "changes": link("api:change-list"),
                "feeds": {
                    "treaty": link("api:treaty-feed", slug="untoc"),
                    "participant": link("api:participant-feed", code="EU"),
                },
                "download": link("api:download"),
                "schema": link("api:schema"),
                "docs": link("api:docs"),
            }
        )


CHANGE_SINCE = OpenApiParameter(
    "since",
    # A cursor (digits) or a moment (a date, or a date and time).
    {
        "anyOf": [
            {"type": "string", "pattern": "^[0-9]+$"},
            {"type": "string", "format": "date"},
            {"type": "string", "format": "date-time"},
        ]
    },
    description=(
        "Where to start: a cursor (the ``cursor`` of the previous answer, or of any entry: the "
        "changes after it), or a moment (ISO 8601 timestamp, UTC unless an offset is given, or "
        "a date: the changes at or after it). Empty or omitted: from the oldest change kept. "
        f"Changes are kept {changes.RETENTION_DAYS} days: a moment older than that, or a "
        "cursor whose change is no longer kept, is a 410 (pull everything again); a cursor "
        "no change ever had is a 404."
    ),
)
CHANGE_PAGE_SIZE = OpenApiParameter(
    "page_size",
    {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
    description=f"Changes per answer, from 1 to {settings.API_MAX_PAGE_SIZE} (default 100).",
)
CHANGE_FIELDS = {
    "cursor": serializers.CharField(help_text="This entry's cursor (opaque)."),
    "type": serializers.ChoiceField(choices=changes.KINDS, help_text="The API resource."),
    "id": serializers.CharField(
        help_text="The object's identifier in its resource, e.g. 'untoc/FR' (a statement's "
        "number as a string)."
    ),
    "url": serializers.URLField(
        allow_null=True, help_text="The object in the API; null for a deleted object."
    ),
    "action": serializers.ChoiceField(
        choices=ChangeAction.values,
        help_text="created, updated (itself or what it shows of others: a treaty's counts "
        "when one of its records changes, a record when its statements do) or deleted (a "
        "tombstone).",
    ),
    "time": serializers.DateTimeField(help_text="When the change was written."),
}
CHANGE_PAGE = inline_serializer(
    "ChangePage",
    {
        "cursor": serializers.CharField(
            help_text="Pass it as since= to continue: the last entry's cursor (or the one "
            "given, when there is nothing new)."
        ),
        "more": serializers.BooleanField(help_text="Whether more changes follow at once."),
        "next": serializers.URLField(help_text="The address to ask next (since=cursor)."),
        "results": inline_serializer(
            "Change", CHANGE_FIELDS, many=True, help_text="The changes, oldest first."
        ),
    },
)
DEFAULT_CHANGES = 100


class ChangesGone(ValidationError):
    status_code = 410
    default_code = "gone"


class ChangeFeedViewSet(ConditionalReadMixin, GenericViewSet):
    """Every created, updated and deleted object of every resource (treaties, participants,
    ratification records, statements, provisions, pillars), oldest first, with a cursor to
    continue. An object whose derived fields changed is listed as updated: a treaty when one of
    its records or articles changes (its counts), a participant when one of its records does,
    a record when one of its statements does, an article and a pillar when a tag changes. A
    deleted object is a tombstone (type, id, time; no url). Kept at least a year.

    Keep a copy in sync: pull every list once (note the ``cursor`` of
    ``/api/v1/changes/?since=<the moment you started>`` first), then ask for
    ``since=<cursor>`` and fetch each listed ``url`` (or drop the tombstone's object); repeat
    while ``more`` is true. Entries are in commit order: a cursor never skips a change."""

    download_name = "changes"  # CSV files: treatykb-changes-...csv

    permission_classes = [AllowAny]
    extra_problem_codes = ("410",)  # a cursor or time past the retention
    pagination_class = None  # its own cursor, not pages (common.api.schema: one ChangePage)
    queryset = Change.objects.all()
    # Its own paging (cursors, ``page_size``), no filters: only these parameters.
    pagination_class = None
    filter_backends = []
    extra_query_parameters = ("since", "page_size")

    def since(self):
        """(cursor, moment): where the answer starts."""
        raw = self.request.query_params.get("since", "").strip()
        if not raw:
            return 0, None
        if raw.isdigit():
            cursor = int(raw)
            if cursor and not Change.objects.filter(pk=cursor).exists():
                oldest = Change.objects.order_by("pk").values_list("pk", flat=True).first()
                if oldest is not None and cursor < oldest:
                    raise ChangesGone(
                        {
                            "since": [
                                f"The changes after cursor {raw} are no longer all kept: "
                                "pull every list again, then continue from a new cursor."
                            ]
                        }
                    )
                raise NotFound(
                    f"Unknown cursor '{raw}': no change has that number. A cursor is the "
                    "number an earlier answer gave."
                )
            return cursor, None
        try:
            moment = parse_timestamp(raw)
        except ValueError as error:
            raise ValidationError(
                {"since": [f"{error} A cursor is the number an earlier answer gave."]}
            ) from None
        kept_from = timezone.now() - datetime.timedelta(days=changes.RETENTION_DAYS)
        if moment < kept_from:
            raise ChangesGone(
                {
                    "since": [
                        f"Changes are kept {changes.RETENTION_DAYS} days: {raw} is older. "
                        "Pull every list again, then continue from a new cursor."
                    ]
                }
            )
        return None, moment

    def page_size(self):
        raw = self.request.query_params.get("page_size", "").strip()
        if not raw:
            return DEFAULT_CHANGES
        size = int(raw) if raw.isdigit() else 0
        if not 1 <= size <= settings.API_MAX_PAGE_SIZE:
            raise ValidationError(
                {
                    "page_size": [
                        f"'{raw}' is not a valid page size: use a whole number from 1 "
                        f"to {settings.API_MAX_PAGE_SIZE}."
                    ]
                }
            )
        return size

    @extend_schema(
        parameters=[CHANGE_SINCE, CHANGE_PAGE_SIZE, FORMAT_PARAMETER],
        responses={200: CHANGE_PAGE},
    )
    def feed(self, request, *args, **kwargs):
        # Not "list": the answer is one page object, not a list of changes (for the schema).
        return self._conditionally(self.answer, request, *args, **kwargs)

    def answer(self, request, *args, **kwargs):
        reject_unknown_parameters(request, self)
        cursor, moment = self.since()
        size = self.page_size()
        entries = Change.objects.order_by("pk")
        entries = (
            entries.filter(pk__gt=cursor) if moment is None else entries.filter(at__gte=moment)
        )
        rows = list(entries[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if rows:
            last = rows[-1].pk
        elif moment is not None:  # nothing at or after the moment: continue from the newest
            last = Change.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        else:
            last = cursor
        link = request.build_absolute_uri(reverse("api:change-list"))
        page = f"&page_size={size}" if "page_size" in request.query_params else ""
        return Response(
            {
                "cursor": str(last),
                "more": more,
                "next": f"{link}?since={last}{page}",
                "results": [changes.entry(row, request.build_absolute_uri) for row in rows],
            }
        )
