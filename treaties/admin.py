"""The editors' workspace: treaties, participants, ratification records and statements.

``EditorialAdmin`` is the base of every admin here and in ``provisions/admin.py``: change
history (who, when, field by field; see a version and restore it), one history record per
edit, CSV export of the selected rows or of the whole filtered list, and CSV import with a
preview for the admins that declare one.
"""

import csv
import datetime
import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import label_for_field, lookup_field
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.text import capfirst, slugify
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import to_historic
from simple_history.template_utils import HistoricalRecordContextHelper

from . import services
from . import status as status_rules
from .exports import spreadsheet_safe
from .history import grouped_history
from .models import EntryIntoForceBasis, Participant, Ratification, Statement, Treaty

IMPORT_SESSION_KEY = "treatykb_admin_imports"


# -- shared pieces -----------------------------------------------------------------------------


def csv_cell(value):
    """A value as CSV text; a cell that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return spreadsheet_safe(strip_tags(str(value)))


class CachedChoicesFormSet(BaseInlineFormSet):
    """Inline formset whose select boxes query their choices once, not once per row."""

    def _cache_choices(self, form):
        cache = self.__dict__.setdefault("_choices_cache", {})
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if (
                isinstance(field, forms.ModelChoiceField)
                and not isinstance(field, forms.ModelMultipleChoiceField)
                and type(widget) is forms.Select
            ):
                if name not in cache:
                    cache[name] = list(field.choices)
                field.choices = cache[name]
        return form

    def _construct_form(self, i, **kwargs):
        return self._cache_choices(super()._construct_form(i, **kwargs))

    @property
    def empty_form(self):
        return self._cache_choices(super().empty_form)


class PrefetchedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """Autocomplete whose selected options come from ``label_cache`` (filled from prefetched
    rows) instead of one query per form."""

    label_cache = None

    def optgroups(self, name, value, attr=None):
        cache = self.label_cache
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if cache is None or any(v not in cache for v in selected):
            return super().optgroups(name, value, attr)
        options = [
            self.create_option(
                name, cache[v].pk, self.choices.field.label_from_instance(cache[v]), True, i
            )
            for i, v in enumerate(selected)
        ]
        return [(None, options, 0)]


class HistoryDisplay(HistoricalRecordContextHelper):
    """Changes as editors read them: 'Pillars: Prevention → Prevention, Protection'."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, list):
            return ", ".join(str(item) for item in value) or "none"
        if value is None or value == "":
            return "–"
        return value


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A UTF-8 CSV file (at most 2 MB).")


# A source address typed without its scheme ("treaties.un.org/...") is taken as https://.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class EditorialAdmin(SimpleHistoryAdmin):
    """History, grouped history records, CSV export and (optionally) CSV import."""

    formfield_overrides = URL_FIELDS

    change_list_template = "admin/treatykb/change_list.html"
    actions = ["export_selected_csv"]
    export_exclude = ()
    import_form = None  # a subclass of ImportForm to offer "Import CSV"
    import_help_template = None

    # -- history: one record per edit, with its author; restoring brings back links too -------
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with transaction.atomic(using=router.db_for_write(self.model)):
            with grouped_history(user=request.user):
                return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history lets anyone who may view the history POST the revert form: restoring
        # is a change, so it needs the change permission.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            with grouped_history(user=request.user):
                return super().history_form_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "export_url": self.admin_url("export") + self.query_string(request),
            "import_url": self.admin_url("import") if self.can_import(request) else None,
            "deleted_url": (
                self.admin_url("deleted") if self.has_change_permission(request) else None
            ),
        }
        with grouped_history(user=request.user):
            return super().changelist_view(request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with grouped_history(user=request.user):
            return super().delete_view(request, object_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        historic = to_historic(obj) if obj is not None else None
        if historic is None:
            return form
        # A historical version: its many-to-many links as they were, not as they are now.
        initial = {}
        for field in historic._history_m2m_fields:
            if field.name in form.base_fields:
                target = field.m2m_reverse_field_name() + "_id"
                initial[field.name] = [
                    getattr(r, target) for r in getattr(historic, field.name).all()
                ]

        class HistoricalVersionForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
                super().__init__(*args, **kwargs)

        return HistoricalVersionForm

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDisplay(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        historic = to_historic(obj)
        if historic is not None:
            when = timezone.localtime(historic.history_date)
            obj._change_reason = f"Restored the version of {when:%Y-%m-%d %H:%M}"
        super().save_model(request, obj, form, change)

    # -- URLs ----------------------------------------------------------------------------------
    def admin_url(self, name, *args):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)

    @staticmethod
    def query_string(request):
        return f"?{request.GET.urlencode()}" if request.GET else ""

    def get_urls(self):
        opts = self.model._meta
        info = f"{opts.app_label}_{opts.model_name}"
        extra = [
            path("export.csv", self.admin_site.admin_view(self.export_view), name=f"{info}_export"),
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{info}_import"),
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name=f"{info}_deleted"),
        ]
        return extra + super().get_urls()

    # -- deleted records: see them as they were, and restore them ------------------------------
    deleted_select_related = ()

    def deleted_label(self, record):
        """The deleted object's name, from its last historical record."""
        obj = record.history_object
        for name in self.deleted_select_related:
            setattr(obj, name, getattr(record, name))
        try:
            return str(obj)
        except models.ObjectDoesNotExist:
            return f"{self.model._meta.verbose_name} {record.pk}"

    def deleted_view(self, request):
        """The most recent deletions whose object is gone, each with a link to restore it."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        history = self.model.history.model
        pk_name = self.model._meta.pk.attname
        still_there = self.model._default_manager.filter(pk=models.OuterRef(pk_name))
        records = list(
            history.objects.filter(history_type="-")
            .exclude(models.Exists(still_there))
            .select_related("history_user", *self.deleted_select_related)
            .order_by("-history_date")[:100]
        )
        opts = self.model._meta
        rows = [
            {
                "label": self.deleted_label(record),
                "record": record,
                "previous_url": self.admin_url(
                    "simple_history", getattr(record, pk_name), record.history_id
                ),
                "history_url": self.admin_url("history", getattr(record, pk_name)),
            }
            for record in records
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"Deleted {opts.verbose_name_plural}",
            "rows": rows,
            "changelist_url": self.admin_url("changelist"),
        }
        return TemplateResponse(request, "admin/treatykb/deleted.html", context)

    # -- CSV export ----------------------------------------------------------------------------
    def get_export_fields(self, request):
        return [
            name
            for name in self.get_list_display(request)
            if name not in self.export_exclude and name != "action_checkbox"
        ]

    def export_csv(self, request, queryset, filename):
        names = self.get_export_fields(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        writer = csv.writer(response)
        writer.writerow([csv_cell(capfirst(label_for_field(n, self.model, self))) for n in names])
        for obj in queryset:
            row = []
            for name in names:
                field, _attr, value = lookup_field(name, obj, self)
                if field is not None and getattr(field, "flatchoices", None):
                    value = dict(field.flatchoices).get(value, value)
                row.append(csv_cell(value))
            writer.writerow(row)
        return response

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_selected_csv(self, request, queryset):
        return self.export_csv(request, queryset, self.export_filename("selected"))

    def export_filename(self, suffix):
        name = slugify(self.model._meta.verbose_name_plural)
        return f"treatykb-{name}-{suffix}-{timezone.localdate().isoformat()}"

    def export_view(self, request):
        """Every row of the changelist as it is filtered, searched and ordered, as CSV."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(request, "Those filters are not valid.", messages.ERROR)
            return HttpResponseRedirect(self.admin_url("changelist"))
        return self.export_csv(request, changelist.queryset, self.export_filename("all"))

    # -- CSV import with a preview ---------------------------------------------------------------
    def can_import(self, request):
        """Importing creates and changes records: it needs both permissions."""
        return (
            self.import_form is not None
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def run_import(self, content, options, *, apply, user, reason):
        """Call the import service; ``options`` are the form's other cleaned values, as
        stored in the session (plain strings)."""
        raise NotImplementedError

    def import_options(self, cleaned_data):
        return {}

    def import_view(self, request):
        if not self.can_import(request):
            raise PermissionDenied
        opts = self.model._meta
        stored = request.session.get(IMPORT_SESSION_KEY, {})
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"Import {opts.verbose_name_plural} from CSV",
            "help_template": self.import_help_template,
            "changelist_url": self.admin_url("changelist"),
        }
        form = self.import_form()
        if request.method == "POST" and "_confirm" in request.POST:
            token = request.POST.get("token", "")
            upload = stored.get(token)
            if upload is None or upload.get("model") != opts.label:
                self.message_user(
                    request, "That preview has expired: upload the file again.", messages.ERROR
                )
                return HttpResponseRedirect(self.admin_url("import"))
            report = self.run_import(
                upload["content"],
                upload["options"],
                apply=True,
                user=request.user,
                reason=f"Imported from {upload['name']}",
            )
            if report.applied:
                stored.pop(token, None)
                request.session[IMPORT_SESSION_KEY] = stored
                self.message_user(
                    request,
                    f"{upload['name']}: {len(report.created)} created, {len(report.changed)} "
                    f"changed, {len(report.unchanged)} unchanged.",
                    messages.SUCCESS,
                )
                for warning in report.warnings:
                    self.message_user(request, warning, messages.WARNING)
                return HttpResponseRedirect(self.admin_url("changelist"))
            context.update(report=report, file_name=upload["name"], form=form)
            return TemplateResponse(request, "admin/treatykb/import.html", context)
        if request.method == "POST":
            form = self.import_form(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                content = upload.read(services.MAX_IMPORT_BYTES + 1)
                options = self.import_options(form.cleaned_data)
                report = self.run_import(
                    content, options, apply=False, user=request.user, reason=""
                )
                context.update(report=report, file_name=upload.name)
                if report.ok:
                    token = secrets.token_urlsafe(16)
                    stored = {
                        token: {
                            "model": opts.label,
                            "name": upload.name,
                            "content": content.decode("utf-8-sig"),
                            "options": options,
                        }
                    }
                    request.session[IMPORT_SESSION_KEY] = stored
                    context["token"] = token
        context["form"] = form
        return TemplateResponse(request, "admin/treatykb/import.html", context)


def provisions_field(admin_super, db_field, request, **kwargs):
    """A many-to-many field to articles whose labels ("UNTOC art. 5") need no query each."""
    from provisions.models import Provision

    if db_field.related_model is Provision:
        kwargs.setdefault("queryset", Provision.objects.select_related("treaty"))
    return admin_super.formfield_for_manytomany(db_field, request, **kwargs)


def changelist_link(model_admin_url, label, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return format_html('<a href="{}?{}">{}</a>', model_admin_url, query, label)


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
            f"{obj.article_count} articles",
            treaty__id__exact=obj.pk,
        )

    @admin.display(description="ratification records", ordering="party_count")
    def records(self, obj):
        return changelist_link(
            reverse("admin:treaties_ratification_changelist"),
            f"{obj.party_count} parties",
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
        return super().get_queryset(request).annotate(record_count=models.Count("ratifications"))

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
        from provisions.models import Provision

        return (
            super()
            .get_queryset(request)
            .select_related("ratification__participant", "ratification__treaty")
            .prefetch_related(
                models.Prefetch("provisions", queryset=Provision.objects.select_related("treaty"))
            )
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


class RatificationForm(forms.ModelForm):
    """Entry into force: a date a source states is kept; otherwise it is computed on save from
    the treaty's rule (so a computed date is never typed in, and clearing it recomputes it)."""

    def clean(self):
        data = super().clean()
        if data.get("entry_into_force_basis") == EntryIntoForceBasis.STATED:
            if not data.get("entry_into_force_on"):
                self.add_error("entry_into_force_on", "Give the date the source states.")
        elif "entry_into_force_on" in data:
            data["entry_into_force_on"] = None
            data["entry_into_force_basis"] = ""
        return data


@admin.register(Ratification)
class RatificationAdmin(EditorialAdmin):
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
    search_fields = ("participant__name", "participant__code", "recorded_name")
    autocomplete_fields = ("participant",)
    inlines = [StatementInline]
    readonly_fields = ("status_display", "created_at", "modified_at")
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
        ("Record", {"fields": ("created_at", "modified_at")}),
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in services.parent_party_warnings(obj.participant):
            self.message_user(request, warning, messages.WARNING)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Statement:
            for statement in formset.new_objects + [s for s, _ in formset.changed_objects]:
                services.link_statement_provisions(statement)

    def import_options(self, cleaned_data):
        treaty = cleaned_data.get("treaty")
        return {"treaty": treaty.slug if treaty else ""}

    def run_import(self, content, options, *, apply, user, reason):
        treaty = Treaty.objects.filter(slug=options.get("treaty") or "").first()
        return services.import_ratifications(content, treaty, apply=apply, user=user, reason=reason)


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
        from provisions.models import Provision

        return (
            super()
            .get_queryset(request)
            .select_related("ratification__participant", "ratification__treaty")
            .prefetch_related(
                models.Prefetch("provisions", queryset=Provision.objects.order_by("sort_key"))
            )
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
