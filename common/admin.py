"""The editorial admin's base: what every admin of Treaty KB shares.

``EditorialAdmin`` gives each admin change history (who, when, field by field; see a version
and restore it), one history record per edit, CSV export of the selected rows or of the whole
filtered list (with the model's CSV spec when it has one, ``csv_spec``: the same columns as every
other export of that record), and CSV import with a preview for the admins that declare one.
"""

import datetime
import secrets

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import label_for_field, lookup_field, unquote
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
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

from common import csvfiles, lockouts, proposals
from common.history import MAX_REASON, grouped_history
from common.imports import MAX_IMPORT_BYTES, ImportReport
from common.params import ISODateField

# Callables (record -> a message, or None) whose messages a record's change form shows: an app
# above the plumbing registers its own (catalogue/admin.py: decisions left by the data loader).
RECORD_NOTICES = []

IMPORT_SESSION_KEY = "treatykb_admin_imports"


# -- shared pieces -----------------------------------------------------------------------------


def csv_cell(value):
    """A changelist value as CSV text: the one spelling of every CSV (``csvfiles.cell``), with
    the markup of display methods removed."""
    if isinstance(value, str):
        value = strip_tags(value)
    return csvfiles.cell(value)


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
    """An admin's CSV import: the file, the import's own options, and the service it runs
    (``run``, given the options as ``options()`` stored them in the session: plain strings)."""

    file = forms.FileField(help_text="A UTF-8 CSV file (at most 2 MB).")

    def options(self):
        return {}

    @staticmethod
    def run(content, options, *, apply, user, reason):
        """The import service (checks, and with ``apply`` writes); returns its report."""
        return ImportReport(kind="nothing", errors=["This list takes no import."])


# A source address typed without its scheme ("treaties.un.org/...") is taken as https://. Dates
# are YYYY-MM-DD in every form, as in every CSV and help text (no locale formats).
URL_FIELDS = {
    models.URLField: {"assume_scheme": "https"},
    models.DateField: {
        "form_class": ISODateField,
        "widget": AdminDateWidget(format="%Y-%m-%d"),
    },
}


VERSION_FIELD = "record_version"
REASON_FIELD = "_change_reason"
SOURCE_FIELD = "_change_source"


def opened_version(obj):
    """The version of a record an editor opened: its last change, to the microsecond."""
    return obj.modified_at.isoformat() if obj.modified_at else ""


def saves_since(obj, opened):
    """The saves of ``obj`` after the version ``opened``: who, when and which fields, as
    sentences for the editor whose save was refused."""
    try:
        since = datetime.datetime.fromisoformat(opened)
    except ValueError:
        return []
    records = (
        obj.history.filter(modified_at__gt=since)  # each version as a save left it
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    lines = []
    for record in records:
        previous = record.prev_record
        changed = (
            [
                capfirst(str(obj._meta.get_field(change.field).verbose_name))
                for change in record.diff_against(previous).changes
            ]
            if previous is not None
            else []
        )
        who = record.history_user.get_username() if record.history_user else "the data loader"
        when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M:%S")
        fields = ", ".join(changed) or "its links"
        lines.append(f"{who} saved it at {when}, changing: {fields}.")
    return lines


def stale_save_checking(form_class):
    """The change form of ``form_class``, refusing a save based on a version of the record that
    is no longer current: the editor sees the other saves (who, when, which fields) and their own
    entries, kept in the form, to merge by hand and save again, or to redo from the record as it
    is now. Never a silent overwrite."""

    class StaleSaveCheckingForm(form_class):
        record_version = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if not self.is_bound:
                self.initial["record_version"] = opened_version(self.instance)

        def clean(self):
            cleaned = super().clean()
            opened = (self.data.get(self.add_prefix("record_version")) or "").strip()
            current = opened_version(self.instance)
            if opened and opened != current:
                # The next save, after the editor has looked, is against the current version.
                self.data = self.data.copy()
                self.data[self.add_prefix("record_version")] = current
                others = saves_since(self.instance, opened) or [
                    "Someone saved it since you opened this page."
                ]
                raise forms.ValidationError(
                    [
                        "This record was changed since you opened it, so your changes were not "
                        "saved (nothing was overwritten):",
                        *others,
                        "Your entries are still in the form below. Compare them with the record "
                        "as it is now (open it in another tab, or see its History), keep or "
                        "merge what you need and save again; or reload the page to start again "
                        "from the current version.",
                    ],
                    code="stale",
                )
            return cleaned

    StaleSaveCheckingForm.__name__ = form_class.__name__
    return StaleSaveCheckingForm


def source_checking(form_class):
    """The change form of an editor who proposes: the source given with the proposal (outside
    the record's fields) must be a web address, or the form says so."""

    class SourceCheckingForm(form_class):
        def clean(self):
            cleaned = super().clean()
            source = (self.data.get(SOURCE_FIELD) or "").strip()
            if source:
                if not source.startswith(("https://", "http://")):
                    source = "https://" + source
                try:
                    URLValidator()(source)
                except forms.ValidationError:
                    raise forms.ValidationError(
                        f"The source of the change must be a web address, not '{source}'.",
                        code="source",
                    ) from None
            return cleaned

    SourceCheckingForm.__name__ = form_class.__name__
    return SourceCheckingForm


class EditorialAdmin(SimpleHistoryAdmin):
    """History, grouped history records, CSV export and (optionally) CSV import; a save based on
    a version of the record another save replaced is refused (``stale_save_checking``)."""

    formfield_overrides = URL_FIELDS
    change_form_template = "admin/treatykb/change_form.html"

    change_list_template = "admin/treatykb/change_list.html"
    actions = ["export_selected_csv"]
    export_exclude = ()
    import_form = None  # a subclass of ImportForm to offer "Import CSV"
    import_help_template = None

    # -- history: one record per edit, with its author; restoring brings back links too -------
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and object_id:
            self.show_notices(request, object_id)
        # The editor's reason for the change (optional), kept in the history with it.
        reason = request.POST.get(REASON_FIELD, "").strip()[:MAX_REASON]
        source = request.POST.get(SOURCE_FIELD, "").strip()
        proposing = self.proposing(request)
        extra_context = {**(extra_context or {}), "reason_field": REASON_FIELD}
        extra_context.update(
            max_reason=MAX_REASON,
            reason_value=reason,
            proposing=proposing,
            source_field=SOURCE_FIELD,
            source_value=source,
        )
        if proposing and request.method == "POST":
            if source and not source.startswith(("https://", "http://")):
                source = "https://" + source
            request.treatykb_proposal = {"reason": reason, "source": source, "made": []}
        with transaction.atomic(using=router.db_for_write(self.model)):
            with grouped_history(user=request.user, reason=reason):
                return super().changeform_view(request, object_id, form_url, extra_context)

    # -- proposals: an editor who may not publish directly proposes (common/proposals.py) -----
    def proposing(self, request):
        """Whether this user's saves of this kind of record wait for review (a user who may
        not change it at all, a reviewer, proposes nothing)."""
        may_write = (
            self.has_change_permission(request)
            or self.has_add_permission(request)
            or self.has_delete_permission(request)
        )
        return may_write and proposals.must_propose(request.user, self.model)

    def propose(self, request, **kwargs):
        """Store one proposal for this request's save (the gate's ``propose``); returns it."""
        pending = getattr(request, "treatykb_proposal", None) or {"reason": "", "source": ""}
        gate = proposals.gate()
        kwargs.setdefault("reason", pending["reason"])
        kwargs.setdefault("source_url", pending["source"])
        try:
            proposal, _created = gate.propose(author=request.user, **kwargs)
        except gate.nothing:
            return None
        pending.setdefault("made", []).append(proposal)
        request.treatykb_proposal = pending
        return proposal

    @staticmethod
    def form_changes(form, every_field=False):
        """The model fields a form changes, with their new values (a restored version's form:
        every field, the proposal keeps those that differ from the published record)."""
        model = form._meta.model
        names = {
            f.name
            for f in model._meta.get_fields()
            if (f.concrete or f.many_to_many) and not f.auto_created
        }
        fields = form.fields if every_field else form.changed_data
        return {name: form.cleaned_data[name] for name in fields if name in names}

    def propose_from_form(self, request, obj, form, change):
        historic = to_historic(obj)
        if historic is not None:
            if not self.model._default_manager.filter(pk=obj.pk).exists():
                raise PermissionDenied  # restoring a deleted record: see has_restore_permission
            current = self.model._default_manager.get(pk=obj.pk)
            when = timezone.localtime(historic.history_date)
            pending = getattr(request, "treatykb_proposal", {})
            pending["reason"] = (
                pending.get("reason") or f"Restore the version of {when:%Y-%m-%d %H:%M}"
            )
            return self.propose(
                request, target=current, changes=self.form_changes(form, every_field=True)
            )
        if change:
            current = self.model._default_manager.get(pk=obj.pk)
            return self.propose(request, target=current, changes=self.form_changes(form))
        return self.propose(
            request, model=self.model, changes=self.form_changes(form, every_field=True)
        )

    def propose_from_formsets(self, request, formsets, parent):
        """An inline's new, changed and deleted rows, each a proposal of its own."""
        for formset in formsets:
            for form in formset.forms:
                if not form.has_changed() and not formset._should_delete_form(form):
                    continue
                existing = form.instance.pk is not None
                if formset._should_delete_form(form):
                    if existing:
                        target = formset.model._default_manager.get(pk=form.instance.pk)
                        self.propose(request, target=target, kind="delete", changes={})
                elif parent.pk is None:
                    self.message_user(
                        request,
                        f"The new {formset.model._meta.verbose_name_plural} were not proposed: "
                        "propose them on the record once the record itself is approved.",
                        messages.WARNING,
                    )
                    return
                elif existing:
                    target = formset.model._default_manager.get(pk=form.instance.pk)
                    self.propose(request, target=target, changes=self.form_changes(form))
                else:
                    changes = self.form_changes(form, every_field=True)
                    changes[formset.fk.name] = parent.pk
                    self.propose(request, model=formset.model, changes=changes)

    def proposal_response(self, request, obj):
        made = getattr(request, "treatykb_proposal", {}).get("made", [])
        gate = proposals.gate()
        if not made:
            self.message_user(
                request, "Nothing to propose: the record already has these values.", messages.INFO
            )
            if obj is not None and obj.pk:
                return HttpResponseRedirect(self.admin_url("change", obj.pk))
            return HttpResponseRedirect(self.admin_url("changelist"))
        names = ", ".join(f"#{p.pk}" for p in made)
        self.message_user(
            request,
            f"Saved as a proposal for review ({names}): nothing is published until a reviewer "
            "approves it.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(gate.url(made[0]))

    def save_related(self, request, form, formsets, change):
        if hasattr(request, "treatykb_proposal"):
            self.propose_from_formsets(request, formsets, form.instance)
            return
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if hasattr(request, "treatykb_proposal"):
            return []  # nothing was saved: the proposal says what was proposed
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        if not hasattr(request, "treatykb_proposal"):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not hasattr(request, "treatykb_proposal"):
            return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        if not self.proposing(request):
            return super().log_deletions(request, queryset)

    def response_add(self, request, obj, post_url_continue=None):
        if hasattr(request, "treatykb_proposal"):
            return self.proposal_response(request, None)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if hasattr(request, "treatykb_proposal"):
            return self.proposal_response(request, obj)
        return super().response_change(request, obj)

    def delete_model(self, request, obj):
        if self.proposing(request):
            request.treatykb_proposal = {"reason": "", "source": "", "made": []}
            self.propose(request, target=obj, kind="delete", changes={})
            return
        super().delete_model(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        if hasattr(request, "treatykb_proposal"):
            return self.proposal_response(request, None)
        return super().response_delete(request, obj_display, obj_id)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions and self.proposing(request):
            # Django's action would say "Successfully deleted": propose the deletions instead.
            actions["delete_selected"] = (
                type(self).propose_deletions,
                "delete_selected",
                f"Propose deleting the selected {self.model._meta.verbose_name_plural}",
            )
        return actions

    def propose_deletions(self, request, queryset):
        self.delete_queryset(request, queryset)

    def delete_queryset(self, request, queryset):
        if self.proposing(request):
            request.treatykb_proposal = {"reason": "", "source": "", "made": []}
            for obj in queryset:
                self.propose(request, target=obj, kind="delete", changes={})
            made = request.treatykb_proposal["made"]
            self.message_user(
                request,
                f"{len(made)} deletion(s) proposed for review: nothing is deleted until a "
                "reviewer approves.",
                messages.SUCCESS,
            )
            return
        super().delete_queryset(request, queryset)

    def show_notices(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            return
        for notice in RECORD_NOTICES:
            message = notice(obj)
            if message:
                self.message_user(request, message, messages.WARNING)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history lets anyone who may view the history POST the revert form: restoring
        # is a change, so it needs the change permission.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST" and self.proposing(request):
            if not self.model._default_manager.filter(pk=unquote(object_id)).exists():
                # A deleted record comes back whole (with what was deleted with it): only for
                # those who publish directly.
                raise PermissionDenied
            request.treatykb_proposal = {"reason": "", "source": "", "made": []}
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

    def get_fields(self, request, obj=None):
        # The version a form was opened on is rendered by the template, not as a row.
        return [name for name in super().get_fields(request, obj) if name != VERSION_FIELD]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if kwargs.get("fields"):
            kwargs["fields"] = [name for name in kwargs["fields"] if name != VERSION_FIELD]
        form = super().get_form(request, obj, change, **kwargs)
        if self.proposing(request):
            form = source_checking(form)
        historic = to_historic(obj) if obj is not None else None
        if historic is None:
            if obj is not None and obj.pk and hasattr(obj, "modified_at"):
                return stale_save_checking(form)
            return form
        # A historical version: its many-to-many links as they were, not as they are now. A
        # deletion's own record has none (the links go first): those of the version before it.
        linked = historic
        if historic.history_type == "-":
            linked = (
                type(historic)
                ._default_manager.filter(
                    **{self.model._meta.pk.attname: historic.instance.pk},
                    history_date__lte=historic.history_date,
                )
                .exclude(history_type="-")
                .order_by("-history_date", "-history_id")
                .first()
            ) or historic
        initial = {}
        for field in historic._history_m2m_fields:
            if field.name in form.base_fields:
                target = field.m2m_reverse_field_name() + "_id"
                initial[field.name] = [
                    getattr(r, target) for r in getattr(linked, field.name).all()
                ]

        class HistoricalVersionForm(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
                super().__init__(*args, **kwargs)

        return HistoricalVersionForm

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDisplay(self.model, historical_record)

    def save_model(self, request, obj, form, change):
        if hasattr(request, "treatykb_proposal"):
            self.propose_from_form(request, obj, form, change)
            form.save_m2m = lambda: None  # the links are proposed too, never written here
            return
        historic = to_historic(obj)
        deleted = (
            historic is not None and not self.model._default_manager.filter(pk=obj.pk).exists()
        )
        if historic is not None:
            when = timezone.localtime(historic.history_date)
            obj._change_reason = f"Restored the version of {when:%Y-%m-%d %H:%M}"
        self.save_object(request, obj)
        if deleted:
            restored = self.restore_deleted_with(request, obj)
            if restored:
                names = "; ".join(str(item) for item in restored)
                self.message_user(
                    request,
                    f"Restored with what was deleted with it ({len(restored)}): {names}.",
                    messages.SUCCESS,
                )

    def restore_deleted_with(self, request, obj):
        """Hook: a deleted record has just been restored; restore what was deleted with it
        (through the record type's service) and return it."""
        return []

    def save_object(self, request, obj):
        """Hook: write the form's object, through the record type's service where it has one
        (the service the API and the imports call too)."""
        obj.save()

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

    # The record type's CSV spec (``common.csvfiles.Spec``) when it has one: the admin's export
    # then has the columns of every other export of that record; else the changelist's columns.
    csv_spec = None

    def csv_queryset(self, queryset):
        """Hook: what the spec's columns read (related rows, annotations), fetched in bulk."""
        return queryset

    def export_csv(self, request, queryset, filename):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        if self.csv_spec is not None:
            objects = self.csv_queryset(queryset)
            rows = self.csv_spec.rows(objects, day=timezone.localdate())
            csvfiles.write(response, self.csv_spec.header, rows)
            return response
        names = self.get_export_fields(request)
        header = [capfirst(str(label_for_field(n, self.model, self))) for n in names]
        rows = []
        for obj in queryset:
            row = []
            for name in names:
                field, _attr, value = lookup_field(name, obj, self)
                if field is not None and getattr(field, "flatchoices", None):
                    value = dict(field.flatchoices).get(value, value)
                row.append(csv_cell(value))
            rows.append(row)
        csvfiles.write(response, header, rows)
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
            and not self.proposing(request)
        )

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
            report = self.import_form.run(
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
                content = upload.read(MAX_IMPORT_BYTES + 1)
                options = form.options()
                report = self.import_form.run(
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


def changelist_link(model_admin_url, label, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return format_html('<a href="{}?{}">{}</a>', model_admin_url, query, label)


# -- login lockouts (common/lockouts.py) ------------------------------------------------------

admin.site.login_form = lockouts.LoginForm
admin.site.unregister(AccessAttempt)


class LockedOutFilter(admin.SimpleListFilter):
    title = "locked out now"
    parameter_name = "now"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("all", "All attempts")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "yes") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if (self.value() or "yes") == "yes":
            return queryset.filter(pk__in=lockouts.locked_out().values("pk"))
        return queryset


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """Failed logins, the current lockouts first: superusers only, with "Lift"."""

    list_filter = (LockedOutFilter, "attempt_time", "path_info")
    actions = ["lift_lockouts", "cleanup_expired_attempts"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.action(description="Lift the lockout (the user may log in again at once)")
    def lift_lockouts(self, request, queryset):
        lifted = lockouts.lift(queryset)
        self.message_user(request, f"Lifted: {lifted} record(s) of failed logins removed.")

    @admin.action(description="Clean up expired attempts")
    def cleanup_expired_attempts(self, request, queryset):
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        count, _ = AccessAttempt.objects.filter(attempt_time__lt=since).delete()
        self.message_user(request, f"Cleaned up {count} expired access attempt(s).")
