"""What every endpoint of the API shares: conditional reads and the response cache
(``common.api.conditional``), strict parameters, CSV, ``as_of``, writes in one transaction."""

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.exceptions import APIException, MethodNotAllowed, ValidationError
from rest_framework.response import Response

from common import proposals
from common.history import MAX_REASON, grouped_history
from common.params import any_of_values, parse_as_of

from .conditional import ConditionalReadMixin, etag_versions, record_version, version_token
from .renderers import CSVRenderer
from .serializers import ProposalAcceptedSerializer, SpecSerializer, spec_serializer

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "api"],
    description=(
        "Representation: json (default), csv (flat columns for spreadsheets; also with "
        "'Accept: text/csv') or api (the browsable HTML view)."
    ),
)


PROPOSAL_ACCEPTED = OpenApiResponse(
    ProposalAcceptedSerializer,
    description=(
        "Kept as a proposal for review (an account that may not publish directly): nothing is "
        "published; Location is the proposal's address."
    ),
)


def writable_schema(serializer, fields, path_parameters):
    """The OpenAPI description of a writable viewset's operations (``extend_schema_view``):
    ``format`` everywhere; ``fields``/``omit`` on reads; the record's ``path_parameters`` on
    every operation on one record; each write's answers (``write_responses``)."""

    def write(success, with_path=True):
        return extend_schema(
            parameters=[FORMAT_PARAMETER, *(path_parameters if with_path else [])],
            responses=write_responses(serializer, success),
        )

    return extend_schema_view(
        list=extend_schema(parameters=[FORMAT_PARAMETER, *fields]),
        create=write(201, with_path=False),
        retrieve=extend_schema(parameters=[FORMAT_PARAMETER, *fields, *path_parameters]),
        update=write(200),
        partial_update=write(200),
        destroy=write(204),
    )


def write_responses(serializer, success):
    """The answers of a write: ``success`` (200, 201 or 204) when it is published, 202 when it
    is kept as a proposal."""
    published = OpenApiResponse(description="Deleted.") if success == 204 else serializer
    return {success: published, 202: PROPOSAL_ACCEPTED}


FIELDS_HELP = (
    "Only these fields of each object (comma-separated or repeated); the names are the JSON "
    "fields, or the CSV columns with format=csv."
)
OMIT_HELP = "Leave these fields out of each object (e.g. long texts); comma-separated or repeated."


def field_parameters(serializer_class, spec=None):
    """``fields`` and ``omit`` for the schema, their values the endpoint's field names."""
    names = list(dict.fromkeys([*serializer_class().fields, *(spec.header if spec else [])]))
    return [
        OpenApiParameter(
            name,
            {"type": "array", "items": {"type": "string", "enum": names}},
            description=text,
            style="form",
            explode=True,
        )
        for name, text in (("fields", FIELDS_HELP), ("omit", OMIT_HELP))
    ]


class ApiViewSetMixin(ConditionalReadMixin):
    """What every endpoint shares: conditional reads, strict parameters, CSV, ``as_of``,
    ``fields`` and ``omit``."""

    extra_query_parameters = ("fields", "omit")
    # The filters a detail address takes (the others are a 400 there: they choose rows).
    detail_filters = ("as_of",)
    csv_exclude = ()
    default_order_text = ""
    # The record type's CSV columns (``common.csvfiles.Spec``): with one, ``?format=csv`` writes
    # them, as every other export of the record does; without, the JSON's fields, flattened.
    csv_spec = None
    # A list's CSV address (``<list>.csv``, treatykb/api_urls.py): CSV whatever Accept says,
    # described as an operation of its own (``common.api.schema``).
    csv_only = False

    def initial(self, request, *args, **kwargs):
        """A method the address never answers is a 405 (with Allow), before any 401 or 403."""
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_renderers(self):
        if self.csv_only:
            return [CSVRenderer()]
        return super().get_renderers()

    def perform_content_negotiation(self, request, force=False):
        if self.csv_only:
            return CSVRenderer(), CSVRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def wants_csv(self):
        renderer = getattr(self.request, "accepted_renderer", None) if self.request else None
        return getattr(renderer, "format", None) == "csv"

    def get_serializer_class(self):
        if self.csv_spec is not None and self.action in ("list", "retrieve") and self.wants_csv():
            return spec_serializer(self.csv_spec)
        return super().get_serializer_class()

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if self.request is not None and self.action in ("list", "retrieve"):
            self.choose_fields(getattr(serializer, "child", serializer))
        return serializer

    def field_names(self, serializer):
        """Every name ``fields`` and ``omit`` accept: the JSON fields and the CSV columns (a
        name of the other representation is accepted, and has nothing to choose)."""
        names = [] if isinstance(serializer, SpecSerializer) else list(serializer.fields)
        names += list(self.serializer_class(context=self.get_serializer_context()).fields)
        if self.csv_spec is not None:
            names += self.csv_spec.header
        return list(dict.fromkeys(names))

    def choose_fields(self, serializer):
        """Keep only the fields asked for with ``fields`` and not left out with ``omit``; an
        unknown name is a 400 listing the accepted ones."""
        params = self.request.query_params
        wanted, omitted = any_of_values(params, "fields"), any_of_values(params, "omit")
        if not wanted and not omitted:
            return
        accepted = self.field_names(serializer)
        errors = {
            name: [f"Unknown field(s): {', '.join(unknown)}. Use any of: {', '.join(accepted)}."]
            for name, values in (("fields", wanted), ("omit", omitted))
            if (unknown := [value for value in values if value not in accepted])
        }
        if errors:
            raise ValidationError(errors)
        if isinstance(serializer, SpecSerializer):
            serializer.chosen = [
                n for n in self.csv_spec.header if (not wanted or n in wanted) and n not in omitted
            ]
            return
        for name in list(serializer.fields):
            if (wanted and name not in wanted) or name in omitted:
                serializer.fields.pop(name)

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


REASON_HEADER = "X-Change-Reason"
SOURCE_HEADER = "X-Change-Source"


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = (
        "The record has changed since the version named in If-Match: read it again (its "
        "current ETag is in this answer's ETag header) and redo the change."
    )
    default_code = "precondition_failed"


class AtomicWritesMixin:
    """Every write in one transaction, after the serializer's ``full_clean()``; ``If-Match``
    honoured on PUT, PATCH and DELETE: a write based on a version of the record other than the
    current one is refused with 412 Precondition Failed and the current ETag, never applied.
    Without ``If-Match`` a write applies to whatever version is current.

    A write by an editor who may not publish directly (``common.proposals``) is validated the
    same way and kept as a proposal for review: ``202 Accepted`` with the proposal's address in
    ``Location``; ``X-Change-Reason`` and ``X-Change-Source`` go with it."""

    versioned = True

    def object_filters(self):
        """The lookup of the record a detail address names (by default its key)."""
        name = self.lookup_url_kwarg or self.lookup_field
        return {self.lookup_field: self.kwargs[name]}

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        try:
            obj = get_object_or_404(queryset, **self.object_filters())
        except (ValueError, DjangoValidationError):  # a key of the wrong type: no such record
            raise Http404 from None
        self.check_object_permissions(self.request, obj)
        return obj

    def current_version(self):
        """The version token of the record a detail address names, in one light query."""
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        try:
            row = queryset.filter(**self.object_filters()).values("pk", "modified_at").first()
        except (ValueError, DjangoValidationError):  # a key of the wrong type: no such record
            raise Http404 from None
        if row is None:
            raise Http404
        return version_token(queryset.model, row["pk"], row["modified_at"])

    def update(self, request, *args, **kwargs):
        if request.headers.get("If-Match"):  # refused before the body is even validated
            self.check_precondition(self.get_object())
        if self.proposing():
            instance = self.get_object()
            partial = kwargs.get("partial", False)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            return self.proposed(
                target=instance, changes=self.proposed_changes(serializer), current=instance
            )
        response = super().update(request, *args, **kwargs)
        response["ETag"] = self.detail_etag(request, self.written)
        return response

    def destroy(self, request, *args, **kwargs):
        if request.headers.get("If-Match"):
            self.check_precondition(self.get_object())
        if self.proposing():
            return self.proposed(target=self.get_object(), kind="delete", changes={})
        return super().destroy(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        if self.proposing():
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            model = self.get_queryset().model
            return self.proposed(model=model, changes=self.proposed_changes(serializer))
        return super().create(request, *args, **kwargs)

    # -- proposals: a write by an editor who may not publish directly (common/proposals.py) --
    def proposing(self):
        return proposals.must_propose(self.request.user, self.get_queryset().model)

    @staticmethod
    def proposed_changes(serializer):
        """The validated values that are the record's own fields (links as objects)."""
        model = serializer.Meta.model
        names = {
            f.name
            for f in model._meta.get_fields()
            if (f.concrete or f.many_to_many) and not f.auto_created and f.editable
        }
        return {name: value for name, value in serializer.validated_data.items() if name in names}

    def change_source(self):
        return self.request.headers.get(SOURCE_HEADER, "").strip()

    def proposed(self, current=None, **kwargs):
        """202 Accepted: the write is kept as a proposal for review (its address in
        ``Location``); nothing is published. A write that changes nothing answers the record
        as it is (200)."""
        gate = proposals.gate()
        try:
            with transaction.atomic():
                proposal, _created = gate.propose(
                    author=self.request.user,
                    origin="api",
                    reason=self.change_reason(),
                    source_url=self.change_source(),
                    **kwargs,
                )
        except gate.nothing:
            return Response(self.get_serializer(current).data, status=status.HTTP_200_OK)
        except gate.errors as error:
            raise ValidationError({"detail": [str(error)]}) from None
        except DjangoValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else error.messages
            if isinstance(messages, dict) and "source_url" in messages:
                messages = {SOURCE_HEADER: messages.pop("source_url"), **messages}
            raise ValidationError(messages) from None
        url = self.request.build_absolute_uri(gate.url(proposal))
        body = {
            "proposal": proposal.pk,
            "status": proposal.status,
            "kind": proposal.kind,
            "changes": proposal.changes,
            "published": proposal.base,
            "url": url,
            "detail": (
                "Kept as a proposal for review: nothing is published until a reviewer approves it."
            ),
        }
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})

    def check_precondition(self, instance, lock=False):
        header = self.request.headers.get("If-Match")
        if not header:
            return
        if lock:  # the version as it is now, the row locked until the write commits
            fresh = type(instance)._default_manager.select_for_update().filter(pk=instance.pk)
            instance = fresh.first() or instance
        versions = etag_versions(header)
        if "*" not in versions and record_version(instance) not in versions:
            error = PreconditionFailed()
            error.etag = self.detail_etag(self.request, instance)
            raise error

    def change_reason(self):
        """The reason for a write, from the ``X-Change-Reason`` header (optional), for the
        history; a 400 when longer than the history keeps."""
        reason = self.request.headers.get(REASON_HEADER, "").strip()
        if len(reason) > MAX_REASON:
            raise ValidationError(
                {REASON_HEADER: [f"At most {MAX_REASON} characters, not {len(reason)}."]}
            )
        return reason

    def recorded(self):
        """The write's transaction and its history record (author and reason)."""
        user = self.request.user if self.request.user.is_authenticated else None
        return grouped_history(user=user, reason=self.change_reason())

    def perform_create(self, serializer):
        with transaction.atomic(), self.recorded():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic(), self.recorded():
            self.check_precondition(serializer.instance, lock=True)
            self.written = serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic(), self.recorded():
            self.check_precondition(instance, lock=True)
            instance.delete()


def as_of_today_text():
    return f"today ({datetime.date.today().isoformat()})"
