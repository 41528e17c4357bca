"""The review queue and each proposal's page: the diff against what is published, comments,
and the decisions (approve, reject with a comment, withdraw, rebase), one at a time or several
at once. The team's activity page (``review.activity``) is mounted next to the admin."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from common.admin import RECORD_NOTICES

from . import services
from .models import Kind, Proposal, Status


def open_proposals_notice(obj):
    """A record's change form names the proposals that wait for review on it."""
    if not services.is_reviewed(type(obj)):
        return None
    numbers = [f"#{pk}" for pk in Proposal.objects.open().about(obj).values_list("pk", flat=True)]
    if not numbers:
        return None
    return (
        f"Open proposals on this record wait for review: {', '.join(numbers)} (Review and "
        "activity › Proposals). What you see here is what is published."
    )


RECORD_NOTICES.append(open_proposals_notice)


class StatusFilter(admin.SimpleListFilter):
    """Open proposals unless another status is asked for."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Status.choices, ("all", "All")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or Status.OPEN) == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or Status.OPEN
        if value == "all":
            return queryset
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset.none()


class RecordKindFilter(admin.SimpleListFilter):
    """The kind of record: article, ratification record, statement, participant."""

    title = "kind of record"
    parameter_name = "record"

    def lookups(self, request, model_admin):
        return [(m._meta.model_name, m._meta.verbose_name) for m in services.WRITERS]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type__model=self.value())
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        authors = (
            Proposal.objects.exclude(author=None)
            .order_by("author__username")
            .values_list("author_id", "author__username")
            .distinct()
        )
        return [(str(pk), name) for pk, name in authors]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(author_id=self.value())
        return queryset


class RejectForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why: the authors read it with their proposals.",
    )


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """The review queue: open proposals, oldest first."""

    list_display = (
        "number",
        "record",
        "record_kind",
        "kind",
        "changed_fields",
        "treaty",
        "author",
        "origin",
        "created_at",
        "state",
    )
    list_display_links = ("number",)
    list_filter = (StatusFilter, "treaty", RecordKindFilter, "kind", AuthorFilter, "origin")
    list_select_related = ("content_type", "author", "treaty")
    search_fields = ("target_label", "reason")
    ordering = ("created_at", "pk")
    actions = ["approve_selected", "reject_selected"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False  # made by saving a record, through the API or by an import

    def has_change_permission(self, request, obj=None):
        return False  # decided on its own page (change_view), never edited

    def has_delete_permission(self, request, obj=None):
        return False  # kept, decided or not: the record of what was proposed

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not services.may_decide(request.user):
            actions.pop("approve_selected", None)
            actions.pop("reject_selected", None)
        return actions

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)

        class StaleMarkingChangeList(changelist):
            def get_results(self, request):
                super().get_results(request)
                services.mark_stale(list(self.result_list))

        return StaleMarkingChangeList

    @admin.display(description="#", ordering="pk")
    def number(self, proposal):
        return f"#{proposal.pk}"

    @admin.display(description="record", ordering="target_label")
    def record(self, proposal):
        return proposal.target_label

    @admin.display(description="kind of record", ordering="content_type__model")
    def record_kind(self, proposal):
        return proposal.content_type.model_class()._meta.verbose_name

    @admin.display(description="fields")
    def changed_fields(self, proposal):
        model = proposal.content_type.model_class()
        if proposal.kind == Kind.DELETE:
            return "–"
        return ", ".join(str(model._meta.get_field(n).verbose_name) for n in proposal.changes)

    @admin.display(description="state")
    def state(self, proposal):
        stale = getattr(proposal, "stale", [])
        if proposal.status == Status.OPEN and stale:
            return format_html('<strong class="stale">stale</strong> ({})', ", ".join(stale))
        return proposal.get_status_display()

    # -- one proposal ------------------------------------------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, unquote(object_id))
        if proposal is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, proposal):
            raise PermissionDenied
        reject_form = RejectForm()
        if request.method == "POST":
            response, reject_form = self.decide(request, proposal)
            if response is not None:
                return response
        proposal.refresh_from_db()
        stale = services.stale_fields(proposal) if proposal.is_open else []
        user = request.user
        authored = proposal.author_id == user.pk or user.is_superuser
        target = proposal.target
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(proposal),
            "proposal": proposal,
            "rows": services.diff(proposal),
            "stale": stale,
            "comments": proposal.comments.select_related("author"),
            "target": target,
            "target_admin_url": self.record_admin_url(proposal, target),
            "may_decide": proposal.is_open
            and services.may_decide(user)
            and proposal.author_id != user.pk,
            "may_withdraw": proposal.is_open and authored,
            "may_rebase": proposal.is_open and authored and bool(stale),
            "may_comment": user.has_perm("review.add_comment"),
            "reject_form": reject_form,
            "queue_url": reverse("admin:review_proposal_changelist"),
        }
        return TemplateResponse(request, "admin/review/proposal.html", context)

    @staticmethod
    def record_admin_url(proposal, target):
        if target is None:
            return None
        opts = target._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk])

    def decide(self, request, proposal):
        """The page's buttons; returns (a redirect or None, the rejection form)."""
        user = request.user
        here = HttpResponseRedirect(request.path)
        reject_form = RejectForm()
        try:
            if "_approve" in request.POST:
                services.approve(proposal, reviewer=user, comment=request.POST.get("comment", ""))
                self.message_user(request, f"Approved and published: {proposal}.")
                return here, reject_form
            if "_reject" in request.POST:
                reject_form = RejectForm(request.POST)
                if not reject_form.is_valid():
                    return None, reject_form
                services.reject(
                    proposal, reviewer=user, comment=reject_form.cleaned_data["comment"]
                )
                self.message_user(request, f"Rejected: {proposal}.")
                return here, reject_form
            if "_withdraw" in request.POST:
                services.withdraw(proposal, user=user)
                self.message_user(request, f"Withdrawn: {proposal}.")
                return here, reject_form
            if "_rebase" in request.POST:
                services.rebase(proposal, user=user)
                self.message_user(
                    request, "Rebased on the published record as it is now: check the diff."
                )
                return here, reject_form
            if "_comment" in request.POST:
                if not user.has_perm("review.add_comment"):
                    raise PermissionDenied
                services.comment(proposal, user=user, text=request.POST.get("text", ""))
                return here, reject_form
        except services.ProposalError as error:
            self.message_user(request, str(error), messages.ERROR)
            return here, reject_form
        except ValidationError as error:
            self.message_user(
                request,
                "Not approved: the record would break a rule: " + " ".join(error.messages),
                messages.ERROR,
            )
            return here, reject_form
        raise PermissionDenied

    # -- several at once -----------------------------------------------------------------------
    @admin.action(description="Approve selected proposals (publish them)")
    def approve_selected(self, request, queryset):
        approved, refused = 0, []
        for proposal in queryset.order_by("created_at", "pk"):
            try:
                services.approve(proposal, reviewer=request.user)
                approved += 1
            except (services.ProposalError, PermissionDenied, ValidationError) as error:
                message = error.messages if isinstance(error, ValidationError) else [str(error)]
                refused.append(f"#{proposal.pk}: {' '.join(message)}")
        if approved:
            self.message_user(request, f"{approved} proposal(s) approved and published.")
        for line in refused:
            self.message_user(request, f"Not approved: {line}", messages.WARNING)

    @admin.action(description="Reject selected proposals (with a comment)")
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "_confirm_reject" in request.POST else None)
        if form.is_bound and form.is_valid():
            rejected, refused = 0, []
            for proposal in queryset:
                try:
                    services.reject(
                        proposal, reviewer=request.user, comment=form.cleaned_data["comment"]
                    )
                    rejected += 1
                except (services.ProposalError, PermissionDenied) as error:
                    refused.append(f"#{proposal.pk}: {error}")
            self.message_user(request, f"{rejected} proposal(s) rejected.")
            for line in refused:
                self.message_user(request, f"Not rejected: {line}", messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Reject proposals",
            "proposals": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/review/reject.html", context)
