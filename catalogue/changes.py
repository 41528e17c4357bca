"""The change log behind ``/api/v1/changes/``: every created, updated and deleted object of the
API, in commit order, whichever way it was written.

It is written by signals, not by the views, so that every write path is covered: the admin
(forms, inlines, bulk actions, "Revert" and restoring a deletion), the API, the CSV imports
(admin and commands), the data loader and anything else that saves through the ORM:

- ``post_save`` of an API resource: ``created`` or ``updated`` (and when the save changes the
  object's identifier, e.g. an article renumbered, a tombstone of the old one and ``created``
  for the new);
- ``post_delete``: ``deleted``, a tombstone naming the type and the identifier;
- ``common.tracking.touched``: ``updated`` for every row whose ``modified_at`` moved because it
  shows a change made elsewhere (a treaty's counts when one of its records changes, a record
  when its statements change, an article and a pillar when a tag changes, ...). The same moves
  are what ``modified_since`` reads, so the feed and ``modified_since`` agree.

Writes that bypass signals (``QuerySet.update``, ``bulk_create``, raw SQL) must log their
changes with ``log()`` themselves.

**Order.** An entry's number is its cursor. So that numbers follow commit order (a client that
has read up to number N never later meets an entry below N), every transaction that writes
content takes a lock on the log before its first write (PostgreSQL: ``LOCK TABLE ... IN SHARE
ROW EXCLUSIVE MODE``, which readers do not wait for; SQLite serialises writers itself): writers
of content take turns, which an editorial database affords. Within one transaction an object
is listed once per kind of action.
"""

import datetime
import functools
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.urls import reverse
from django.utils import timezone

from common import caching, tracking
from provisions.models import Pillar, Provision
from treaties.models import Participant, Ratification, Statement, Treaty

from .models import Change, ChangeAction


@dataclass(frozen=True)
class Resource:
    """How one model appears in the API: its type name, the fields (paths) its identifier is
    made of, joined by '/', and its detail address."""

    kind: str
    model: type
    paths: tuple
    url_name: str
    url_kwargs: tuple

    def identify(self, instance):
        parts = []
        for path in self.paths:
            value = instance
            for name in path.split("__"):
                value = getattr(value, name)
            parts.append(str(value))
        return "/".join(parts)

    def identify_many(self, pks):
        rows = self.model._default_manager.filter(pk__in=pks).values_list("pk", *self.paths)
        return {row[0]: "/".join(str(part) for part in row[1:]) for row in rows}

    def url(self, object_id):
        values = object_id.split("/", len(self.url_kwargs) - 1)
        return reverse(self.url_name, kwargs=dict(zip(self.url_kwargs, values, strict=True)))

    def key_fields(self):
        """The concrete fields the identifier depends on (to notice it changing)."""
        return [self.model._meta.get_field(path.split("__")[0]).attname for path in self.paths]


RESOURCES = [
    Resource("treaty", Treaty, ("slug",), "api:treaty-detail", ("slug",)),
    Resource("participant", Participant, ("code",), "api:participant-detail", ("code",)),
    Resource(
        "ratification",
        Ratification,
        ("treaty__slug", "participant__code"),
        "api:ratification-detail",
        ("treaty", "participant"),
    ),
    Resource("statement", Statement, ("pk",), "api:statement-detail", ("pk",)),
    Resource(
        "provision",
        Provision,
        ("treaty__slug", "number"),
        "api:provision-detail",
        ("treaty", "number"),
    ),
    Resource("pillar", Pillar, ("slug",), "api:pillar-detail", ("slug",)),
]
BY_MODEL = {resource.model: resource for resource in RESOURCES}
BY_KIND = {resource.kind: resource for resource in RESOURCES}
KINDS = [resource.kind for resource in RESOURCES]


# -- Order: one writer of content at a time, per transaction ---------------------------------


def _noop():
    """Registered with ``on_commit`` to recognise the transaction it was registered in."""


def _transaction_state(using):
    """The set of (kind, id) already listed as created or updated in the current transaction
    (taking the log's lock on its first use), or None outside a transaction. A nested block
    (a savepoint) keeps its own set: what it lists is not lost if it is rolled back alone."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return None
    savepoints = tuple(connection.savepoint_ids)
    state = connection.__dict__.get("_treatykb_changes")
    if state is not None:
        marker, index, where, seen = state
        hooks = connection.run_on_commit
        if where == savepoints and index < len(hooks) and hooks[index][1] is marker:
            return seen
    marker = functools.partial(_noop)  # a new object for each transaction
    transaction.on_commit(marker, using=using)
    seen = set()
    connection.__dict__["_treatykb_changes"] = (
        marker,
        len(connection.run_on_commit) - 1,
        savepoints,
        seen,
    )
    _lock(connection)
    return seen


def _lock(connection):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Change._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def _using(model):
    return router.db_for_write(model) or DEFAULT_DB_ALIAS


def begin_write(sender, **kwargs):
    """Before any write of content: take the log's lock for the transaction (so that every
    writer takes it before any row lock, and numbers follow commits)."""
    if kwargs.get("raw"):
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("pre_"):
        return
    _transaction_state(kwargs.get("using") or _using(sender))


# -- Writing the log ---------------------------------------------------------------------------


def log(kind, ids_and_actions, moment=None, using=DEFAULT_DB_ALIAS):
    """Add entries (``[(object_id, action), ...]``) for objects of ``kind``."""
    moment = moment or timezone.now()
    seen = _transaction_state(using)
    entries = []
    for object_id, action in ids_and_actions:
        key = (kind, object_id)
        if action == ChangeAction.UPDATED and seen is not None and key in seen:
            continue
        if seen is not None:
            if action == ChangeAction.DELETED:
                seen.discard(key)
            else:
                seen.add(key)
        entries.append(Change(kind=kind, object_id=object_id, action=action, at=moment))
    if not entries:
        return
    if seen is None:  # autocommit: one short transaction holding the lock
        with transaction.atomic(using=using):
            _lock(connections[using])
            Change.objects.using(using).bulk_create(entries)
    else:
        Change.objects.using(using).bulk_create(entries)


def remember_identifier(sender, instance, raw=False, **kwargs):
    """Before a save: the identifier the object had, if the save may change it."""
    resource = BY_MODEL[sender]
    if raw or instance.pk is None or resource.paths == ("pk",):
        return
    fields = resource.key_fields()
    stored = sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()
    current = tuple(getattr(instance, name) for name in fields)
    if stored is not None and tuple(stored) != current:
        instance.__dict__["_treatykb_old_id"] = resource.identify_many([instance.pk])[instance.pk]


def saved(sender, instance, created, raw=False, using=None, **kwargs):
    resource = BY_MODEL[sender]
    object_id = resource.identify(instance)
    old = instance.__dict__.pop("_treatykb_old_id", None)
    if created:
        entries = [(object_id, ChangeAction.CREATED)]
    elif old is not None and old != object_id:
        entries = [(object_id, ChangeAction.CREATED)]
        log(resource.kind, [(old, ChangeAction.DELETED)], using=using or DEFAULT_DB_ALIAS)
    else:
        entries = [(object_id, ChangeAction.UPDATED)]
    log(resource.kind, entries, using=using or DEFAULT_DB_ALIAS)


def identify_before_delete(sender, instance, **kwargs):
    """Before a delete: the identifier (it may need rows the cascade deletes)."""
    instance.__dict__["_treatykb_deleted_id"] = BY_MODEL[sender].identify(instance)


def deleted(sender, instance, using=None, **kwargs):
    resource = BY_MODEL[sender]
    object_id = instance.__dict__.pop("_treatykb_deleted_id", None) or resource.identify(instance)
    log(resource.kind, [(object_id, ChangeAction.DELETED)], using=using or DEFAULT_DB_ALIAS)


def touched(sender, pks, moment, **kwargs):
    resource = BY_MODEL.get(sender)
    if resource is None:
        return
    ids = resource.identify_many(pks)
    log(resource.kind, [(ids[pk], ChangeAction.UPDATED) for pk in sorted(ids)], moment)


def connect():
    """Called from ``CatalogueConfig.ready()``."""
    for model in caching.content_models():
        uid = f"treatykb-changes-lock-{model._meta.label_lower}"
        if model._meta.auto_created:
            m2m_changed.connect(begin_write, sender=model, dispatch_uid=uid)
        else:
            pre_save.connect(begin_write, sender=model, dispatch_uid=f"{uid}-save")
            pre_delete.connect(begin_write, sender=model, dispatch_uid=f"{uid}-delete")
    for model in BY_MODEL:
        uid = f"treatykb-changes-{model._meta.label_lower}"
        pre_save.connect(remember_identifier, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(saved, sender=model, dispatch_uid=f"{uid}-save")
        pre_delete.connect(identify_before_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"{uid}-delete")
    tracking.touched.connect(touched, dispatch_uid="treatykb-changes-touched")


# -- Reading the log ---------------------------------------------------------------------------


def entry(change, build_url):
    """One entry of the feed: a tombstone (no ``url``) for a deleted object."""
    resource = BY_KIND[change.kind]
    return {
        "cursor": str(change.pk),
        "type": change.kind,
        "id": change.object_id,
        "url": (
            None
            if change.action == ChangeAction.DELETED
            else build_url(resource.url(change.object_id))
        ),
        "action": change.action,
        "time": change.at,
    }


# Entries (tombstones included) are kept at least this long; ``prune_changes`` never deletes
# a younger one.
RETENTION_DAYS = 366


def prune(days=RETENTION_DAYS):
    """Delete the entries older than ``days`` (at least ``RETENTION_DAYS``); returns how many."""
    if days < RETENTION_DAYS:
        raise ValueError(f"Changes are kept at least {RETENTION_DAYS} days, not {days}.")
    cutoff = timezone.now() - datetime.timedelta(days=days)
    count, _ = Change.objects.filter(at__lt=cutoff).delete()
    if count:
        caching.bump_data_version()  # cached answers of the feed may list them
    return count
