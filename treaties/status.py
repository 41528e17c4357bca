"""The derived status of a ratification record, today or as at a past date.

One set of rules, used twice: as SQL conditions (``conditions``/``case``) for querysets and as
Python (``evaluate``) for a loaded row. Checked in the order below; the first that holds wins.

- withdrawn: the withdrawal has taken effect.
- party: consent given on or before the date. A participant known to be bound whose date of
  consent is not known is a party today; as at a past date it is a party only if a source says
  it had deposited by then (``consent_not_after``) or its entry into force is known to have come
  by then, and otherwise its status is "unknown" (unless it had not yet signed).
- unknown, too: a participant that consented by ratification, acceptance, approval or formal
  confirmation (each follows a signature) but whose date of signature is not known, before the
  date of its consent: it may or may not have signed by then.
- signatory: signed on or before the date, not (yet) bound.
- none: no treaty action by that date; and nobody is anything under a treaty before it was
  adopted (``Treaty.in_existence_from``).
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


# Consents that follow a signature under the treaties' final clauses (accession and succession
# do not).
AFTER_SIGNATURE = ("ratification", "acceptance", "approval", "formal_confirmation")


def _raw_conditions(as_of, prefix):
    day, current = resolve(as_of)

    def q(**kwargs):
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    undated_consent = q(consent_on__isnull=True) & ~q(consent_kind="")
    signed_on_unknown_date = q(consent_kind__in=AFTER_SIGNATURE, signature_on__isnull=True) & q(
        consent_on__gt=day
    )
    in_existence = ~(
        q(treaty__adopted_on__gt=day)
        | q(treaty__adopted_on__isnull=True, treaty__opened_for_signature_on__gt=day)
    )
    if current:
        party = q(consent_on__lte=day) | undated_consent
        unknown = signed_on_unknown_date & in_existence
    else:
        party = q(consent_on__lte=day) | (
            undated_consent & (q(entry_into_force_on__lte=day) | q(consent_not_after__lte=day))
        )
        unknown = (
            (undated_consent & ~q(signature_on__gt=day)) | signed_on_unknown_date
        ) & in_existence
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


def _in_existence(treaty, day):
    first = treaty.in_existence_from
    return first is None or first <= day


def evaluate(ratification, as_of=None):
    return evaluate_on(ratification, *resolve(as_of))


def evaluate_on(ratification, day, current):
    """``evaluate`` for a date already resolved (``resolve``): for loops over many records at
    one date (the map's and the chart's years), which then resolve it once."""
    r = ratification
    if _on_or_before(r.withdrawal_effective_on, day):
        return WITHDRAWN
    undated_consent = r.consent_on is None and bool(r.consent_kind)
    if _on_or_before(r.consent_on, day):
        return PARTY
    if undated_consent:
        if (
            current
            or _on_or_before(r.entry_into_force_on, day)
            or _on_or_before(r.consent_not_after, day)
        ):
            return PARTY
        if not (r.signature_on and r.signature_on > day) and _in_existence(r.treaty, day):
            return UNKNOWN
    elif (
        r.consent_kind in AFTER_SIGNATURE
        and r.signature_on is None
        and r.consent_on is not None
        and _in_existence(r.treaty, day)
    ):
        return UNKNOWN
    if _on_or_before(r.signature_on, day):
        return SIGNATORY
    return NONE
