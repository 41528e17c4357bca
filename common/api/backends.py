"""Filter backends (and content negotiation) that never surprise a script.

Plain django-filter ignores a parameter it does not know (a misspelt ``partyto=untoc`` returns
every row), DRF's ordering filter drops an unknown field silently and an unknown ``format`` is
a 404 as if the endpoint did not exist. Here each is a 400 that names the parameter and lists
the accepted values (CourtListener's ``UnknownFilterParamValidationBackend`` idea).
"""

from django.db.models import F
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings

# Accepted on every endpoint: the renderer override (?format=csv|json|api).
ALWAYS_ACCEPTED = ("format",)


def accepted_parameters(view, queryset=None):
    """Every query parameter ``view`` understands for the current action, in a stable order."""
    names = []
    filterset_class = getattr(view, "filterset_class", None)
    listing = getattr(view, "action", None) in ("list", None)
    if filterset_class is not None:
        filters = list(filterset_class.base_filters)
        if not listing:  # a detail address takes no filter that chooses rows
            detail = getattr(view, "detail_filters", ())
            filters = [name for name in filters if name in detail]
        names += filters
    if getattr(view, "ordering_fields", None) and getattr(view, "action", None) == "list":
        names.append(api_settings.ORDERING_PARAM)
    paginator = getattr(view, "paginator", None)
    if paginator is not None and getattr(view, "action", None) == "list":
        names += [paginator.page_query_param, paginator.page_size_query_param]
    names += list(getattr(view, "extra_query_parameters", ()))
    if not getattr(view, "csv_only", False):  # a .csv address is CSV: no format to choose
        names += ALWAYS_ACCEPTED
    return list(dict.fromkeys(n for n in names if n))


def reject_unknown_parameters(request, view):
    accepted = accepted_parameters(view)
    unknown = [name for name in request.query_params if name not in accepted]
    if unknown:
        listing = ", ".join(accepted)
        raise ValidationError(
            {
                name: [f"Unknown query parameter '{name}'. Accepted parameters: {listing}."]
                for name in unknown
            }
        )


class StrictDjangoFilterBackend(DjangoFilterBackend):
    """django-filter with input validation (a 400 naming the parameter) and a 400 for any
    query parameter the endpoint does not know."""

    raise_exception = True

    def filter_queryset(self, request, queryset, view):
        reject_unknown_parameters(request, view)
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=treaty,-consent_on``: public names mapped to database orderings.

    The view declares ``ordering_fields`` as a dict: public name -> tuple of model field paths.
    Unknown names are a 400 listing the accepted ones. Empty values sort last in both
    directions (on SQLite and PostgreSQL alike), and the primary key breaks ties so that pages
    never overlap.
    """

    ordering_description = (
        "Order of the results: one or more of the fields below, separated by commas; "
        "prefix a field with '-' for descending order."
    )

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in getattr(view, "ordering_fields", None) or {}]

    def get_ordering(self, request, queryset, view):
        fields = getattr(view, "ordering_fields", None) or {}
        # Comma-separated or repeated alike; an empty value means the default order.
        raw = ",".join(request.query_params.getlist(self.ordering_param))
        terms = [term.strip() for term in raw.split(",") if term.strip()]
        if not terms:
            return None
        bad = [term for term in terms if term.lstrip("-") not in fields]
        if bad:
            accepted = ", ".join(fields)
            shown = ", ".join(f"'{t}'" for t in bad) or "(empty)"
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Unknown ordering {shown}. Use one or more of: {accepted} "
                        "(comma-separated; prefix with '-' for descending order)."
                    ]
                }
            )
        ordering = []
        for term in terms:
            descending = term.startswith("-")
            for path in fields[term.lstrip("-")]:
                expression = F(path)
                ordering.append(
                    expression.desc(nulls_last=True)
                    if descending
                    else expression.asc(nulls_last=True)
                )
        return ordering + ["pk"]

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if ordering:
            return queryset.order_by(*ordering)
        return queryset

    def get_schema_operation_parameters(self, view):
        fields = list(getattr(view, "ordering_fields", None) or {})
        if not fields:
            return []
        values = [v for name in fields for v in (name, f"-{name}")]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"{self.ordering_description} Default: {view.default_order_text}",
                "schema": {"type": "array", "items": {"type": "string", "enum": values}},
                "style": "form",
                "explode": True,
            }
        ]


class StrictContentNegotiation(DefaultContentNegotiation):
    """``?format=`` naming no representation of the endpoint is a 400 listing the ones it has
    (DRF's default answers 404). The error itself is rendered as JSON."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            accepted = ", ".join(renderer.format for renderer in renderers)
            raise ValidationError(
                {
                    self.settings.URL_FORMAT_OVERRIDE: [
                        f"Unknown format '{format}'. Use one of: {accepted}."
                    ]
                }
            )
        return matching
