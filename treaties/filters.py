"""FilterSets for participants and ratification records, shared by the web pages and the API.

Each validates its input: an unknown treaty slug, a malformed date or an unknown status is a form
error naming the parameter and the accepted values (a 400 in the API, a message on a page).
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.drainage import set_override

from common.params import ISODateField, any_of_values, as_of, parse_timestamp

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


class DescribedStringMixin:
    """Documented in the OpenAPI schema as a string with the filter's help text (the schema
    generator cannot guess the type of a filter whose value it does not know how to read)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_override(
            self, "field", {"type": "string", "description": self.extra.get("help_text", "")}
        )


def invalid(text, code="invalid"):
    """A validation error whose text may quote user input safely (a '%' in the input must not
    be taken for a format directive by whoever renders the message)."""
    return ValidationError("%(text)s", code=code, params={"text": text})


class AnyOfWidgetMixin:
    """A widget reading a list-valued parameter by ``any_of_values``."""

    def value_from_datadict(self, data, files, name):
        return any_of_values(data, name)

    def value_omitted_from_data(self, data, files, name):
        return False


class AnyOfSelect(AnyOfWidgetMixin, forms.Select):
    """Rendered as one select (the pages offer one value); reads any number of values."""


class AnyOfSelectMultiple(AnyOfWidgetMixin, forms.SelectMultiple):
    pass


class AnyOfTextInput(AnyOfWidgetMixin, forms.TextInput):
    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value)
        return super().format_value(value)


MEMBERSHIPS = [("coe", "Council of Europe"), ("asean", "ASEAN"), ("eu", "European Union")]
MEMBERSHIP_FIELDS = {"coe": "coe_member", "asean": "asean_member", "eu": "eu_member"}


def memberships(values, prefix=""):
    """Members of any of the organisations named."""
    condition = Q()
    for value in values:
        condition |= Q(**{f"{prefix}{MEMBERSHIP_FIELDS[value]}": True})
    return condition


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


class ListingChoiceField(forms.MultipleChoiceField):
    """One or more choices ("any of"); an unknown one is an error naming the accepted values."""

    widget = AnyOfSelect

    def validate(self, value):
        for item in value:
            if not self.valid_value(item):
                accepted = ", ".join(str(key) for key, _ in self.choices if key not in ("", None))
                raise invalid(
                    f"Unknown value '{item}'. Use one or more of: {accepted}.",
                    code="invalid_choice",
                )


class ListingChoiceFilter(django_filters.MultipleChoiceFilter):
    """A list-valued choice: any of the values given matches."""

    field_class = ListingChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class ISODateFilter(django_filters.DateFilter):
    """A date in the form YYYY-MM-DD, and nothing else (``common.params.parse_date``)."""

    field_class = ISODateField


class TimestampField(forms.Field):
    """An ISO 8601 timestamp (UTC when no offset is given) or a date (its start, UTC)."""

    def to_python(self, value):
        if not (value or "").strip():
            return None
        try:
            return parse_timestamp(value)
        except ValueError as error:
            raise invalid(str(error), code="invalid") from None


class TimestampFilter(DescribedStringMixin, django_filters.Filter):
    field_class = TimestampField


class BooleanChoiceField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is an error, never silently ignored."""

    widget = forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise invalid(f"'{value}' is not a boolean: use true or false.", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = BooleanChoiceField


class ParticipantCodesField(forms.Field):
    """One or more participant codes (comma-separated or repeated); an unknown code is an
    error."""

    widget = AnyOfTextInput

    def vocabulary(self):
        """The accepted values, for the schema (``common.api.schema``)."""
        return list(Participant.objects.order_by("code").values_list("code", flat=True))

    def clean(self, value):
        if not value:
            return []
        codes = list(dict.fromkeys(str(code).strip().upper() for code in value))
        known = set(Participant.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise invalid(
                f"Unknown participant code(s): {', '.join(unknown)}. Use ISO 3166-1 alpha-2 "
                "codes or EU, comma-separated or repeated (the participants list gives every "
                "code).",
                code="invalid_choice",
            )
        return codes


class ParticipantCodesFilter(DescribedStringMixin, django_filters.MultipleChoiceFilter):
    field_class = ParticipantCodesField


MODIFIED_SINCE_HELP = (
    "Only rows changed at or after this moment (ISO 8601 timestamp, UTC unless an offset is "
    "given, e.g. 2025-01-31T12:00:00Z; a bare date means its start)."
)


LISTED_SLUGS = 12  # an error names at most this many treaties (the collection may hold 600)


class TreatySlugField(forms.ModelMultipleChoiceField):
    """One or more treaties by slug (comma-separated or repeated); an unknown slug is an error
    listing the known ones."""

    widget = AnyOfSelect

    def clean(self, value):
        """A list of treaties (empty when none is named: no filter)."""
        return list(super().clean(value))

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            slugs = list(
                self.queryset.order_by("-core", "position", "slug").values_list("slug", flat=True)[
                    : LISTED_SLUGS + 1
                ]
            )
            if len(slugs) > LISTED_SLUGS:
                hint = (
                    f"Use a treaty's slug, e.g. {', '.join(slugs[:LISTED_SLUGS])}, … "
                    "(/api/v1/treaties/ lists them all)."
                )
            else:
                hint = f"Use one or more of: {', '.join(slugs)}."
            value = (error.params or {}).get("value", "")
            raise invalid(f"Unknown treaty '{value}'. {hint}", code="invalid_choice") from None


class TreatySlugFilter(DescribedStringMixin, django_filters.ModelMultipleChoiceFilter):
    """Treaties named by their slugs (any of them matches)."""

    field_class = TreatySlugField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Treaty.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": list(value)})


def date_range(field_name, what):
    """``<name>_after`` and ``<name>_before`` (inclusive, YYYY-MM-DD) for a date field."""
    return (
        ISODateFilter(
            field_name=field_name, lookup_expr="gte", help_text=f"{what} on or after this date."
        ),
        ISODateFilter(
            field_name=field_name, lookup_expr="lte", help_text=f"{what} on or before this date."
        ),
    )


class AsOfMixin(django_filters.FilterSet):
    as_of = ISODateFilter(
        method="filter_nothing",
        label="As of",
        help_text="Show the status as it stood on this date (YYYY-MM-DD); today when omitted.",
    )

    def filter_nothing(self, queryset, name, value):
        return queryset

    @property
    def as_of_date(self):
        """The valid ``as_of`` by the one rule (``common.params.as_of``): None means today."""
        if self.is_bound and self.form.is_valid():
            return as_of(self.form.cleaned_data.get("as_of"))
        return None


class ParticipantFilterSet(AsOfMixin):
    region = ListingChoiceFilter(
        choices=region_choices, help_text="UN geoscheme region, e.g. 'Europe'."
    )
    subregion = ListingChoiceFilter(
        choices=subregion_choices, help_text="UN geoscheme subregion, e.g. 'Western Europe'."
    )
    membership = ListingChoiceFilter(
        choices=MEMBERSHIPS,
        method="filter_membership",
        help_text="Member states of the Council of Europe (coe), ASEAN (asean) or the EU (eu).",
    )
    kind = ListingChoiceFilter(
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
        method="filter_name",
        label="Name",
        help_text="Part of the name (today's, the depositary's or the official one; accents "
        "and case ignored: 'cote' finds Côte d'Ivoire) or the code.",
    )
    modified_since = TimestampFilter(
        field_name="modified_at",
        lookup_expr="gte",
        help_text=MODIFIED_SINCE_HELP + " Counts a change to the participant's treaty records.",
    )

    class Meta:
        model = Participant
        fields = []

    def filter_membership(self, queryset, name, values):
        return queryset.filter(memberships(values))

    def _in_status(self, treaties, wanted):
        return Exists(
            Ratification.objects.filter(participant=OuterRef("pk"), treaty__in=treaties).filter(
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
        return queryset.named(value)


class RatificationFilterSet(AsOfMixin):
    treaty = TreatySlugFilter(help_text="Treaty slug.")
    participant = ParticipantCodesFilter(
        method="filter_participant",
        help_text="Participant code (ISO 3166-1 alpha-2, or EU); several separated by commas.",
    )
    region = ListingChoiceFilter(
        field_name="participant__region", choices=region_choices, help_text="UN region."
    )
    subregion = ListingChoiceFilter(
        field_name="participant__subregion", choices=subregion_choices, help_text="UN subregion."
    )
    membership = ListingChoiceFilter(
        choices=MEMBERSHIPS, method="filter_membership", help_text="coe, asean or eu."
    )
    status = ListingChoiceFilter(
        choices=status_rules.CHOICES,
        method="filter_status",
        help_text="Derived status (as at as_of): party, signatory, withdrawn, unknown, none.",
    )
    consent_kind = ListingChoiceFilter(
        choices=ConsentKind.choices, help_text="Kind of consent to be bound."
    )
    signature_after, signature_before = date_range("signature_on", "Signature")
    consent_after, consent_before = date_range("consent_on", "Consent")
    entry_into_force_after, entry_into_force_before = date_range(
        "entry_into_force_on", "Entry into force"
    )
    withdrawal_notified_after, withdrawal_notified_before = date_range(
        "withdrawal_notified_on", "Withdrawal notified"
    )
    withdrawal_effective_after, withdrawal_effective_before = date_range(
        "withdrawal_effective_on", "Withdrawal effective"
    )
    source_as_at_after, source_as_at_before = date_range("source_as_at", "Source as at")
    # The names these ranges had first (before one style for every date): kept as aliases.
    consented_after = ISODateFilter(
        field_name="consent_on",
        lookup_expr="gte",
        help_text="Alias of consent_after: consent on or after this date.",
    )
    consented_before = ISODateFilter(
        field_name="consent_on",
        lookup_expr="lte",
        help_text="Alias of consent_before: consent on or before this date.",
    )
    has_reservations = StrictBooleanFilter(
        method="filter_has_reservations",
        help_text="Records with (true) or without (false) a reservation text on file.",
    )
    modified_since = TimestampFilter(
        field_name="modified_at",
        lookup_expr="gte",
        help_text=MODIFIED_SINCE_HELP + " Counts a change to the record's statements.",
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

    def filter_participant(self, queryset, name, codes):
        return queryset.filter(participant__code__in=codes)

    def filter_membership(self, queryset, name, values):
        return queryset.filter(memberships(values, "participant__"))

    def filter_status(self, queryset, name, values):
        return queryset.filter(status__in=values)

    def filter_has_reservations(self, queryset, name, value):
        reservations = Exists(
            Statement.objects.filter(ratification=OuterRef("pk"), kind=StatementKind.RESERVATION)
        )
        return queryset.filter(reservations) if value else queryset.exclude(reservations)


class TreatyFilterSet(AsOfMixin):
    """Treaties, with their counts of parties and signatories as at ``as_of``."""

    modified_since = TimestampFilter(
        field_name="modified_at",
        lookup_expr="gte",
        help_text=MODIFIED_SINCE_HELP + " Counts a change to the treaty's articles or records.",
    )
    adopted_after, adopted_before = date_range("adopted_on", "Adoption")
    opened_for_signature_after, opened_for_signature_before = date_range(
        "opened_for_signature_on", "Opening for signature"
    )
    entry_into_force_after, entry_into_force_before = date_range(
        "entry_into_force_on", "Entry into force"
    )
    status_as_at_after, status_as_at_before = date_range("status_as_at", "Participant data as at")

    class Meta:
        model = Treaty
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.with_counts(self.as_of_date))


class StatementFilterSet(django_filters.FilterSet):
    treaty = TreatySlugFilter(field_name="ratification__treaty", help_text="Treaty slug.")
    participant = ParticipantCodesFilter(
        method="filter_participant",
        help_text="Participant code (ISO 3166-1 alpha-2, or EU); several separated by commas.",
    )
    kind = ListingChoiceFilter(choices=StatementKind.choices, help_text="Kind of statement.")
    withdrawn = StrictBooleanFilter(
        field_name="withdrawn_on",
        lookup_expr="isnull",
        exclude=True,
        help_text="Only statements that were (true) or were not (false) withdrawn.",
    )
    made_after, made_before = date_range("made_on", "Made")
    withdrawn_after, withdrawn_before = date_range("withdrawn_on", "Withdrawn")
    modified_since = TimestampFilter(
        field_name="modified_at", lookup_expr="gte", help_text=MODIFIED_SINCE_HELP
    )

    class Meta:
        model = Statement
        fields = []

    def filter_participant(self, queryset, name, codes):
        return queryset.filter(ratification__participant__code__in=codes)
