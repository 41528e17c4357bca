"""Decisions on the shipped data: where the data set changed a field an editor had changed too,
both values side by side, and the two ways out ("Apply the shipped value", "Keep the editor's
value"). A record's change form says when such a decision waits for it. The releases, read-only.
The depositary imports: each run, and the upload of a depositary record (a preview of what
differs, then its proposals for review).
"""

import base64
import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from common.admin import RECORD_NOTICES
from common.params import ISODateField, parse_date
from treaties.models import Treaty

from . import depositary, services
from .gaps import core_gaps, may_see_gaps
from .models import Decision, DecisionState, DepositaryImport, Release, ReleaseFile
from .mtdsg import MAX_RECORD_BYTES


def show(value):
    if value in (None, ""):
        return "–"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "–"
    return str(value)


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = (
        "record_link",
        "field_name",
        "editor_value_display",
        "shipped_value_display",
        "source",
        "state",
        "created_at",
    )
    list_filter = ("state", "content_type")
    list_select_related = ("content_type", "decided_by")
    search_fields = ("field", "source")
    actions = ["apply_shipped", "keep_editors"]
    readonly_fields = (
        "record_link",
        "field_name",
        "loaded_value_display",
        "editor_value_display",
        "shipped_value_display",
        "source",
        "state",
        "created_at",
        "decided_at",
        "decided_by",
    )
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # the loader records them

    def has_delete_permission(self, request, obj=None):
        return False  # decided, never deleted: the list is the record of what was decided

    @admin.display(description="record")
    def record_link(self, decision):
        record = decision.record
        if record is None:
            return f"{decision.content_type.name} {decision.object_id} (deleted)"
        opts = record._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record)

    @admin.display(description="field", ordering="field")
    def field_name(self, decision):
        return decision.field_label

    @admin.display(description="loaded before")
    def loaded_value_display(self, decision):
        return show(decision.loaded_value)

    @admin.display(description="editor's value (kept for now)")
    def editor_value_display(self, decision):
        return show(decision.editor_value)

    @admin.display(description="shipped value")
    def shipped_value_display(self, decision):
        return show(decision.shipped_value)

    def decide(self, request, queryset, decide, verb):
        done = 0
        for decision in queryset.filter(state=DecisionState.OPEN).select_related("content_type"):
            record = decision.record
            if record is not None and not self.may_change(request, record):
                self.message_user(
                    request, f"You may not change {record}: left open.", messages.ERROR
                )
                continue
            try:
                decide(decision, user=request.user)
            except Exception as error:  # a shipped value the record's rules now refuse
                messages_text = getattr(error, "messages", [str(error)])
                self.message_user(
                    request,
                    f"{record}: {decision.field_label}: {'; '.join(messages_text)} (left open)",
                    messages.ERROR,
                )
                continue
            done += 1
        self.message_user(request, f"{done} decision(s): {verb}.", messages.SUCCESS)

    @staticmethod
    def may_change(request, record):
        opts = record._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(description="Apply the shipped value", permissions=["change"])
    def apply_shipped(self, request, queryset):
        self.decide(request, queryset, services.apply_shipped_value, "shipped value applied")

    @admin.action(description="Keep the editor's value", permissions=["change"])
    def keep_editors(self, request, queryset):
        self.decide(request, queryset, services.keep_editor_value, "editor's value kept")


def open_decisions_notice(obj):
    """The change form of a record the loader left a decision about says so, with a link."""
    decisions = list(services.open_decisions_for(obj))
    if not decisions:
        return None
    fields = ", ".join(d.field_label for d in decisions)
    url = reverse("admin:catalogue_decision_changelist")
    query = f"?state=open&content_type__id__exact={decisions[0].content_type_id}"
    return format_html(
        "The shipped data set changed {} of this record, which an editor had changed too: "
        'the editor\'s value is kept until someone <a href="{}{}">decides</a>.',
        fields,
        url,
        query,
    )


RECORD_NOTICES.append(open_decisions_notice)


def gaps_view(request):
    """The editors' worklist: every gap in the data of the core instruments, by treaty, each
    line linking to the form that fills it (the same gaps the data page counts)."""
    if not may_see_gaps(request.user):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "Gaps in the data",
        "gaps": core_gaps().worklist(),
    }
    return TemplateResponse(request, "admin/treatykb/gaps.html", context)


class ReleaseFileInline(admin.TabularInline):
    model = ReleaseFile
    fields = ("download_link", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("release").defer("content")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="file")
    def download_link(self, release_file):
        return format_html('<a href="{}">{}</a>', release_file.get_absolute_url(), release_file)


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """The kept downloads, one per day the data changed: made by the loader, ``make_release``
    and the site itself, never by hand. Read-only; a superuser may delete one (its dated
    address is then a 404 naming the nearest releases)."""

    list_display = ("day", "file_summary", "digest", "created_at", "updated_at")
    date_hierarchy = "day"
    fields = ("day", "digest", "data_version", "created_at", "updated_at")
    readonly_fields = fields
    inlines = [ReleaseFileInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_files()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="files")
    def file_summary(self, release):
        return ", ".join(f"{f.format}: {f.size:,} bytes" for f in release.files.all())


# -- depositary imports ------------------------------------------------------------------------

DEPOSITARY_SESSION_KEY = "treatykb_depositary_upload"


class DepositaryUploadForm(forms.Form):
    file = forms.FileField(
        help_text=(
            "The depositary's record of the treaty: the XML file the UN Treaty Collection "
            "publishes for its MTDSG entry (e.g. XVIII-12-a.en.xml), at most "
            f"{MAX_RECORD_BYTES // (1024 * 1024)} MB."
        )
    )
    treaty = forms.ModelChoiceField(
        queryset=Treaty.objects.core_first(), help_text="The treaty the record is of."
    )
    as_at = ISODateField(
        required=False,
        label="As at",
        help_text=(
            "The date the record stood at (YYYY-MM-DD), when known. Empty: the latest action "
            "the record lists (the file states no date)."
        ),
    )
    copy_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Copy read",
        help_text="The address the file was taken from, when it is not the depositary's own.",
    )


@admin.register(DepositaryImport)
class DepositaryImportAdmin(admin.ModelAdmin):
    """Every run of the depositary import that wrote something (read-only), and the upload of a
    record: a preview (a dry run), then, confirmed, proposals for review and confirmations."""

    change_list_template = "admin/catalogue/depositaryimport/change_list.html"
    list_display = (
        "run_at",
        "treaty",
        "record_as_at",
        "participants_read",
        "confirmed",
        "proposed",
        "already_proposed",
        "run_by",
    )
    list_filter = ("treaty",)
    list_select_related = ("treaty", "run_by")
    date_hierarchy = "run_at"
    fields = (
        "treaty",
        "run_at",
        "run_by",
        "source",
        "source_url",
        "copy_read",
        "sha256",
        "record_as_at",
        "as_at_basis",
        "participants_read",
        "confirmed",
        "proposed",
        "already_proposed",
        "report",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # runs are made by the import, never typed in

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what was imported

    def may_upload(self, request):
        return request.user.has_perm("catalogue.add_depositaryimport")

    def get_urls(self):
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="catalogue_depositaryimport_upload",
        )
        return [upload, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.may_upload(request):
            extra_context["upload_url"] = reverse("admin:catalogue_depositaryimport_upload")
        return super().changelist_view(request, extra_context)

    def upload_view(self, request):
        """Upload, preview (nothing written), confirm: the command's dry run and --propose."""
        if not self.may_upload(request):
            raise PermissionDenied
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": "Import a depositary record",
            "changelist_url": reverse("admin:catalogue_depositaryimport_changelist"),
        }
        form = DepositaryUploadForm()
        if request.method == "POST" and "_confirm" in request.POST:
            stored = request.session.get(DEPOSITARY_SESSION_KEY, {})
            upload = stored.get(request.POST.get("token", ""))
            if upload is None:
                self.message_user(
                    request, "That preview has expired: upload the file again.", messages.ERROR
                )
                return HttpResponseRedirect(reverse("admin:catalogue_depositaryimport_upload"))
            try:
                comparison = self.compare(upload)
                outcome = depositary.apply(comparison, user=request.user)
            except depositary.DepositaryError as error:
                context.update(error=str(error), form=form)
                return TemplateResponse(request, "admin/catalogue/depositary_upload.html", context)
            request.session[DEPOSITARY_SESSION_KEY] = {}
            self.message_user(
                request,
                f"{upload['name']}: {len(outcome.created)} proposals for review, "
                f"{len(outcome.existing)} already open, {outcome.run.confirmed} records "
                f"confirmed as at {comparison.as_at.isoformat()}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:catalogue_depositaryimport_change", args=[outcome.run.pk])
            )
        if request.method == "POST":
            form = DepositaryUploadForm(request.POST, request.FILES)
            if form.is_valid():
                file = form.cleaned_data["file"]
                upload = {
                    "name": file.name,
                    "data": base64.b64encode(file.read(MAX_RECORD_BYTES + 1)).decode("ascii"),
                    "treaty": form.cleaned_data["treaty"].pk,
                    "as_at": form.cleaned_data["as_at"] and form.cleaned_data["as_at"].isoformat(),
                    "copy_url": form.cleaned_data["copy_url"],
                }
                try:
                    comparison = self.compare(upload)
                except depositary.DepositaryError as error:
                    context["error"] = str(error)
                else:
                    token = secrets.token_urlsafe(16)
                    request.session[DEPOSITARY_SESSION_KEY] = {token: upload}
                    context.update(
                        comparison=comparison,
                        report=depositary.report_lines(comparison),
                        token=token,
                        file_name=file.name,
                    )
        context["form"] = form
        return TemplateResponse(request, "admin/catalogue/depositary_upload.html", context)

    @staticmethod
    def compare(upload):
        treaty = Treaty.objects.filter(pk=upload["treaty"]).first()
        if treaty is None:
            raise depositary.DepositaryError("that treaty no longer exists")
        source = depositary.Source(data=base64.b64decode(upload["data"]), name=upload["name"])
        as_at = parse_date(upload["as_at"])
        return depositary.compare(treaty, source, as_at=as_at, copy_read=upload["copy_url"])
