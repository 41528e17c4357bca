"""FilterSets for participants and ratification records, shared by the web pages and the API.

Each validates its input: an unknown treaty slug, a malformed date or an unknown status is a form
error naming the parameter and the accepted values (a 400 in the API, a message on a page).
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q

from . import status as status_rules
from .models import (
    ConsentKind,
    Participant,
    ParticipantKind,
    Ratification,
    Statement,
    StatementKind,
    Treaty,
)

MEMBERSHIPS = [("coe", "Council of Europe"), ("asean", "ASEAN"), ("eu", "European Union")]
MEMBERSHIP_FIELDS = {"coe": "coe_member", "asean": "asean_member", "eu": "eu_member"}


def region_choices():
    return [
        (r, r)
        for r in Participant.objects.exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    ]


def subregion_choices():
    return [
        (r, r)
        for r in Participant.objects.exclude(subregion="")
        .order_by("subregion")
        .values_list("subregion", flat=True)
        .distinct()
    ]


class TreatySlugField(forms.ModelChoiceField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            known = ", ".join(self.queryset.order_by("position").values_list("slug", flat=True))
            raise ValidationError(
                f"Unknown treaty '{value}'. Use one of: {known}.", code="invalid_choice"
            ) from None


class TreatySlugFilter(django_filters.ModelChoiceFilter):
    """A treaty named by its slug; an unknown slug is an error listing the known ones."""

    field_class = TreatySlugField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Treaty.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class AsOfMixin(django_filters.FilterSet):
    as_of = django_filters.DateFilter(
        method="filter_nothing",
        label="As of",
        help_text="Show the status as it stood on this date (YYYY-MM-DD); today when omitted.",
    )

    def filter_nothing(self, queryset, name, value):
        return queryset

    @property
    def as_of_date(self):
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("as_of")
        return None


class ParticipantFilterSet(AsOfMixin):
    region = django_filters.ChoiceFilter(
        choices=region_choices, help_text="UN geoscheme region, e.g. 'Europe'."
    )
    subregion = django_filters.ChoiceFilter(
        choices=subregion_choices, help_text="UN geoscheme subregion, e.g. 'Western Europe'."
    )
    membership = django_filters.ChoiceFilter(
        choices=MEMBERSHIPS,
        method="filter_membership",
        help_text="Member states of the Council of Europe (coe), ASEAN (asean) or the EU (eu).",
    )
    kind = django_filters.ChoiceFilter(
        choices=ParticipantKind.choices, help_text="State or regional organisation."
    )
    party_to = TreatySlugFilter(
        method="filter_party_to", help_text="Only parties to this treaty (slug)."
    )
    not_party_to = TreatySlugFilter(
        method="filter_not_party_to", help_text="Only participants not party to this treaty."
    )
    signatory_to = TreatySlugFilter(
        method="filter_signatory_to",
        help_text="Only signatories of this treaty that are not (yet) bound by it.",
    )
    q = django_filters.CharFilter(
        method="filter_name", label="Name", help_text="Part of the name or the code."
    )

    class Meta:
        model = Participant
        fields = []

    def filter_membership(self, queryset, name, value):
        return queryset.filter(**{MEMBERSHIP_FIELDS[value]: True})

    def _in_status(self, treaty, wanted):
        return Exists(
            Ratification.objects.filter(participant=OuterRef("pk"), treaty=treaty).filter(
                status_rules.conditions(self.as_of_date)[wanted]
            )
        )

    def filter_party_to(self, queryset, name, treaty):
        return queryset.filter(self._in_status(treaty, status_rules.PARTY))

    def filter_not_party_to(self, queryset, name, treaty):
        return queryset.exclude(self._in_status(treaty, status_rules.PARTY))

    def filter_signatory_to(self, queryset, name, treaty):
        return queryset.filter(self._in_status(treaty, status_rules.SIGNATORY))

    def filter_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(recorded_name__icontains=value) | Q(code__iexact=value)
        )


class RatificationFilterSet(AsOfMixin):
    treaty = TreatySlugFilter(help_text="Treaty slug.")
    participant = django_filters.CharFilter(
        method="filter_participant",
        help_text="Participant code (ISO 3166-1 alpha-2, or EU); several separated by commas.",
    )
    region = django_filters.ChoiceFilter(
        field_name="participant__region", choices=region_choices, help_text="UN region."
    )
    subregion = django_filters.ChoiceFilter(
        field_name="participant__subregion", choices=subregion_choices, help_text="UN subregion."
    )
    membership = django_filters.ChoiceFilter(
        choices=MEMBERSHIPS, method="filter_membership", help_text="coe, asean or eu."
    )
    status = django_filters.ChoiceFilter(
        choices=status_rules.CHOICES,
        method="filter_status",
        help_text="Derived status (as at as_of): party, signatory, withdrawn, unknown, none.",
    )
    consent_kind = django_filters.ChoiceFilter(
        choices=ConsentKind.choices, help_text="Kind of consent to be bound."
    )
    consented_after = django_filters.DateFilter(
        field_name="consent_on", lookup_expr="gte", help_text="Consent on or after this date."
    )
    consented_before = django_filters.DateFilter(
        field_name="consent_on", lookup_expr="lte", help_text="Consent on or before this date."
    )
    has_reservations = django_filters.BooleanFilter(
        method="filter_has_reservations",
        help_text="Records with (true) or without (false) a reservation text on file.",
    )

    class Meta:
        model = Ratification
        fields = []

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            queryset = super().qs
            if "status" not in queryset.query.annotations:
                queryset = queryset.with_status(self.as_of_date)
            self._qs = queryset
        return self._qs

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.with_status(self.as_of_date))

    def filter_participant(self, queryset, name, value):
        codes = [c.strip().upper() for c in value.split(",") if c.strip()]
        return queryset.filter(participant__code__in=codes)

    def filter_membership(self, queryset, name, value):
        return queryset.filter(**{f"participant__{MEMBERSHIP_FIELDS[value]}": True})

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_has_reservations(self, queryset, name, value):
        reservations = Exists(
            Statement.objects.filter(ratification=OuterRef("pk"), kind=StatementKind.RESERVATION)
        )
        return queryset.filter(reservations) if value else queryset.exclude(reservations)
