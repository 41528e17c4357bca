"""Serializers for provisions (articles) and pillars."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.serializers import IdentityField
from provisions import services
from provisions.models import Pillar, Provision
from treaties.api.serializers import ModelValidationMixin, ProvisionReference, absolute
from treaties.models import Treaty


def provision_id(provision):
    return f"{provision.treaty.slug}/{provision.number}"


def provision_api_url(serializer, provision):
    return absolute(
        serializer,
        reverse(
            "api:provision-detail",
            kwargs={"treaty": provision.treaty.slug, "number": provision.number},
        ),
    )


class RelatedProvisionSerializer(serializers.ModelSerializer):
    id = serializers.SerializerMethodField(help_text="'<treaty-slug>/<number>'.")
    url = serializers.SerializerMethodField(help_text="The related article in the API.")
    html_url = serializers.SerializerMethodField(
        help_text="The related article's page on the site."
    )
    treaty = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Provision
        fields = ["id", "url", "html_url", "treaty", "number", "heading"]

    def get_id(self, provision) -> str:
        return provision_id(provision)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, provision):
        return provision_api_url(self, provision)

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, provision):
        return absolute(self, provision.get_absolute_url())


class ProvisionSerializer(ModelValidationMixin, serializers.ModelSerializer):
    """An article with its official text, pillars and related articles. Identified by
    ``<treaty-slug>/<number>``."""

    id = serializers.SerializerMethodField(
        help_text="Stable identifier: '<treaty-slug>/<number>', e.g. 'palermo-protocol/6'."
    )
    url = serializers.SerializerMethodField(help_text="This provision in the API.")
    html_url = serializers.SerializerMethodField(help_text="This article's page on the site.")
    treaty = serializers.SlugRelatedField(
        slug_field="slug", queryset=Treaty.objects.all(), help_text="Treaty slug."
    )
    pillars = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        required=False,
        queryset=Pillar.objects.all(),
        help_text="Pillar slugs: prevention, protection, prosecution, cooperation.",
    )
    related = ProvisionReference(
        many=True,
        required=False,
        help_text="Related articles in the other instruments, as '<treaty-slug>/<number>'.",
    )
    related_provisions = RelatedProvisionSerializer(
        source="related",
        many=True,
        read_only=True,
        help_text="The related articles, with their headings and links.",
    )
    citation = serializers.CharField(read_only=True, help_text="How to cite the article.")

    class Meta:
        model = Provision
        fields = [
            "id",
            "url",
            "html_url",
            "treaty",
            "number",
            "heading",
            "heading_verified",
            "division",
            "text",
            "text_incomplete",
            "pillars",
            "related",
            "related_provisions",
            "citation",
            "modified_at",
        ]
        # Uniqueness of (treaty, number) is checked by full_clean() with a readable message.
        validators = []

    def get_id(self, provision) -> str:
        return provision_id(provision)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, provision):
        return provision_api_url(self, provision)

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, provision):
        return absolute(self, provision.get_absolute_url())

    def validate(self, attrs):
        related = attrs.get("related")
        if related is not None:
            provision = self.instance or Provision()
            treaty = attrs.get("treaty") or getattr(self.instance, "treaty", None)
            problems = services.related_problems(provision, related, treaty=treaty)
            if problems:
                raise serializers.ValidationError({"related": problems})
        return super().validate(attrs)


class PillarSerializer(serializers.ModelSerializer):
    url = IdentityField(
        view_name="api:pillar-detail", lookup_field="slug", help_text="This pillar in the API."
    )
    html_url = serializers.SerializerMethodField(help_text="The pillar's page on the site.")
    provision_count = serializers.SerializerMethodField(
        help_text="Provisions tagged with the pillar, over all treaties."
    )
    counts = serializers.SerializerMethodField(
        help_text="Provisions tagged with the pillar, per treaty slug (every treaty listed)."
    )
    provisions_url = serializers.SerializerMethodField(help_text="The pillar's provisions.")

    class Meta:
        model = Pillar
        fields = [
            "slug",
            "url",
            "html_url",
            "name",
            "description",
            "position",
            "provision_count",
            "counts",
            "provisions_url",
            "modified_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, pillar):
        return absolute(self, pillar.get_absolute_url())

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_counts(self, pillar):
        counts = self.context.get("counts", {})
        return {slug: counts.get((pillar.pk, slug), 0) for slug in self.context.get("treaties", [])}

    def get_provision_count(self, pillar) -> int:
        return sum(self.get_counts(pillar).values())

    @extend_schema_field(OpenApiTypes.URI)
    def get_provisions_url(self, pillar):
        return absolute(self, f"{reverse('api:provision-list')}?pillar={pillar.slug}")
