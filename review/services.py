"""Proposals: made, discussed and decided here, and only here (the admin, the API and the
depositary import call these functions).

- ``propose``: store a change to a published record (or a new record, or a deletion) with the
  published value of each changed field (its base), its author, reason and source.
- ``approve``: publish it, in one transaction, through the record type's own service (the one
  the admin and the API use), recorded in the history as the reviewer's approval of the
  author's proposal; refused while the proposal is stale.
- ``reject`` (with a comment the author sees), ``withdraw`` (by its author), ``comment``.
- ``rebase``: the author takes the published values as they are now as the new base (after
  looking at what changed), so that the proposal may be approved again.

A proposal is **stale** when a field it changes no longer has, in the published record, the
value it had when the proposal was made (someone changed it since), or its record was deleted:
approving it would overwrite that newer change, so it is refused until the author rebases it
or withdraws it and proposes again.
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from common.history import MAX_REASON, grouped_history
from provisions import services as provision_services
from provisions.models import Provision
from treaties import services as treaty_services
from treaties.models import Participant, Ratification, Statement
from treaties.sources import source_kind

from .models import Comment, Kind, Origin, Proposal, Status

PUBLISH_DIRECTLY = "review.publish_directly"
DECIDE = "review.decide_proposal"


class ProposalError(ValueError):
    """A proposal cannot be made or decided as asked (the message says why)."""


class NothingToPropose(ProposalError):
    """The proposed values are those already published."""


class StaleProposal(ProposalError):
    """Fields the proposal changes were changed in the published record since it was made."""

    def __init__(self, proposal, fields):
        self.fields = fields
        names = ", ".join(fields) if fields else "the record was deleted"
        super().__init__(
            f"Proposal #{proposal.pk} is stale: the published record changed since it was "
            f"made ({names}). Its author must rebase it on the current values or withdraw it "
            "and propose again."
        )


# -- which records are reviewed, and who may do what ------------------------------------------


def _write_ratification(record, links, *, user, reason):
    treaty_services.record_ratification(record, user=user, reason=reason, warn=False)


def _write_statement(statement, links, *, user, reason):
    treaty_services.record_statement(statement, links.get("provisions"), user=user, reason=reason)


def _write_provision(provision, links, *, user, reason):
    provision_services.record_provision(
        provision,
        pillars=links.get("pillars"),
        related=links.get("related"),
        user=user,
        reason=reason,
    )


def _write_participant(participant, links, *, user, reason):
    treaty_services.record_participant(participant, user=user, reason=reason)


# The published content that is reviewed, each written by its own service on approval.
WRITERS = {
    Provision: _write_provision,
    Ratification: _write_ratification,
    Statement: _write_statement,
    Participant: _write_participant,
}


def is_reviewed(model):
    return model in WRITERS


def may_publish(user):
    """Trusted editors (``review.publish_directly``) and superusers publish directly."""
    return bool(user and user.is_active and user.has_perm(PUBLISH_DIRECTLY))


def may_decide(user):
    """Reviewers (``review.decide_proposal``) and superusers approve and reject."""
    return bool(user and user.is_active and user.has_perm(DECIDE))


def must_propose(user, model):
    """Whether ``user``'s write of a ``model`` record waits for review."""
    return is_reviewed(model) and not may_publish(user)


# -- values: as JSON, comparable ---------------------------------------------------------------


def encode(value):
    """A value as JSON data (dates as YYYY-MM-DD, decimals as strings)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _field(model, name):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ProposalError(f"{model._meta.verbose_name} has no field '{name}'.") from None
    if field.auto_created or not field.editable or field.primary_key:
        raise ProposalError(f"'{name}' of a {model._meta.verbose_name} cannot be proposed.")
    return field


def _key(value):
    return value.pk if isinstance(value, models.Model) else value


def normalise(model, name, value):
    """A proposed value of ``model.name`` as stored: a key for a link, a sorted list of keys for
    many links, a date as YYYY-MM-DD; a ProposalError when it is not a value of the field."""
    field = _field(model, name)
    try:
        if field.many_to_many:
            keys = [field.related_model._meta.pk.to_python(_key(v)) for v in value or []]
            return sorted(set(keys))
        if field.is_relation:
            value = _key(value)
            return encode(None if value in (None, "") else field.target_field.to_python(value))
        if value is None and not field.null:
            value = "" if field.empty_strings_allowed else value
        return encode(field.to_python(value))
    except (ValidationError, TypeError, ValueError) as error:
        raise ProposalError(f"'{name}': {value!r} is not a valid value ({error}).") from None


def published_value(instance, name):
    """The published value of one field of ``instance``, as stored in a proposal."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return sorted(obj.pk for obj in getattr(instance, name).all())
    return encode(getattr(instance, field.attname))


def published_values(instance, names):
    return {name: published_value(instance, name) for name in names}


def _editable_names(model):
    return [
        f.name
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many)
        and not f.auto_created
        and f.editable
        and not f.primary_key
        and not (f.many_to_many and f.model is not model)
    ]


# -- making a proposal -------------------------------------------------------------------------


def _treaty_id(model, values, instance=None):
    if instance is not None:
        if model is Statement:
            return instance.ratification.treaty_id
        return getattr(instance, "treaty_id", None)
    if model is Statement and values.get("ratification"):
        return (
            Ratification.objects.filter(pk=values["ratification"])
            .values_list("treaty_id", flat=True)
            .first()
        )
    return values.get("treaty") if "treaty" in _editable_names(model) else None


def _label_of_new(model, values):
    instance = model()
    for name, value in values.items():
        field = model._meta.get_field(name)
        if not field.many_to_many:
            setattr(instance, field.attname, value)
    try:
        return str(instance)[:300]
    except (models.ObjectDoesNotExist, ValueError, TypeError, AttributeError):
        return f"new {model._meta.verbose_name}"


# Where a record keeps its source, filled from the proposal's on approval (see ``propose``).
SOURCE_FIELDS = {"source_url": "source_url", "source_as_at": "source_as_at", "copy_read": "via_url"}


def propose(
    *,
    target=None,
    model=None,
    changes,
    author=None,
    reason="",
    source_url="",
    source_as_at=None,
    copy_read="",
    origin=Origin.EDITOR,
    dedupe_key=None,
    kind=None,
    apply_source=None,
):
    """Store a proposed change; returns ``(proposal, created)``.

    ``target``: the published record to change (None for a new record: then ``model`` names its
    class); ``kind="delete"`` proposes deleting ``target``. ``changes``: ``{field: value}`` as
    the admin or the API would save them (a link as its key or object, many links as a list,
    dates as date objects or YYYY-MM-DD). For a change, fields whose proposed value is the
    published one are left out; a change that leaves nothing is ``NothingToPropose``.
    ``dedupe_key``: an open proposal with that key is returned instead of a new one
    (``created`` false), so that an import run twice proposes nothing twice.
    ``apply_source`` (by default only for the depositary import): the proposal's source also
    becomes the record's (``source_url``, ``source_as_at``, ``via_url`` where the record type
    has them and ``changes`` does not set them), so that the record shows where the approved
    values come from."""
    if target is not None:
        model = type(target)
    if model is None:
        raise ProposalError("Name the record (target) or, for a new one, its model.")
    if not is_reviewed(model):
        raise ProposalError(f"Changes to {model._meta.verbose_name_plural} are not reviewed.")
    kind = kind or (Kind.UPDATE if target is not None else Kind.CREATE)
    if kind != Kind.CREATE and (target is None or target.pk is None):
        raise ProposalError("A change or deletion names a published record.")
    if dedupe_key:
        existing = Proposal.objects.open().filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing, False
    if apply_source is None:
        apply_source = origin == Origin.IMPORT_DEPOSITARY
    changes = dict(changes or {})
    if apply_source and kind != Kind.DELETE:
        given = {"source_url": source_url, "source_as_at": source_as_at, "copy_read": copy_read}
        fields = set(_editable_names(model))
        for name, record_field in SOURCE_FIELDS.items():
            if given[name] and record_field in fields and record_field not in changes:
                changes[record_field] = given[name]
        if model is Ratification and "source_url" in changes and "source_kind" not in changes:
            changes["source_kind"] = source_kind(changes["source_url"])
    values = {name: normalise(model, name, value) for name, value in changes.items()}
    if kind == Kind.DELETE:
        values = {}
        base = published_values(target, _editable_names(model))
    elif kind == Kind.UPDATE:
        base = published_values(target, values)
        values = {name: value for name, value in values.items() if value != base[name]}
        base = {name: base[name] for name in values}
        if not values:
            raise NothingToPropose(f"Nothing to propose: {target} already has these values.")
    else:
        base = {}
        if not values:
            raise NothingToPropose("A new record needs its values.")
    proposal = Proposal(
        kind=kind,
        content_type=ContentType.objects.get_for_model(model),
        object_id=target.pk if target is not None else None,
        target_label=str(target)[:300] if target is not None else _label_of_new(model, values),
        treaty_id=_treaty_id(model, values, target),
        changes=values,
        base=base,
        author=author if getattr(author, "is_authenticated", False) else None,
        origin=origin,
        reason=reason or "",
        source_url=source_url or "",
        source_as_at=source_as_at or None,
        copy_read=copy_read or "",
        dedupe_key=dedupe_key or "",
    )
    proposal.full_clean()
    proposal.save()
    return proposal, True


# -- reading a proposal: stale fields, the diff ------------------------------------------------


def stale_fields(proposal, target=None):
    """The fields whose published value differs from the proposal's base (for a deletion, any
    field); ``["(deleted)"]`` when its record no longer exists; [] for a new record."""
    if proposal.kind == Kind.CREATE:
        return []
    target = target if target is not None else proposal.target
    if target is None:
        return ["(deleted)"]
    return [name for name, value in proposal.base.items() if published_value(target, name) != value]


def mark_stale(proposals):
    """Set ``proposal.stale`` (a list of fields) on each proposal, reading their records in one
    query per kind of record (for the queue)."""
    wanted = {}
    for proposal in proposals:
        if proposal.kind != Kind.CREATE:
            wanted.setdefault(proposal.content_type_id, set()).add(proposal.object_id)
    found = {}
    for content_type_id, pks in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        links = [f.name for f in model._meta.many_to_many]
        for obj in model._default_manager.filter(pk__in=pks).prefetch_related(*links):
            found[(content_type_id, obj.pk)] = obj
    for proposal in proposals:
        if proposal.kind == Kind.CREATE:
            proposal.stale = []
            continue
        target = found.get((proposal.content_type_id, proposal.object_id))
        proposal.stale = stale_fields(proposal, target) if target is not None else ["(deleted)"]
    return proposals


def show_value(field, value, names):
    """A stored value as an editor reads it."""
    if field.many_to_many:
        return ", ".join(names.get((field.related_model, pk), f"#{pk}") for pk in value) or "none"
    if field.is_relation:
        return names.get((field.related_model, value), "–") if value is not None else "–"
    if field.choices:
        return dict(field.flatchoices).get(value, value) or "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "":
        return "–"
    return str(value)


def diff(proposal):
    """The proposal field by field: [{field, label, base, current, proposed, stale}], values as
    editors read them (names of linked records, not keys)."""
    model = proposal.model
    target = proposal.target
    names = list(proposal.base) if proposal.kind == Kind.DELETE else list(proposal.changes)
    current = published_values(target, names) if target is not None else {}
    wanted = {}
    for name in names:
        field = model._meta.get_field(name)
        if field.is_relation:
            for value in (proposal.base.get(name), proposal.changes.get(name), current.get(name)):
                keys = value if isinstance(value, list) else [value]
                wanted.setdefault(field.related_model, set()).update(k for k in keys if k)
    labels = {}
    for related, keys in wanted.items():
        for obj in related._default_manager.filter(pk__in=keys):
            labels[(related, obj.pk)] = str(obj)
    rows = []
    for name in names:
        field = model._meta.get_field(name)
        base = proposal.base.get(name)
        rows.append(
            {
                "field": name,
                "label": str(field.verbose_name),
                "base": show_value(field, base, labels) if proposal.kind != Kind.CREATE else "",
                "current": show_value(field, current[name], labels) if name in current else "",
                "proposed": (
                    show_value(field, proposal.changes[name], labels)
                    if name in proposal.changes
                    else ""
                ),
                "stale": proposal.kind != Kind.CREATE and name in current and current[name] != base,
            }
        )
    return rows


# -- deciding ----------------------------------------------------------------------------------


def _refreshed(proposal):
    """The caller's proposal object, as the decision left it."""
    proposal.refresh_from_db()
    return proposal


def _locked_open(proposal):
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != Status.OPEN:
        raise ProposalError(
            f"Proposal #{proposal.pk} is {locked.get_status_display().lower()} already."
        )
    return locked


def _close(proposal, status, user, comment):
    proposal.status = status
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.decision_comment = comment
    proposal.save()
    if comment:
        Comment.objects.create(proposal=proposal, author=user, text=comment)


def approval_reason(proposal, reviewer):
    author = proposal.author.get_username() if proposal.author else "the depositary import"
    text = f"Approved by {reviewer.get_username()}: proposal #{proposal.pk} by {author}"
    if proposal.reason:
        text += f" ({proposal.reason})"
    return text[:MAX_REASON]


def approve(proposal, *, reviewer, comment=""):
    """Publish the proposal (one transaction, through the record type's service, one history
    record per record: the reviewer's approval of the author's change) and close it. Refused
    (``StaleProposal``) when a field it changes was changed since, and with a ValidationError
    when the record would break a rule (nothing is written then)."""
    if not may_decide(reviewer):
        raise PermissionDenied("Only reviewers approve proposals.")
    if proposal.author_id is not None and proposal.author_id == reviewer.pk:
        raise PermissionDenied("A proposal is approved by someone other than its author.")
    model = proposal.model
    original = proposal
    with transaction.atomic():
        proposal = _locked_open(proposal)
        target = None
        if proposal.kind != Kind.CREATE:
            target = model._default_manager.select_for_update().filter(pk=proposal.object_id)
            target = target.first()
            stale = stale_fields(proposal, target) if target is not None else ["(deleted)"]
            if stale:
                raise StaleProposal(proposal, stale)
        reason = approval_reason(proposal, reviewer)
        if proposal.kind == Kind.DELETE:
            with grouped_history(user=reviewer, reason=reason):
                target.delete()
        else:
            instance = target if target is not None else model()
            links = {}
            for name, value in proposal.changes.items():
                field = model._meta.get_field(name)
                if field.many_to_many:
                    links[name] = list(field.related_model._default_manager.filter(pk__in=value))
                else:
                    setattr(instance, field.attname, field.to_python(value))
            WRITERS[model](instance, links, user=reviewer, reason=reason)
            if proposal.kind == Kind.CREATE:
                proposal.object_id = instance.pk
                proposal.target_label = str(instance)[:300]
        _close(proposal, Status.APPROVED, reviewer, comment.strip())
    return _refreshed(original)


def reject(proposal, *, reviewer, comment):
    """Close the proposal unpublished, with the reviewer's comment (required: the author reads
    why)."""
    if not may_decide(reviewer):
        raise PermissionDenied("Only reviewers reject proposals.")
    comment = (comment or "").strip()
    if not comment:
        raise ProposalError("Say why the proposal is rejected: its author reads the comment.")
    original = proposal
    with transaction.atomic():
        proposal = _locked_open(proposal)
        _close(proposal, Status.REJECTED, reviewer, comment)
    return _refreshed(original)


def withdraw(proposal, *, user):
    """The author takes the proposal back (a superuser may too)."""
    if not _authored_by(proposal, user):
        raise PermissionDenied("Only its author withdraws a proposal.")
    original = proposal
    with transaction.atomic():
        proposal = _locked_open(proposal)
        _close(proposal, Status.WITHDRAWN, user, "")
    return _refreshed(original)


def rebase(proposal, *, user):
    """The author keeps the proposed values and takes the published values as they are now as
    the new base (the diff then shows the proposal against the newer change); the proposal may
    be approved again. A comment records it."""
    if not _authored_by(proposal, user):
        raise PermissionDenied("Only its author rebases a proposal.")
    original = proposal
    with transaction.atomic():
        proposal = _locked_open(proposal)
        target = proposal.target
        if target is None:
            raise ProposalError("Its record was deleted: withdraw the proposal.")
        changed = stale_fields(proposal, target)
        names = list(proposal.base) if proposal.kind == Kind.DELETE else list(proposal.changes)
        proposal.base = published_values(target, names)
        if proposal.kind == Kind.UPDATE:
            proposal.changes = {
                name: value
                for name, value in proposal.changes.items()
                if value != proposal.base[name]
            }
            proposal.base = {name: proposal.base[name] for name in proposal.changes}
            if not proposal.changes:
                raise NothingToPropose(
                    "The published record has the proposed values already: withdraw it."
                )
        proposal.rebased_at = timezone.now()
        proposal.save()
        fields = ", ".join(changed) or "nothing"
        Comment.objects.create(
            proposal=proposal,
            author=user,
            text=f"Rebased on the published record as it is now (changed since: {fields}).",
        )
    return _refreshed(original)


def comment(proposal, *, user, text):
    text = (text or "").strip()
    if not text:
        raise ProposalError("A comment needs text.")
    return Comment.objects.create(proposal=proposal, author=user, text=text)


def _authored_by(proposal, user):
    return bool(user and (user.is_superuser or proposal.author_id == user.pk))


def open_counts():
    """Open proposals: how many in all and per kind of record, for the admin's index."""
    rows = Proposal.objects.open().values("content_type").annotate(n=models.Count("pk")).order_by()
    per_type = {
        ContentType.objects.get_for_id(row["content_type"]).model_class(): row["n"] for row in rows
    }
    return sum(per_type.values()), per_type
