"""The public API for treaties, participants, ratification records and statements.

Viewset docstrings are the endpoint descriptions in the OpenAPI schema and the interactive
documentation: they are written for the people who call the API.
"""

import datetime

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from provisions.models import Provision
from treaties import exports
from treaties import status as status_rules
from treaties.filters import (
    ParticipantFilterSet,
    RatificationFilterSet,
    StatementFilterSet,
    TreatyFilterSet,
)
from treaties.models import Participant, Ratification, Statement, Treaty

from .backends import reject_unknown_parameters
from .conditional import ConditionalReadMixin
from .serializers import (
    ParticipantSerializer,
    RatificationSerializer,
    StatementSerializer,
    TreatyDetailSerializer,
    TreatySerializer,
)

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

    def as_of(self):
        raw = self.request.query_params.get("as_of")
        try:
            return status_rules.parse_date(raw)
        except ValueError as error:
            raise ValidationError({"as_of": [str(error)]}) from None

    def get_serializer_context(self):
        context = super().get_serializer_context()
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None and "as_of" in filterset_class.base_filters:
            context["as_of"] = self.as_of()
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


@extend_schema_view(
    list=extend_schema(parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter(
                "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Treaty slug."
            ),
        ]
    ),
)
class TreatyViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The four treaties: metadata, how current their participant data is, counts of articles,
    parties and signatories (as at ``as_of``, today by default), and links to their provisions,
    ratification records and Atom feed."""

    queryset = Treaty.objects.for_display()
    serializer_class = TreatySerializer
    filterset_class = TreatyFilterSet
    lookup_field = "slug"
    ordering_fields = {
        "position": ("position",),
        "slug": ("slug",),
        "short_title": ("short_title",),
        "adopted_on": ("adopted_on",),
        "entry_into_force_on": ("entry_into_force_on",),
        "party_count": ("party_count",),
        "signatory_count": ("signatory_count",),
        "article_count": ("article_count",),
        "modified_at": ("modified_at",),
    }
    default_order_text = "position (oldest instrument first)."

    def get_serializer_class(self):
        return TreatyDetailSerializer if self.action == "retrieve" else TreatySerializer


@extend_schema_view(
    list=extend_schema(parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Participant code: ISO 3166-1 alpha-2, or EU.",
            ),
        ]
    ),
)
class ParticipantViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """States and organisations (the European Union is ``EU``): codes, kind, region and
    subregion, memberships, and their record under every treaty with the status as at
    ``as_of`` (today by default). ``party_to``, ``not_party_to`` and ``signatory_to`` combine,
    e.g. parties to one treaty that are not parties to another."""

    queryset = Participant.objects.for_display()
    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilterSet
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z]{2}"
    ordering_fields = {
        "name": ("name",),
        "code": ("code",),
        "region": ("region", "subregion", "name"),
        "subregion": ("subregion", "name"),
        "modified_at": ("modified_at",),
    }
    default_order_text = "name."
    csv_exclude = ()

    def get_object(self):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["treaties"] = list(Treaty.objects.order_by("position", "slug"))
        return context


def ratification_queryset():
    return Ratification.objects.for_display().prefetch_related(
        Prefetch("statements__provisions", queryset=Provision.objects.select_related("treaty"))
    )


RECORD_PARAMETERS = [
    OpenApiParameter("treaty", OpenApiTypes.STR, OpenApiParameter.PATH, description="Treaty slug."),
    OpenApiParameter(
        "participant",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description="Participant code (ISO 3166-1 alpha-2, or EU).",
    ),
]


@extend_schema_view(
    list=extend_schema(parameters=[FORMAT_PARAMETER]),
    create=extend_schema(parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(parameters=[FORMAT_PARAMETER, *RECORD_PARAMETERS]),
    update=extend_schema(parameters=[FORMAT_PARAMETER, *RECORD_PARAMETERS]),
    partial_update=extend_schema(parameters=[FORMAT_PARAMETER, *RECORD_PARAMETERS]),
    destroy=extend_schema(parameters=[FORMAT_PARAMETER, *RECORD_PARAMETERS]),
)
class RatificationViewSet(ApiViewSetMixin, AtomicWritesMixin, viewsets.ModelViewSet):
    """One row per treaty and participant: signature, kind and date of consent, entry into force
    (and whether a source states it or it is computed from the treaty's rule), withdrawal, the
    derived status as at ``as_of`` (today by default), reservations and declarations, and the
    source. A party whose date of consent is not known has an empty ``consent_on``: it is a
    party today, and its status as at a past date is ``unknown`` unless its entry into force is
    known to have come by then. In CSV, statements are counted, not listed.

    Writes need the matching model permission (add/change/delete ratification record)."""

    queryset = Ratification.objects.all()
    serializer_class = RatificationSerializer
    filterset_class = RatificationFilterSet
    ordering_fields = {
        "treaty": ("treaty__position", "participant__name"),
        "participant": ("participant__name", "treaty__position"),
        "signature_on": ("signature_on",),
        "consent_on": ("consent_on",),
        "entry_into_force_on": ("entry_into_force_on",),
        "withdrawal_effective_on": ("withdrawal_effective_on",),
        "status": ("status",),
        "modified_at": ("modified_at",),
    }
    default_order_text = "treaty, then participant name."
    csv_exclude = ("statements",)

    def get_queryset(self):
        return ratification_queryset()

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        record = get_object_or_404(
            queryset,
            treaty__slug=self.kwargs["treaty"],
            participant__code=self.kwargs["participant"].upper(),
        )
        self.check_object_permissions(self.request, record)
        return record


STATEMENT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The statement's number."
)


@extend_schema_view(
    list=extend_schema(parameters=[FORMAT_PARAMETER]),
    create=extend_schema(parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(parameters=[FORMAT_PARAMETER, STATEMENT_ID]),
    update=extend_schema(parameters=[FORMAT_PARAMETER, STATEMENT_ID]),
    partial_update=extend_schema(parameters=[FORMAT_PARAMETER, STATEMENT_ID]),
    destroy=extend_schema(parameters=[FORMAT_PARAMETER, STATEMENT_ID]),
)
class StatementViewSet(ApiViewSetMixin, AtomicWritesMixin, viewsets.ModelViewSet):
    """Reservations, declarations, objections and notifications, each attached to a
    ratification record (``treaty`` and ``participant``) and to the articles it names.

    Writes need the matching model permission (add/change/delete statement)."""

    queryset = Statement.objects.all()
    serializer_class = StatementSerializer
    filterset_class = StatementFilterSet
    ordering_fields = {
        "treaty": ("ratification__treaty__position", "ratification__participant__name"),
        "participant": ("ratification__participant__name", "ratification__treaty__position"),
        "made_on": ("made_on",),
        "modified_at": ("modified_at",),
    }
    default_order_text = "treaty, then participant name."

    def get_queryset(self):
        return Statement.objects.select_related(
            "ratification__participant", "ratification__treaty"
        ).prefetch_related(
            Prefetch("provisions", queryset=Provision.objects.select_related("treaty"))
        )


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
