"""Each treaty's rule for its entry into force for a participant that consents later.

- UNTOC art. 38(2) and Protocol art. 17(2): the thirtieth day after deposit of the instrument,
  and not before the treaty itself enters into force (art. 38(1), art. 17(1)/(2)).
- CETS No. 197 art. 42(4) and 43(2): the first day of the month following the expiration of a
  period of three months after deposit, and not before the treaty itself enters into force.
- ACTIP: its final clauses are not in the data. Two sources give the rule for the Convention
  itself (the thirtieth day after the sixth deposit: 8 March 2017), so a participant that
  deposited before that day was bound from it; for a later deposit the rule is in no source
  found, and nothing is computed.
"""

import calendar
import datetime

from django.db import models


class EntryIntoForceRule(models.TextChoices):
    THIRTIETH_DAY = (
        "thirtieth_day",
        "Thirtieth day after deposit, not before the treaty's own entry into force",
    )
    FIRST_OF_MONTH_AFTER_THREE_MONTHS = (
        "first_of_month_after_three_months",
        "First day of the month after three months from deposit, not before the treaty's own "
        "entry into force",
    )
    FROM_TREATY_ENTRY_INTO_FORCE_ONLY = (
        "from_treaty_entry_into_force_only",
        "The treaty's own entry into force for a participant that deposited before it; the rule "
        "for later deposits is not available",
    )
    NOT_AVAILABLE = "not_available", "Rule not available in the data"


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_next_month(day):
    return add_months(day.replace(day=1), 1)


def compute_entry_into_force(rule, consent_on, treaty_in_force_on, consent_not_after=None):
    """Entry into force for one participant, or None where it does not follow from what is
    known. ``consent_not_after`` (a party whose date is unknown but known to have deposited by
    then) is enough only where the result does not depend on the exact date."""
    if rule == EntryIntoForceRule.FROM_TREATY_ENTRY_INTO_FORCE_ONLY:
        deposited_by = consent_on or consent_not_after
        if deposited_by is None or treaty_in_force_on is None:
            return None
        return treaty_in_force_on if deposited_by < treaty_in_force_on else None
    if consent_on is None or treaty_in_force_on is None:
        return None
    if rule == EntryIntoForceRule.THIRTIETH_DAY:
        for_participant = consent_on + datetime.timedelta(days=30)
    elif rule == EntryIntoForceRule.FIRST_OF_MONTH_AFTER_THREE_MONTHS:
        for_participant = first_of_next_month(add_months(consent_on, 3))
    else:
        return None
    return max(for_participant, treaty_in_force_on)
