"""The public API for treaties, participants, ratification records and statements.

Viewset docstrings are the endpoint descriptions in the OpenAPI schema and the interactive
documentation: they are written for the people who call the API.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets

from common.api.views import (
    FORMAT_PARAMETER,
    ApiViewSetMixin,
    AtomicWritesMixin,
    field_parameters,
    writable_schema,
)
from treaties import columns
from treaties.filters import (
    ParticipantFilterSet,
    RatificationFilterSet,
    StatementFilterSet,
    TreatyFilterSet,
)
from treaties.models import Participant, Ratification, Statement, Treaty

from .serializers import (
    ParticipantSerializer,
    RatificationSerializer,
    StatementSerializer,
    TreatyDetailSerializer,
    TreatySerializer,
)

TREATY_FIELDS = field_parameters(TreatySerializer, columns.TREATY)
TREATY_DETAIL_FIELDS = field_parameters(TreatyDetailSerializer, columns.TREATY)
PARTICIPANT_FIELDS = field_parameters(ParticipantSerializer)
RATIFICATION_FIELDS = field_parameters(RatificationSerializer, columns.RATIFICATION)
STATEMENT_FIELDS = field_parameters(StatementSerializer, columns.STATEMENT)


@extend_schema_view(
    list=extend_schema(parameters=[FORMAT_PARAMETER, *TREATY_FIELDS]),
    retrieve=extend_schema(
        parameters=[
            FORMAT_PARAMETER,
            *TREATY_DETAIL_FIELDS,
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

    download_name = "treaties"  # CSV files: treatykb-treaties-...csv

    queryset = Treaty.objects.for_display()
    csv_spec = columns.TREATY
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
    list=extend_schema(parameters=[FORMAT_PARAMETER, *PARTICIPANT_FIELDS]),
    retrieve=extend_schema(
        parameters=[
            FORMAT_PARAMETER,
            *PARTICIPANT_FIELDS,
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

    download_name = "participants"  # CSV files: treatykb-participants-...csv

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
    statements = Statement.objects.order_by("made_on", "pk").with_articles()
    return Ratification.objects.select_related("treaty", "participant").prefetch_related(
        Prefetch("statements", queryset=statements)
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


@writable_schema(RatificationSerializer, RATIFICATION_FIELDS, RECORD_PARAMETERS)
class RatificationViewSet(ApiViewSetMixin, AtomicWritesMixin, viewsets.ModelViewSet):
    """One row per treaty and participant: signature, kind and date of consent, entry into force
    (and whether a source states it or it is computed from the treaty's rule), withdrawal, the
    derived status as at ``as_of`` (today by default), reservations and declarations, and the
    source. A party whose date of consent is not known has an empty ``consent_on``: it is a
    party today, and its status as at a past date is ``unknown`` unless its entry into force is
    known to have come by then. In CSV, statements are counted, not listed.

    Writes need the matching model permission (add/change/delete ratification record)."""

    download_name = "ratifications"  # CSV files: treatykb-ratifications-...csv

    queryset = Ratification.objects.all()
    csv_spec = columns.RATIFICATION
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

    def object_filters(self):
        return {
            "treaty__slug": self.kwargs["treaty"],
            "participant__code": self.kwargs["participant"].upper(),
        }


STATEMENT_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The statement's number."
)


@writable_schema(StatementSerializer, STATEMENT_FIELDS, [STATEMENT_ID])
class StatementViewSet(ApiViewSetMixin, AtomicWritesMixin, viewsets.ModelViewSet):
    """Reservations, declarations, objections and notifications, each attached to a
    ratification record (``treaty`` and ``participant``) and to the articles it names.

    Writes need the matching model permission (add/change/delete statement)."""

    download_name = "statements"  # CSV files: treatykb-statements-...csv

    queryset = Statement.objects.all()
    csv_spec = columns.STATEMENT
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
        ).with_articles()
