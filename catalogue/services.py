"""Deciding what the loader could not: an editor applies the shipped value of a field they had
changed, or keeps their own (``catalogue.models.Decision``). One transaction, one history
record on the record, whoever decides (the admin's actions call these)."""

from django.db import transaction
from django.utils import timezone

from common.history import grouped_history

from .models import Decision, DecisionState, LoadedValue


def _remember(decision):
    """From now on the loader counts the shipped value as loaded: an unchanged data set raises
    no decision again, a later change to the field does."""
    LoadedValue.objects.update_or_create(
        content_type_id=decision.content_type_id,
        object_id=decision.object_id,
        field=decision.field,
        defaults={"value": decision.shipped_value, "source": decision.source},
    )


def _close(decision, state, user):
    decision.state = state
    decision.decided_at = timezone.now()
    decision.decided_by = user if getattr(user, "is_authenticated", False) else None
    decision.save(update_fields=["state", "decided_at", "decided_by"])


@transaction.atomic
def apply_shipped_value(decision, *, user=None):
    """Give the record the shipped value (validated with ``full_clean()``); returns the record,
    or None if it no longer exists."""
    record = decision.record
    if record is None:
        _close(decision, DecisionState.SETTLED, user)
        return None
    field = record._meta.get_field(decision.field)
    with grouped_history(user=user, reason=f"Applied the shipped value from {decision.source}"):
        setattr(record, field.attname, field.to_python(decision.shipped_value))
        record.full_clean()
        record.save()
    _remember(decision)
    _close(decision, DecisionState.APPLIED, user)
    return record


@transaction.atomic
def keep_editor_value(decision, *, user=None):
    """Keep the record as the editor left it; the shipped value is not offered again."""
    _remember(decision)
    _close(decision, DecisionState.KEPT, user)


def open_decisions_for(obj):
    return Decision.objects.open().about(obj)
