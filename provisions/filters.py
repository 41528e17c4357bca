"""The FilterSets for provisions (shared by the search page, the treaty page and the API) and for
pillars."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from treaties.filters import (
    MODIFIED_SINCE_HELP,
    AnyOfSelectMultiple,
    DescribedStringMixin,
    StrictBooleanFilter,
    TimestampFilter,
    TreatySlugFilter,
    invalid,
)

from .models import Pillar, Provision

# A search ranks at most this many matches: the core instruments' first, then in treaty order.
SEARCH_CANDIDATES = 200


class PillarSlugsField(forms.ModelMultipleChoiceField):
    widget = AnyOfSelectMultiple

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            known = ", ".join(self.queryset.order_by("position").values_list("slug", flat=True))
            raise invalid(
                f"Unknown pillar: {error.params.get('value', '')}. Use one or more of: {known}.",
                code="invalid_choice",
            ) from None


class PillarSlugsFilter(DescribedStringMixin, django_filters.ModelMultipleChoiceFilter):
    field_class = PillarSlugsField


class ProvisionReferenceField(forms.CharField):
    """A provision named '<treaty-slug>/<number>', e.g. 'palermo-protocol/6'."""

    def vocabulary(self):
        """The accepted values, for the schema (``common.api.schema``)."""
        rows = Provision.objects.in_treaty_order().values_list("treaty__slug", "number")
        return [f"{slug}/{number}" for slug, number in rows]

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        slug, _, number = value.strip().partition("/")
        provision = Provision.objects.filter(treaty__slug=slug, number=number.strip()).first()
        if provision is None:
            raise invalid(
                f"Unknown provision '{value}'. Name it as <treaty-slug>/<article number>, "
                "e.g. palermo-protocol/6.",
                code="invalid_choice",
            )
        return provision


class ProvisionReferenceFilter(DescribedStringMixin, django_filters.Filter):
    field_class = ProvisionReferenceField


class ProvisionFilterSet(django_filters.FilterSet):
    treaty = TreatySlugFilter(help_text="Treaty slug, e.g. 'palermo-protocol'.")
    pillar = PillarSlugsFilter(
        field_name="pillars__slug",
        to_field_name="slug",
        queryset=Pillar.objects.all(),
        distinct=True,
        help_text="Pillar slug; several comma-separated or repeated (any of them matches).",
    )
    division = django_filters.CharFilter(
        field_name="division", lookup_expr="icontains", help_text="Part of the division's name."
    )
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        help_text="Full-text search over headings and texts (ranked, best first).",
    )
    has_related = StrictBooleanFilter(
        method="filter_has_related",
        help_text="Only provisions with (true) or without (false) related provisions.",
    )
    incomplete = StrictBooleanFilter(
        field_name="text_incomplete",
        help_text="Only provisions whose text is (true) or is not (false) incomplete.",
    )
    related_to = ProvisionReferenceFilter(
        method="filter_related_to",
        help_text=(
            "Only the provisions related (in the concordance) to this one, named "
            "'<treaty-slug>/<number>', e.g. 'palermo-protocol/6'."
        ),
    )
    modified_since = TimestampFilter(
        field_name="modified_at", lookup_expr="gte", help_text=MODIFIED_SINCE_HELP
    )

    # Rank at most this many matches of ``q`` (``ProvisionQuerySet.search``), the others
    # following unranked (``search_rest``) or left out; None ranks all.
    search_candidates = SEARCH_CANDIDATES
    search_rest = True

    class Meta:
        model = Provision
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value, candidates=self.search_candidates, rest=self.search_rest)

    def filter_related_to(self, queryset, name, provision):
        return queryset.filter(pk__in=provision.related.values("pk"))

    def filter_has_related(self, queryset, name, value):
        return queryset.filter(~Q(related=None) if value else Q(related=None)).distinct()


class PillarFilterSet(django_filters.FilterSet):
    modified_since = TimestampFilter(
        field_name="modified_at",
        lookup_expr="gte",
        help_text=MODIFIED_SINCE_HELP + " Counts tagging or untagging an article with the pillar.",
    )

    class Meta:
        model = Pillar
        fields = []
