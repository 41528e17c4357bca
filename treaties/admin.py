"""The editors' workspace: treaties, participants, ratification records and statements.

Every admin here is an ``EditorialAdmin`` (``common.admin``): history, CSV export and import.
Writes that span rows go through ``treaties.services``.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html

from common.admin import (
    URL_FIELDS,
    CachedChoicesFormSet,
    EditorialAdmin,
    ImportForm,
    PrefetchedAutocompleteSelectMultiple,
    changelist_link,
)

from . import columns, services
from . import status as status_rules
from .models import (
    EntryIntoForceBasis,
    Participant,
    Ratification,
    Statement,
    Treaty,
    articles_model,
)


def provisions_field(admin_super, db_field, request, **kwargs):
    """A many-to-many field to articles whose labels ("UNTOC art. 5") need no query each."""
    if db_field.related_model is articles_model():
        kwargs.setdefault("queryset", db_field.related_model.objects.select_related("treaty"))
    return admin_super.formfield_for_manytomany(db_field, request, **kwargs)


# -- filters -----------------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """The derived status today (never stored: see treaties/status.py)."""

    title = "status today"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return status_rules.CHOICES

    def queryset(self, request, queryset):
        if self.value() in status_rules.LABELS:
            return queryset.with_status().filter(status=self.value())
        return queryset


class RegionFilter(admin.SimpleListFilter):
    title = "region"
    parameter_name = "region"
    field = "participant__region"

    def lookups(self, request, model_admin):
        regions = (
            Participant.objects.exclude(region="")
            .order_by("region")
            .values_list("region", flat=True)
            .distinct()
        )
        return [(region, region) for region in regions]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class ParticipantRegionFilter(RegionFilter):
    field = "region"


# -- treaties ----------------------------------------------------------------------------------


@admin.register(Treaty)
class TreatyAdmin(EditorialAdmin):
    csv_spec = columns.TREATY

    def csv_queryset(self, queryset):
        return queryset.select_related("parent")

    list_display = (
        "short_title",
        "slug",
        "core",
        "kind",
        "organisation",
        "parent",
        "entry_into_force_on",
        "status_as_at",
        "articles",
        "records",
    )
    list_select_related = ("parent",)
    search_fields = ("short_title", "full_title", "slug")
    list_filter = ("core", "kind", "organisation", "scope")
    readonly_fields = ("slug", "links", "modified_at")
    export_exclude = ()
    fieldsets = (
        (None, {"fields": ("slug", "short_title", "full_title", "kind", "parent", "links")}),
        (
            "Adoption and entry into force",
            {
                "fields": (
                    "organisation",
                    "scope",
                    "adopted_on",
                    "adopted_at",
                    "adopted_by",
                    "opened_for_signature_on",
                    "entry_into_force_on",
                    "entry_into_force_rule",
                    "entry_into_force_provision",
                    "depositary",
                    "treaty_series",
                )
            },
        ),
        ("Text", {"fields": ("preamble", "preamble_incomplete", "sources")}),
        ("Participant data", {"fields": ("status_as_at", "status_note")}),
        ("Record", {"fields": ("position", "core", "modified_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts().select_related("parent")

    def has_add_permission(self, request):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return ("links", "modified_at") if obj is None else self.readonly_fields

    @admin.display(description="articles", ordering="article_count")
    def articles(self, obj):
        return changelist_link(
            reverse("admin:provisions_provision_changelist"),
            f"{obj.article_count} article{pluralize(obj.article_count)}",
            treaty__id__exact=obj.pk,
        )

    @admin.display(description="ratification records", ordering="party_count")
    def records(self, obj):
        return changelist_link(
            reverse("admin:treaties_ratification_changelist"),
            f"{obj.party_count} {pluralize(obj.party_count, 'party,parties')}",
            treaty__id__exact=obj.pk,
        )

    @admin.display(description="articles and records")
    def links(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return format_html(
            "{} · {} · {}",
            self.articles(obj),
            self.records(obj),
            changelist_link(
                reverse("admin:treaties_statement_changelist"),
                "statements",
                ratification__treaty__id__exact=obj.pk,
            ),
        )


# -- participants ------------------------------------------------------------------------------


class RatificationInline(admin.TabularInline):
    model = Ratification
    formset = CachedChoicesFormSet
    extra = 0
    show_change_link = True
    fields = (
        "treaty",
        "signature_on",
        "consent_kind",
        "consent_on",
        "entry_into_force_on",
        "entry_into_force_basis",
        "withdrawal_notified_on",
        "withdrawal_effective_on",
        "source_url",
    )
    formfield_overrides = URL_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("treaty", "participant")


@admin.register(Participant)
class ParticipantAdmin(EditorialAdmin):
    csv_spec = columns.PARTICIPANT
    list_display = (
        "name",
        "code",
        "iso_alpha3",
        "kind",
        "region",
        "subregion",
        "member_of",
        "record_count",
    )
    list_filter = ("kind", ParticipantRegionFilter, "coe_member", "asean_member", "eu_member")
    search_fields = ("name", "code", "iso_alpha3", "recorded_name", "official_name")
    inlines = [RatificationInline]
    readonly_fields = ("modified_at",)
    fieldsets = (
        (None, {"fields": ("name", "official_name", "recorded_name", "kind")}),
        ("Codes", {"fields": ("code", "iso_alpha2", "iso_alpha3")}),
        ("Region", {"fields": ("region", "subregion")}),
        ("Memberships", {"fields": ("coe_member", "asean_member", "eu_member")}),
        ("Record", {"fields": ("modified_at",)}),
    )

    def get_queryset(self, request):
        # Ordered explicitly: a query with a count ignores the model's default order.
        records = models.Count("ratifications")
        return super().get_queryset(request).annotate(record_count=records).order_by("name")

    @admin.display(description="member of")
    def member_of(self, obj):
        return ", ".join(obj.memberships) or "–"

    @admin.display(description="records", ordering="record_count")
    def record_count(self, obj):
        return obj.record_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in services.parent_party_warnings(form.instance):
            self.message_user(request, warning, messages.WARNING)


# -- ratification records and statements -------------------------------------------------------


class StatementInlineFormSet(CachedChoicesFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.form.base_fields.get("provisions")
        if field is not None and isinstance(
            field.widget.widget, PrefetchedAutocompleteSelectMultiple
        ):
            field.widget.widget.label_cache = {
                str(p.pk): p for s in self.get_queryset() for p in s.provisions.all()
            }

    def clean(self):
        super().clean()
        treaty_id = self.instance.treaty_id
        for form in self.forms:
            provisions = (getattr(form, "cleaned_data", None) or {}).get("provisions") or []
            foreign = [p for p in provisions if p.treaty_id != treaty_id]
            if foreign and not form.cleaned_data.get("DELETE"):
                form.add_error(
                    "provisions",
                    "Choose articles of this record's treaty: "
                    + ", ".join(str(p) for p in foreign)
                    + " belong to another.",
                )


class StatementInline(admin.StackedInline):
    model = Statement
    formset = StatementInlineFormSet
    extra = 0
    autocomplete_fields = ("provisions",)
    fields = (
        ("kind", "occasion", "made_on", "withdrawn_on"),
        ("article_reference", "provisions"),
        "text",
        "source_url",
    )
    formfield_overrides = URL_FIELDS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("ratification__participant", "ratification__treaty")
            .with_articles()
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "provisions":
            kwargs["widget"] = PrefetchedAutocompleteSelectMultiple(db_field, self.admin_site)
        return provisions_field(super(), db_field, request, **kwargs)


class RatificationImportForm(ImportForm):
    treaty = forms.ModelChoiceField(
        Treaty.objects.all(),
        required=False,
        to_field_name="slug",
        help_text="The treaty of every row; leave empty when the file has a treaty_slug column.",
    )

    def options(self):
        treaty = self.cleaned_data.get("treaty")
        return {"treaty": treaty.slug if treaty else ""}

    @staticmethod
    def run(content, options, *, apply, user, reason):
        treaty = Treaty.objects.filter(slug=options.get("treaty") or "").first()
        return services.import_ratifications(content, treaty, apply=apply, user=user, reason=reason)


class RatificationForm(forms.ModelForm):
    """Entry into force: a date a source states is kept; otherwise it is computed on save from
    the treaty's rule. A date typed while the basis is not "stated by the source" is a form
    error, never silently replaced by the computed one."""

    def clean(self):
        data = super().clean()
        if data.get("entry_into_force_basis") == EntryIntoForceBasis.STATED:
            if not data.get("entry_into_force_on"):
                self.add_error("entry_into_force_on", "Give the date the source states.")
        elif "entry_into_force_on" in data:
            typed = data["entry_into_force_on"]
            shown = self.initial.get("entry_into_force_on")  # the computed date, as displayed
            if typed and typed != shown:
                self.add_error(
                    "entry_into_force_on",
                    "This date would be replaced by the one computed from the treaty's rule: "
                    "to keep a date a source states, choose the basis 'stated by the source'; "
                    "to have it computed, leave the date as it is or clear it.",
                )
            else:
                data["entry_into_force_on"] = None
                data["entry_into_force_basis"] = ""
        return data


@admin.register(Ratification)
class RatificationAdmin(EditorialAdmin):
    csv_spec = columns.RATIFICATION

    def csv_queryset(self, queryset):
        return queryset.prefetch_related("statements")

    form = RatificationForm
    list_display = (
        "participant",
        "treaty",
        "signature_on",
        "consent_kind",
        "consent_on",
        "entry_into_force_on",
        "status_display",
        "statement_count",
    )
    list_select_related = ("participant", "treaty")
    list_filter = (
        "treaty",
        StatusFilter,
        "consent_kind",
        RegionFilter,
        "source_kind",
        "statements_flagged",
    )
    date_hierarchy = "consent_on"
    search_fields = (
        "participant__name",
        "participant__code",
        "participant__iso_alpha3",
        "participant__recorded_name",
        "participant__official_name",
        "recorded_name",
    )
    autocomplete_fields = ("participant",)
    inlines = [StatementInline]
    readonly_fields = ("status_display", "created_at", "modified_at", "depositary_confirmed_as_at")
    import_form = RatificationImportForm
    import_help_template = "admin/treatykb/import_ratifications_help.html"
    deleted_select_related = ("participant", "treaty")
    fieldsets = (
        (None, {"fields": ("treaty", "participant", "recorded_name", "status_display")}),
        ("Signature and consent", {"fields": ("signature_on", "consent_kind", "consent_on")}),
        (
            "Entry into force",
            {
                "fields": ("entry_into_force_on", "entry_into_force_basis"),
                "description": (
                    "Computed from the treaty's rule when the record is saved, unless the basis "
                    "is 'stated by the source': then the date you give is kept."
                ),
            },
        ),
        ("Withdrawal", {"fields": ("withdrawal_notified_on", "withdrawal_effective_on")}),
        ("Source", {"fields": ("source_url", "source_kind", "statements_flagged", "note")}),
        ("Record", {"fields": ("created_at", "modified_at", "depositary_confirmed_as_at")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("participant", "treaty")
            .with_status()
            .annotate(statement_count=models.Count("statements"))
        )

    @admin.display(description="status today", ordering="status")
    def status_display(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return status_rules.LABELS[obj.status]

    @admin.display(description="statements", ordering="statement_count")
    def statement_count(self, obj):
        return obj.statement_count

    def save_object(self, request, obj):
        for warning in services.record_ratification(obj, user=request.user):
            self.message_user(request, warning, messages.WARNING)

    def restore_deleted_with(self, request, obj):
        return services.restore_deleted_statements(obj, user=request.user)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Statement:
            for statement in formset.new_objects + [s for s, _ in formset.changed_objects]:
                services.link_statement_provisions(statement)


class StatementTreatyFilter(admin.SimpleListFilter):
    title = "treaty"
    parameter_name = "ratification__treaty__id__exact"

    def lookups(self, request, model_admin):
        return [(str(t.pk), t.short_title) for t in Treaty.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(ratification__treaty_id=self.value())
        return queryset


@admin.register(Statement)
class StatementAdmin(EditorialAdmin):
    csv_spec = columns.STATEMENT
    list_display = (
        "participant",
        "treaty",
        "kind",
        "article_reference",
        "articles",
        "made_on",
        "excerpt",
    )
    list_filter = (StatementTreatyFilter, "kind", "occasion")
    search_fields = (
        "text",
        "article_reference",
        "ratification__participant__name",
        "ratification__participant__code",
        "ratification__participant__iso_alpha3",
        "ratification__participant__recorded_name",
    )
    autocomplete_fields = ("ratification", "provisions")
    readonly_fields = ("created_at", "modified_at")
    fields = (
        "ratification",
        ("kind", "occasion"),
        ("made_on", "withdrawn_on"),
        ("article_reference", "provisions"),
        "text",
        "source_url",
        ("created_at", "modified_at"),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("ratification__participant", "ratification__treaty")
            .with_articles()
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return provisions_field(super(), db_field, request, **kwargs)

    def deleted_label(self, record):
        reference = f" on art. {record.article_reference}" if record.article_reference else ""
        return f"{record.get_kind_display()}{reference}: {record.text[:80]}"

    @admin.display(description="participant", ordering="ratification__participant__name")
    def participant(self, obj):
        return obj.ratification.participant

    @admin.display(description="treaty", ordering="ratification__treaty__position")
    def treaty(self, obj):
        return obj.ratification.treaty

    @admin.display(description="linked articles")
    def articles(self, obj):
        return ", ".join(p.number for p in obj.provisions.all()) or "–"

    @admin.display(description="text")
    def excerpt(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.link_statement_provisions(form.instance)
