"""Serializers for treaties, participants, ratification records and statements.

Writes go through the model's ``full_clean()`` (``ModelValidationMixin``): a rule the database
enforces is a 400 with field messages, never an integrity error.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.serializers import IdentityField, ModelValidationMixin, absolute, writer
from treaties import services
from treaties import status as status_rules
from treaties.models import (
    EntryIntoForceBasis,
    Participant,
    Ratification,
    Statement,
    StatementKind,
    StatementsKnown,
    Treaty,
    articles_model,
)


class TreatySerializer(serializers.ModelSerializer):
    url = IdentityField(
        view_name="api:treaty-detail", lookup_field="slug", help_text="This treaty in the API."
    )
    html_url = serializers.SerializerMethodField(help_text="The treaty's page on the site.")
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text=Treaty._meta.get_field("parent").help_text,
    )
    article_count = serializers.IntegerField(read_only=True, help_text="Articles in the data.")
    party_count = serializers.IntegerField(
        read_only=True,
        help_text=(
            "Parties known to have consented to be bound (as at as_of, today by default): the "
            "lower bound; up to party_count + unknown_count."
        ),
    )
    unknown_count = serializers.IntegerField(
        read_only=True,
        help_text=(
            "Participants whose status as at as_of is not known (a date of consent or of "
            "signature the sources do not give): each may or may not have been a party."
        ),
    )
    in_force_count = serializers.IntegerField(
        read_only=True,
        help_text="Parties for which the treaty had entered into force (as at as_of), known.",
    )
    in_force_unknown_count = serializers.IntegerField(
        read_only=True,
        help_text="Parties (as at as_of) for which the date of entry into force is not known.",
    )
    signatory_count = serializers.IntegerField(
        read_only=True, help_text="Signatories not (yet) bound (as at as_of, today by default)."
    )
    provisions_url = serializers.SerializerMethodField(help_text="The treaty's articles.")
    ratifications_url = serializers.SerializerMethodField(
        help_text="The treaty's ratification records."
    )
    feed_url = serializers.SerializerMethodField(help_text="Atom feed of the treaty's actions.")

    class Meta:
        model = Treaty
        fields = [
            "slug",
            "url",
            "html_url",
            "short_title",
            "full_title",
            "kind",
            "parent",
            "organisation",
            "scope",
            "adopted_on",
            "adopted_at",
            "adopted_by",
            "opened_for_signature_on",
            "entry_into_force_on",
            "depositary",
            "treaty_series",
            "entry_into_force_rule",
            "entry_into_force_provision",
            "entry_into_force_rule_source",
            "status_as_at",
            "status_note",
            "statements_flags_source",
            "statements_complete_as_at",
            "sources",
            "article_count",
            "party_count",
            "unknown_count",
            "in_force_count",
            "in_force_unknown_count",
            "signatory_count",
            "provisions_url",
            "ratifications_url",
            "feed_url",
            "modified_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, treaty):
        return absolute(self, treaty.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_provisions_url(self, treaty):
        return absolute(self, f"{reverse('api:provision-list')}?treaty={treaty.slug}")

    @extend_schema_field(OpenApiTypes.URI)
    def get_ratifications_url(self, treaty):
        return absolute(self, f"{reverse('api:ratification-list')}?treaty={treaty.slug}")

    @extend_schema_field(OpenApiTypes.URI)
    def get_feed_url(self, treaty):
        return absolute(self, reverse("api:treaty-feed", kwargs={"slug": treaty.slug}))


class TreatyDetailSerializer(TreatySerializer):
    class Meta(TreatySerializer.Meta):
        fields = [*TreatySerializer.Meta.fields, "preamble", "preamble_incomplete"]


def record_help(name):
    """The ratification record's own description of one of its fields."""
    return str(Ratification._meta.get_field(name).help_text)


class ParticipationSerializer(serializers.Serializer):
    """A participant's record under one treaty, with its status as at the requested date."""

    status = serializers.ChoiceField(
        choices=status_rules.CHOICES, help_text="Derived status as at as_of (today by default)."
    )
    signature_on = serializers.DateField(allow_null=True, help_text=record_help("signature_on"))
    consent_kind = serializers.CharField(allow_blank=True, help_text=record_help("consent_kind"))
    consent_on = serializers.DateField(allow_null=True, help_text=record_help("consent_on"))
    entry_into_force_on = serializers.DateField(
        allow_null=True, help_text=record_help("entry_into_force_on")
    )
    withdrawal_effective_on = serializers.DateField(
        allow_null=True, help_text=record_help("withdrawal_effective_on")
    )


NO_RECORD = {
    "status": status_rules.NONE,
    "signature_on": None,
    "consent_kind": "",
    "consent_on": None,
    "entry_into_force_on": None,
    "withdrawal_effective_on": None,
}


class ParticipantSerializer(serializers.ModelSerializer):
    url = IdentityField(
        view_name="api:participant-detail",
        lookup_field="code",
        help_text="This participant in the API.",
    )
    html_url = serializers.SerializerMethodField(help_text="The participant's page on the site.")
    memberships = serializers.SerializerMethodField(
        help_text="Organisations it is a member of: coe, asean, eu (the membership filter's codes)."
    )
    treaties = serializers.SerializerMethodField(
        help_text=(
            "Its record under every treaty, keyed by treaty slug (status 'none' where it has "
            "taken no action), with the status as at as_of."
        )
    )
    ratifications_url = serializers.SerializerMethodField(
        help_text="Its ratification records, with statements."
    )
    feed_url = serializers.SerializerMethodField(help_text="Atom feed of its treaty actions.")

    class Meta:
        model = Participant
        fields = [
            "code",
            "url",
            "html_url",
            "name",
            "official_name",
            "recorded_name",
            "iso_alpha2",
            "iso_alpha3",
            "kind",
            "region",
            "subregion",
            "coe_member",
            "asean_member",
            "eu_member",
            "memberships",
            "treaties",
            "ratifications_url",
            "feed_url",
            "modified_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, participant):
        return absolute(self, participant.get_absolute_url())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_memberships(self, participant):
        flags = (("coe", "coe_member"), ("asean", "asean_member"), ("eu", "eu_member"))
        return [code for code, field in flags if getattr(participant, field)]

    @extend_schema_field(serializers.DictField(child=ParticipationSerializer()))
    def get_treaties(self, participant):
        as_of = self.context.get("as_of")
        records = {r.treaty_id: r for r in participant.ratifications.all()}
        result = {}
        for treaty in self.context.get("treaties", []):
            record = records.get(treaty.pk)
            if record is None:
                result[treaty.slug] = dict(NO_RECORD)
                continue
            result[treaty.slug] = {
                "status": record.status_at(as_of),
                "signature_on": record.signature_on,
                "consent_kind": record.consent_kind,
                "consent_on": record.consent_on,
                "entry_into_force_on": record.entry_into_force_on,
                "withdrawal_effective_on": record.withdrawal_effective_on,
            }
        shape = ParticipationSerializer()
        return {slug: shape.to_representation(values) for slug, values in result.items()}

    @extend_schema_field(OpenApiTypes.URI)
    def get_ratifications_url(self, participant):
        return absolute(self, f"{reverse('api:ratification-list')}?participant={participant.code}")

    @extend_schema_field(OpenApiTypes.URI)
    def get_feed_url(self, participant):
        return absolute(self, reverse("api:participant-feed", kwargs={"code": participant.code}))


STATEMENT_ID_HELP = "The statement's number, its stable identifier."


class StatementSummarySerializer(serializers.ModelSerializer):
    url = IdentityField(view_name="api:statement-detail", help_text="This statement in the API.")
    provisions = serializers.SerializerMethodField(
        help_text="The articles it concerns, as '<treaty-slug>/<number>'."
    )

    class Meta:
        model = Statement
        fields = [
            "id",
            "url",
            "kind",
            "article_reference",
            "provisions",
            "made_on",
            "occasion",
            "text",
            "withdrawn_on",
            "source_url",
        ]
        extra_kwargs = {"id": {"help_text": STATEMENT_ID_HELP}}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_provisions(self, statement):
        return [f"{p.treaty.slug}/{p.number}" for p in statement.provisions.all()]


class RatificationSerializer(ModelValidationMixin, serializers.ModelSerializer):
    """One participant's record under one treaty. ``status`` is derived (as at ``as_of``)."""

    id = serializers.SerializerMethodField(
        help_text="Stable identifier: '<treaty-slug>/<participant code>'."
    )
    url = serializers.SerializerMethodField(help_text="This record in the API.")
    html_url = serializers.SerializerMethodField(help_text="This record on the site.")
    treaty = serializers.SlugRelatedField(
        slug_field="slug", queryset=Treaty.objects.all(), help_text="Treaty slug."
    )
    participant = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Participant.objects.all(),
        help_text="Participant code (ISO 3166-1 alpha-2, or EU).",
    )
    participant_name = serializers.CharField(
        source="participant.name", read_only=True, help_text="Today's name of the participant."
    )
    region = serializers.CharField(
        source="participant.region", read_only=True, help_text="The participant's UN region."
    )
    subregion = serializers.CharField(
        source="participant.subregion", read_only=True, help_text="The participant's UN subregion."
    )
    status = serializers.SerializerMethodField(
        help_text="Derived status as at as_of (today by default)."
    )
    reservations_count = serializers.SerializerMethodField(
        help_text="Reservation texts on file for this record."
    )
    declarations_count = serializers.SerializerMethodField(
        help_text="Declaration texts on file for this record."
    )
    statements = StatementSummarySerializer(
        many=True, read_only=True, help_text="Reservations, declarations and other statements."
    )
    statements_known = serializers.ChoiceField(
        choices=StatementsKnown.choices,
        read_only=True,
        help_text=(
            "What is known of this record's statements: 'recorded' (texts in 'statements'), "
            "'reported' (a source says some were made; texts not in the knowledge base), "
            "'none' (a source that lists every statement, as at statements_known_as_at, lists "
            "none), 'unknown' (no source read says)."
        ),
    )
    statements_known_as_at = serializers.DateField(
        read_only=True, allow_null=True, help_text="The date a 'none' holds at; null otherwise."
    )

    class Meta:
        model = Ratification
        fields = [
            "id",
            "url",
            "html_url",
            "treaty",
            "participant",
            "participant_name",
            "recorded_name",
            "region",
            "subregion",
            "signature_on",
            "consent_kind",
            "consent_on",
            "consent_not_after",
            "entry_into_force_on",
            "entry_into_force_basis",
            "withdrawal_notified_on",
            "withdrawal_effective_on",
            "status",
            "statements_flagged",
            "statements_known",
            "statements_known_as_at",
            "reservations_count",
            "declarations_count",
            "statements",
            "source_url",
            "source_kind",
            "source_as_at",
            "via_url",
            "note",
            "created_at",
            "modified_at",
        ]
        # Uniqueness of (treaty, participant) is checked by full_clean() with a readable message.
        validators = []

    def get_id(self, record) -> str:
        return f"{record.treaty.slug}/{record.participant.code}"

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, record):
        return absolute(
            self,
            reverse(
                "api:ratification-detail",
                kwargs={"treaty": record.treaty.slug, "participant": record.participant.code},
            ),
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, record):
        return absolute(self, record.get_absolute_url())

    @extend_schema_field(serializers.ChoiceField(choices=status_rules.CHOICES))
    def get_status(self, record):
        if "status" in record.__dict__:
            return record.__dict__["status"]
        return record.status_at(self.context.get("as_of"))

    def _count(self, record, kind):
        return sum(1 for s in record.statements.all() if s.kind == kind)

    def get_reservations_count(self, record) -> int:
        return self._count(record, StatementKind.RESERVATION)

    def get_declarations_count(self, record) -> int:
        return self._count(record, StatementKind.DECLARATION)

    def validate(self, attrs):
        stated_on = attrs.get("entry_into_force_on")
        basis = attrs.get(
            "entry_into_force_basis",
            self.instance.entry_into_force_basis if self.instance else "",
        )
        if stated_on and basis != EntryIntoForceBasis.STATED:
            raise serializers.ValidationError(
                {
                    "entry_into_force_basis": [
                        "Give 'stated' with an entry-into-force date taken from a source; "
                        "leave both empty to have the date computed from the treaty's rule."
                    ]
                }
            )
        return super().validate(attrs)

    def prepare_instance(self, instance):
        if instance.treaty_id:
            instance.fill_entry_into_force()

    # Writes go through the service every other write of a record uses (the admin, imports).
    def create(self, validated_data):
        record = Ratification(**validated_data)
        services.record_ratification(record, user=writer(self))
        return record

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        services.record_ratification(instance, user=writer(self))
        return instance


class ProvisionReferenceField(serializers.RelatedField):
    """A provision named '<treaty-slug>/<number>'."""

    default_error_messages = {
        "invalid": "Name a provision as '<treaty-slug>/<number>', e.g. 'palermo-protocol/6'.",
        "does_not_exist": "Unknown provision '{value}'.",
    }

    def get_queryset(self):
        return articles_model().objects.select_related("treaty")

    def to_representation(self, provision):
        return f"{provision.treaty.slug}/{provision.number}"

    def to_internal_value(self, data):
        if not isinstance(data, str) or "/" not in data:
            self.fail("invalid")
        slug, _, number = data.partition("/")
        try:
            return self.get_queryset().get(treaty__slug=slug, number=number)
        except self.get_queryset().model.DoesNotExist:
            self.fail("does_not_exist", value=data)


@extend_schema_field(OpenApiTypes.STR)
class ProvisionReference(ProvisionReferenceField):
    pass


class StatementSerializer(ModelValidationMixin, serializers.ModelSerializer):
    """A reservation, declaration, objection or notification, attached to a ratification record
    (named by ``treaty`` and ``participant``)."""

    url = IdentityField(view_name="api:statement-detail", help_text="This statement in the API.")
    treaty = serializers.SlugRelatedField(
        source="ratification.treaty",
        slug_field="slug",
        queryset=Treaty.objects.all(),
        help_text="Treaty slug of the ratification record.",
    )
    participant = serializers.SlugRelatedField(
        source="ratification.participant",
        slug_field="code",
        queryset=Participant.objects.all(),
        help_text="Participant code of the ratification record.",
    )
    provisions = ProvisionReference(
        many=True,
        required=False,
        help_text="The articles it concerns, as '<treaty-slug>/<number>'.",
    )

    class Meta:
        model = Statement
        fields = [
            "id",
            "url",
            "treaty",
            "participant",
            "kind",
            "article_reference",
            "provisions",
            "made_on",
            "occasion",
            "text",
            "withdrawn_on",
            "source_url",
            "created_at",
            "modified_at",
        ]
        extra_kwargs = {"id": {"help_text": STATEMENT_ID_HELP}}

    def validate(self, attrs):
        target = attrs.pop("ratification", None)
        if target is not None or self.instance is None:
            target = target or {}
            treaty = target.get("treaty") or (self.instance and self.instance.ratification.treaty)
            participant = target.get("participant") or (
                self.instance and self.instance.ratification.participant
            )
            record = Ratification.objects.filter(treaty=treaty, participant=participant).first()
            if record is None:
                raise serializers.ValidationError(
                    {
                        "participant": [
                            "There is no ratification record for this participant under this "
                            "treaty; create the record first."
                        ]
                    }
                )
            attrs["ratification"] = record
        ratification = attrs.get("ratification") or self.instance.ratification
        wrong = [
            f"{p.treaty.slug}/{p.number}"
            for p in attrs.get("provisions", [])
            if p.treaty_id != ratification.treaty_id
        ]
        if wrong:
            raise serializers.ValidationError(
                {"provisions": [f"Not articles of {ratification.treaty.slug}: {', '.join(wrong)}."]}
            )
        return super().validate(attrs)

    # Writes go through the service every other write of a statement uses (the admin, the
    # loader): the statement is linked to the articles its reference names, as in the admin.
    def create(self, validated_data):
        articles = validated_data.pop("provisions", None)
        statement = Statement(**validated_data)
        services.record_statement(statement, articles, user=writer(self))
        return statement

    def update(self, instance, validated_data):
        articles = validated_data.pop("provisions", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        services.record_statement(instance, articles, user=writer(self))
        return instance
