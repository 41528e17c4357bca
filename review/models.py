"""Proposals: an editor's change to published content, kept apart from it until a reviewer
approves it (``review.services``: propose, approve, reject, withdraw, rebase, comment).

A proposal names its target (content type and key; none for a new record), the changes
(``{field: value}`` as JSON: keys for foreign keys, lists of keys for many-to-many fields,
dates as YYYY-MM-DD) and, per field, the value that was published when it was made (``base``):
the diff shows base against proposed, and a proposal whose fields were changed since (the
published value no longer equals its base) is stale and cannot be approved until it is rebased.
Nothing here is read by the public pages, the API, the feeds or the downloads.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Kind(models.TextChoices):
    CREATE = "create", "New record"
    UPDATE = "update", "Change"
    DELETE = "delete", "Deletion"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Origin(models.TextChoices):
    EDITOR = "editor", "Editor (admin)"
    API = "api", "API"
    IMPORT_DEPOSITARY = "import_depositary", "Depositary import"


class ProposalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Status.OPEN)

    def about(self, obj):
        """The proposals on one published record."""
        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_id=obj.pk)

    def for_queue(self):
        """Open proposals, oldest first, with what the queue shows, in one query."""
        return (
            self.open()
            .select_related("content_type", "author", "treaty")
            .order_by("created_at", "pk")
        )


class Proposal(models.Model):
    """A proposed change to one published record, waiting for review."""

    kind = models.CharField(
        max_length=10, choices=Kind.choices, help_text="A new record, a change or a deletion."
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The kind of record the proposal is about.",
    )
    object_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The published record's key (empty for a new record until it is approved).",
    )
    target_label = models.CharField(
        max_length=300, blank=True, help_text="The record's name when the proposal was made."
    )
    treaty = models.ForeignKey(
        "treaties.Treaty",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The treaty the record belongs to, where it belongs to one (for filtering).",
    )
    changes = models.JSONField(
        default=dict,
        encoder=DjangoJSONEncoder,
        blank=True,
        help_text="The proposed values, by field name (keys for links, dates as YYYY-MM-DD).",
    )
    base = models.JSONField(
        default=dict,
        encoder=DjangoJSONEncoder,
        blank=True,
        help_text=(
            "The published value of each changed field when the proposal was made (or last "
            "rebased): the diff, and the check that nobody changed them since."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        help_text="Who proposed it (empty for an import run from the command line).",
    )
    origin = models.CharField(
        max_length=20,
        choices=Origin.choices,
        default=Origin.EDITOR,
        help_text="Where the proposal came from.",
    )
    reason = models.TextField(blank=True, help_text="Why the change is proposed.")
    source_url = models.URLField(
        max_length=600, blank=True, help_text="The source the proposed values come from."
    )
    source_as_at = models.DateField(
        null=True, blank=True, help_text="The date the source stood at, where it has one."
    )
    copy_read = models.URLField(
        max_length=600,
        blank=True,
        help_text="The copy of the source actually read, when it is not the source itself.",
    )
    dedupe_key = models.CharField(
        max_length=200,
        blank=True,
        help_text="Set by imports: an open proposal with the same key is not made twice.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        help_text="Open until approved, rejected or withdrawn.",
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it was proposed.")
    rebased_at = models.DateTimeField(
        null=True, blank=True, help_text="When its base was last brought up to date."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who approved, rejected or withdrew it.",
    )
    decided_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was approved, rejected or withdrawn."
    )
    decision_comment = models.TextField(
        blank=True, help_text="The reviewer's comment on the decision (required to reject)."
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "proposal"
        verbose_name_plural = "proposals"
        permissions = [
            ("publish_directly", "Can publish changes directly, without review"),
            ("decide_proposal", "Can approve or reject proposals"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="proposal_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="create") | Q(object_id__isnull=False),
                name="proposal_change_names_its_record",
            ),
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="proposal_decided_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_comment=""),
                name="proposal_rejection_has_comment",
            ),
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(status="open") & ~Q(dedupe_key=""),
                name="proposal_one_open_per_dedupe_key",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="proposal_queue_idx"),
            models.Index(fields=["content_type", "object_id"], name="proposal_target_idx"),
        ]

    def __str__(self):
        return f"Proposal #{self.pk}: {self.get_kind_display().lower()} of {self.target_label}"

    def get_absolute_url(self):
        return reverse("admin:review_proposal_change", args=[self.pk])

    @property
    def model(self):
        return self.content_type.model_class()

    @property
    def target(self):
        """The published record (None for a new record, or one deleted since)."""
        if self.object_id is None:
            return None
        return self.model._default_manager.filter(pk=self.object_id).first()

    @property
    def is_open(self):
        return self.status == Status.OPEN


class Comment(models.Model):
    """A remark on a proposal, by its author, a reviewer or an editor: kept with it."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments", help_text="The proposal."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who wrote it.",
    )
    text = models.TextField(help_text="The comment.")
    created_at = models.DateTimeField(auto_now_add=True, help_text="When it was written.")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "comment"
        verbose_name_plural = "comments"
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="comment_has_text")]

    def __str__(self):
        return f"Comment by {self.author or 'the system'} on proposal #{self.proposal_id}"
