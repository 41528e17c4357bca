"""The team's activity: every change by everyone, read from what the project already records.

- the change history of every edited record (django-simple-history, ``common.history``): saves,
  deletions, restores, imports, bulk actions, loader runs and published approvals, each told
  apart by the reason its writer gave ("Loaded from the data set", "Imported from ...", "Bulk
  add: ...", "Restored the version of ...", "Approved by ...");
- the decisions on the shipped data (``catalogue.Decision``): who applied or kept what;
- the proposals (``review.Proposal``): who proposed what, and who approved, rejected or
  withdrew it.

One query (a UNION of those tables, filtered before it is joined) finds a page of events, newest
first; a query per kind of record names the records on that page. Nothing is copied.
"""

import dataclasses
import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Cast

from catalogue.models import Decision, DecisionState

from .models import Proposal, Status

# What an event is, read from the history's type and reason.
SAVE, CREATION, DELETION = "save", "creation", "deletion"
LOADER, IMPORT, BULK, RESTORE = "loader run", "import", "bulk action", "restore"
APPROVAL, PUBLISHED = "approval", "published approval"
PROPOSAL, REJECTION, WITHDRAWAL, DECISION = "proposal", "rejection", "withdrawal", "decision"

REASON_KINDS = [
    ("Loaded from the data set", LOADER),
    ("Imported from", IMPORT),
    ("CSV import", IMPORT),
    ("Bulk ", BULK),
    ("Restored", RESTORE),
    ("Approved by ", PUBLISHED),
    ("Applied the shipped value", DECISION),
]
HISTORY_TYPES = {"+": CREATION, "~": SAVE, "-": DELETION}
PROPOSAL_STATUSES = {
    Status.APPROVED: APPROVAL,
    Status.REJECTED: REJECTION,
    Status.WITHDRAWN: WITHDRAWAL,
}

# The treaty of a record, for the treaty filter: a path from its historical row.
TREATY_PATHS = {
    "treaties.treaty": "id",
    "treaties.ratification": "treaty_id",
    "treaties.statement": "ratification__treaty_id",
    "provisions.provision": "treaty_id",
    "provisions.concordancefinding": "treaty_id",
}
# What names a record (its __str__ reads these).
LABEL_RELATED = {
    "treaties.ratification": ("participant", "treaty"),
    "treaties.statement": ("ratification__participant",),
    "provisions.provision": ("treaty",),
    "provisions.concordancefinding": ("topic", "treaty"),
}
COLUMNS = [
    "when",
    "user_id",
    "label",
    "object_id",
    "treaty_id",
    "action",
    "reason",
    "ref",
    "source",
]


def tracked_models():
    """The models whose changes the history records, in a stable order."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if getattr(model._meta, "simple_history_manager_attribute", None)
        ),
        key=lambda model: model._meta.label_lower,
    )


@dataclasses.dataclass
class Filters:
    user: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    model: str = ""  # a label such as "treaties.ratification"
    treaty: int | None = None

    def dated(self, queryset, column):
        if self.since:
            queryset = queryset.filter(**{f"{column}__date__gte": self.since})
        if self.until:
            queryset = queryset.filter(**{f"{column}__date__lte": self.until})
        return queryset


def _int(expression):
    return Cast(expression, models.BigIntegerField())


def _text(expression):
    return Cast(expression, models.CharField(max_length=300))


def _select(queryset, **columns):
    return (
        queryset.order_by()
        .annotate(**{f"a_{k}": v for k, v in columns.items()})
        .values_list(*[f"a_{name}" for name in COLUMNS])
    )


def _history_part(model, filters):
    label = model._meta.label_lower
    if filters.model and filters.model != label:
        return None
    history = model.history.model
    rows = filters.dated(history.objects.all(), "history_date")
    if filters.user:
        rows = rows.filter(history_user_id=filters.user)
    treaty_path = TREATY_PATHS.get(label)
    if filters.treaty:
        if treaty_path is None:
            return None
        rows = rows.filter(**{treaty_path: filters.treaty})
    return _select(
        rows,
        when=F("history_date"),
        user_id=_int(F("history_user_id")),
        label=Value(label, output_field=models.CharField()),
        object_id=_int(F(model._meta.pk.attname)),
        treaty_id=_int(F(treaty_path)) if treaty_path else _int(Value(None)),
        action=_text(F("history_type")),
        reason=_text(F("history_change_reason")),
        ref=_int(F("history_id")),
        source=Value("history", output_field=models.CharField()),
    )


def _decision_part(filters):
    rows = filters.dated(Decision.objects.exclude(decided_at=None), "decided_at")
    if filters.user:
        rows = rows.filter(decided_by_id=filters.user)
    if filters.treaty:
        return None
    if filters.model:
        app_label, _, model = filters.model.partition(".")
        rows = rows.filter(content_type__app_label=app_label, content_type__model=model)
    return _select(
        rows,
        when=F("decided_at"),
        user_id=_int(F("decided_by_id")),
        label=_text(F("content_type_id")),
        object_id=_int(F("object_id")),
        treaty_id=_int(Value(None)),
        action=_text(F("state")),
        reason=_text(F("field")),
        ref=_int(F("pk")),
        source=Value("decision", output_field=models.CharField()),
    )


def _proposal_parts(filters):
    rows = Proposal.objects.all()
    if filters.treaty:
        rows = rows.filter(treaty_id=filters.treaty)
    if filters.model:
        app_label, _, model = filters.model.partition(".")
        rows = rows.filter(content_type__app_label=app_label, content_type__model=model)
    made = filters.dated(rows, "created_at")
    decided = filters.dated(rows.exclude(decided_at=None), "decided_at")
    if filters.user:
        made = made.filter(author_id=filters.user)
        decided = decided.filter(decided_by_id=filters.user)
    common = {
        "label": _text(F("content_type_id")),
        "object_id": _int(F("object_id")),
        "treaty_id": _int(F("treaty_id")),
        "ref": _int(F("pk")),
        "source": Value("proposal", output_field=models.CharField()),
    }
    return [
        _select(
            made,
            when=F("created_at"),
            user_id=_int(F("author_id")),
            action=_text(Value("open")),
            reason=_text(F("reason")),
            **common,
        ),
        _select(
            decided,
            when=F("decided_at"),
            user_id=_int(F("decided_by_id")),
            action=_text(F("status")),
            reason=_text(F("decision_comment")),
            **common,
        ),
    ]


def events(filters):
    """The matching events as one queryset of tuples (``COLUMNS``), newest first."""
    parts = [_history_part(model, filters) for model in tracked_models()]
    parts += [_decision_part(filters), *_proposal_parts(filters)]
    parts = [part for part in parts if part is not None]
    first, *others = parts
    return first.union(*others, all=True).order_by("-a_when", "-a_ref")


@dataclasses.dataclass
class Event:
    when: datetime.datetime
    user: object
    kind: str
    model: type
    object_id: int | None
    label: str
    treaty: object
    reason: str
    url: str = ""
    detail: str = ""

    @property
    def record_type(self):
        return str(self.model._meta.verbose_name)


def kind_of(source, action, reason):
    if source == "history":
        for prefix, kind in REASON_KINDS:
            if (reason or "").startswith(prefix):
                return kind
        return HISTORY_TYPES.get(action, SAVE)
    if source == "decision":
        return DECISION
    if action == Status.OPEN:
        return PROPOSAL
    return PROPOSAL_STATUSES.get(action, action)


def describe(rows):
    """The page's tuples as ``Event``s: users, records and treaties fetched once per kind."""
    User = get_user_model()
    users = User.objects.in_bulk({row[1] for row in rows if row[1]})
    treaty_model = apps.get_model("treaties", "Treaty")
    treaties = treaty_model.objects.in_bulk({row[4] for row in rows if row[4]})
    models_of = {}
    for row in rows:
        label, source = row[2], row[8]
        if source == "history":
            model = apps.get_model(label)
        else:
            model = ContentType.objects.get_for_id(int(label)).model_class()
        models_of[row] = model
    wanted = {}
    for row, model in models_of.items():
        if row[3] is not None:
            wanted.setdefault(model, set()).add(row[3])
    names = {}
    for model, pks in wanted.items():
        related = LABEL_RELATED.get(model._meta.label_lower, ())
        for obj in model._default_manager.select_related(*related).filter(pk__in=pks):
            names[(model, obj.pk)] = str(obj)
    proposals = Proposal.objects.in_bulk({row[7] for row in rows if row[8] == "proposal"})
    events = []
    for row in rows:
        when, user_id, _label, object_id, treaty_id, action, reason, ref, source = row
        model = models_of[row]
        kind = kind_of(source, action, reason)
        name = names.get((model, object_id))
        url = ""
        detail = ""
        if source == "proposal":
            proposal = proposals.get(ref)
            name = name or (proposal.target_label if proposal else "")
            url = proposal.get_absolute_url() if proposal else ""
            detail = f"proposal #{ref}"
        elif source == "decision":
            detail = f"{reason}: " + dict(DecisionState.choices).get(action, action)
            reason = ""
        if not name:
            name = f"{model._meta.verbose_name} #{object_id}" if object_id else ""
            if source == "history" and object_id:
                name += " (deleted)"
        events.append(
            Event(
                when=when,
                user=users.get(user_id),
                kind=kind,
                model=model,
                object_id=object_id,
                label=name,
                treaty=treaties.get(treaty_id),
                reason=reason or "",
                url=url,
                detail=detail,
            )
        )
    return events
