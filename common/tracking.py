"""A change to a link is a change to the records that show it.

Tagging an article with a pillar, untagging it, linking two articles as related, adding an
article to a concordance topic or naming one in a statement writes only a row of a link table:
no ``save()``, so no ``auto_now``. Here one ``m2m_changed`` receiver moves ``modified_at`` of
every record whose content shows the link, whichever way the change is made (the admin's form
and bulk actions, the API, the tag import, the data loader, the history's "Revert"), so that
``modified_since`` reports it:

- an article's pillars: the article and the pillar (whose counts change);
- related articles: both articles;
- a concordance topic's articles: the topic;
- the articles a statement names: the statement.

And a record that shows others moves when they change (``track_parent``): a ratification record
when one of its statements is saved or deleted (its answers and its version in the API, its
conflict check in the admin, show its statements); a treaty and a participant when one of their
records is (their counts and statuses); a treaty when one of its articles is (its count).
``track_shown`` does the reverse: the records that show some fields of another (a record shows
its participant's name) move when those fields change. Deleting one side of a link deletes the
link rows without ``m2m_changed``: the records on the other side that show the link move too.

Every move is announced by the ``touched`` signal (model, keys, moment): the change log
(``catalogue.changes``) lists each such record as updated, so that the change feed and
``modified_since`` agree.

Writes that bypass signals (``bulk_create`` on a link table, raw SQL) must set ``modified_at``
themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal
from django.utils import timezone

# Sent with ``model``, ``pks`` (a set of primary keys) and ``moment`` whenever ``touch`` moves
# the ``modified_at`` of rows that show a change made elsewhere.
touched = Signal()


def add_links(manager, objects):
    """Link the objects a many-to-many ``manager`` is not linked to yet (never unlinks);
    returns those added."""
    objects = list(objects)
    if not objects:
        return []
    linked = set(manager.values_list("pk", flat=True))
    added = [obj for obj in objects if obj.pk not in linked]
    if added:
        manager.add(*added)
    return added


def touch(model, pks, moment):
    pks = {pk for pk in pks if pk is not None}
    if pks:
        model._default_manager.filter(pk__in=pks).update(modified_at=moment)
        touched.send(sender=model, pks=pks, moment=moment)


class LinkTracker:
    """The ``m2m_changed`` receiver of one many-to-many field."""

    def __init__(self, field, both_sides):
        self.field = field
        self.both_sides = both_sides
        self.source, self.target = field.m2m_field_name(), field.m2m_reverse_field_name()
        self.cleared = f"_tracking_cleared_{field.model._meta.label_lower}_{field.name}"

    def linked(self, instance, reverse):
        """The keys of the objects on the other side of ``instance``'s links."""
        mine, theirs = (self.target, self.source) if reverse else (self.source, self.target)
        rows = self.field.remote_field.through._default_manager.filter(**{mine: instance.pk})
        return set(rows.values_list(f"{theirs}_id", flat=True))

    def __call__(self, sender, instance, action, reverse, model, pk_set, **kwargs):
        if action == "pre_clear":
            instance.__dict__[self.cleared] = self.linked(instance, reverse)
            return
        if action == "post_clear":
            others = instance.__dict__.pop(self.cleared, set())
        elif action in ("post_add", "post_remove"):
            others = set(pk_set or ())
        else:
            return
        if not others:
            return
        mine = {instance.pk}
        declaring, other = (others, mine) if reverse else (mine, others)
        moment = timezone.now()
        # The side that declares the field always shows the link; the other one if asked.
        touch(self.field.model, declaring, moment)
        if self.both_sides:
            touch(self.field.related_model, other, moment)
        if self.both_sides or not reverse:
            instance.modified_at = moment  # what its history record and a later save see

    def deleting(self, sender, instance, **kwargs):
        """Before a row of either side is deleted (its link rows go with it, without
        ``m2m_changed``): remember the rows on the other side that show the link."""
        shown = []
        if sender is self.field.related_model:  # the declaring side always shows the link
            shown.append((self.field.model, self.linked(instance, reverse=True)))
        if sender is self.field.model and self.both_sides:
            shown.append((self.field.related_model, self.linked(instance, reverse=False)))
        instance.__dict__.setdefault(self.cleared + "_deleted", []).extend(shown)

    def deleted(self, sender, instance, **kwargs):
        moment = timezone.now()
        for model, pks in instance.__dict__.pop(self.cleared + "_deleted", []):
            touch(model, pks - {instance.pk} if model is sender else pks, moment)


def track_link(field, both_sides=False):
    """Called from an app's ``ready()`` for each many-to-many field it declares whose changes
    must move ``modified_at``: always on the side that declares the field, and on the other
    side too when ``both_sides`` (it shows the link as well). Deleting a row of one side moves
    the rows of the other side that show the link."""
    label = field.model._meta.label_lower
    uid = f"treatykb-tracking-{label}-{field.name}"
    tracker = LinkTracker(field, both_sides)
    m2m_changed.connect(tracker, sender=field.remote_field.through, weak=False, dispatch_uid=uid)
    for model in dict.fromkeys([field.model, field.related_model]):
        side = model._meta.label_lower
        pre_delete.connect(
            tracker.deleting, sender=model, weak=False, dispatch_uid=f"{uid}-{side}-pre-delete"
        )
        post_delete.connect(
            tracker.deleted, sender=model, weak=False, dispatch_uid=f"{uid}-{side}-delete"
        )


def track_parent(model, field_name):
    """Called from an app's ``ready()``: saving or deleting a ``model`` row moves
    ``modified_at`` of the row its foreign key ``field_name`` points to."""
    field = model._meta.get_field(field_name)

    def moved(sender, instance, raw=False, **kwargs):
        if not raw:
            touch(field.related_model, {getattr(instance, field.attname)}, timezone.now())

    uid = f"treatykb-tracking-{model._meta.label_lower}-{field_name}"
    post_save.connect(moved, sender=model, weak=False, dispatch_uid=f"{uid}-save")
    post_delete.connect(moved, sender=model, weak=False, dispatch_uid=f"{uid}-delete")


def track_shown(model, fields, *relations):
    """Called from an app's ``ready()``: when one of ``fields`` of a ``model`` row changes
    (a save whose value differs from the stored one), the rows it reaches through each of
    ``relations`` (reverse or many-to-many accessors) move: they show that field (a record
    shows its participant's name; an article's related articles show its heading)."""
    marker = f"_tracking_shown_{'_'.join(fields)}"

    def saving(sender, instance, raw=False, **kwargs):
        if raw or instance.pk is None:
            return
        stored = model._default_manager.filter(pk=instance.pk).values(*fields).first()
        if stored is None:
            return
        field_values = {
            name: getattr(instance, model._meta.get_field(name).attname) for name in fields
        }
        stored = {name: stored[name] for name in fields}
        if stored != field_values:
            instance.__dict__[marker] = True

    def saved(sender, instance, raw=False, **kwargs):
        if raw or not instance.__dict__.pop(marker, False):
            return
        moment = timezone.now()
        for relation in relations:
            manager = getattr(instance, relation)
            touch(manager.model, set(manager.values_list("pk", flat=True)), moment)

    uid = f"treatykb-tracking-shown-{model._meta.label_lower}-{'-'.join(fields)}"
    pre_save.connect(saving, sender=model, weak=False, dispatch_uid=f"{uid}-pre")
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}-post")
