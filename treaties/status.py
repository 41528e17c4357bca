"""The derived status of a ratification record, today or as at a past date.

One set of rules, used twice: as SQL conditions (``conditions``/``case``) for querysets and as
Python (``evaluate``) for a loaded row. Checked in the order below; the first that holds wins.

- withdrawn: the withdrawal has taken effect.
- party: consent given on or before the date. A participant known to be bound whose date of
  consent is not known is a party today; as at a past date it is a party only if its entry into
  force is known to have come by then, and otherwise its status is "unknown".
- signatory: signed on or before the date, not (yet) bound.
- none: no treaty action by that date.
"""

from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from common import params

WITHDRAWN = "withdrawn"
PARTY = "party"
UNKNOWN = "unknown"
SIGNATORY = "signatory"
NONE = "none"

CHOICES = [
    (PARTY, "Party"),
    (SIGNATORY, "Signatory"),
    (WITHDRAWN, "Withdrawn"),
    (UNKNOWN, "Not known at that date"),
    (NONE, "Not a participant"),
]
LABELS = dict(CHOICES)
ORDER = [WITHDRAWN, PARTY, UNKNOWN, SIGNATORY]


def resolve(as_of):
    """(date to judge at, whether that is today): by the one rule of ``common.params.as_of``,
    no date, today or a later one is today."""
    day = params.as_of(as_of)
    return (day, False) if day is not None else (timezone.localdate(), True)


def _raw_conditions(as_of, prefix):
    day, current = resolve(as_of)

    def q(**kwargs):
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    undated_consent = q(consent_on__isnull=True) & ~q(consent_kind="")
    if current:
        party = q(consent_on__lte=day) | undated_consent
        unknown = Q(pk__in=[])
    else:
        party = q(consent_on__lte=day) | (undated_consent & q(entry_into_force_on__lte=day))
        unknown = undated_consent & ~q(signature_on__gt=day)
    return {
        WITHDRAWN: q(withdrawal_effective_on__lte=day),
        PARTY: party,
        UNKNOWN: unknown,
        SIGNATORY: q(signature_on__lte=day),
    }


def conditions(as_of=None, prefix=""):
    """Mutually exclusive Q objects per status (each excludes the ones before it)."""
    raw = _raw_conditions(as_of, prefix)
    exclusive, before = {}, None
    for status in ORDER:
        exclusive[status] = raw[status] if before is None else raw[status] & ~before
        before = raw[status] if before is None else before | raw[status]
    exclusive[NONE] = ~before
    return exclusive


def case(as_of=None):
    raw = _raw_conditions(as_of, "")
    return Case(
        *[When(raw[status], then=Value(status)) for status in ORDER],
        default=Value(NONE),
        output_field=CharField(),
    )


def _on_or_before(value, day):
    return value is not None and value <= day


def evaluate(ratification, as_of=None):
    day, current = resolve(as_of)
    r = ratification
    if _on_or_before(r.withdrawal_effective_on, day):
        return WITHDRAWN
    undated_consent = r.consent_on is None and bool(r.consent_kind)
    if _on_or_before(r.consent_on, day):
        return PARTY
    if undated_consent:
        if current or _on_or_before(r.entry_into_force_on, day):
            return PARTY
        if not (r.signature_on and r.signature_on > day):
            return UNKNOWN
    if _on_or_before(r.signature_on, day):
        return SIGNATORY
    return NONE
