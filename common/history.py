"""Change history for the editorial models (django-simple-history, with two additions).

``TrackedHistory`` is ``HistoricalRecords`` that also records the *other* side of a
many-to-many change: adding a pillar through ``pillar.provisions`` records the provisions, and
linking two provisions through the symmetrical ``related`` field records both of them (plain
simple-history only records the object whose manager was used, and before the mirror row of a
symmetrical link exists).

``grouped_history()`` turns every change made to one object inside the block (a save, then the
clearing and re-adding of its many-to-many fields by a form) into ONE historical record per
object, written when the block ends, with the given author and reason. The admin's views, the
imports and the data loader run inside it, so an edit shows up once, field by field.
"""

import threading
from collections import defaultdict
from contextlib import contextmanager

from django.conf import settings
from simple_history.models import HistoricalRecords

_state = threading.local()
# The history keeps a change's reason in a column of this many characters.
MAX_REASON = 100


def _pending():
    return getattr(_state, "pending", None)


@contextmanager
def grouped_history(user=None, reason=""):
    """One historical record per object changed inside the block, written at its end.

    Nested blocks join the outermost one; an object is recorded with the author and reason of
    the innermost block that gives them. Nothing is written if the block raises."""
    outermost = _pending() is None
    if outermost:
        _state.pending, _state.context = {}, []
    _state.context.append((user, reason))
    try:
        yield
        pending = _state.pending
    finally:
        _state.context.pop()
        if outermost:
            _state.pending = _state.context = None
    if outermost:
        _flush(pending)


def _current_context():
    user, reason = None, ""
    for block_user, block_reason in reversed(_state.context):
        user = user or block_user
        reason = reason or block_reason
    return user, reason


def _flush(pending):
    missing = defaultdict(list)
    for (records, pk), (instance, _type, _user, _reason) in pending.items():
        if instance is None:
            missing[records].append(pk)
    fetched = {}
    for records, pks in missing.items():
        for obj in records.cls._default_manager.filter(pk__in=pks):
            fetched[(records, obj.pk)] = obj
    for (records, pk), (instance, history_type, user, reason) in pending.items():
        instance = instance if instance is not None else fetched.get((records, pk))
        if instance is None:  # deleted later in the block: its deletion is recorded already
            continue
        if user is not None and getattr(user, "is_authenticated", False):
            instance._history_user = user
        if reason and not getattr(instance, "_change_reason", None):
            instance._change_reason = reason
        if getattr(instance, "_change_reason", None):
            instance._change_reason = instance._change_reason[:MAX_REASON]
        records.create_historical_record(instance, history_type)


class TrackedHistory(HistoricalRecords):
    """HistoricalRecords that groups changes (see ``grouped_history``) and records both sides of
    a many-to-many change."""

    def contribute_to_class(self, cls, name):
        self.cls = cls
        super().contribute_to_class(cls, name)

    def create_historical_record(self, instance, history_type, using=None):
        pending = _pending()
        if pending is None or history_type == "-":
            if pending is not None:
                pending.pop((self, instance.pk), None)
                # A deletion is recorded at once, with the block's author and reason.
                user, reason = _current_context()
                if user is not None and getattr(user, "is_authenticated", False):
                    instance._history_user = getattr(instance, "_history_user", None) or user
                if reason and not getattr(instance, "_change_reason", None):
                    instance._change_reason = reason[:MAX_REASON]
            return super().create_historical_record(instance, history_type, using)
        key = (self, instance.pk)
        previous = pending.get(key)
        if previous is not None and previous[1] == "+":
            history_type = "+"
        pending[key] = (instance, history_type, *_current_context())

    def _record_pk(self, pk):
        """Record the object with primary key ``pk`` (only its key is at hand)."""
        pending = _pending()
        if pending is not None:
            pending.setdefault((self, pk), (None, "~", *_current_context()))
            return
        obj = self.cls._default_manager.filter(pk=pk).first()
        if obj is not None:
            super().create_historical_record(obj, "~")

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        field = self.cls._meta.get_field(attr)
        symmetrical = not reverse and field.remote_field.symmetrical
        if action == "pre_clear" and (reverse or symmetrical):
            # Remember who is linked now: after the clear they cannot be found.
            manager = getattr(instance, field.remote_field.get_accessor_name() if reverse else attr)
            instance.__dict__.setdefault("_history_cleared", {})[attr] = set(
                manager.values_list("pk", flat=True)
            )
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action == "post_clear":
            others = instance.__dict__.get("_history_cleared", {}).pop(attr, set())
        else:
            others = set(pk_set or ())
        if reverse:
            for pk in sorted(others):
                self._record_pk(pk)
            return
        if hasattr(instance, "skip_history_when_saving"):
            return
        if symmetrical and action == "post_add" and _pending() is None:
            # The mirror rows are added after this signal: add them first so that both
            # snapshots hold the link (Django then finds them present and skips them).
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through._default_manager.bulk_create(
                [through(**{f"{source}_id": pk, f"{target}_id": instance.pk}) for pk in others],
                ignore_conflicts=True,
            )
        self.create_historical_record(instance, "~")
        if symmetrical:
            for pk in sorted(others):
                if pk != instance.pk:
                    self._record_pk(pk)
