"""The FilterSet for provisions, shared by the search page, the treaty page and the API."""

import django_filters
from django.db.models import Q

from treaties.filters import TreatySlugFilter

from .models import Pillar, Provision


class ProvisionFilterSet(django_filters.FilterSet):
    treaty = TreatySlugFilter(help_text="Treaty slug, e.g. 'palermo-protocol'.")
    pillar = django_filters.ModelMultipleChoiceFilter(
        field_name="pillars__slug",
        to_field_name="slug",
        queryset=Pillar.objects.all(),
        distinct=True,
        help_text="Pillar slug; repeat the parameter for several (any of them matches).",
    )
    division = django_filters.CharFilter(
        field_name="division", lookup_expr="icontains", help_text="Part of the division's name."
    )
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        help_text="Full-text search over headings and texts (ranked, best first).",
    )
    has_related = django_filters.BooleanFilter(
        method="filter_has_related",
        help_text="Only provisions with (true) or without (false) related provisions.",
    )
    incomplete = django_filters.BooleanFilter(
        field_name="text_incomplete", help_text="Only provisions whose text is incomplete."
    )

    class Meta:
        model = Provision
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_has_related(self, queryset, name, value):
        return queryset.filter(~Q(related=None) if value else Q(related=None)).distinct()
