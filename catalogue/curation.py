"""Curation wins over the shipped data: what the loader reconciles, field by field.

For every field it writes, the loader remembers the value it loaded (``LoadedValue``). At the
next load, for each field of a record that exists:

- the record has the shipped value: nothing to do (the memory is brought up to date, and an open
  decision about the field is settled);
- the record still has the value last loaded (no editor touched it): the shipped value is taken;
- an editor changed it, and the shipped value is the one loaded before: the editor's value
  stays;
- an editor changed it and the shipped data changed too, or nothing was remembered (a database
  loaded before the loader kept a memory): the editor's value stays and a ``Decision`` holds
  both values and their sources for an editor to decide in the admin.

Links (pillar tags, related articles, concordance topics, a statement's articles) are added,
never removed, as before; a link the loader added once and an editor removed since is not added
again.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .models import Decision, DecisionState, LoadedValue, encode

TAKE, KEEP = "take", "keep"


class Memory:
    """What the loader loaded before, read once; what it loads now, written once at the end."""

    def __init__(self):
        self.loaded = {
            (row.content_type_id, row.object_id, row.field): row
            for row in LoadedValue.objects.all()
        }
        self.open = {(d.content_type_id, d.object_id, d.field): d for d in Decision.objects.open()}
        self.to_create, self.to_update = {}, {}
        self.links = defaultdict(set)  # key -> the links this load wants, all calls together
        self.link_sources = {}
        self.kept = 0
        self.decisions = 0
        self._types = {}

    def content_type(self, model):
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model)
        return self._types[model]

    def key(self, obj, field):
        return (self.content_type(type(obj)).pk, obj.pk, field)

    # -- fields ------------------------------------------------------------------------------
    def remember(self, obj, values, source):
        """A record the loader has just created: every field's value is the loaded one."""
        for field, value in values.items():
            self._loaded(self.key(obj, field), encode(value), source)

    def reconcile(self, obj, field, current, shipped, source):
        """TAKE the shipped value or KEEP the record's (see the module's docstring)."""
        key = self.key(obj, field)
        now, new = encode(current), encode(shipped)
        row = self.loaded.get(key)
        if now == new:
            self._loaded(key, new, source)
            self._settle(key)
            return KEEP
        if row is not None and row.value == now:
            self._loaded(key, new, source)
            return TAKE
        if row is not None and row.value == new:
            self.kept += 1
            return KEEP
        self._decide(key, row.value if row is not None else None, now, new, source)
        self.kept += 1
        return KEEP

    def find(self, model, field, shipped, **filters):
        """The record whose ``field`` was loaded with ``shipped`` (an editor has changed it
        since), among ``model``'s rows matching ``filters``; or None."""
        type_id, wanted = self.content_type(model).pk, encode(shipped)
        ids = [
            object_id
            for (t, object_id, name), row in self.loaded.items()
            if t == type_id and name == field and row.value == wanted
        ]
        return model._default_manager.filter(pk__in=ids, **filters).first() if ids else None

    def _loaded(self, key, value, source):
        row = self.loaded.get(key)
        if row is None:
            row = self.to_create.get(key)
            if row is None:
                type_id, object_id, field = key
                self.to_create[key] = LoadedValue(
                    content_type_id=type_id,
                    object_id=object_id,
                    field=field,
                    value=value,
                    source=source,
                )
            return
        if row.value != value or row.source != source:
            row.value, row.source = value, source
            self.to_update[key] = row

    def _decide(self, key, loaded, editor, shipped, source):
        decision = self.open.get(key)
        if decision is not None:
            if (decision.shipped_value, decision.editor_value) == (shipped, editor):
                return  # already waiting for an editor: loading again changes nothing
            decision.shipped_value, decision.editor_value, decision.source = shipped, editor, source
            decision.save(update_fields=["shipped_value", "editor_value", "source"])
        else:
            type_id, object_id, field = key
            self.open[key] = Decision.objects.create(
                content_type_id=type_id,
                object_id=object_id,
                field=field,
                loaded_value=loaded,
                editor_value=editor,
                shipped_value=shipped,
                source=source,
            )
        self.decisions += 1

    def _settle(self, key):
        decision = self.open.pop(key, None)
        if decision is not None:
            decision.state = DecisionState.SETTLED
            decision.save(update_fields=["state"])

    # -- links -------------------------------------------------------------------------------
    def links_to_add(self, obj, field, current, shipped, source):
        """Of the ``shipped`` links (primary keys), those to add: not there yet, and not added
        by an earlier load and removed by an editor since."""
        key = self.key(obj, field)
        self.links[key] |= set(shipped)
        row = self.loaded.get(key)
        removed_by_editor = set(row.value or []) - set(current) if row is not None else set()
        self.link_sources[key] = source
        return [pk for pk in shipped if pk not in current and pk not in removed_by_editor]

    # -- the end of the load ------------------------------------------------------------------
    def save(self):
        for key, wanted in self.links.items():
            self._loaded(key, sorted(wanted), self.link_sources.get(key, ""))
        LoadedValue.objects.bulk_create(self.to_create.values(), batch_size=500)
        LoadedValue.objects.bulk_update(
            self.to_update.values(), ["value", "source"], batch_size=500
        )


def forget(sender, instance, **kwargs):
    """A record is deleted: forget what was loaded into it (its key may be reused) and the
    decisions about it (``post_delete`` receiver, catalogue/apps.py)."""
    content_type = ContentType.objects.get_for_model(sender)
    LoadedValue.objects.filter(Q(content_type=content_type, object_id=instance.pk)).delete()
    Decision.objects.filter(content_type=content_type, object_id=instance.pk).delete()
